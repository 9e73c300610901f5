/**
 * A step-by-step check of the configured path to the mail server (configuration, DNS, TCP, TLS,
 * EHLO, token, AUTH, sender), for operators and health checks; and the {@link dev.mailer.api.check.SelfCheck}
 * of other components.
 */
@Version("1.3.0")
@Export
package dev.mailer.api.check;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
