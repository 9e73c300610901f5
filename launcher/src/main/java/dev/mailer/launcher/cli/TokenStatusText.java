package dev.mailer.launcher.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import dev.mailer.api.oauth.TokenStatus;

/** Prints a {@link TokenStatus} for operators: one labelled line per fact, never a token. */
final class TokenStatusText {

    private TokenStatusText() {
    }

    static void print(TokenStatus status, Instant now, PrintStream out) {
        line(out, "grant", status.getGrantType());
        line(out, "client id", status.getClientId());
        line(out, "token endpoint", status.getTokenUrl());
        line(out, "scopes requested", String.join(" ", status.getRequestedScopes()));
        line(out, "scopes granted", status.getGrantedScopes().orElse("(not reported by the server)"));
        line(out, "access token", status.getExpiresAt()
                .map(at -> status.hasValidToken(now) ? "valid until " + at + " (" + minutes(Duration.between(now, at)) + ")"
                        : "expired at " + at)
                .orElse("none obtained yet"));
        line(out, "last renewal", status.getLastRenewal().map(Instant::toString).orElse("none since the start"));
        line(out, "refresh token", status.getRefreshTokenSource().getDescription());
        line(out, "keep-alive", keepAlive(status, now));
        line(out, "last error", status.getLastError()
                .map(e -> e + status.getLastErrorAt().map(at -> " (at " + at + ")").orElse(""))
                .orElse("none"));
    }

    /** "after P7D without a token; last ...; next due ..." or "off". */
    private static String keepAlive(TokenStatus status, Instant now) {
        return status.getKeepAlive().map(period -> "after " + period + " without a token"
                + "; last " + status.getLastKeepAlive().map(Instant::toString).orElse("none since the start")
                + status.getKeepAliveDue().map(due -> "; next due " + due + (now.isAfter(due) ? " (overdue)" : "")).orElse(""))
                .orElse("off");
    }

    private static String minutes(Duration left) {
        long minutes = left.toMinutes();
        return minutes >= 1 ? minutes + " min left" : left.toSeconds() + " s left";
    }

    private static void line(PrintStream out, String label, String value) {
        out.printf(Locale.ROOT, "%-17s %s%n", label + ":", value == null ? "-" : value);
    }
}
