package org.minuteswarm.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InfoHashTest {
    private static final String HEX = "0123456789abcdef00ff7f80a5c3e1d2b4f60718";

    private static byte[] filled(int b) {
        byte[] bytes = new byte[InfoHash.LENGTH];
        java.util.Arrays.fill(bytes, (byte) b);
        return bytes;
    }

    @Test
    void hexRoundTrip() {
        InfoHash h = InfoHash.fromHex(HEX);
        assertEquals(HEX, h.hex());
        assertEquals(HEX, h.toString());
        assertEquals(h, InfoHash.fromHex(HEX.toUpperCase()));
        assertEquals(HEX, InfoHash.fromHex(HEX.toUpperCase()).hex(), "hex() is lower case");
        assertEquals(h, InfoHash.of(h.bytes()));
        assertEquals(0x01, h.bytes()[0]);
        assertEquals((byte) 0xff, h.bytes()[9]);
        assertEquals((byte) 0x18, h.bytes()[19]);
    }

    @Test
    void bytesRoundTrip() {
        for (int b : new int[] {0, 1, 0x7f, 0x80, 0xff}) {
            InfoHash h = InfoHash.of(filled(b));
            assertArrayEquals(filled(b), h.bytes());
            assertEquals(h, InfoHash.fromHex(h.hex()));
            assertEquals(40, h.hex().length());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 19, 21, 32, 40})
    void wrongByteLengths(int length) {
        assertThrows(IllegalArgumentException.class, () -> InfoHash.of(new byte[length]));
    }

    @Test
    void nullsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> InfoHash.of(null));
        assertThrows(IllegalArgumentException.class, () -> InfoHash.fromHex(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "00", "0123456789abcdef00ff7f80a5c3e1d2b4f6071", // 39
            "0123456789abcdef00ff7f80a5c3e1d2b4f607180", // 41
            "0123456789abcdef00ff7f80a5c3e1d2b4f607180123456789abcdef00ff7f80a5c3e1d2b4f60718", // 80
            "zz23456789abcdef00ff7f80a5c3e1d2b4f60718", "0123456789abcdef00ff7f80a5c3e1d2b4f6071g",
            " 123456789abcdef00ff7f80a5c3e1d2b4f60718", "0x23456789abcdef00ff7f80a5c3e1d2b4f60718",
            "-123456789abcdef00ff7f80a5c3e1d2b4f60718"})
    void badHex(String hex) {
        assertThrows(IllegalArgumentException.class, () -> InfoHash.fromHex(hex));
    }

    @Test
    void immutable() {
        byte[] source = filled(1);
        InfoHash h = InfoHash.of(source);
        source[0] = 9;
        assertArrayEquals(filled(1), h.bytes(), "copied on the way in");
        h.bytes()[0] = 9;
        assertArrayEquals(filled(1), h.bytes(), "copied on the way out");
    }

    @Test
    void equalityAndHashCode() {
        InfoHash a = InfoHash.of(filled(3));
        InfoHash b = InfoHash.of(filled(3));
        byte[] almost = filled(3);
        almost[19] = 4;
        InfoHash c = InfoHash.of(almost);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, c);
        assertNotEquals(a, null);
        assertNotEquals(a, a.hex());
        assertEquals(0, a.compareTo(b));
    }

    @Test
    void orderingIsUnsignedLexicographic() {
        byte[] lowFirst = filled(0);
        lowFirst[19] = (byte) 0xff;
        byte[] highFirst = filled(0);
        highFirst[0] = 1;
        InfoHash zero = InfoHash.of(filled(0));
        InfoHash h7f = InfoHash.of(filled(0x7f));
        InfoHash h80 = InfoHash.of(filled(0x80)); // negative as a signed byte, yet greater than 0x7f
        InfoHash hff = InfoHash.of(filled(0xff));
        InfoHash low = InfoHash.of(lowFirst);
        InfoHash high = InfoHash.of(highFirst);
        assertTrue(h7f.compareTo(h80) < 0);
        assertTrue(h80.compareTo(h7f) > 0);
        assertTrue(low.compareTo(high) < 0, "first byte decides");
        List<InfoHash> list = new ArrayList<>(List.of(hff, h80, high, zero, h7f, low));
        Collections.sort(list);
        assertEquals(List.of(zero, low, high, h7f, h80, hff), list);
        // ordering agrees with the hex text
        for (int i = 1; i < list.size(); i++) {
            assertTrue(list.get(i - 1).hex().compareTo(list.get(i).hex()) < 0);
        }
    }
}
