package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.mailer.api.Email;
import dev.mailer.commons.config.InvalidConfigurationException;
import dev.mailer.commons.testing.HostileValues;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * Random and hostile input for what callers and operators hand us: the {@link Email} builder and
 * the values of the mail service's configuration (what a {@code .cfg.json} file delivers). The only
 * outcomes allowed are the documented ones: the builder refuses with an
 * {@link IllegalArgumentException} naming the field, the configuration with an
 * {@link InvalidConfigurationException} naming the property; and a message the builder accepted
 * is written with exactly the headers the caller asked for, none smuggled in through CR/LF.
 * Seeded, so a failure names the seed that reproduces it.
 */
class BadInputFuzzTest {

    private static final int ROUNDS = 3_000;
    private static final long SEED = HostileValues.SEED;

    /** Header fields a message of ours has besides the caller's own (Email.Builder#header). */
    private static final Set<String> OUR_HEADERS = Set.of("from", "reply-to", "to", "cc", "subject", "date", "message-id",
            "mime-version", "content-type", "content-transfer-encoding");

    private static final String[] EMAIL_FIELDS = {"from", "replyTo", "to", "cc", "bcc", "subject", "text", "html", "header",
        "attach"};

    private final HostileValues hostile = new HostileValues();
    private final Session session = Session.getInstance(new Properties());

    @Test
    void randomEmailInputIsRefusedByNameOrWrittenWithoutInjectedHeaders() throws Exception {
        int accepted = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Email.Builder builder = Email.builder();
            Map<String, String> customHeaders = new HashMap<>();
            List<String> used = new ArrayList<>();
            for (int i = hostile.nextInt(5); i >= 0; i--) {
                String field = i == 0 && round % 3 != 0 ? "to" : EMAIL_FIELDS[hostile.nextInt(EMAIL_FIELDS.length)];
                used.add(field);
                try {
                    apply(builder, field, customHeaders);
                } catch (IllegalArgumentException refused) {
                    assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank(), "a refusal says why: " + used);
                }
            }
            Email email;
            try {
                email = builder.build();
            } catch (IllegalArgumentException refused) {
                assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank(),
                        "a refusal says why (seed " + SEED + ", round " + round + ", " + used + ")");
                continue;
            } catch (RuntimeException e) {
                throw new AssertionError("undocumented " + e + " from build() (seed " + SEED + ", round " + round + ", " + used + ")", e);
            }
            accepted++;
            assertOnlyExpectedHeaders(email, round, used);
        }
        assertTrue(accepted > ROUNDS / 10, "enough accepted messages to check their headers: " + accepted);
    }

    @Test
    void randomConfigurationValuesAreRefusedNamingTheProperty() {
        List<String> properties = HostileValues.propertyNames(MailServiceConfiguration.class);
        int refused = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Map<String, Object> config = new HashMap<>(Map.of("smtp.host", "smtp.example.com", "from.address", "workflow@example.com"));
            String property = properties.get(hostile.nextInt(properties.size()));
            config.put(property, hostile.configurationValue());
            try {
                SmtpSettings.from(config);
            } catch (InvalidConfigurationException e) {
                refused++;
                assertTrue(e.getMessage().contains(property), "the refusal names " + property + ": " + e.getMessage()
                        + " (seed " + SEED + ", round " + round + ")");
                assertFalse(e.getMessage().chars().anyMatch(Character::isISOControl),
                        "no control characters of the value are echoed raw: " + e.getMessage());
            } catch (RuntimeException e) {
                fail("undocumented " + e + " for " + property + " (seed " + SEED + ", round " + round + ")", e);
            }
        }
        assertTrue(refused > ROUNDS / 10, "enough refused values: " + refused);
    }

    private void apply(Email.Builder builder, String field, Map<String, String> customHeaders) {
        switch (field) {
            case "from":
                builder.from(hostile.text());
                break;
            case "replyTo":
                builder.replyTo(hostile.text());
                break;
            case "to":
                builder.to(hostile.text());
                break;
            case "cc":
                builder.cc(hostile.text());
                break;
            case "bcc":
                builder.bcc(hostile.text());
                break;
            case "subject":
                builder.subject(hostile.text());
                break;
            case "text":
                builder.text(hostile.text());
                break;
            case "html":
                builder.html(hostile.text());
                break;
            case "header":
                String name = hostile.nextBoolean() ? "X-Workflow-" + hostile.nextInt(100) : hostile.text();
                String headerValue = hostile.text();
                builder.header(name, headerValue);
                customHeaders.put(name, headerValue);
                break;
            default:
                builder.attach(hostile.text(), hostile.nextBoolean() ? "application/pdf" : hostile.text(), hostile.text().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Writes the message as it would go out and checks every header field name. */
    private void assertOnlyExpectedHeaders(Email email, int round, List<String> used) throws Exception {
        MimeMessage message = MimeMessages.create(session, email, "workflow@example.com");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        String written = out.toString(StandardCharsets.ISO_8859_1);
        String headerBlock = written.substring(0, Math.max(0, written.indexOf("\r\n\r\n")));
        Set<String> allowed = new LinkedHashSet<>(OUR_HEADERS);
        email.getHeaders().keySet().forEach(name -> allowed.add(name.toLowerCase(Locale.ROOT)));
        for (String line : headerBlock.split("\r\n")) {
            if (line.startsWith(" ") || line.startsWith("\t")) {
                continue; // folded continuation of the previous field
            }
            int colon = line.indexOf(':');
            String name = colon < 0 ? line : line.substring(0, colon);
            assertTrue(allowed.contains(name.toLowerCase(Locale.ROOT)), "no header field but ours and the caller's: '" + name
                    + "' in\n" + headerBlock + "\n(seed " + SEED + ", round " + round + ", " + used + ")");
        }
        assertFalse(headerBlock.contains("\n") && headerBlock.replace("\r\n", "").contains("\n"),
                "no bare LF in the header block (seed " + SEED + ", round " + round + ")");
    }
}
