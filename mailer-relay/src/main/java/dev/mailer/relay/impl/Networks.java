package dev.mailer.relay.impl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The networks whose clients may relay without a login: CIDR ranges ({@code 192.168.10.0/24},
 * {@code fd00::/8}) or single addresses ({@code 10.1.2.3}). Addresses only, never host names: a name
 * would make who may relay depend on DNS. Immutable.
 */
final class Networks {

    /** An IPv4 or IPv6 literal: digits, hex digits, dots and colons only (so parsing never looks a name up). */
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    private final List<Range> ranges;

    private Networks(List<Range> ranges) {
        this.ranges = Collections.unmodifiableList(ranges);
    }

    static Networks none() {
        return new Networks(List.of());
    }

    /**
     * @param entries CIDR ranges or addresses
     * @throws IllegalArgumentException naming the entry and what is wrong with it
     */
    static Networks parse(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            ranges.add(Range.parse(entry.strip()));
        }
        return new Networks(ranges);
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    boolean contains(InetAddress address) {
        for (Range range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return ranges.toString();
    }

    private static final class Range {
        private final byte[] network;
        private final int prefix;
        private final String text;

        private Range(byte[] network, int prefix, String text) {
            this.network = network;
            this.prefix = prefix;
            this.text = text;
        }

        static Range parse(String entry) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            if (!LITERAL.matcher(address).matches()) {
                throw new IllegalArgumentException("\"" + entry + "\" is not an IP address or CIDR range such as 192.168.10.0/24");
            }
            byte[] bytes;
            try {
                bytes = InetAddress.getByName(address).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("\"" + entry + "\" is not an IP address or CIDR range such as 192.168.10.0/24");
            }
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("\"" + entry + "\": the prefix length must be 0.." + bits);
                }
            }
            return new Range(mask(bytes, prefix), prefix, entry);
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            return bytes.length == network.length && Arrays.equals(mask(bytes, prefix), network);
        }

        private static byte[] mask(byte[] address, int prefix) {
            byte[] masked = address.clone();
            for (int i = 0; i < masked.length; i++) {
                int keep = Math.max(0, Math.min(8, prefix - i * 8));
                masked[i] &= (byte) (0xFF << (8 - keep));
            }
            return masked;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
