package dev.mailer.launcher.args;

/**
 * What the launcher's Main (outside the framework) and its CLI bundle (inside) share about the
 * CryptoService the launcher configures: the key files in the secrets folder and the framework
 * properties that name them.
 */
public final class CryptoKeys {

    /** The key (the Jasypt password) of the CryptoService names=mailer, in the secrets folder. */
    public static final String KEY_FILE = "mailer.key";
    /** During a key rotation: the previous key, of the CryptoService names=mailer.previous, which only decrypts. */
    public static final String PREVIOUS_KEY_FILE = "mailer.key.previous";

    /** Framework property: the absolute path of {@link #KEY_FILE}. */
    public static final String KEY_PROPERTY = "mailer.launcher.crypto.key";
    /** Framework property: the absolute path of {@link #PREVIOUS_KEY_FILE}, set only while it exists. */
    public static final String PREVIOUS_KEY_PROPERTY = "mailer.launcher.crypto.key.previous";

    /** The {@code config.plugin.id} of the CLI bundle's configuration plugin, which ConfigAdmin waits for. */
    public static final String PLUGIN_ID = "dev.mailer.launcher.crypto";

    private CryptoKeys() {
    }
}
