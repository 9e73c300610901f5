package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mailer.commons.config.ServiceName;

/** A message as the properties of a Sling job, and back. */
class MailJobTest {

    private static final byte[] MIME = "Message-ID: <1@example.com>\r\nSubject: Hi\r\n\r\nHello\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Instant ENQUEUED = Instant.parse("2026-01-02T03:04:05.678Z");

    private final MailJob mail = new MailJob(MIME, "<1@example.com>", "workflow@example.com",
            List.of("a@example.com", "b@example.com"), ENQUEUED);

    @Test
    void theUnnamedServiceHasTheBaseTopicAndANamedOneASubTopicWithoutDots() {
        assertEquals("dev/mailer/send", MailJob.topic(ServiceName.of(Map.of())));
        assertEquals("dev/mailer/send/bulk", MailJob.topic(ServiceName.of(Map.of("mail.service.name", "bulk"))));
        assertEquals("dev/mailer/send/eu_bulk", MailJob.topic(ServiceName.of(Map.of("mail.service.name", "eu.bulk"))));
    }

    @Test
    void everyPropertyIsSerializableAndTheBytesAreNotAByteArraySlingWouldStoreAsNumbers() {
        for (Object value : mail.toProperties().values()) {
            assertInstanceOf(Serializable.class, value);
        }
        assertFalse(mail.toProperties().get(MailJob.MIME) instanceof byte[]);
    }

    @Test
    void thePropertiesReadBackAsTheSameMessageAfterJavaSerialization() throws Exception {
        Map<String, Object> stored = new HashMap<>();
        for (Map.Entry<String, Object> property : mail.toProperties().entrySet()) {
            stored.put(property.getKey(), serializedAndBack(property.getValue())); // as the JCR resource provider does for the bytes
        }

        MailJob back = MailJob.fromProperties(stored::get);

        assertArrayEquals(MIME, back.sealedMime);
        assertEquals("<1@example.com>", back.messageId);
        assertEquals("workflow@example.com", back.envelopeFrom);
        assertEquals(List.of("a@example.com", "b@example.com"), back.recipients);
        assertEquals(ENQUEUED, back.enqueuedAt);
    }

    @Test
    void aSingleRecipientReadBackAsAPlainStringIsStillARecipient() {
        Map<String, Object> properties = new MailJob(MIME, "<1@example.com>", "workflow@example.com", List.of("a@example.com"),
                ENQUEUED).toProperties();
        properties.put(MailJob.RECIPIENTS, "a@example.com");

        assertEquals(List.of("a@example.com"), MailJob.fromProperties(properties::get).recipients);
    }

    @Test
    void aJobWithoutTheMessageNamesTheMissingProperty() {
        Map<String, Object> properties = mail.toProperties();
        properties.remove(MailJob.MIME);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MailJob.fromProperties(properties::get));

        assertTrue(e.getMessage().contains(MailJob.MIME + " is missing"), e.getMessage());
    }

    private static Object serializedAndBack(Object value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
