package dev.mailer.core.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.mailer.api.Email;
import dev.mailer.api.OAuthConfigurationProvider;
import dev.mailer.commons.testing.StandardError;
import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.FixedTokenXoauth2;
import dev.mailer.testsupport.smtp.TestSmtpServer;

/**
 * No credential reaches any logger at any level: with JUL at ALL for every logger Angus Mail uses
 * (its protocol trace included), with {@code debug.email} off and on, for each login mechanism,
 * in plain text and after STARTTLS (where Angus makes new trace streams). The server checks the
 * credential and the message arrives as the user it logged in, so the credential is known to have been
 * on the wire, and the trace is known to have recorded the dialogue: a check that cannot pass vacuously.
 */
class SecretsInTraceTest {

    private static final String USER = "workflow@example.com";
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static final String TOKEN = "ya29.token-" + UUID.randomUUID();

    /** The loggers a JUL configuration would turn up; kept here so that their levels are not collected. */
    private static final List<String> LOGGERS = List.of("", "jakarta.mail", "org.eclipse.angus.mail",
            "org.eclipse.angus.mail.smtp", "org.eclipse.angus.mail.smtp.protocol");

    enum Mechanism {
        XOAUTH2, PLAIN, LOGIN
    }

    private static TestPki pki;

    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> previousLevels = new ArrayList<>();
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void sharedPki() throws Exception {
        pki = TestPki.shared();
    }

    @BeforeEach
    void everyLoggerAtAll() {
        for (String name : LOGGERS) {
            Logger logger = Logger.getLogger(name);
            loggers.add(logger);
            previousLevels.add(logger.getLevel());
            logger.setLevel(Level.ALL);
        }
        handler.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(handler);
    }

    @AfterEach
    void restoreLogging() {
        Logger.getLogger("").removeHandler(handler);
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).setLevel(previousLevels.get(i));
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Mechanism mechanism : Mechanism.values()) {
            for (boolean startTls : new boolean[] {false, true}) {
                for (boolean debug : new boolean[] {false, true}) {
                    cases.add(Arguments.of(mechanism, startTls, debug));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, STARTTLS {1}, debug.email {2}")
    @MethodSource("cases")
    void noCredentialReachesAnyLoggerOrTheDebugTrace(Mechanism mechanism, boolean startTls, boolean debug) throws Exception {
        String debugTrace;
        try (TestSmtpServer smtp = server(mechanism, startTls)) {
            DefaultMailService service = new DefaultMailService(config(smtp.port(), mechanism, startTls, debug));
            service.bindOAuthProvider(new FixedToken(), Map.of());

            debugTrace = StandardError.capture(() ->
                    service.send(Email.builder().to("jane@example.com").subject("traced").text("t").build()));

            assertEquals(USER, smtp.awaitMessages(1, Duration.ofSeconds(10)).get(0).authenticatedUser(),
                    "the server received the credential and logged the user in: " + smtp.events());
        }
        String julLog = julLog();
        assertTrue(julLog.contains("MAIL FROM:<workflow@example.com>"), "Angus traced the dialogue to JUL: " + julLog);
        assertNoSecret("JUL", julLog);
        if (debug) {
            assertTrue(debugTrace.contains("MAIL FROM:<workflow@example.com>"), "debug.email traced the dialogue: " + debugTrace);
            assertNoSecret("debug.email trace", debugTrace);
            if (mechanism == Mechanism.XOAUTH2) {
                // the untraced response still has its place in the dialogue an operator reads
                int auth = debugTrace.indexOf("AUTH XOAUTH2");
                int challenge = debugTrace.indexOf("334", auth);
                int response = debugTrace.indexOf(RedactingDebugLog.REDACTED, challenge);
                int accepted = debugTrace.indexOf("235", response);
                assertTrue(auth >= 0 && challenge > auth && response > challenge && accepted > response,
                        "AUTH XOAUTH2, 334, " + RedactingDebugLog.REDACTED + ", 235 in this order: " + debugTrace);
            }
        }
    }

    /** A server that offers only {@code mechanism} and accepts only the credential of this test. */
    private static TestSmtpServer server(Mechanism mechanism, boolean startTls) throws Exception {
        TestSmtpServer.Builder server = TestSmtpServer.builder().mechanism(new FixedTokenXoauth2())
                .credentials(USER, mechanism == Mechanism.XOAUTH2 ? TOKEN : PASSWORD).onlyMechanisms(mechanism.name());
        return (startTls ? server.startTls(pki.trustedServerContext()) : server.withoutTls()).start();
    }

    private Map<String, Object> config(int port, Mechanism mechanism, boolean startTls, boolean debug) {
        Map<String, Object> config = new HashMap<>();
        config.put("smtp.host", startTls ? "localhost" : "127.0.0.1");
        config.put("smtp.port", port);
        config.put("smtp.user", USER);
        config.put("from.address", USER);
        config.put("smtp.starttls", startTls);
        config.put("smtp.requiretls", startTls);
        config.put("debug.email", debug);
        if (startTls) {
            config.put("smtp.truststore.path", pki.truststore().toString());
            config.put("smtp.truststore.password", pki.truststorePassword());
        }
        if (mechanism == Mechanism.XOAUTH2) {
            config.put("oauth.flow", true);
        } else {
            config.put("smtp.password", PASSWORD);
        }
        return config;
    }

    private static String xoauth2Response() {
        return "user=" + USER + "\u0001auth=Bearer " + TOKEN + "\u0001\u0001";
    }

    /** As Angus sends it: the user name as authorization identity too. */
    private static String plainResponse() {
        return USER + "\0" + USER + "\0" + PASSWORD;
    }

    /**
     * The secrets (the truststore's password too), the full SASL responses, and their base64 forms: whole, and the part of the
     * secret's base64 that does not depend on what precedes it (at each of the three alignments).
     */
    private static Set<String> forbidden() {
        Set<String> forms = new LinkedHashSet<>(List.of(PASSWORD, TOKEN, pki.truststorePassword(),
                base64(xoauth2Response()), base64(plainResponse()), base64("\0" + USER + "\0" + PASSWORD)));
        for (String secret : List.of(PASSWORD, TOKEN)) {
            for (int offset = 0; offset < 3; offset++) {
                String encoded = base64("x".repeat(offset) + secret);
                forms.add(encoded.substring(offset == 0 ? 0 : 4, encoded.length() - 4));
            }
        }
        return forms;
    }

    private static void assertNoSecret(String where, String text) {
        for (String form : forbidden()) {
            if (text.contains(form)) {
                fail("the " + where + " contains a credential (" + form + "): "
                        + text.lines().filter(line -> line.contains(form)).collect(Collectors.joining("\n")));
            }
        }
    }

    /** Every JUL record: its formatted message and the messages of what it carries as thrown. */
    private String julLog() {
        SimpleFormatter formatter = new SimpleFormatter();
        StringBuilder log = new StringBuilder();
        for (LogRecord record : records) {
            log.append(record.getLoggerName()).append(' ').append(record.getLevel()).append(": ")
                    .append(formatter.formatMessage(record)).append('\n');
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                log.append("  ").append(t).append('\n');
            }
        }
        return log.toString();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static final class FixedToken implements OAuthConfigurationProvider {
        @Override
        public String getAccessToken() {
            return TOKEN;
        }

        @Override
        public void invalidateAccessToken(String rejectedToken) {
        }
    }
}
