package org.minuteswarm.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChannelKeyTest {
    @Test
    void textIs43CharactersOfBase64UrlAndRoundTrips() {
        for (int i = 0; i < 50; i++) {
            ChannelKey key = Fixtures.key(Fixtures.keyPair());
            String text = key.text();
            assertEquals(43, text.length());
            assertTrue(text.matches("[A-Za-z0-9_-]{43}"), text);
            assertEquals(key, ChannelKey.parse(text));
            assertEquals(text, key.toString());
        }
    }

    @Test
    void publicKeyRoundTrip() {
        KeyPair keys = Fixtures.keyPair();
        ChannelKey key = ChannelKey.of(keys.getPublic());
        byte[] der = keys.getPublic().getEncoded();
        assertArrayEquals(Arrays.copyOfRange(der, der.length - 32, der.length), key.raw());
        assertArrayEquals(der, key.toPublicKey().getEncoded());
        assertEquals(key, ChannelKey.of(key.toPublicKey()));
    }

    @Test
    void rejectsOtherKeyTypes() throws Exception {
        KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        assertThrows(IllegalArgumentException.class, () -> ChannelKey.of(ec.getPublic()));
        KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
        assertThrows(IllegalArgumentException.class, () -> ChannelKey.of(ed448.getPublic()));
    }

    @Test
    void rawLength() {
        assertThrows(IllegalArgumentException.class, () -> ChannelKey.ofRaw(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> ChannelKey.ofRaw(new byte[33]));
        assertThrows(IllegalArgumentException.class, () -> ChannelKey.ofRaw(null));
        byte[] raw = new byte[32];
        ChannelKey key = ChannelKey.ofRaw(raw);
        raw[0] = 1;
        assertArrayEquals(new byte[32], key.raw(), "copied on the way in");
        key.raw()[0] = 1;
        assertArrayEquals(new byte[32], key.raw(), "copied on the way out");
    }

    @Test
    void parseRejectsBadText() {
        String good = ChannelKey.ofRaw(new byte[32]).text();
        assertThrows(IllegalArgumentException.class, () -> ChannelKey.parse(""));
        assertThrows(IllegalArgumentException.class, () -> ChannelKey.parse(good.substring(1)));
        assertThrows(IllegalArgumentException.class, () -> ChannelKey.parse(good + "AAAA"));
        assertThrows(IllegalArgumentException.class, () -> ChannelKey.parse("+" + good.substring(1)), "not url-safe");
        assertThrows(IllegalArgumentException.class, () -> ChannelKey.parse("*" + good.substring(1)));
    }

    @Test
    void equality() {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        b[31] = 1;
        assertEquals(ChannelKey.ofRaw(a), ChannelKey.ofRaw(a.clone()));
        assertEquals(ChannelKey.ofRaw(a).hashCode(), ChannelKey.ofRaw(a.clone()).hashCode());
        assertNotEquals(ChannelKey.ofRaw(a), ChannelKey.ofRaw(b));
    }
}
