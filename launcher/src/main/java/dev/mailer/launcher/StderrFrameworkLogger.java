package dev.mailer.launcher;

import org.osgi.framework.BundleException;

/**
 * The framework's own log (resolver errors, bundles failing to start at a start level) on stderr:
 * Felix's default prints it on stdout, where only the command's result belongs.
 */
final class StderrFrameworkLogger extends org.apache.felix.framework.Logger {

    @Override
    protected void doLogOut(int level, String message, Throwable throwable) {
        String prefix;
        switch (level) {
            case LOG_ERROR:
                prefix = "ERROR";
                break;
            case LOG_WARNING:
                prefix = "WARN";
                break;
            case LOG_INFO:
                prefix = "INFO";
                break;
            default:
                prefix = "DEBUG";
                break;
        }
        System.err.println("[felix] " + prefix + " " + message);
        if (throwable != null && level == LOG_ERROR) {
            Throwable cause = throwable instanceof BundleException && ((BundleException) throwable).getNestedException() != null
                    ? ((BundleException) throwable).getNestedException() : throwable;
            cause.printStackTrace(System.err);
        }
    }
}
