package dev.mailer.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class MailExceptionTest {

    @Test
    void messageCombinesSummaryReplyAndDiagnosis() {
        MailException e = MailException.permanentFailure("Login refused by smtp.example.com:465.")
                .replyCode(535).enhancedStatus("5.7.8").serverReply("535 5.7.8 Authentication failed\r\n")
                .diagnosis("Check smtp.user and smtp.password.").setting("smtp.password").build();
        assertEquals("Login refused by smtp.example.com:465. Server replied: 535 5.7.8 Authentication failed Check smtp.user and smtp.password.",
                e.getMessage());
        assertFalse(e.isTransient());
        assertEquals(535, e.getReplyCode());
        assertEquals("5.7.8", e.getEnhancedStatus().orElseThrow());
        assertEquals("smtp.password", e.getSetting().orElseThrow());
    }

    @Test
    void summaryIsTheMessageWithoutTheDiagnosisAndKeepsTheServersReply() {
        MailException e = MailException.permanentFailure("Login refused by smtp.example.com:465.")
                .serverReply("535 5.7.8 Authentication failed\r\n").diagnosis("Check smtp.user and smtp.password.").build();

        assertEquals("Login refused by smtp.example.com:465. Server replied: 535 5.7.8 Authentication failed", e.getSummary());
        assertEquals(e.getSummary() + " " + e.getDiagnosis().orElseThrow(), e.getMessage());
    }

    @Test
    void summaryWithoutReplyOrDiagnosisIsTheMessage() {
        MailException e = MailException.transientFailure("  The token endpoint is down. ").build();

        assertEquals("The token endpoint is down.", e.getSummary());
        assertEquals(e.getSummary(), e.getMessage());
    }
}
