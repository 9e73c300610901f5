package dev.mailer.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import javax.net.ssl.SSLSocketFactory;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.mailer.api.Email;
import dev.mailer.testsupport.pki.TestPki;
import dev.mailer.testsupport.smtp.ExpiringTokenXoauth2;
import dev.mailer.testsupport.smtp.TestSmtpServer;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * What every benchmark of one configuration shares: the SMTP server (accepts and discards; STARTTLS
 * with the test PKI or none; AUTH PLAIN/LOGIN with a password, or XOAUTH2 introspected at the token
 * server), the token server, the message, and the settings of each client. All on 127.0.0.1.
 */
@State(Scope.Benchmark)
public class Fixture {

    static final String HOST = "127.0.0.1";
    static final String FROM = "bench@example.com";
    static final String TO = "inbox@example.com";
    static final String USER = "bench@example.com";
    static final String PASSWORD = "bench-Pa55word";

    /** The size of the message's text: {@code 1KB} or {@code 100KB}. */
    @Param({"1KB"})
    public String size;

    /** {@code starttls} or {@code plain}. */
    @Param({"starttls"})
    public String tls;

    /** {@code xoauth2} or {@code basic}. */
    @Param({"xoauth2"})
    public String auth;

    TestPki pki;
    TokenServer tokens;
    TestSmtpServer smtp;
    String text;
    /** An access token from the token server, for the baselines; ours asks its own provider. */
    String token;

    @Setup(Level.Trial)
    public void start() throws IOException, GeneralSecurityException {
        // one PKI for all forks of a run (BenchMain makes it), else this JVM's own
        String shared = System.getProperty(BenchMain.PKI_PROPERTY);
        pki = shared != null ? TestPki.load(java.nio.file.Path.of(shared)) : TestPki.shared();
        tokens = new TokenServer();
        TestSmtpServer.Builder server = TestSmtpServer.builder().discardMessages();
        if (starttls()) {
            server.startTls(pki.trustedServerContext());
        } else {
            server.withoutTls();
        }
        if (xoauth2()) {
            // as a submission server: every login asks the token server (RFC 7662 introspection) about the token
            TokenClient introspection = new TokenClient();
            server.authenticateOnlyWith(new ExpiringTokenXoauth2(token -> {
                try {
                    return introspection.expiry(tokens.introspectionUri(), token);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, Clock.systemUTC()));
        } else {
            server.credentials(USER, PASSWORD);
        }
        smtp = server.start();
        text = text(bytes());
        token = xoauth2() ? new TokenClient().requestToken(tokens.tokenUri()) : null;
    }

    @TearDown(Level.Trial)
    public void stop() {
        smtp.close();
        tokens.close();
    }

    boolean starttls() {
        return "starttls".equals(tls);
    }

    boolean xoauth2() {
        return "xoauth2".equals(auth);
    }

    int bytes() {
        switch (size) {
            case "1KB":
                return 1024;
            case "100KB":
                return 100 * 1024;
            default:
                throw new IllegalArgumentException("size must be 1KB or 100KB: " + size);
        }
    }

    /** ASCII text of {@code bytes} bytes in lines of 78 characters (with CRLF). */
    static String text(int bytes) {
        StringBuilder text = new StringBuilder(bytes);
        String line = "The quick brown fox jumps over the lazy dog; 0123456789 abcdefghijklmnopqrstu\r\n";
        while (text.length() + line.length() <= bytes) {
            text.append(line);
        }
        text.append(line, 0, bytes - text.length());
        return text.toString();
    }

    /** The message of "ours". */
    Email email(int n) {
        return Email.builder().to(TO).subject("Benchmark message " + n).text(text).build();
    }

    /** The message of baseline A, as the peers build it: a MimeMessage per send. */
    MimeMessage mimeMessage(Session session, int n) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(FROM));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(TO));
        message.setSubject("Benchmark message " + n);
        message.setText(text, "UTF-8");
        message.saveChanges();
        return message;
    }

    /** The content of baseline B, rendered once: the same message as A's, ready for DATA. */
    byte[] rawContent() throws MessagingException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        mimeMessage(Session.getInstance(new Properties()), 0).writeTo(bytes);
        return RawSmtp.dotStuffed(bytes.toByteArray());
    }

    SSLSocketFactory clientTls() throws IOException, GeneralSecurityException {
        return pki.clientContext().getSocketFactory();
    }

    /** The login of baseline B's AUTH command. */
    String rawLogin() {
        return xoauth2() ? RawSmtp.xoauth2(USER, token) : RawSmtp.plain(USER, PASSWORD);
    }

    /** The Angus session of baseline A: what the peers configure (STARTTLS required with TLS, AUTH with the password or token). */
    Session angusSession() throws IOException, GeneralSecurityException {
        Properties props = new Properties();
        props.setProperty("mail.smtp.host", HOST);
        props.setProperty("mail.smtp.port", Integer.toString(smtp.port()));
        props.setProperty("mail.smtp.auth", "true");
        props.setProperty("mail.smtp.connectiontimeout", "10000");
        props.setProperty("mail.smtp.timeout", "10000");
        if (xoauth2()) {
            props.setProperty("mail.smtp.auth.mechanisms", "XOAUTH2");
        }
        if (starttls()) {
            props.setProperty("mail.smtp.starttls.enable", "true");
            props.setProperty("mail.smtp.starttls.required", "true");
            props.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            props.put("mail.smtp.ssl.socketFactory", clientTls());
        }
        return Session.getInstance(props);
    }

    /** The password, or for XOAUTH2 the access token, baseline A logs in with. */
    String angusSecret() {
        return xoauth2() ? token : PASSWORD;
    }

    /** The configuration of ours: the pool with {@code maxConnections}, the rest as in production. */
    Map<String, Object> serviceConfig(int maxConnections) {
        Map<String, Object> config = new HashMap<>();
        config.put("smtp.host", HOST);
        config.put("smtp.port", smtp.port());
        config.put("from.address", FROM);
        config.put("smtp.user", USER);
        config.put("smtp.starttls", starttls());
        config.put("smtp.requiretls", starttls());
        config.put("smtp.max.connections", maxConnections);
        config.put("smtp.timeout.connect", 10_000);
        config.put("smtp.timeout.read", 10_000);
        config.put("smtp.timeout.write", 10_000);
        if (xoauth2()) {
            config.put("oauth.flow", true);
        } else {
            config.put("smtp.password", PASSWORD);
        }
        if (starttls()) {
            config.put("smtp.truststore.path", pki.truststore().toString());
            config.put("smtp.truststore.type", "PKCS12");
            config.put("smtp.truststore.password", pki.truststorePassword());
        }
        return config;
    }
}
