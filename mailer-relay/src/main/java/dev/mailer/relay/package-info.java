/**
 * What the relay shares with the launcher: the stored form of a relay user's password.
 */
@Version("1.0.0")
@Export
package dev.mailer.relay;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
