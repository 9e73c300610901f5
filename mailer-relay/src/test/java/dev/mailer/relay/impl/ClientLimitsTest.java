package dev.mailer.relay.impl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.mailer.commons.testing.MutableClock;

class ClientLimitsTest {

    private final MutableClock clock = new MutableClock();
    private final ClientLimits limits = new ClientLimits(2, 3, clock);

    @Test
    void aClientHasAtMostItsConnectionsOpenAndGetsOneBackWhenOneCloses() throws Exception {
        InetAddress printer = InetAddress.getByName("192.168.10.7");
        InetAddress other = InetAddress.getByName("192.168.10.8");

        assertTrue(limits.openConnection(printer));
        assertTrue(limits.openConnection(printer));
        assertFalse(limits.openConnection(printer));
        assertTrue(limits.openConnection(other), "the limit is per client");
        limits.closeConnection(printer);
        assertTrue(limits.openConnection(printer));
    }

    @Test
    void aClientSendsAtMostItsMessagesInAnyMinute() throws Exception {
        InetAddress printer = InetAddress.getByName("192.168.10.7");

        assertTrue(limits.takeMessage(printer));
        clock.advance(Duration.ofSeconds(30));
        assertTrue(limits.takeMessage(printer));
        assertTrue(limits.takeMessage(printer));
        assertFalse(limits.takeMessage(printer));
        clock.advance(Duration.ofSeconds(31));
        assertTrue(limits.takeMessage(printer), "the first one is more than a minute ago");
        assertFalse(limits.takeMessage(printer));
    }

    @Test
    void aClientMayTryLoginsAgainOnlyOnceItsFailedLoginsAreOlderThanTheWindow() throws Exception {
        InetAddress guesser = InetAddress.getByName("192.168.10.66");
        InetAddress printer = InetAddress.getByName("192.168.10.7");

        for (int i = 0; i < ClientLimits.MAX_FAILED_LOGINS; i++) {
            assertTrue(limits.mayTryLogin(guesser));
            limits.loginFailed(guesser);
        }
        assertFalse(limits.mayTryLogin(guesser));
        assertTrue(limits.mayTryLogin(printer), "the limit is per client");
        clock.advance(ClientLimits.FAILED_LOGIN_WINDOW.minusSeconds(1));
        assertFalse(limits.mayTryLogin(guesser));
        clock.advance(Duration.ofSeconds(1));
        assertTrue(limits.mayTryLogin(guesser));
    }
}
