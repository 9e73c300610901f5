package dev.mailer.launcher.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes what bundles log through the OSGi Log Service (SCR's component errors, FileInstall,
 * framework errors) on to SLF4J, so it reaches stderr like everything else. Without it, those
 * entries would only sit in the Log Service's memory.
 */
@Component(service = {}) // not a LogListener service: it adds itself to the LogReaderService, so it must be immediate
public class LogForwarder implements LogListener {

    private final LogReaderService logReader;

    @Activate
    public LogForwarder(@Reference LogReaderService logReader) {
        this.logReader = logReader;
        long since = System.currentTimeMillis();
        logReader.addLogListener(this);
        // what was logged before this bundle started; getLog() is newest first
        List<LogEntry> earlier = new ArrayList<>();
        for (LogEntry entry : Collections.list(logReader.getLog())) {
            if (entry.getTime() < since) {
                earlier.add(entry);
            }
        }
        Collections.reverse(earlier);
        earlier.forEach(this::logged);
    }

    @Deactivate
    void deactivate() {
        logReader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        String loggerName = entry.getLoggerName();
        // bundle and service events are the framework's bookkeeping: only problems are of interest
        boolean event = loggerName != null && loggerName.startsWith("Events.") && !loggerName.equals("Events.Framework");
        Bundle bundle = entry.getBundle();
        Logger log = LoggerFactory.getLogger(bundle == null || bundle.getSymbolicName() == null
                ? "osgi" : "osgi." + bundle.getSymbolicName());
        String message = entry.getMessage();
        Throwable exception = entry.getException();
        switch (entry.getLogLevel()) {
            case AUDIT:
            case ERROR:
                log.error(message, exception);
                break;
            case WARN:
                log.warn(message, exception);
                break;
            case INFO:
                if (!event) {
                    log.info(message, exception);
                }
                break;
            default:
                if (!event) {
                    log.debug(message, exception);
                }
                break;
        }
    }
}
