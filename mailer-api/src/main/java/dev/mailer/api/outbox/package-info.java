/**
 * The outbox of a {@link dev.mailer.api.MailService}, for operators and health checks: what is
 * queued, waiting for a retry or dead, and the means to retry or purge a message.
 *
 * <p>Guarantees of the outbox: a message {@linkplain dev.mailer.api.MailService#enqueue enqueued}
 * is on disk before the call returns; it leaves the outbox only once the SMTP server accepted it for
 * every recipient, or when an operator {@linkplain dev.mailer.api.outbox.Outbox#purge purges} it.
 * Stored entries never contain a credential.
 */
@Version("1.0.0")
@Export
package dev.mailer.api.outbox;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
