package dev.mailer.testsupport.smtp;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.json.JSONObject;

import dev.mailer.testsupport.net.Http;

/**
 * SASL XOAUTH2 (as Gmail and Exchange Online run it) for {@link TestSmtpServer}, checking every
 * token against the real OAuth2 server of the tests:
 * <ul>
 * <li>the client response {@code user=<mailbox>^Aauth=Bearer <token>^A^A}, inline after
 * {@code AUTH XOAUTH2} or, the way long tokens need it, on its own line after an empty {@code 334}.
 * Whether the inline form fits is the server's command-line limit
 * ({@link TestSmtpServer.Builder#maxCommandLineLength}): a longer AUTH line is refused before it
 * gets here;</li>
 * <li>the token is introspected (RFC 7662) at {@code <iss>/introspect} of the OAuth2 server, which
 * verifies signature and issuer; it must be active and, strictly, not expired (the server allows a
 * minute of clock skew; real SMTP servers refuse an expired token); a session logged in with it refuses
 * {@code MAIL}, {@code RCPT} and {@code DATA} once it has expired ({@code AUTH-EXPIRED} in the server's
 * events), so a client that kept a connection beyond its token's lifetime shows;</li>
 * <li>{@code user=} must be the token's subject, or a mailbox the subject was granted
 * ({@link #grant}: an app-only token's application, as with Exchange's Add-MailboxPermission);</li>
 * <li>a token can be revoked ({@link #revoke}), or every token refused ({@link #refuseEveryToken});</li>
 * <li>a refused token is answered {@code 334 <base64 JSON error>}, and after the client's answer
 * (an empty line) {@code 535 5.7.8}.</li>
 * </ul>
 * Every attempt is recorded ({@link #attempts()}), with the token for comparisons; a record's
 * {@code toString()} never shows it. Runs inside an OSGi framework (org.json from the runtime's bundle) and
 * in a test JVM (org.json on its class path).
 */
public final class Xoauth2Mechanism implements AuthMechanism {

    /** The RFC 7628 error JSON of a refused token. */
    static final String ERROR_JSON_TEMPLATE = "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"%s\"}";

    private final String issuerBase;
    private final String scope;
    private final Map<String, Set<String>> grants = new ConcurrentHashMap<>();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    /** The expiry of each token accepted so far. */
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean refuseEveryToken;

    /**
     * @param issuerBase only tokens whose {@code iss} starts with this are introspected (at their own
     *                   issuer); others are refused as forged, e.g. {@code http://127.0.0.1:40123/}
     * @param scope      the scope named in the error challenge
     */
    public Xoauth2Mechanism(String issuerBase, String scope) {
        this.issuerBase = issuerBase;
        this.scope = scope;
    }

    /** Lets tokens of {@code subject} (e.g. an application's client ID) send as {@code mailbox}. */
    public Xoauth2Mechanism grant(String subject, String mailbox) {
        grants.computeIfAbsent(subject, s -> ConcurrentHashMap.newKeySet()).add(mailbox);
        return this;
    }

    /** Refuses this token from now on, as a server does with a revoked one. */
    public void revoke(String token) {
        revoked.add(token);
    }

    /** Refuses every token (e.g. SMTP AUTH disabled for the mailbox). */
    public void refuseEveryToken(boolean refuse) {
        this.refuseEveryToken = refuse;
    }

    /** Every XOAUTH2 exchange so far, in order. */
    public List<Attempt> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    @Override
    public String name() {
        return "XOAUTH2";
    }

    @Override
    public Result authenticate(String initialResponse, Exchange exchange) throws IOException {
        boolean twoStep = initialResponse == null;
        String response = twoStep ? exchange.challenge("") : initialResponse;
        Xoauth2Response parsed = Xoauth2Response.parse(response);
        if (parsed == null) {
            attempts.add(new Attempt(twoStep, response.length(), null, null, "malformed client response"));
            return Result.failure(Xoauth2Response.MALFORMED_REPLY);
        }
        String user = parsed.user();
        String token = parsed.token();
        String refusal = check(user, token);
        Attempt attempt = new Attempt(twoStep, response.length(), user, token, refusal);
        attempts.add(attempt);
        if (refusal == null) {
            // the session lasts as long as its token: later commands are refused once it expired (AUTH-EXPIRED)
            return Result.success(user, expiries.get(token));
        }
        String errorJson = String.format(ERROR_JSON_TEMPLATE, scope);
        String answer = exchange.challenge(Base64.getEncoder().encodeToString(errorJson.getBytes(StandardCharsets.UTF_8)));
        attempt.errorChallengeAnswer = answer;
        return Result.failure("535 5.7.8 Authentication unsuccessful, the token was refused (" + refusal + ")");
    }

    /** Why the token is refused for {@code user}, or null when it is accepted. */
    private String check(String user, String token) throws IOException {
        if (revoked.contains(token)) {
            return "revoked";
        }
        if (refuseEveryToken) {
            return "SMTP AUTH is disabled for this mailbox";
        }
        String issuer = issuerOf(token);
        if (issuer == null || !issuer.startsWith(issuerBase)) {
            return "not a token of the trusted issuer";
        }
        JSONObject introspection = introspect(issuer, token);
        if (!introspection.optBoolean("active", false)) {
            return "inactive: bad signature, wrong issuer or expired";
        }
        long exp = introspection.optLong("exp", 0);
        if (exp * 1000 <= System.currentTimeMillis()) {
            return "expired at " + Instant.ofEpochSecond(exp);
        }
        expiries.put(token, Instant.ofEpochSecond(exp));
        String subject = introspection.optString("sub", "");
        if (!user.equals(subject) && !grants.getOrDefault(subject, Set.of()).contains(user)) {
            return "user=" + user + " is neither the token's subject nor a mailbox granted to it";
        }
        return null;
    }

    /** The {@code iss} claim of a JWT, read without verification (introspection verifies). */
    private static String issuerOf(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            JSONObject claims = new JSONObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            return claims.optString("iss", null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static JSONObject introspect(String issuer, String token) throws IOException {
        // the SMTP server's own client credentials (the test server wants some)
        Http.Response answer = Http.post(issuer + "/introspect", Http.basic("test-smtp-server", "introspection"),
                "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        if (answer.status() != 200) {
            throw new IOException("introspection at " + issuer + " answered HTTP " + answer.status() + ": " + answer.body());
        }
        return new JSONObject(answer.body());
    }

    /** One XOAUTH2 exchange. */
    public static final class Attempt {
        private final boolean twoStep;
        private final int responseLength;
        private final String user;
        private final String token;
        private final String refusal;
        private volatile String errorChallengeAnswer;

        Attempt(boolean twoStep, int responseLength, String user, String token, String refusal) {
            this.twoStep = twoStep;
            this.responseLength = responseLength;
            this.user = user;
            this.token = token;
            this.refusal = refusal;
        }

        /** True when the client sent {@code AUTH XOAUTH2} alone and the response after the {@code 334}. */
        public boolean twoStep() {
            return twoStep;
        }

        /** Length of the base64 client response, in octets. */
        public int responseLength() {
            return responseLength;
        }

        public String user() {
            return user;
        }

        /** The bearer token presented (for comparisons; never printed). */
        public String token() {
            return token;
        }

        public boolean accepted() {
            return refusal == null;
        }

        /** Why the token was refused, or null. */
        public String refusal() {
            return refusal;
        }

        /** What the client answered to the error challenge of a refused token ("" is right), or null. */
        public String errorChallengeAnswer() {
            return errorChallengeAnswer;
        }

        @Override
        public String toString() {
            return "Attempt[" + (twoStep ? "two-step" : "inline") + ", " + responseLength + " octets, user=" + user
                    + (refusal == null ? ", accepted" : ", refused: " + refusal)
                    + (errorChallengeAnswer == null ? "" : ", error challenge answered with " + errorChallengeAnswer.length() + " octets")
                    + "]";
        }
    }
}
