package dev.mailer.bench;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import dev.mailer.api.SendResult;
import dev.mailer.core.impl.BenchMailService;
import dev.mailer.core.impl.DefaultMailService;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * One message sent, synchronously, per operation: the baselines A and B, and ours with 1 and 8
 * callers. SampleTime: JMH samples the time of each send (p50, p99); messages per second follow
 * from the mean and the number of callers ({@link BenchMain}).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MailBench {

    /** Baseline A: a new Angus Transport per message (connect, TLS, AUTH, send, QUIT), as AEM, ACS Commons and Sling Commons Messaging Mail do. */
    @Benchmark
    @Threads(1)
    public void baselineA_newTransportPerMessage(Fixture fixture, Angus angus) throws MessagingException {
        MimeMessage message = fixture.mimeMessage(angus.session, 0);
        SMTPTransport transport = (SMTPTransport) angus.session.getTransport("smtp");
        transport.connect(Fixture.HOST, fixture.smtp.port(), Fixture.USER, fixture.angusSecret());
        try {
            transport.sendMessage(message, message.getAllRecipients());
        } finally {
            transport.close();
        }
    }

    /** Baseline B: MAIL, RCPT, DATA on one socket logged in before the measurement; the content rendered once. */
    @Benchmark
    @Threads(1)
    public void baselineB_rawSmtpOnOneSocket(Raw raw) throws IOException {
        raw.smtp.send(Fixture.FROM, Fixture.TO, raw.content);
    }

    /** Ours: DefaultMailService.send with its pool, one caller. */
    @Benchmark
    @Threads(1)
    public SendResult ours_1caller(Fixture fixture, Ours ours) throws Exception {
        return ours.service.send(fixture.email(0));
    }

    /** Ours: DefaultMailService.send with its pool, eight callers at once (smtp.max.connections=8). */
    @Benchmark
    @Threads(8)
    public SendResult ours_8callers(Fixture fixture, Ours ours) throws Exception {
        return ours.service.send(fixture.email(0));
    }

    @State(Scope.Benchmark)
    public static class Angus {
        Session session;

        @Setup(Level.Trial)
        public void setUp(Fixture fixture) throws IOException, GeneralSecurityException {
            session = fixture.angusSession();
        }
    }

    @State(Scope.Thread)
    public static class Raw {
        RawSmtp smtp;
        byte[] content;

        @Setup(Level.Trial)
        public void setUp(Fixture fixture) throws Exception {
            content = fixture.rawContent();
            smtp = new RawSmtp(Fixture.HOST, fixture.smtp.port(), fixture.starttls() ? fixture.clientTls() : null,
                    fixture.rawLogin());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            smtp.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Ours {
        DefaultMailService service;

        @Setup(Level.Trial)
        public void setUp(Fixture fixture) {
            service = BenchMailService.start(fixture.serviceConfig(8),
                    fixture.xoauth2() ? new LocalTokenProvider(fixture.tokens.tokenUri()) : null, null);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            BenchMailService.stop(service);
        }
    }
}
