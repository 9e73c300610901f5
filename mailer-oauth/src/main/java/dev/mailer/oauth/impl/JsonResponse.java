package dev.mailer.oauth.impl;

import org.apache.oltu.oauth2.client.response.OAuthClientResponse;
import org.apache.oltu.oauth2.client.validator.OAuthClientValidator;
import org.apache.oltu.oauth2.common.OAuth;
import org.apache.oltu.oauth2.common.exception.OAuthProblemException;
import org.apache.oltu.oauth2.common.utils.JSONUtils;

/**
 * A JSON object answer of the token endpoint as Oltu parses it, with an {@code error} turned into
 * an {@link OAuthProblemException}; the fields are read with their JSON types, so that a token
 * response is checked by us rather than by Oltu (which fails on {@code "expires_in": 3599.0}).
 * Public with a public constructor only because Oltu instantiates it reflectively; the package is
 * private to the bundle.
 */
public class JsonResponse extends OAuthClientResponse {

    /** Our error code for an answer that is not a usable response (not JSON, a field missing or of the wrong type). */
    static final String INVALID_RESPONSE = "invalid_response";

    public JsonResponse() {
        validator = new OAuthClientValidator() {
        };
    }

    /**
     * A JSON object answer whatever its status, with an {@code error} left to the caller (Azure's
     * identity endpoints do not all answer as OAuth does).
     *
     * @throws OAuthProblemException the body is not a JSON object
     */
    static JsonResponse unvalidated(String body, String contentType, int status) throws OAuthProblemException {
        JsonResponse response = new JsonResponse();
        response.setBody(body);
        response.setContentType(contentType);
        response.setResponseCode(status);
        return response;
    }

    /** The value of {@code name} as parsed (String, Number, Boolean, array, object), or null when absent or JSON null. */
    Object value(String name) {
        Object value = parameters.get(name);
        // org.json's JSONObject.NULL is the one object that equals null
        return value == null || value.equals(null) ? null : value;
    }

    /**
     * The value of {@code name}, which must be a string when present; null when absent or blank.
     *
     * @throws IllegalArgumentException when it is not a string (the message names the field, not the value)
     */
    String string(String name) {
        Object value = value(name);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException(OAuthFailures.notAString(name));
        }
        return value == null || ((String) value).isBlank() ? null : (String) value;
    }

    /** The granted scopes, space-separated (some servers send an array); null when absent or of another type: they are only reported. */
    String scope() {
        Object value = value(OAuth.OAUTH_SCOPE);
        if (value instanceof Object[]) {
            StringBuilder scopes = new StringBuilder();
            for (Object scope : (Object[]) value) {
                scopes.append(scopes.length() == 0 ? "" : " ").append(scope);
            }
            return scopes.toString();
        }
        return value instanceof String ? (String) value : null;
    }

    @Override
    protected void setBody(String body) throws OAuthProblemException {
        this.body = body;
        try {
            this.parameters = JSONUtils.parseJSON(body);
        } catch (RuntimeException e) {
            throw OAuthProblemException.error(INVALID_RESPONSE, OAuthFailures.notAJsonObject());
        }
    }

    @Override
    protected void setContentType(String contentType) {
        this.contentType = contentType;
    }

    @Override
    protected void setResponseCode(int responseCode) {
        this.responseCode = responseCode;
    }

    /** A device authorization response (RFC 8628 3.2): a {@link JsonResponse} that must have a device code and a user code. */
    public static final class DeviceAuthorization extends JsonResponse {

        public DeviceAuthorization() {
            validator = new OAuthClientValidator() {
                {
                    requiredParams.put("device_code", new String[0]);
                    requiredParams.put("user_code", new String[0]);
                }
            };
        }
    }
}
