/**
 * A throw-away test PKI made with the JDK's keytool: a CA, a trusted localhost certificate, an untrusted one and one for another host, truststores and a client context; one per JVM if wanted.
 */
@Version("1.2.0")
@Export
package dev.mailer.testsupport.pki;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
