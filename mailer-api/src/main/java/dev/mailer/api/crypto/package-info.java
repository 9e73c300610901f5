/**
 * Secrets at rest: what the mailer's components keep on disk (the stored refresh token, the outbox's
 * messages) is encrypted with the platform's CryptoService (Apache Sling Commons Crypto) when there
 * is one; {@link dev.mailer.api.crypto.Reencryption} re-encrypts it with the current key, for a key
 * rotation. For operator tools; workflow code needs none of it.
 */
@Version("1.0.0")
@Export
package dev.mailer.api.crypto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
