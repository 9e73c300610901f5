package dev.mailer.testauthserver;

import java.security.Principal;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The two pages Spring Authorization Server leaves to the application, so that a person can also
 * follow a device flow by hand: where {@code verification_uri} (without a code) leads, and where
 * an approved code lands ({@code /?success}). Both are behind the login.
 */
@RestController
class UserPages {

    @GetMapping(path = "/oauth2/device_verification", params = "!user_code", produces = MediaType.TEXT_HTML_VALUE)
    String enterUserCode() {
        return """
                <!DOCTYPE html><html><body>
                <form method="get" action="/oauth2/device_verification">
                <label>Code shown on the device: <input name="user_code" autofocus></label>
                <button type="submit">Approve</button>
                </form></body></html>
                """;
    }

    @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
    String home(@RequestParam(name = "success", required = false) String success, Principal user) {
        String what = success != null ? "The device is approved; it can get its tokens now." : "Signed in.";
        return "<!DOCTYPE html><html><body><p>" + what + " (" + HtmlUtils.htmlEscape(user.getName()) + ")</p></body></html>";
    }
}
