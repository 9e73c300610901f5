/**
 * The operator side of the OAuth2 token provider: token status without the token, and the
 * bootstrap of a refresh token by the authorization-code (PKCE) or device-code flow. Used by
 * command-line tools, shell commands and admin servlets; workflow code needs only
 * {@link dev.mailer.api.MailService}.
 */
@Version("1.1.0")
@Export
package dev.mailer.api.oauth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
