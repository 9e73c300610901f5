/**
 * The TCP accept loop of the test servers (127.0.0.1, a daemon thread per connection, close stops everything),
 * the HTTP/1.1 they speak, and the plain HTTP client of the tests.
 */
@Version("1.3.0")
@Export
package dev.mailer.testsupport.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
