/**
 * The mail API that workflow components call: build an {@link dev.mailer.api.Email}, hand it to
 * the {@link dev.mailer.api.MailService}, get a {@link dev.mailer.api.SendResult} or a
 * {@link dev.mailer.api.MailException} that says what went wrong and what to do.
 */
@Version("1.3.0")
@Export
package dev.mailer.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
