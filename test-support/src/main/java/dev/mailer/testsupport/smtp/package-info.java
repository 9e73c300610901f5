/**
 * The test SMTP server (RFC 5321, STARTTLS, implicit TLS, SASL PLAIN, LOGIN and XOAUTH2 plus pluggable mechanisms, scripted refusals) for every module's tests.
 */
@Version("1.1.0")
@Export
package dev.mailer.testsupport.smtp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
