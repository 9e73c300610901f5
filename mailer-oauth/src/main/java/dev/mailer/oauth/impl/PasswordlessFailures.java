package dev.mailer.oauth.impl;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

import dev.mailer.api.MailException;

/**
 * The failure texts of the passwordless grants: the token file of a workload identity
 * ({@code workload_identity}), the access token of {@code grantType=static}, and the diagnosis of
 * what Azure's identity endpoints and Entra ID answer to a managed or workload identity (identity
 * not assigned, wrong resource, role missing, federated credential mismatch). Their one place, as
 * {@link OAuthFailures} is for the other grants and the authorization flows, which asks
 * {@link #diagnose} first.
 */
final class PasswordlessFailures {

    /** What to do about a static token that expires: nothing here can renew it. */
    private static final String STATIC_RENEWAL = "Put a new token in place before then (it is read again when the file"
            + " changes); for tokens that renew themselves, use grantType managed_identity, workload_identity or"
            + " client_credentials.";

    private PasswordlessFailures() {
    }

    /** The federated token of a workload identity (AZURE_FEDERATED_TOKEN_FILE) cannot be read, or is empty ({@code e} null). */
    static MailException federatedTokenUnreadable(Path file, IOException e) {
        return MailException.permanentFailure("No OAuth2 access token: the federated token file " + file
                + (e == null ? " is empty" : " cannot be read (" + e + ")") + "; nothing was sent.")
                .setting(OAuthSettings.FEDERATED_TOKEN_FILE)
                .diagnosis("On AKS, label the pod's service account for workload identity (azure.workload.identity/use: \"true\"),"
                        + " so that the webhook mounts the token and sets AZURE_FEDERATED_TOKEN_FILE; or set federatedTokenFile"
                        + " to the projected service account token.")
                .cause(e)
                .build();
    }

    /** The token of grantType=static cannot be read from {@code file}, or the file is empty ({@code e} null). */
    static MailException staticTokenUnreadable(Path file, IOException e) {
        return MailException.permanentFailure("No OAuth2 access token: the access token file " + file
                + (e == null ? " is empty" : " cannot be read (" + e + ")") + "; nothing was sent.")
                .setting(OAuthSettings.ACCESS_TOKEN_FILE)
                .diagnosis("Put the access token in " + file + " (the launcher: the secret oauth_access_token), readable for the"
                        + " user running the mailer; it is read again whenever it changes.")
                .cause(e)
                .build();
    }

    /** The token of grantType=static is a JWT whose exp has passed: found before any connection to the mail server. */
    static MailException staticTokenExpired(String location, Instant expiredAt) {
        return MailException.permanentFailure("No OAuth2 access token: the access token in " + location + " expired at "
                + expiredAt + " (its exp claim); nothing was sent, and the mail server was not contacted.")
                .setting(location.equals(OAuthSettings.ACCESS_TOKEN) ? OAuthSettings.ACCESS_TOKEN : OAuthSettings.ACCESS_TOKEN_FILE)
                .diagnosis(STATIC_RENEWAL)
                .build();
    }

    /** The token of grantType=static works, but expires within renewBeforeExpirySeconds and nothing here can renew it. */
    static String staticTokenExpiresSoon(String location, Instant expiresAt) {
        return "The access token in " + location + " expires at " + expiresAt + " (its exp claim), and grantType=static cannot"
                + " renew it: " + STATIC_RENEWAL;
    }

    /** The tenant's token endpoint refused a workload identity as a client (invalid_client, unauthorized_client). */
    static MailException workloadIdentityNotAccepted(MailException.Builder b) {
        return b.setting(OAuthSettings.CLIENT_ID)
                .diagnosis("The token endpoint does not accept this workload identity: check clientId (AZURE_CLIENT_ID,"
                        + " the client ID of the identity with the federated credential) and the tenant in tokenUrl.")
                .build();
    }

    /**
     * The diagnosis of a failed token request for the failures of Azure's identities (managed
     * identity, workload identity) and their AADSTS codes, or null when {@code error} and
     * {@code text} (the error_description, or "") are none of them: then {@link OAuthFailures}
     * diagnoses it as any OAuth error. Asked first, so these diagnoses win.
     */
    static MailException diagnose(MailException.Builder b, String error, String text, String endpointSetting,
            OAuthSettings settings) {
        String lower = text.toLowerCase(Locale.ROOT);
        boolean identityEndpoint = OAuthSettings.IMDS_ENDPOINT.equals(endpointSetting)
                || OAuthSettings.IDENTITY_ENDPOINT.equals(endpointSetting);
        if (identityEndpoint && error == null) {
            return b.setting(endpointSetting)
                    .diagnosis("grantType=managed_identity works on Azure only: on a VM, scale set or AKS node the instance metadata"
                            + " service (imdsEndpoint, " + OAuthSettings.DEFAULT_IMDS_ENDPOINT + ") answers; on App Service,"
                            + " Functions or Container Apps, identityEndpoint and identityHeader come from IDENTITY_ENDPOINT and"
                            + " IDENTITY_HEADER. Elsewhere use client_credentials or workload_identity.")
                    .build();
        }
        if (identityEndpoint && (lower.contains("identity not found") || lower.contains("no managed identity"))) {
            return b.setting(OAuthSettings.CLIENT_ID)
                    .diagnosis("No managed identity is assigned to this resource" + (settings.clientId == null ? ""
                            : " with the client ID " + settings.clientId + " (clientId, AZURE_CLIENT_ID)") + ": turn on its"
                            + " system-assigned identity (Azure portal: the VM or app > Identity), or assign the user-assigned"
                            + " identity and set clientId to that identity's client ID (not its object or principal ID).")
                    .build();
        }
        if (text.contains("AADSTS500011") || identityEndpoint && ("invalid_resource".equals(error) || lower.contains("resource"))) {
            return b.setting(OAuthSettings.RESOURCE)
                    .diagnosis("The resource is not one Entra ID knows in this tenant: set resource to https://communication.azure.com/"
                            + " for Azure Communication Services or https://outlook.office365.com/ for Exchange Online.")
                    .build();
        }
        if (text.contains("AADSTS501051") || text.contains("AADSTS50105")) {
            return b.setting(OAuthSettings.CLIENT_ID)
                    .diagnosis("The identity is not assigned a role of the resource: assign it one (Azure Communication Services: a"
                            + " role with Microsoft.Communication/CommunicationServices/Read and .../Write, e.g. Contributor, on the"
                            + " ACS resource; Exchange Online: the application's SMTP.SendAsApp permission and"
                            + " Add-MailboxPermission for the mailbox).")
                    .build();
        }
        if (text.contains("AADSTS70021") || text.contains("AADSTS700211") || text.contains("AADSTS700213")) {
            return b.setting(OAuthSettings.FEDERATED_TOKEN_FILE)
                    .diagnosis("No federated credential of the identity (clientId) matches the pod's token: create one whose"
                            + " issuer is the cluster's OIDC issuer URL (az aks show --query oidcIssuerProfile.issuerUrl), whose"
                            + " subject is system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT of this pod, and whose audience is"
                            + " api://AzureADTokenExchange; and check that clientId is the client ID of that identity.")
                    .build();
        }
        if (text.contains("AADSTS700024")) {
            return b.setting(OAuthSettings.FEDERATED_TOKEN_FILE)
                    .diagnosis("The federated token in federatedTokenFile has expired: Kubernetes renews the projected service"
                            + " account token in the pod; check that the file is the projected volume (AZURE_FEDERATED_TOKEN_FILE)"
                            + " and not a copy, and that the node's clock is right.")
                    .build();
        }
        return null;
    }
}
