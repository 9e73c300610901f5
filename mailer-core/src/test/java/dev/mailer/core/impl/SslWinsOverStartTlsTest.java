package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.mailer.api.Email;
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.CheckStep.Outcome;
import dev.mailer.core.impl.TlsServerExtension.Mode;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * A Day CQ Mail Service configuration with smtp.ssl=true and smtp.starttls=true carries over: as AEM
 * documents, smtp.ssl wins (TLS from the first byte), with a warning instead of a refusal.
 */
class SslWinsOverStartTlsTest {

    @RegisterExtension
    static final TlsServerExtension TLS = new TlsServerExtension();

    @Test
    void mailIsDeliveredOverImplicitTlsAndTheCheckWarns() throws Exception {
        TestSmtpServer server = TLS.start(Mode.SMTPS, TLS.pki().trustedServerContext());
        Map<String, Object> config = TLS.config(Mode.SMTPS, TLS.pki().truststore());
        config.put("smtp.starttls", true);
        DefaultMailService mail = new DefaultMailService(config);

        String reply = mail.send(Email.builder().to("jane@example.com").subject("ssl wins").text("hello").build()).getServerReply();

        assertTrue(reply.startsWith("250"), reply);
        server.awaitEvent("MESSAGE", Duration.ofSeconds(20));
        CheckStep configuration = mail.run(null).getSteps().get(0);
        assertEquals("configuration", configuration.getName());
        assertEquals(Outcome.WARN, configuration.getOutcome());
        assertTrue(configuration.getFix().startsWith("smtp.ssl and smtp.starttls are both true: smtp.ssl=true wins"),
                configuration.getFix());
    }
}
