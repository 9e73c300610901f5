package dev.mailer.oauth.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Map;

import org.apache.oltu.oauth2.client.response.OAuthClientResponseFactory;
import org.apache.oltu.oauth2.common.exception.OAuthProblemException;
import org.junit.jupiter.api.Test;

/** A token endpoint's JSON answer is read with the JSON types of its fields; problems name the field, never its value. */
class JsonResponseTest {

    /** As {@link TimedHttpClient} has Oltu read an answer. */
    private static <T extends JsonResponse> T read(String body, Class<T> type) throws Exception {
        return OAuthClientResponseFactory.createCustomResponse(body, "application/json", 200, Map.of(), type);
    }

    private static JsonResponse read(String body) throws Exception {
        return read(body, JsonResponse.class);
    }

    @Test
    void fieldsKeepTheirJsonTypesAndNullOrAbsentIsNull() throws Exception {
        JsonResponse response = read("{\"expires_in\":3599.0,\"ext_expires_in\":\"3600\",\"id_token\":null}");

        assertEquals(0, new BigDecimal("3599.0").compareTo(new BigDecimal(response.value("expires_in").toString())));
        assertEquals("3600", response.value("ext_expires_in"));
        assertNull(response.value("id_token"), "JSON null");
        assertNull(response.value("refresh_token"), "absent");
    }

    @Test
    void aBlankStringIsNoValueAndAStringFieldOfAnotherTypeIsRefusedByName() throws Exception {
        JsonResponse response = read("{\"access_token\":\"  \",\"refresh_token\":{\"value\":\"refresh-s3cret\"}}");

        assertNull(response.string("access_token"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> response.string("refresh_token"));
        assertEquals("refresh_token is not a string", e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"));
    }

    @Test
    void scopesAreSpaceSeparatedWhetherAStringOrAnArray() throws Exception {
        assertEquals("smtp offline_access", read("{\"scope\":\"smtp offline_access\"}").scope());
        assertEquals("smtp offline_access", read("{\"scope\":[\"smtp\",\"offline_access\"]}").scope());
        assertNull(read("{\"scope\":42}").scope(), "only reported, so another type is no failure");
    }

    @Test
    void aBodyThatIsNoJsonObjectIsAnInvalidResponse() {
        OAuthProblemException e = assertThrows(OAuthProblemException.class, () -> read("<html>Sign in</html>"));

        assertEquals(JsonResponse.INVALID_RESPONSE, e.getError());
        assertEquals("the response body is not a JSON object", e.getDescription());
    }

    @Test
    void anErrorAnswerBecomesTheOAuthErrorWithItsDescription() {
        OAuthProblemException e = assertThrows(OAuthProblemException.class,
                () -> read("{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS700082: The refresh token has expired.\"}"));

        assertEquals("invalid_grant", e.getError());
        assertEquals("AADSTS700082: The refresh token has expired.", e.getDescription());
    }

    @Test
    void aDeviceAuthorizationWithoutUserCodeIsRefused() {
        assertThrows(OAuthProblemException.class, () -> read("{\"device_code\":\"device-s3cret\","
                + "\"verification_uri\":\"https://microsoft.com/devicelogin\"}", JsonResponse.DeviceAuthorization.class));
    }
}
