package dev.mailer.launcher;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.mailer.launcher.devinbox.DevInboxServer;

/**
 * The development inbox of a run without mail settings: its server on loopback, the mail service's
 * configuration that points at it, and what the user is told on stderr (that mail is stored, not
 * delivered, and where each message went).
 */
final class DevInbox implements Closeable {

    /** The largest message the development inbox stores. */
    private static final long MAX_MESSAGE = 32L * 1024 * 1024;

    static final String MAIL_SERVICE_PID = "dev.mailer.core.impl.DefaultMailService";

    private final DevInboxServer server;
    private final PrintStream err;

    private DevInbox(DevInboxServer server, PrintStream err) {
        this.server = server;
        this.err = err;
    }

    /**
     * Starts the server (storing under {@code dataDir/dev-inbox}), writes its configuration and {@code extraFiles}
     * into {@code configDir} and says so.
     */
    static DevInbox start(Path dataDir, Path configDir, Map<String, byte[]> extraFiles, PrintStream err) throws IOException {
        DevInbox inbox = new DevInbox(DevInboxServer.start(dataDir.resolve("dev-inbox"), MAX_MESSAGE), err);
        try {
            Map<String, byte[]> files = new HashMap<>(extraFiles);
            files.put(MAIL_SERVICE_PID + ".cfg.json", inbox.configuration());
            ConfigFolder.replaceFiles(configDir, files);
        } catch (IOException e) {
            inbox.close();
            throw e;
        }
        err.println("mailer: " + ConfigSource.SMTP_HOST + ", " + ConfigSource.MAILER_PROFILE + " and " + ConfigSource.MAILER_CONFIG_DIR
                + " are not set: mail goes to the embedded development inbox on " + inbox.server.getHost() + ":" + inbox.server.getPort()
                + " and is stored as .eml files in " + inbox.server.getInbox() + ", not delivered. Set " + ConfigSource.SMTP_HOST
                + " (and SMTP_FROM, ...) to send real mail.");
        return inbox;
    }

    /** Tells where each message of this run went. */
    void reportStoredMessages() {
        for (Path message : server.getStoredMessages()) {
            err.println("mailer: development inbox: message stored in " + message);
        }
    }

    /** The mail service's configuration: plaintext to the inbox on loopback, no login. */
    private byte[] configuration() {
        String json = "{\n"
                + "  \"smtp.host\": \"" + server.getHost() + "\",\n"
                + "  \"smtp.port:Integer\": " + server.getPort() + ",\n"
                + "  \"smtp.user\": \"\",\n"
                + "  \"smtp.password\": \"\",\n"
                + "  \"from.address\": \"$[env:SMTP_FROM;default=mailer@localhost]\",\n"
                + "  \"smtp.ssl\": false,\n"
                + "  \"smtp.starttls\": false,\n"
                + "  \"smtp.requiretls\": false,\n"
                + "  \"debug.email\": \"$[env:MAIL_DEBUG;type=Boolean;default=false]\",\n"
                + "  \"oauth.flow\": false\n"
                + "}\n";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** Stops the server; quietly, as the run ends anyway. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // stopping anyway
        }
    }
}
