/**
 * Mail templates for workflow notifications: a {@link dev.mailer.api.template.MailTemplate} has
 * Subject, From, Reply-To, Cc and Bcc headers and a text and/or HTML body with {@code ${name}}
 * placeholders, is found with locale fallback by {@link dev.mailer.api.template.MailTemplates}, and
 * is sent to each recipient in one call by {@link dev.mailer.api.template.TemplatedMail}, which
 * returns a {@link dev.mailer.api.template.RecipientResult} per recipient.
 */
@Version("1.0.0")
@Export
package dev.mailer.api.template;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
