/**
 * Azure's identity services on loopback (instance metadata service, App Service's identity endpoint, a tenant's
 * Entra ID token endpoint) for the tests of the managed identity and workload identity grants.
 */
@Version("1.0.0")
@Export
package dev.mailer.testsupport.azure;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
