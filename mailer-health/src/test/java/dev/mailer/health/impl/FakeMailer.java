package dev.mailer.health.impl;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.mailer.api.check.CheckReport;
import dev.mailer.api.check.CheckStep;
import dev.mailer.api.check.ConnectionCheck;
import dev.mailer.api.oauth.AuthorizationRequest;
import dev.mailer.api.oauth.DeviceAuthorization;
import dev.mailer.api.oauth.OAuthTokenManager;
import dev.mailer.api.oauth.TokenStatus;
import dev.mailer.api.outbox.Outbox;
import dev.mailer.api.outbox.OutboxEntry;
import dev.mailer.api.outbox.OutboxSnapshot;

/** Fakes of our API services that answer what the test sets. */
final class FakeMailer {

    private FakeMailer() {
    }

    /** A connection check whose configuration step and runs are what the test sets. */
    static final class Check implements ConnectionCheck {
        volatile CheckStep configuration = step("configuration", CheckStep.Outcome.PASS, "127.0.0.1:2525, no TLS", null);
        volatile Supplier<CheckReport> runs = () -> new CheckReport(List.of(configuration));
        final AtomicReference<Thread> ranOn = new AtomicReference<>();

        @Override
        public CheckReport run(String sendTo) {
            ranOn.set(Thread.currentThread());
            return runs.get();
        }

        @Override
        public CheckStep checkConfiguration() {
            return configuration;
        }

        @Override
        public List<X509Certificate> presentedChain() throws IOException {
            throw new IOException("no server in this fake");
        }
    }

    static CheckStep step(String name, CheckStep.Outcome outcome, String summary, String fix) {
        return new CheckStep(name, outcome, summary, List.of(), fix);
    }

    /** A token manager whose status is what the test sets; it does nothing else. */
    static final class Tokens implements OAuthTokenManager {
        volatile TokenStatus status = TokenStatus.builder().grantType("client_credentials")
                .refreshTokenSource(TokenStatus.RefreshTokenSource.NOT_USED).build();

        @Override
        public TokenStatus getStatus() {
            return status;
        }

        @Override
        public AuthorizationRequest beginAuthorization(String redirectUri) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TokenStatus completeAuthorization(Map<String, String> callbackParameters) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DeviceAuthorization beginDeviceAuthorization() {
            throw new UnsupportedOperationException();
        }

        @Override
        public TokenStatus completeDeviceAuthorization(DeviceAuthorization authorization) {
            throw new UnsupportedOperationException();
        }
    }

    /** An outbox whose snapshot holds the entries the test adds, taken at a fixed time. */
    static final class Queue implements Outbox {
        static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
        private final List<OutboxEntry> entries = new ArrayList<>();

        Queue add(OutboxEntry.State state, Instant enqueuedAt) {
            entries.add(OutboxEntry.builder().id("id-" + entries.size()).messageId("<m" + entries.size() + "@example.com>")
                    .state(state).enqueuedAt(enqueuedAt).pendingRecipients(List.of("jane@example.com")).build());
            return this;
        }

        @Override
        public OutboxSnapshot snapshot() {
            return new OutboxSnapshot(NOW, entries);
        }

        @Override
        public boolean retry(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean purge(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int retryAllDead() {
            throw new UnsupportedOperationException();
        }
    }
}
