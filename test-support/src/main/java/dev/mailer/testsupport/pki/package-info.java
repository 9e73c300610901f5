/**
 * A throw-away test PKI made with the JDK's keytool: a CA, a trusted localhost certificate, an untrusted one and one for another host.
 */
@Version("1.0.0")
@Export
package dev.mailer.testsupport.pki;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
