package dev.mailer.oauth.impl;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The environment variables that Azure sets for its identities, as defaults of the settings of the
 * {@code managed_identity} and {@code workload_identity} grants, as Azure's own SDKs read them: a
 * setting that is configured (not empty) wins. App Service and Functions set
 * {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER}; the AKS workload identity webhook sets
 * {@code AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID}, {@code AZURE_AUTHORITY_HOST} and
 * {@code AZURE_FEDERATED_TOKEN_FILE}; {@code AZURE_IMDS_ENDPOINT} moves the metadata service.
 */
final class AzureEnvironment {

    static final String IDENTITY_ENDPOINT = "IDENTITY_ENDPOINT";
    static final String IDENTITY_HEADER = "IDENTITY_HEADER";
    static final String IMDS_ENDPOINT = "AZURE_IMDS_ENDPOINT";
    static final String CLIENT_ID = "AZURE_CLIENT_ID";
    static final String TENANT_ID = "AZURE_TENANT_ID";
    static final String AUTHORITY_HOST = "AZURE_AUTHORITY_HOST";
    static final String FEDERATED_TOKEN_FILE = "AZURE_FEDERATED_TOKEN_FILE";
    /** Entra ID's public cloud, when AZURE_AUTHORITY_HOST does not name another one. */
    static final String DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com/";

    private AzureEnvironment() {
    }

    /** {@code properties}, with what the environment gives for the Azure identity settings that are not configured. */
    static Map<String, ?> withDefaults(Map<String, ?> properties, Function<String, String> environment) {
        Object grant = properties.get(OAuthSettings.GRANT_TYPE);
        String grantType = grant == null ? "" : grant.toString().strip().toLowerCase(Locale.ROOT);
        boolean managed = grantType.equals(OAuthSettings.GRANT_MANAGED_IDENTITY);
        boolean workload = grantType.equals(OAuthSettings.GRANT_WORKLOAD_IDENTITY);
        if (!managed && !workload) {
            return properties;
        }
        Map<String, Object> result = new HashMap<>(properties);
        defaultTo(result, OAuthSettings.CLIENT_ID, environment.apply(CLIENT_ID));
        if (managed) {
            defaultTo(result, OAuthSettings.IDENTITY_ENDPOINT, environment.apply(IDENTITY_ENDPOINT));
            defaultTo(result, OAuthSettings.IDENTITY_HEADER, environment.apply(IDENTITY_HEADER));
            defaultTo(result, OAuthSettings.IMDS_ENDPOINT, environment.apply(IMDS_ENDPOINT));
        } else {
            defaultTo(result, OAuthSettings.FEDERATED_TOKEN_FILE, environment.apply(FEDERATED_TOKEN_FILE));
            String tenant = environment.apply(TENANT_ID);
            if (!isBlank(tenant)) {
                String authority = environment.apply(AUTHORITY_HOST);
                authority = isBlank(authority) ? DEFAULT_AUTHORITY_HOST : authority.strip();
                defaultTo(result, OAuthSettings.TOKEN_URL, authority + (authority.endsWith("/") ? "" : "/") + tenant.strip()
                        + "/oauth2/v2.0/token");
            }
        }
        return result;
    }

    private static void defaultTo(Map<String, Object> properties, String property, String value) {
        Object configured = properties.get(property);
        if ((configured == null || configured.toString().isBlank()) && !isBlank(value)) {
            properties.put(property, value.strip());
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
