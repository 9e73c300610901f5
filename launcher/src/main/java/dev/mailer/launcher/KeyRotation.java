package dev.mailer.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import dev.mailer.launcher.args.ExitCodes;

/**
 * What {@code reencrypt} does outside the framework, before and after its command re-encrypts
 * everything inside: it starts the rotation of the key files ({@link LauncherKeys}), refusing while
 * another run uses the data folder (that run's CryptoService holds the old key and would go on
 * writing with it), and removes the previous key once everything was re-encrypted: not before,
 * so that an interrupted or failed rotation loses nothing and the next {@code reencrypt} goes on.
 */
final class KeyRotation {

    static final String COMMAND = "reencrypt";

    private KeyRotation() {
    }

    /** @return null to go on, else the exit code */
    static Integer begin(LauncherKeys keys, Path dataDir, PrintStream err) throws IOException {
        List<Long> others = RunDirectory.others(dataDir);
        if (!others.isEmpty()) {
            err.println("mailer: reencrypt must be the only run on " + dataDir + ", but the run(s) with process id " + others
                    + " use it too (serve?): stop them first, they encrypt with the key they started with");
            return ExitCodes.TRANSIENT_FAILURE;
        }
        if (keys.startRotation()) {
            err.println("mailer: the key " + keys.key() + " is now " + keys.previous() + "; a new " + keys.key() + " was made");
        } else if (keys.hasPrevious()) {
            err.println("mailer: " + keys.previous() + " exists: going on with the rotation to " + keys.key());
        }
        return null;
    }

    /** After the command: the previous key goes once the command re-encrypted everything ({@code exit} 0). */
    static void end(LauncherKeys keys, int exit, PrintStream err) {
        if (!keys.hasPrevious()) {
            return;
        }
        if (exit != ExitCodes.OK) {
            err.println("mailer: " + keys.previous() + " is kept, so nothing is lost: fix what is named above and run reencrypt"
                    + " again");
            return;
        }
        try {
            keys.retirePrevious();
            err.println("mailer: everything is encrypted with " + keys.key() + " now; " + keys.previous() + " is removed");
        } catch (IOException e) {
            err.println("mailer: everything is encrypted with " + keys.key() + " now, but " + keys.previous()
                    + " could not be removed (" + e + "): remove it yourself");
        }
    }
}
