package org.minuteswarm.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.minuteswarm.channel.Fixtures.T0;
import static org.minuteswarm.channel.Fixtures.hex;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of valid documents: whatever the bytes, the parsers either return or
 * throw their own checked exception, never anything else. Seeds are fixed so a failure reproduces.
 */
class MutationFuzzTest {
    private static final byte[] STRUCTURAL = Fixtures.bytes("ilde:-0123456789");

    static byte[] mutate(byte[] seed, Random rnd) {
        byte[] doc = seed.clone();
        int edits = 1 + rnd.nextInt(3);
        for (int i = 0; i < edits && doc.length > 0; i++) {
            int at = rnd.nextInt(doc.length);
            switch (rnd.nextInt(7)) {
                case 0 -> doc[at] = (byte) rnd.nextInt(256);
                case 1 -> doc[at] = STRUCTURAL[rnd.nextInt(STRUCTURAL.length)];
                case 2 -> {
                    byte[] longer = new byte[doc.length + 1];
                    System.arraycopy(doc, 0, longer, 0, at);
                    longer[at] = STRUCTURAL[rnd.nextInt(STRUCTURAL.length)];
                    System.arraycopy(doc, at, longer, at + 1, doc.length - at);
                    doc = longer;
                }
                case 3 -> {
                    byte[] shorter = new byte[doc.length - 1];
                    System.arraycopy(doc, 0, shorter, 0, at);
                    System.arraycopy(doc, at + 1, shorter, at, doc.length - at - 1);
                    doc = shorter;
                }
                case 4 -> doc = Arrays.copyOf(doc, at);
                case 5 -> {
                    int len = 1 + rnd.nextInt(Math.min(16, doc.length - at));
                    int to = rnd.nextInt(doc.length + 1);
                    byte[] longer = new byte[doc.length + len];
                    System.arraycopy(doc, 0, longer, 0, to);
                    System.arraycopy(doc, at, longer, to, len);
                    System.arraycopy(doc, to, longer, to + len, doc.length - to);
                    doc = longer;
                }
                default -> {
                    int other = rnd.nextInt(doc.length);
                    byte t = doc[at];
                    doc[at] = doc[other];
                    doc[other] = t;
                }
            }
        }
        return doc;
    }

    private static boolean isUtf8(byte[] doc) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(doc));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void mutatedBencodeEitherDecodesOrThrowsBencodeException() {
        KeyPair keys = Fixtures.keyPair();
        ChannelManifest m = Fixtures.manifest(Fixtures.NAME, Fixtures.key(keys), T0, 3, 6);
        List<byte[]> seeds = List.of(BencodeTest.richDocument(), m.encode(),
                SignedManifest.sign(m, keys.getPrivate()).wire(), Fixtures.bytes("d1:ai1e1:bl1:ci-7eee"));
        Random rnd = new Random(0x5eed_0001L);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] doc = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            Object value;
            try {
                value = Bencode.decode(doc);
            } catch (BencodeException rejected) {
                continue;
            } catch (RuntimeException | Error e) {
                throw new AssertionError("decode threw " + e + " for " + hex(doc), e);
            }
            accepted++;
            // Whatever is accepted is canonical: it re-encodes to the very same bytes. Documents with
            // keys that are not UTF-8 are skipped (see BencodeTest.RoundTrips#distinctRawKeysStayDistinct).
            if (isUtf8(doc)) {
                assertArrayEquals(doc, Bencode.encode(value), () -> "not canonical but accepted: " + hex(doc));
            }
        }
        assertTrue(accepted > 500, "mutations should leave some documents valid, got " + accepted);
    }

    @Test
    void mutatedManifestBodyEitherDecodesOrThrowsManifestException() {
        ChannelManifest m = Fixtures.manifest(Fixtures.NAME, Fixtures.key(Fixtures.keyPair()), T0, 10, 12);
        byte[] seed = m.encode();
        Random rnd = new Random(0x5eed_0002L);
        for (int i = 0; i < 10_000; i++) {
            byte[] doc = mutate(seed, rnd);
            try {
                ChannelManifest decoded = ChannelManifest.decode(doc);
                assertArrayEquals(doc, decoded.encode(), () -> "accepted a non-canonical manifest " + hex(doc));
            } catch (ManifestException rejected) {
                // fine
            } catch (RuntimeException | Error e) {
                throw new AssertionError("decode threw " + e + " for " + hex(doc), e);
            }
        }
    }

    @Test
    void mutatedSignedManifestIsNeverAcceptedAndOnlyThrowsManifestException() {
        KeyPair keys = Fixtures.keyPair();
        ChannelManifest m = Fixtures.manifest(Fixtures.NAME, Fixtures.key(keys), T0, 0, 2);
        byte[] seed = SignedManifest.sign(m, keys.getPrivate()).wire();
        ChannelUrl url = Fixtures.url(Fixtures.NAME, m.key());
        Random rnd = new Random(0x5eed_0003L);
        for (int i = 0; i < 3_000; i++) {
            byte[] wire = mutate(seed, rnd);
            if (Arrays.equals(wire, seed)) {
                continue; // e.g. a swap of two equal bytes
            }
            try {
                SignedManifest.verify(wire, url);
                fail("accepted an altered signed manifest " + hex(wire));
            } catch (ManifestException rejected) {
                // fine
            } catch (RuntimeException | Error e) {
                throw new AssertionError("verify threw " + e + " for " + hex(wire), e);
            }
        }
    }
}
