/**
 * The TCP accept loop of the test servers: 127.0.0.1, a daemon thread per connection, close stops everything.
 */
@Version("1.2.0")
@Export
package dev.mailer.testsupport.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
