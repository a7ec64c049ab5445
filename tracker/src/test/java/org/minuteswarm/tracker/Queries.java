package org.minuteswarm.tracker;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.minuteswarm.channel.InfoHash;

/** Builds announce query strings as BEP 3 clients send them: every binary byte %-escaped. */
final class Queries {
    private Queries() {
    }

    /** Escapes every byte outside RFC 3986's unreserved set, as BEP 3 asks. */
    static String escape(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                    || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    static byte[] peerId(int n) {
        byte[] id = Arrays.copyOf(("-MS0001-" + n).getBytes(StandardCharsets.US_ASCII), 20);
        Arrays.fill(id, Math.min(20, 8 + String.valueOf(n).length()), 20, (byte) 'x');
        return id;
    }

    /** A valid announce for peer {@code n} at {@code port}; {@code extra} is appended as is. */
    static String announce(InfoHash hash, int n, int port, long left, String extra) {
        return "info_hash=" + escape(hash.bytes()) + "&peer_id=" + escape(peerId(n)) + "&port=" + port
                + "&uploaded=0&downloaded=0&left=" + left + (extra.isEmpty() ? "" : "&" + extra);
    }
}
