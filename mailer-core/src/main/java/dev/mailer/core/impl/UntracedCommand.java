package dev.mailer.core.impl;

import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.eclipse.angus.mail.util.TraceOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailer.api.MailException;
import jakarta.mail.MessagingException;

/**
 * Sends a command that carries a credential without letting it into Angus Mail's protocol trace.
 *
 * <p>Angus copies what it writes to the server into a trace (a {@link TraceOutputStream} around the
 * socket, made anew on connect and after STARTTLS) that goes to the JUL logger
 * {@code org.eclipse.angus.mail.smtp.protocol} whenever that logger is at FINEST, and to the
 * session's debug output when debug is on. Its own authenticators switch the trace off around their
 * exchange ({@code mail.debug.auth=false}); {@link SMTPTransport#simpleCommand(String)}, which
 * {@link Xoauth2} has to use, does not, and Angus has no public way to. So the trace stream of the
 * connection is switched off here for the one command, unconditionally, whatever JUL's levels are
 * now or become; with an Angus Mail that has no such stream the credential is not sent at all.
 */
final class UntracedCommand {

    private static final Logger LOG = LoggerFactory.getLogger(UntracedCommand.class);

    /** SMTPTransport's current trace of what it sends (private; reassigned on connect and STARTTLS). */
    private static final Field TRACE_OUTPUT;
    /** SMTPTransport's own way back to tracing after its authenticators: on again if its logger is at FINEST. */
    private static final Method RESUME_TRACING;
    /** Why this Angus Mail's trace cannot be switched off; null when it can. */
    private static final Exception UNAVAILABLE;

    static {
        Field traceOutput = null;
        Method resumeTracing = null;
        Exception unavailable = null;
        try {
            traceOutput = SMTPTransport.class.getDeclaredField("traceOutput");
            resumeTracing = SMTPTransport.class.getDeclaredMethod("resumeTracing");
            if (traceOutput.getType() != TraceOutputStream.class) {
                throw new NoSuchFieldException("SMTPTransport.traceOutput is a " + traceOutput.getType().getName());
            }
            traceOutput.setAccessible(true);
            resumeTracing.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = e;
        }
        TRACE_OUTPUT = traceOutput;
        RESUME_TRACING = resumeTracing;
        UNAVAILABLE = unavailable;
    }

    private UntracedCommand() {
    }

    /**
     * {@code transport.simpleCommand(command)} with the protocol trace off while the command is
     * written; the server's reply is traced as usual.
     *
     * @param debugOut the debug.email trace of this connection, or null when it is off: it gets
     *        {@value RedactingDebugLog#REDACTED} in place of the command, so the dialogue still reads whole
     * @throws MailException when this Angus Mail's trace cannot be switched off: nothing was sent
     */
    static int simpleCommand(SMTPTransport transport, String command, PrintStream debugOut) throws MessagingException, MailException {
        if (UNAVAILABLE != null) {
            throw SmtpFailures.credentialTraceNotSuppressible(UNAVAILABLE);
        }
        // the transport's own lock: no other command and no STARTTLS (new streams) in between
        synchronized (transport) {
            TraceOutputStream trace = traceOutput(transport);
            if (trace != null) {
                trace.setTrace(false);
            }
            if (debugOut != null) {
                debugOut.println(RedactingDebugLog.REDACTED);
            }
            try {
                return transport.simpleCommand(command);
            } finally {
                resumeTracing(transport);
            }
        }
    }

    private static TraceOutputStream traceOutput(SMTPTransport transport) throws MailException {
        try {
            return (TraceOutputStream) TRACE_OUTPUT.get(transport);
        } catch (IllegalAccessException e) {
            throw SmtpFailures.credentialTraceNotSuppressible(e);
        }
    }

    private static void resumeTracing(SMTPTransport transport) {
        try {
            RESUME_TRACING.invoke(transport);
        } catch (IllegalAccessException | InvocationTargetException e) {
            // the trace stays off for the rest of this connection: safe, only less to read
            LOG.debug("Could not switch Angus Mail's protocol trace back on", e);
        }
    }
}
