package dev.mailer.it;

import static org.junit.Assert.fail;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

import dev.mailer.api.Email;
import dev.mailer.api.MailException;
import dev.mailer.api.MailService;
import dev.mailer.api.SendResult;
import dev.mailer.it.support.ContainerSetup;
import dev.mailer.it.support.ItPaths;
import dev.mailer.it.support.LogFile;
import dev.mailer.it.support.MailConfig;
import dev.mailer.it.support.Secrets;
import dev.mailer.it.support.Services;
import dev.mailer.testsupport.pki.TestPki;

/**
 * What every Pax Exam test class here shares: the container ({@link ContainerSetup}), access to
 * the mail service and its configuration, and a check after every test that no secret reached the
 * log.
 *
 * <p>Test classes are loaded in the test JVM too (by the JUnit runner), where GreenMail and
 * jakarta.mail are deliberately absent: their fields and method signatures name only our helper
 * types, mailer-api, OSGi and JUnit. The helpers in {@code dev.mailer.it.smtp} / {@code .mail}
 * wrap the rest and only run inside Felix.
 */
public abstract class MailerTestSupport {

    /** The configuration PID of DefaultMailService. */
    protected static final String PID = "dev.mailer.core.impl.DefaultMailService";

    /** The login of the .cfg.json file's environment (SMTP_USER), used by every server here. */
    protected static final String USER = "mailer-it";

    /** A service property the tests add to each configuration they apply, to see it arrive. */
    private static final String REVISION = "it.revision";

    @Inject
    protected BundleContext context;

    /** Values that must never appear in the log; each test may add its own. */
    protected final Set<String> secrets = new LinkedHashSet<>();

    /** What {@link #closeAfterTest} registered, the last first. */
    private final Deque<Closeable> toClose = new ArrayDeque<>();

    @Configuration
    public Option[] configuration() {
        return ContainerSetup.options(getClass());
    }

    @Before
    public void rememberSecrets() {
        secrets.add(Secrets.smtpPassword());
        secrets.add(pki().truststorePassword());
        secrets.add(pki().keystorePassword());
    }

    /** First closes what the test registered with {@link #closeAfterTest}. */
    @After
    public void logContainsNoSecret() throws IOException {
        try {
            closeRegistered();
        } finally {
            LogFile.assertContainsNone(secrets, List.of(USER, USER + "@localhost"));
        }
    }

    private void closeRegistered() throws IOException {
        Closeable next = toClose.poll();
        if (next != null) {
            try {
                next.close();
            } finally {
                closeRegistered();
            }
        }
    }

    /** Closes {@code resource} (a test server) when the test ends, before the log is checked. */
    protected <T extends Closeable> T closeAfterTest(T resource) {
        toClose.push(resource);
        return resource;
    }

    /** The test PKI (made before the framework started). */
    protected static TestPki pki() {
        try {
            return TestPki.load(ItPaths.pkiDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The secret smtp_password: what the servers of the tests accept for {@link #USER}. */
    protected static String password() {
        return Secrets.smtpPassword();
    }

    /** An environment value of the test JVM, as the .cfg.json file sees it. */
    protected static String env(String name) {
        String value = System.getenv(name);
        if (value == null) {
            throw new IllegalStateException("environment variable " + name + " is not set: see failsafe's environmentVariables in the pom");
        }
        return value;
    }

    /** The mail service, once registered. */
    protected MailService mailService() {
        return context.getService(awaitMailService());
    }

    protected ServiceReference<MailService> awaitMailService() {
        return Services.await(context, MailService.class, null, deadline(),
                () -> "a registered " + MailService.class.getName() + " (is there a configuration " + PID + "?)");
    }

    protected ConfigurationAdmin configAdmin() {
        return context.getService(Services.await(context, ConfigurationAdmin.class, null, deadline(), () -> "ConfigurationAdmin"));
    }

    /**
     * Replaces the mail service's configuration and waits until the service runs with it (its
     * service properties carry the new revision).
     */
    protected MailService configure(MailConfig config) {
        Object password = config.get("smtp.password");
        if (password instanceof String && !((String) password).isEmpty() && !((String) password).startsWith("$[")) {
            secrets.add((String) password);
        }
        String revision = UUID.randomUUID().toString();
        try {
            configAdmin().getConfiguration(PID, "?").update(config.toDictionary(Map.of(REVISION, revision)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot update the configuration " + PID, e);
        }
        ServiceReference<MailService> ref = Services.await(context, MailService.class, "(" + REVISION + "=" + revision + ")",
                deadline(), () -> "the mail service to run with " + config);
        return context.getService(ref);
    }

    /** Sends and expects success; a {@link MailException} fails the test with its message and causes. */
    protected static SendResult send(MailService service, Email email) {
        try {
            return service.send(email);
        } catch (MailException e) {
            StringBuilder causes = new StringBuilder();
            for (Throwable t = e.getCause(); t != null && causes.length() < 2000; t = t.getCause()) {
                causes.append("\n  caused by ").append(t);
            }
            // no cause chained: Pax Exam reports only the root cause of a failure, which would hide this message
            throw new AssertionError("The send failed: " + e.getMessage() + (e.isTransient() ? " (transient)" : " (permanent)")
                    + causes);
        }
    }

    /** Sends and expects a {@link MailException}; fails the test if the send succeeds. */
    protected static MailException sendFails(MailService service, Email email) {
        try {
            service.send(email);
        } catch (MailException e) {
            return e;
        }
        fail("Expected the send to fail with a MailException, but the server accepted " + email);
        return null;
    }

    /** A short plain-text message to {@code recipient}. */
    protected static Email simpleMail(String subject, String recipient) {
        return Email.builder().to(recipient).subject(subject).text("Body of " + subject).build();
    }

    /** How long to wait for what normally takes milliseconds (a service, a delivery). */
    protected static Duration deadline() {
        return Duration.ofSeconds(20);
    }
}
