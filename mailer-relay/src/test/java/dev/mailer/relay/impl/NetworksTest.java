package dev.mailer.relay.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

class NetworksTest {

    @Test
    void aRangeHoldsItsAddressesAndNoOthers() throws Exception {
        Networks lan = Networks.parse(List.of("192.168.10.0/24", "10.1.2.3", "fd00::/8"));

        assertTrue(lan.contains(InetAddress.getByName("192.168.10.77")));
        assertFalse(lan.contains(InetAddress.getByName("192.168.11.1")));
        assertTrue(lan.contains(InetAddress.getByName("10.1.2.3")));
        assertFalse(lan.contains(InetAddress.getByName("10.1.2.4")));
        assertTrue(lan.contains(InetAddress.getByName("fd12:3456::1")));
        assertFalse(lan.contains(InetAddress.getByName("fe80::1")));
        assertFalse(lan.contains(InetAddress.getByName("127.0.0.1")));
    }

    @Test
    void oddPrefixesMaskInsideAByte() throws Exception {
        Networks range = Networks.parse(List.of("172.16.0.0/12"));

        assertTrue(range.contains(InetAddress.getByName("172.31.255.255")));
        assertFalse(range.contains(InetAddress.getByName("172.32.0.0")));
        assertTrue(Networks.parse(List.of("0.0.0.0/0")).contains(InetAddress.getByName("8.8.8.8")));
    }

    @Test
    void aHostNameOrABadPrefixIsRefusedNamingTheEntry() {
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> Networks.parse(List.of("printer.lan")));
        assertEquals("\"printer.lan\" is not an IP address or CIDR range such as 192.168.10.0/24", name.getMessage());
        IllegalArgumentException prefix = assertThrows(IllegalArgumentException.class, () -> Networks.parse(List.of("10.0.0.0/33")));
        assertEquals("\"10.0.0.0/33\": the prefix length must be 0..32", prefix.getMessage());
    }
}
