package dev.mailer.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.mailer.api.MailService;
import dev.mailer.api.QueuedMail;
import dev.mailer.api.SendResult;
import dev.mailer.it.oauth.TokenRelay.Exchange;
import dev.mailer.testsupport.smtp.TestSmtpServer.ReceivedMessage;

/**
 * The outbox with XOAUTH2 through the real office365-app profile: while the token endpoint answers
 * 503 and then 429, the queued message waits; once it answers, the message is delivered, once.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OutboxOAuthIT extends OAuthTestSupport {

    @Test
    public void aTokenEndpointAnswering503Then429MakesTheQueuedMessageWaitThenItIsDelivered() throws Exception {
        tokenEndpoint.answerNext(1, 503, "{\"error\":\"temporarily_unavailable\",\"error_description\":\"AADSTS90033: A transient error has occurred.\"}")
                .answerNext(1, 429, "{\"error\":\"too_many_requests\"}");
        MailService mail = installProfile(OFFICE365_APP);

        QueuedMail queued = mail.enqueue(simpleMail("queued while the token endpoint is down", "jane@example.com"));
        SendResult result = queued.completion().toCompletableFuture().get(deadline().toSeconds(), TimeUnit.SECONDS);

        List<ReceivedMessage> received = smtp.awaitMessages(1, deadline());
        assertEquals(1, received.size());
        assertEquals(queued.messageId(), result.getMessageId());
        assertTrue("delivered with the Message-ID it was queued with",
                new String(received.get(0).data(), "UTF-8").contains("Message-ID: " + queued.messageId()));
        List<Integer> statuses = tokenEndpoint.exchanges().stream().map(Exchange::status).collect(Collectors.toList());
        assertEquals("the token endpoint's answers, in order", List.of(503, 429, 200), statuses);
        assertEquals("logged in with the token of the third answer", USER, received.get(0).authenticatedUser());
    }
}
