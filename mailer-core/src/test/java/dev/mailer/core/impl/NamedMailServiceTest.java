package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.testsupport.smtp.FixedTokenXoauth2;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/** A mail service of a factory configuration ({@code ...DefaultMailService~bulk}) among others, against a real SMTP server. */
class NamedMailServiceTest {

    private static Map<String, Object> bulkConfig(int port) {
        Map<String, Object> config = new HashMap<>(OutboxTestSupport.config(port));
        config.remove("smtp.password");
        config.put("oauth.flow", true);
        config.put("service.pid", DefaultMailService.PID + "~bulk");
        return config;
    }

    private static OAuthConfigurationProvider token(String token) {
        return new OAuthConfigurationProvider() {
            @Override
            public String getAccessToken() {
                return token;
            }

            @Override
            public void invalidateAccessToken(String rejectedToken) {
            }
        };
    }

    @Test
    void theFactoryConfigurationsServiceLogsInWithTheTokenProviderOfItsName() throws Exception {
        try (TestSmtpServer smtp = TestSmtpServer.builder().withoutTls().credentials("workflow", "token-of-bulk")
                .mechanism(new FixedTokenXoauth2()).onlyMechanisms("XOAUTH2").start()) {
            DefaultMailService service = new DefaultMailService(bulkConfig(smtp.port()));
            service.bindOAuthProvider(token("token-of-the-default-service"), Map.of());
            service.bindOAuthProvider(token("token-of-bulk"), Map.of("mail.service.name", "bulk"));
            service.bindOAuthProvider(token("token-of-alerts"), Map.of("mail.service.name", "alerts"));

            service.send(Email.builder().to("jane@example.com").subject("bulk").text("t").build());

            assertEquals("workflow", smtp.messages().get(0).authenticatedUser(), "logged in with bulk's own token");
            service.deactivate();
        }
    }

    @Test
    void withoutAProviderOfItsNameASendFailsNamingTheFactoryConfigurationToAdd() {
        DefaultMailService service = new DefaultMailService(bulkConfig(25));
        service.oauthProviderWaitMs = 200;
        service.bindOAuthProvider(token("token-of-the-default-service"), Map.of());

        MailException e = assertThrows(MailException.class, () -> service.send(Email.builder().to("j@example.com").text("t").build()));

        assertTrue(e.getMessage().startsWith("oauth.flow=true, but no OAuthConfigurationProvider service appeared within 200 ms"
                + " with mail.service.name=bulk; nothing was sent."), e.getMessage());
        assertTrue(e.getMessage().contains("configure the factory configuration dev.mailer.oauth.impl.OAuthConfigurationProviderImpl~bulk"),
                e.getMessage());
    }

    @Test
    void aServiceWithAnOAuthProviderTargetLogsInWithTheTokenOfTheProviderItMatchesWhateverThatOnesName() throws Exception {
        try (TestSmtpServer smtp = TestSmtpServer.builder().withoutTls().credentials("workflow", "token-of-shared")
                .mechanism(new FixedTokenXoauth2()).onlyMechanisms("XOAUTH2").start()) {
            Map<String, Object> config = bulkConfig(smtp.port());
            config.put("OAuthProvider.target", "(mail.service.name=shared)");
            DefaultMailService service = new DefaultMailService(config);
            service.bindOAuthProvider(token("token-of-bulk"), Map.of("mail.service.name", "bulk"));
            service.bindOAuthProvider(token("token-of-shared, ranked lower"), Map.of("mail.service.name", "shared",
                    "service.ranking", -1, "service.id", 3L));
            service.bindOAuthProvider(token("token-of-shared"), Map.of("mail.service.name", "shared", "service.id", 4L));

            service.send(Email.builder().to("jane@example.com").subject("bulk").text("t").build());

            assertEquals("workflow", smtp.messages().get(0).authenticatedUser(), "logged in with shared's token, not bulk's");
            service.deactivate();
        }
    }

    @Test
    void withoutAProviderMatchingTheTargetASendFailsNamingTheFilter() {
        Map<String, Object> config = bulkConfig(25);
        config.put("OAuthProvider.target", "(mail.service.name=shared)");
        DefaultMailService service = new DefaultMailService(config);
        service.oauthProviderWaitMs = 200;
        service.bindOAuthProvider(token("token-of-bulk"), Map.of("mail.service.name", "bulk"));

        MailException e = assertThrows(MailException.class, () -> service.send(Email.builder().to("j@example.com").text("t").build()));

        assertTrue(e.getMessage().startsWith("oauth.flow=true, but no OAuthConfigurationProvider service appeared within 200 ms"
                + " matching OAuthProvider.target=(mail.service.name=shared); nothing was sent."), e.getMessage());
    }

    @Test
    void anOAuthProviderTargetThatIsNoFilterIsAConfigurationProblemNamingTheProperty() {
        Map<String, Object> config = bulkConfig(25);
        config.put("OAuthProvider.target", "mail.service.name=shared");
        DefaultMailService service = new DefaultMailService(config);

        MailException e = assertThrows(MailException.class, () -> service.send(Email.builder().to("j@example.com").text("t").build()));

        assertTrue(e.getMessage().contains("OAuthProvider.target: 'mail.service.name=shared' is not an LDAP filter"), e.getMessage());
    }

    @Test
    void aNameThatCannotNameAFileIsAConfigurationProblemNamingTheProperty() {
        Map<String, Object> config = new HashMap<>(OutboxTestSupport.config(25));
        config.put("mail.service.name", "bulk/../../etc");
        DefaultMailService service = new DefaultMailService(config);

        MailException e = assertThrows(MailException.class, () -> service.send(Email.builder().to("j@example.com").text("t").build()));

        assertTrue(e.getMessage().contains("mail.service.name: \"bulk/../../etc\" is not a service name"), e.getMessage());
    }
}
