package dev.mailer.core.impl;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import dev.mailer.commons.config.ServiceName;

/**
 * A message of the outbox as the properties of a Sling job ({@link SlingJobsOutbox}): the MIME bytes
 * (sealed with the service's cipher when it has a CryptoService, as the local outbox's files are), the
 * Message-ID, the envelope and when the message was accepted; never a credential. Pure: no Sling type,
 * so that the mapping is unit-tested without a JobManager. Immutable.
 *
 * <p>How the MIME bytes are stored. Sling Event 4.3 accepts only {@code Serializable} property values
 * ({@code Utility.checkJob}: an {@code InputStream} is refused), and its JCR resource provider turns a
 * {@code byte[]} into a multi-valued number property of one value per byte. Any other serializable
 * value it does not know is written as one BINARY property (Java serialization), which Oak keeps in its
 * blob store (on MongoDB too, outside the node document), and read back by deserialization
 * ({@code ResourceHelper.cloneValueMap}). So the bytes go in as a {@code java.util.ArrayList} holding one
 * {@code byte[]}: JDK classes only, which every class loader deserializes.
 */
final class MailJob {

    /** The topic of the unnamed mail service; a named one adds {@code /<name>}. */
    static final String TOPIC = "dev/mailer/send";

    static final String MIME = "mailer.mime";
    static final String MESSAGE_ID = "mailer.messageId";
    static final String ENVELOPE_FROM = "mailer.envelopeFrom";
    static final String RECIPIENTS = "mailer.recipients";
    /** Where outbox.max.age is counted from (epoch milliseconds): when the message was first accepted. */
    static final String ENQUEUED_AT = "mailer.enqueuedAt";

    final byte[] sealedMime;
    final String messageId;
    final String envelopeFrom;
    final List<String> recipients;
    final Instant enqueuedAt;

    MailJob(byte[] sealedMime, String messageId, String envelopeFrom, List<String> recipients, Instant enqueuedAt) {
        this.sealedMime = Objects.requireNonNull(sealedMime);
        this.messageId = Objects.requireNonNull(messageId);
        this.envelopeFrom = Objects.requireNonNull(envelopeFrom);
        this.recipients = List.copyOf(recipients);
        this.enqueuedAt = Objects.requireNonNull(enqueuedAt);
    }

    /**
     * The topic of the service's jobs: one per service, so that each service's consumer gets its own.
     * A name's dots (allowed in service names, not in event topics) become underscores.
     */
    static String topic(ServiceName name) {
        return name.get().map(n -> TOPIC + "/" + n.replace('.', '_')).orElse(TOPIC);
    }

    /** The job's properties. */
    Map<String, Object> toProperties() {
        Map<String, Object> properties = new HashMap<>();
        ArrayList<byte[]> mime = new ArrayList<>(1);
        mime.add(sealedMime);
        properties.put(MIME, mime);
        properties.put(MESSAGE_ID, messageId);
        properties.put(ENVELOPE_FROM, envelopeFrom);
        properties.put(RECIPIENTS, recipients.toArray(new String[0]));
        properties.put(ENQUEUED_AT, enqueuedAt.toEpochMilli());
        return properties;
    }

    /**
     * Reads a job's properties back ({@code Job::getProperty}).
     *
     * @throws IllegalArgumentException naming the property that is missing or of another type
     */
    static MailJob fromProperties(Function<String, Object> property) {
        return new MailJob(mime(property.apply(MIME)), required(property, MESSAGE_ID, String.class),
                required(property, ENVELOPE_FROM, String.class), recipients(property.apply(RECIPIENTS)),
                Instant.ofEpochMilli(required(property, ENQUEUED_AT, Number.class).longValue()));
    }

    /** The message's Message-ID only, for a listing (empty when the job is not one of ours). */
    static String messageIdOf(Function<String, Object> property) {
        Object value = property.apply(MESSAGE_ID);
        return value instanceof String ? (String) value : "";
    }

    /** The recipients only, for a listing. */
    static List<String> recipientsOf(Function<String, Object> property) {
        try {
            return recipients(property.apply(RECIPIENTS));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    private static byte[] mime(Object value) {
        if (value instanceof List && ((List<?>) value).size() == 1 && ((List<?>) value).get(0) instanceof byte[]) {
            return (byte[]) ((List<?>) value).get(0);
        }
        if (value instanceof byte[]) {
            return (byte[]) value;
        }
        throw new IllegalArgumentException(problem(MIME, value));
    }

    private static List<String> recipients(Object value) {
        if (value instanceof String[] && ((String[]) value).length > 0) {
            return List.of((String[]) value);
        }
        if (value instanceof String && !((String) value).isEmpty()) {
            return List.of((String) value); // a single-valued array may come back as its one value
        }
        throw new IllegalArgumentException(problem(RECIPIENTS, value));
    }

    private static <T> T required(Function<String, Object> property, String name, Class<T> type) {
        Object value = property.apply(name);
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException(problem(name, value));
        }
        return type.cast(value);
    }

    private static String problem(String name, Object value) {
        return "the job property " + name + (value == null ? " is missing" : " is a " + value.getClass().getSimpleName());
    }
}
