/**
 * The test SMTP server (RFC 5321, STARTTLS, implicit TLS, SASL PLAIN, LOGIN and XOAUTH2 plus pluggable mechanisms, expiring logins, scripted refusals, idle drops, held messages) for every module's tests.
 */
@Version("1.4.0")
@Export
package dev.mailer.testsupport.smtp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
