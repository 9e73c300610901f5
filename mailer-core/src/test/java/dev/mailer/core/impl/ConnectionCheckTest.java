package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import dev.mailer.api.MailException;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.api.check.CheckReport;
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.CheckStep.Outcome;
import dev.mailer.api.oauth.AuthorizationRequest;
import dev.mailer.api.oauth.DeviceAuthorization;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.core.impl.TlsServerExtension.Mode;
import dev.mailer.testsupport.smtp.FixedTokenXoauth2;
import dev.mailer.testsupport.smtp.RefusingMechanism;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import jakarta.mail.internet.MimeMessage;

/**
 * The connection check ({@link DefaultMailService#run}) step by step: against GreenMail (plain
 * SMTP, no STARTTLS) and against {@link TestSmtpServer} (smtps and STARTTLS with the test PKI,
 * scripted replies), outside OSGi, loopback only.
 */
class ConnectionCheckTest {

    private static final String PASSWORD = TlsServerExtension.PASSWORD;
    private static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.test-access-token-4711";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @RegisterExtension
    static final TlsServerExtension TLS = new TlsServerExtension();

    private GreenMail greenMail;
    private TestSmtpServer smtp;

    @AfterEach
    void stopGreenMail() {
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    // ---- against GreenMail: plain SMTP --------------------------------------------------------

    @Test
    void everyStepPassesAgainstAPlainServerWithTlsAsWarningAndNothingIsSent() {
        DefaultMailService service = new DefaultMailService(plainConfig(startGreenMail()));

        CheckReport report = service.run(null);

        assertTrue(report.isPassed(), report.toString());
        assertEquals(List.of("configuration", "dns", "connect", "tls", "ehlo", "auth", "sender"), names(report), report.toString());
        assertEquals(Outcome.WARN, step(report, "tls").getOutcome());
        assertTrue(step(report, "tls").getSummary().startsWith("No TLS"), step(report, "tls").getSummary());
        assertTrue(step(report, "tls").getFix().contains("smtp.starttls=true"), step(report, "tls").getFix());
        for (String name : List.of("configuration", "dns", "connect", "ehlo", "auth", "sender")) {
            assertEquals(Outcome.PASS, step(report, name).getOutcome(), report.toString());
        }
        assertTrue(step(report, "configuration").getSummary().contains("password as workflow"), report.toString());
        assertTrue(step(report, "ehlo").getSummary().contains("AUTH"), step(report, "ehlo").getSummary());
        assertTrue(step(report, "auth").getSummary().startsWith("Logged in as smtp.user=workflow with the password"),
                step(report, "auth").getSummary());
        assertTrue(step(report, "sender").getSummary().startsWith("MAIL FROM:<workflow@example.com> accepted: 250"),
                step(report, "sender").getSummary());
        assertTrue(step(report, "sender").getDetails().stream().anyMatch(d -> d.contains("--send-to")), report.toString());
        assertEquals(0, greenMail.getReceivedMessages().length, "without sendTo nothing is sent");
        assertNoSecret(report, PASSWORD);
    }

    @Test
    void sendToDeliversExactlyOneTestMessageThroughTheSendingPath() throws Exception {
        DefaultMailService service = new DefaultMailService(plainConfig(startGreenMail()));

        CheckReport report = service.run("jane@example.com");

        assertTrue(report.isPassed(), report.toString());
        CheckStep send = step(report, "send");
        assertEquals(Outcome.PASS, send.getOutcome());
        assertTrue(send.getSummary().startsWith("A test message to jane@example.com was accepted: 250"), send.getSummary());
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertEquals(1, received.length);
        assertEquals("Mailer connection check", received[0].getSubject());
        assertEquals("jane@example.com", received[0].getAllRecipients()[0].toString());
        assertTrue(String.valueOf(received[0].getContent()).contains("127.0.0.1:" + greenMail.getSmtp().getPort()),
                String.valueOf(received[0].getContent()));
        assertTrue(send.getDetails().contains("Message-ID: " + received[0].getMessageID()), send.getDetails().toString());
    }

    @Test
    void invalidSendToAddressFailsTheSendStepNamingTheAddress() {
        DefaultMailService service = new DefaultMailService(plainConfig(startGreenMail()));

        CheckReport report = service.run("not an address");

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals("send", failure.getName());
        assertTrue(failure.getSummary().contains("'not an address' is not a valid recipient address"), failure.getSummary());
        assertEquals(0, greenMail.getReceivedMessages().length);
    }

    @Test
    void wrongPasswordFailsAuthWithTheServersReplyAndNeverShowsThePassword() {
        Map<String, Object> config = plainConfig(startGreenMail());
        config.put("smtp.password", "wrong-Pa55");
        DefaultMailService service = new DefaultMailService(config);

        CheckReport report = service.run("jane@example.com");

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals("auth", failure.getName(), report.toString());
        assertEquals("auth", last(report).getName(), "the check stops at the failure");
        assertTrue(failure.getSummary().contains("refused the login of smtp.user=workflow"), failure.getSummary());
        assertTrue(failure.getSummary().contains("535"), failure.getSummary());
        assertTrue(failure.getFix().contains("smtp.user"), failure.getFix());
        assertNoSecret(report, "wrong-Pa55");
        assertEquals(0, greenMail.getReceivedMessages().length);
    }

    @Test
    void serverWithoutStarttlsFailsTlsWhenTlsIsRequired() {
        Map<String, Object> config = plainConfig(startGreenMail());
        config.put("smtp.starttls", true);
        config.put("smtp.requiretls", true);
        DefaultMailService service = new DefaultMailService(config);

        CheckReport report = service.run(null);

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals(List.of("configuration", "dns", "connect", "tls"), names(report));
        assertEquals("tls", failure.getName());
        assertTrue(failure.getSummary().contains("does not offer STARTTLS"), failure.getSummary());
        assertTrue(failure.getFix().contains("smtp.ssl=true"), failure.getFix());
        assertTrue(failure.getFix().contains("Never set smtp.requiretls=false for a server on the internet"), failure.getFix());
        assertTrue(failure.getDetails().stream().anyMatch(d -> d.startsWith("AUTH")), failure.getDetails().toString());
    }

    @Test
    void serverWithoutStarttlsIsAWarningWhenTlsIsNotRequiredAndTheCheckGoesOn() {
        Map<String, Object> config = plainConfig(startGreenMail());
        config.put("smtp.starttls", true);
        config.put("smtp.requiretls", false);
        DefaultMailService service = new DefaultMailService(config);

        CheckReport report = service.run(null);

        assertTrue(report.isPassed(), report.toString());
        CheckStep tls = step(report, "tls");
        assertEquals(Outcome.WARN, tls.getOutcome());
        assertTrue(tls.getSummary().contains("does not offer STARTTLS"), tls.getSummary());
        assertTrue(tls.getFix().contains("smtp.requiretls=true"), tls.getFix());
        assertEquals(Outcome.PASS, step(report, "sender").getOutcome());
    }

    @Test
    void smtpsAgainstAPlainServerFailsTlsNamingSmtpSsl() {
        Map<String, Object> config = plainConfig(startGreenMail());
        config.put("smtp.ssl", true);
        config.put("smtp.timeout.read", 5_000);
        DefaultMailService service = new DefaultMailService(config);

        CheckReport report = service.run(null);

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals("tls", failure.getName(), report.toString());
        assertTrue(failure.getSummary().contains("does not speak TLS from the first byte"), failure.getSummary());
        assertTrue(failure.getFix().contains("smtp.ssl=false"), failure.getFix());
    }

    @Test
    void unresolvableHostFailsDns() {
        Map<String, Object> config = plainConfig(2525);
        config.put("smtp.host", "mailer-check.invalid");
        DefaultMailService service = new DefaultMailService(config);

        CheckReport report = service.run(null);

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals(List.of("configuration", "dns"), names(report));
        assertTrue(failure.getSummary().contains("mailer-check.invalid cannot be resolved"), failure.getSummary());
        assertTrue(failure.getFix().contains("smtp.host"), failure.getFix());
    }

    @Test
    void port465WithoutSslIsAConfigurationWarningWithTheAdviceSendingGives() throws Exception {
        Map<String, Object> config = plainConfig(465);
        config.put("smtp.host", "mailer-check.invalid");
        DefaultMailService service = new DefaultMailService(config);

        CheckReport report = service.run(null);

        CheckStep configuration = step(report, "configuration");
        assertEquals(Outcome.WARN, configuration.getOutcome(), report.toString());
        assertEquals("smtp.port is 465 but smtp.ssl is false, and port 465 expects TLS from the first byte: for port 465 set"
                + " smtp.ssl=true and smtp.starttls=false, or use port 587 with smtp.starttls=true.", configuration.getFix());
        MailException timeout = SmtpFailures.fromNetwork(new SocketTimeoutException("Read timed out"), SmtpSettings.from(config));
        assertEquals(configuration.getFix(), timeout.getDiagnosis().orElseThrow(), "a send that times out there says the same");
    }

    @Test
    void closedPortFailsConnectWithThePortAndFirewallFix() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        DefaultMailService service = new DefaultMailService(plainConfig(closedPort));

        CheckReport report = service.run(null);

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals(List.of("configuration", "dns", "connect"), names(report));
        assertTrue(failure.getSummary().startsWith("Cannot connect to 127.0.0.1:" + closedPort), failure.getSummary());
        assertTrue(failure.getFix().contains("smtp.port"), failure.getFix());
        assertTrue(failure.getFix().contains("firewall"), failure.getFix());
    }

    @Test
    void invalidConfigurationFailsTheFirstStepNamingEachProperty() {
        Map<String, Object> config = plainConfig(2525);
        config.put("smtp.port", 70000);
        config.put("from.address", "$[env:MAILER_TEST_UNSET_FROM]");
        DefaultMailService service = new DefaultMailService(config);

        CheckReport report = service.run("jane@example.com");

        assertEquals(List.of("configuration"), names(report));
        CheckStep failure = report.getFailure().orElseThrow();
        assertTrue(failure.getSummary().contains("smtp.port: 70000 is out of range 1..65535"), failure.getSummary());
        assertTrue(failure.getSummary().contains("from.address: the placeholder $[env:MAILER_TEST_UNSET_FROM] is not resolved"),
                failure.getSummary());
        assertTrue(failure.getFix().startsWith("Fix smtp.port"), failure.getFix());
        assertNoSecret(report, PASSWORD);
    }

    @Test
    void missingTokenProviderFailsTokenAfterTheBoundedWaitWithTheSendingText() {
        DefaultMailService service = new DefaultMailService(oauthConfig(startGreenMail()));
        service.oauthProviderWaitMs = 200;

        CheckReport report = service.run(null);

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals("token", failure.getName(), report.toString());
        assertTrue(failure.getSummary().contains("no OAuthConfigurationProvider service appeared within 200 ms"), failure.getSummary());
        assertTrue(failure.getFix().startsWith("Install the mailer-oauth bundle"), failure.getFix());
    }

    @Test
    void failingTokenProviderFailsTokenWithItsMessageAndDiagnosis() {
        DefaultMailService service = new DefaultMailService(oauthConfig(startGreenMail()));
        FakeTokenProvider provider = new FakeTokenProvider(null);
        provider.failure = MailException.permanentFailure("No OAuth2 access token: the token endpoint answered 401 invalid_client"
                + " (AADSTS7000215: Invalid client secret provided); nothing was sent.")
                .setting("clientSecret")
                .diagnosis("The token endpoint does not accept this client: check clientId and the secret behind clientSecret.")
                .build();
        service.bindOAuthProvider(provider, Map.of());
        service.bindTokenManager(new FakeTokenManager(TokenStatus.builder().grantType("client_credentials").clientId("app-1")
                .tokenUrl("https://login.example.com/token").build()), Map.of());

        CheckReport report = service.run("jane@example.com");

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals(List.of("configuration", "dns", "connect", "tls", "ehlo", "token"), names(report));
        assertTrue(failure.getSummary().contains("invalid_client"), failure.getSummary());
        assertTrue(failure.getSummary().contains("AADSTS7000215"), failure.getSummary());
        assertEquals("The token endpoint does not accept this client: check clientId and the secret behind clientSecret.",
                failure.getFix());
        assertTrue(failure.getDetails().contains("grant type: client_credentials"), failure.getDetails().toString());
        assertEquals(0, greenMail.getReceivedMessages().length);
    }

    @Test
    void checkRunsConcurrentlyEachOnItsOwnConnections() throws Exception {
        DefaultMailService service = new DefaultMailService(plainConfig(startGreenMail()));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<CheckReport>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                runs.add(pool.submit(() -> service.run(null)));
            }
            for (Future<CheckReport> run : runs) {
                CheckReport report = run.get(60, TimeUnit.SECONDS);
                assertTrue(report.isPassed(), report.toString());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void debugTraceOfTheCheckShowsTheDialogueButNoCredential() {
        Map<String, Object> config = plainConfig(startGreenMail());
        config.put("debug.email", true);
        DefaultMailService service = new DefaultMailService(config);
        PrintStream previous = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        CheckReport report;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            report = service.run(null);
        } finally {
            System.setErr(previous);
        }

        assertTrue(report.isPassed(), report.toString());
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains(" check] EHLO "), "the probe's dialogue is logged: " + log);
        assertTrue(log.contains("MAIL FROM:<workflow@example.com>"), "Angus's dialogue is logged: " + log);
        assertFalse(log.contains(PASSWORD), log);
        assertFalse(log.contains(Base64.getEncoder().encodeToString(("\0workflow\0" + PASSWORD).getBytes(StandardCharsets.UTF_8))), log);
    }

    // ---- against TestSmtpServer: TLS, replies GreenMail cannot give ---------------------------

    @ParameterizedTest
    @EnumSource(Mode.class)
    void trustedCertificatePassesTlsAndListsTheChainProtocolAndCipher(Mode mode) throws Exception {
        smtp = TLS.start(mode, TLS.pki().trustedServerContext());
        DefaultMailService service = new DefaultMailService(TLS.config(mode, TLS.pki().truststore()));

        CheckReport report = service.run(null);

        assertTrue(report.isPassed(), report.toString());
        assertEquals(List.of("configuration", "dns", "connect", "tls", "ehlo", "auth", "sender"), names(report));
        CheckStep tls = step(report, "tls");
        assertEquals(Outcome.PASS, tls.getOutcome());
        assertTrue(tls.getSummary().startsWith("TLSv1."), tls.getSummary());
        assertTrue(tls.getSummary().contains(mode == Mode.SMTPS ? "from the first byte" : "after STARTTLS"), tls.getSummary());
        assertTrue(tls.getDetails().get(0).startsWith("certificate 1: subject CN=localhost,O=dev.mailer; issuer CN=Mailer Test CA,O=dev.mailer;"
                + " not after 20"), tls.getDetails().toString());
        assertTrue(tls.getDetails().get(1).startsWith("certificate 2: subject CN=Mailer Test CA,O=dev.mailer"), tls.getDetails().toString());
        assertTrue(tls.getDetails().contains("trusted by: smtp.truststore.path=" + TLS.pki().truststore() + " (PKCS12)"),
                tls.getDetails().toString());
        assertTrue(step(report, "ehlo").getSummary().contains("over TLS; AUTH PLAIN"), step(report, "ehlo").getSummary());
        assertTrue(step(report, "ehlo").getDetails().contains("SIZE 10485760"), step(report, "ehlo").getDetails().toString());
        assertTrue(step(report, "auth").getSummary().endsWith("(AUTH PLAIN)"), step(report, "auth").getSummary());
        assertEquals(0, smtp.count("MESSAGE"), smtp.events().toString());
        assertNoSecret(report, PASSWORD);
        assertNoSecret(report, TLS.pki().truststorePassword());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void untrustedCertificateFailsTlsWithTheTruststoreFixAndListsThePresentedChain(Mode mode) throws Exception {
        smtp = TLS.start(mode, TLS.pki().untrustedServerContext());
        DefaultMailService service = new DefaultMailService(TLS.config(mode, TLS.pki().truststore()));

        CheckReport report = service.run("jane@example.com");

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals(List.of("configuration", "dns", "connect", "tls"), names(report));
        assertEquals("The TLS certificate of localhost:" + smtp.port() + " is not trusted (PKIX path building failed).",
                failure.getSummary());
        assertTrue(failure.getFix().startsWith("If the server uses a private or self-signed CA, put that CA certificate into a"
                + " truststore file and set smtp.truststore.path"), failure.getFix());
        assertTrue(failure.getDetails().get(0).startsWith("certificate 1: subject CN=localhost,O=untrusted; issuer"
                + " CN=localhost,O=untrusted"), failure.getDetails().toString());
        assertTrue(failure.getDetails().contains("the server presents a single self-signed certificate: trust that certificate"
                + " itself"), failure.getDetails().toString());
        smtp.awaitEvent("DISCONNECT", DEADLINE);
        assertEquals(0, smtp.count("AUTH"), smtp.events().toString());
        assertEquals(0, smtp.count("MAIL"), smtp.events().toString());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void certificateForAnotherHostFailsTlsNamingSmtpHost(Mode mode) throws Exception {
        smtp = TLS.start(mode, TLS.pki().otherHostServerContext());
        DefaultMailService service = new DefaultMailService(TLS.config(mode, TLS.pki().truststore()));

        CheckReport report = service.run(null);

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals("tls", failure.getName(), report.toString());
        assertTrue(failure.getSummary().contains("does not match the host name localhost"), failure.getSummary());
        assertFalse(failure.getSummary().contains("PKIX"), failure.getSummary());
        assertTrue(failure.getFix().startsWith("Set smtp.host to a name the certificate is issued for"), failure.getFix());
        assertTrue(failure.getDetails().get(0).contains("O=other host"), failure.getDetails().toString());
    }

    @Test
    void refusedSenderFailsSenderWithTheSendAsDiagnosisNamingFromAddress() throws Exception {
        smtp = TLS.start(Mode.STARTTLS, TLS.pki().trustedServerContext(), server -> server
                .refuseSender("workflow@example.com", "550 5.7.60 SMTP; Client does not have permissions to send as this sender"));
        DefaultMailService service = new DefaultMailService(TLS.config(Mode.STARTTLS, TLS.pki().truststore()));

        CheckReport report = service.run("jane@example.com");

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals(List.of("configuration", "dns", "connect", "tls", "ehlo", "auth", "sender"), names(report));
        assertEquals(Outcome.PASS, step(report, "auth").getOutcome());
        assertEquals("The server localhost:" + smtp.port() + " refused from.address=workflow@example.com as sender (MAIL FROM)."
                + " Server replied: 550 5.7.60 SMTP; Client does not have permissions to send as this sender", failure.getSummary());
        assertTrue(failure.getFix().startsWith("The login is not allowed to send as from.address=workflow@example.com (Send-As)."),
                failure.getFix());
        assertEquals(0, smtp.count("MESSAGE"), smtp.events().toString());
    }

    @Test
    void invalidSenderFailsSenderWithTheInvalidSenderDiagnosis() throws Exception {
        smtp = TLS.start(Mode.STARTTLS, TLS.pki().trustedServerContext(),
                server -> server.refuseSender("workflow@example.com", "501 5.1.7 Invalid address"));
        DefaultMailService service = new DefaultMailService(TLS.config(Mode.STARTTLS, TLS.pki().truststore()));

        CheckReport report = service.run(null);

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals("sender", failure.getName());
        assertTrue(failure.getFix().contains("The sender address is invalid for this server. Check from.address"), failure.getFix());
    }

    @Test
    void oauthServerWithoutXoauth2FailsEhloBeforeAnyTokenIsRequested() throws Exception {
        smtp = TLS.start(Mode.STARTTLS, TLS.pki().trustedServerContext(), server -> server.onlyMechanisms("PLAIN", "LOGIN"));
        DefaultMailService service = new DefaultMailService(oauthTlsConfig());
        FakeTokenProvider provider = new FakeTokenProvider(TOKEN);
        service.bindOAuthProvider(provider, Map.of());

        CheckReport report = service.run(null);

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals("ehlo", failure.getName(), report.toString());
        assertEquals("The server localhost:" + smtp.port() + " does not offer AUTH XOAUTH2 (it offers PLAIN LOGIN).",
                failure.getSummary());
        assertTrue(failure.getFix().contains("smtp.office365.com:587"), failure.getFix());
        assertTrue(failure.getFix().contains("SMTP AUTH"), failure.getFix());
        assertTrue(failure.getDetails().contains("AUTH PLAIN LOGIN"), failure.getDetails().toString());
        assertEquals(0, provider.requests.get());
    }

    @Test
    void passwordWithoutPlainOrLoginOfferedFailsEhlo() throws Exception {
        smtp = TLS.start(Mode.STARTTLS, TLS.pki().trustedServerContext(),
                server -> server.mechanism(new FixedTokenXoauth2()).onlyMechanisms("XOAUTH2"));
        DefaultMailService service = new DefaultMailService(TLS.config(Mode.STARTTLS, TLS.pki().truststore()));

        CheckReport report = service.run(null);

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals("ehlo", failure.getName(), report.toString());
        assertTrue(failure.getSummary().contains("offers no password login this client uses (AUTH PLAIN or LOGIN); it offers"
                + " XOAUTH2"), failure.getSummary());
        assertTrue(failure.getFix().contains("set oauth.flow=true"), failure.getFix());
    }

    @Test
    void oauthPassesOverStarttlsWithTokenDetailsButNeverTheToken() throws Exception {
        smtp = TLS.start(Mode.STARTTLS, TLS.pki().trustedServerContext(), server -> server.credentials("workflow@example.com", TOKEN)
                .mechanism(new FixedTokenXoauth2()).onlyMechanisms("LOGIN", "XOAUTH2"));
        DefaultMailService service = new DefaultMailService(oauthTlsConfig());
        service.bindOAuthProvider(new FakeTokenProvider(TOKEN), Map.of());
        Instant expiry = Instant.now().plusSeconds(3600);
        service.bindTokenManager(new FakeTokenManager(TokenStatus.builder().grantType("refresh_token").clientId("app-1")
                .grantedScopes("https://outlook.office.com/SMTP.Send").expiresAt(expiry)
                .refreshTokenSource(TokenStatus.RefreshTokenSource.ROTATED).build()), Map.of());

        CheckReport report = service.run("jane@example.com");

        assertTrue(report.isPassed(), report.toString());
        assertEquals(List.of("configuration", "dns", "connect", "tls", "ehlo", "token", "auth", "sender", "send"), names(report));
        CheckStep token = step(report, "token");
        assertTrue(token.getSummary().startsWith("Access token obtained for smtp.user=workflow@example.com (grant refresh_token,"
                + " expires 20"), token.getSummary());
        assertTrue(token.getSummary().endsWith("scopes https://outlook.office.com/SMTP.Send)"), token.getSummary());
        assertTrue(token.getDetails().contains("granted scopes: https://outlook.office.com/SMTP.Send"), token.getDetails().toString());
        assertTrue(token.getDetails().contains("refresh token: " + TokenStatus.RefreshTokenSource.ROTATED.getDescription()), token.getDetails().toString());
        assertTrue(step(report, "auth").getSummary().endsWith("with an OAuth2 access token (AUTH XOAUTH2)"),
                step(report, "auth").getSummary());
        smtp.awaitEvent("MESSAGE", DEADLINE);
        assertNoSecret(report, TOKEN);
    }

    @Test
    void aFailedKeepAliveWarnsInTheTokenStepWithTheProvidersErrorWhileTheCachedTokenStillWorks() throws Exception {
        smtp = TLS.start(Mode.STARTTLS, TLS.pki().trustedServerContext(), server -> server.credentials("workflow@example.com", TOKEN)
                .mechanism(new FixedTokenXoauth2()).onlyMechanisms("LOGIN", "XOAUTH2"));
        DefaultMailService service = new DefaultMailService(oauthTlsConfig());
        service.bindOAuthProvider(new FakeTokenProvider(TOKEN), Map.of());
        Instant failedAt = Instant.now();
        String error = "Keep-alive failed: ... invalid_grant (AADSTS700082: The refresh token has expired due to inactivity.)";
        service.bindTokenManager(new FakeTokenManager(TokenStatus.builder().grantType("refresh_token").clientId("app-1")
                .expiresAt(failedAt.plusSeconds(600)).refreshTokenSource(TokenStatus.RefreshTokenSource.ROTATED)
                .keepAlive(java.time.Duration.ofDays(7)).keepAliveDue(failedAt.plusSeconds(3600)).lastError(error, failedAt).build()), Map.of());

        CheckReport report = service.run(null);

        CheckStep token = step(report, "token");
        assertEquals(Outcome.WARN, token.getOutcome(), report.toString());
        assertTrue(token.getSummary().contains("but the last token request failed at "), token.getSummary());
        assertTrue(token.getSummary().endsWith(error), token.getSummary());
        assertTrue(token.getDetails().stream().anyMatch(d -> d.startsWith("keep-alive: when no token was obtained for PT168H, next due ")),
                token.getDetails().toString());
        assertNoSecret(report, TOKEN);
    }

    @Test
    void tokenTheServerRefusesFailsAuthWithTheSmtpAuthDiagnosisAfterOneFreshTry() throws Exception {
        smtp = TLS.start(Mode.STARTTLS, TLS.pki().trustedServerContext(), server -> server.authenticateOnlyWith(new RefusingMechanism(
                "XOAUTH2", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.")));
        DefaultMailService service = new DefaultMailService(oauthTlsConfig());
        FakeTokenProvider provider = new FakeTokenProvider(TOKEN);
        service.bindOAuthProvider(provider, Map.of());

        CheckReport report = service.run("jane@example.com");

        CheckStep failure = report.getFailure().orElseThrow();
        assertEquals(List.of("configuration", "dns", "connect", "tls", "ehlo", "token", "auth"), names(report));
        assertEquals(Outcome.PASS, step(report, "token").getOutcome());
        assertTrue(step(report, "token").getDetails().get(0).startsWith("no OAuthTokenManager service"),
                step(report, "token").getDetails().toString());
        assertTrue(failure.getSummary().contains("refused the OAuth2 access token for smtp.user=workflow@example.com"),
                failure.getSummary());
        assertTrue(failure.getSummary().contains("535 5.7.139"), failure.getSummary());
        assertTrue(failure.getFix().startsWith("Office 365: SMTP AUTH is disabled for this mailbox or tenant"), failure.getFix());
        assertEquals(2, provider.invalidations.get(), "the refused token is dropped, and the fresh one too");
        assertEquals(2, smtp.count("AUTH"), smtp.events().toString());
        assertNoSecret(report, TOKEN);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private int startGreenMail() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("workflow@example.com", "workflow", PASSWORD));
        greenMail.start();
        return greenMail.getSmtp().getPort();
    }

    private static Map<String, Object> plainConfig(int port) {
        Map<String, Object> config = new HashMap<>();
        config.put("smtp.host", "127.0.0.1");
        config.put("smtp.port", port);
        config.put("smtp.user", "workflow");
        config.put("smtp.password", PASSWORD);
        config.put("from.address", "Workflow <workflow@example.com>");
        config.put("smtp.starttls", false);
        config.put("smtp.requiretls", false);
        config.put("smtp.timeout.connect", 10_000);
        config.put("smtp.timeout.read", 10_000);
        return config;
    }

    private static Map<String, Object> oauthConfig(int port) {
        Map<String, Object> config = plainConfig(port);
        config.remove("smtp.password");
        config.put("oauth.flow", true);
        return config;
    }

    private static Map<String, Object> oauthTlsConfig() throws IOException {
        Map<String, Object> config = TLS.config(Mode.STARTTLS, TLS.pki().truststore());
        config.remove("smtp.password");
        config.put("smtp.user", "workflow@example.com");
        config.put("oauth.flow", true);
        return config;
    }

    private static List<String> names(CheckReport report) {
        return report.getSteps().stream().map(CheckStep::getName).collect(Collectors.toList());
    }

    private static CheckStep step(CheckReport report, String name) {
        return report.getSteps().stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + name + " in " + report));
    }

    private static CheckStep last(CheckReport report) {
        return report.getSteps().get(report.getSteps().size() - 1);
    }

    private static void assertNoSecret(CheckReport report, String secret) {
        for (CheckStep step : report.getSteps()) {
            String text = step.getSummary() + " " + step.getDetails() + " " + step.getFix();
            assertFalse(text.contains(secret), "step " + step.getName() + " shows a secret: " + text);
        }
    }

    /** A token source that hands out {@code token} or throws {@code failure}, and counts. */
    private static final class FakeTokenProvider implements OAuthConfigurationProvider {
        private final String token;
        volatile MailException failure;
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger invalidations = new AtomicInteger();

        FakeTokenProvider(String token) {
            this.token = token;
        }

        @Override
        public String getAccessToken() throws MailException {
            requests.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            return token;
        }

        @Override
        public void invalidateAccessToken(String rejectedToken) {
            invalidations.incrementAndGet();
        }
    }

    /** Answers getStatus() only. */
    private static final class FakeTokenManager implements OAuthTokenManager {
        private final TokenStatus status;

        FakeTokenManager(TokenStatus status) {
            this.status = status;
        }

        @Override
        public TokenStatus getStatus() {
            return status;
        }

        @Override
        public AuthorizationRequest beginAuthorization(String redirectUri) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TokenStatus completeAuthorization(Map<String, String> callbackParameters) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DeviceAuthorization beginDeviceAuthorization() {
            throw new UnsupportedOperationException();
        }

        @Override
        public TokenStatus completeDeviceAuthorization(DeviceAuthorization authorization) {
            throw new UnsupportedOperationException();
        }
    }
}
