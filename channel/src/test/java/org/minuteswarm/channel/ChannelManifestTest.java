package org.minuteswarm.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.minuteswarm.channel.Fixtures.MINUTE;
import static org.minuteswarm.channel.Fixtures.NAME;
import static org.minuteswarm.channel.Fixtures.T0;
import static org.minuteswarm.channel.Fixtures.bytes;
import static org.minuteswarm.channel.Fixtures.concat;
import static org.minuteswarm.channel.Fixtures.segment;

import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ChannelManifestTest {
    private final ChannelKey key = Fixtures.key(Fixtures.keyPair());
    private final ChannelManifest manifest = Fixtures.manifest(NAME, key, T0, 40, 44);

    private static ChannelKey fixedKey() {
        byte[] raw = new byte[32];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) i;
        }
        return ChannelKey.ofRaw(raw);
    }

    @Test
    void goldenEncoding() {
        byte[] hash = new byte[20];
        Arrays.fill(hash, (byte) 0xab);
        SegmentDescriptor seg = new SegmentDescriptor(7, InfoHash.of(hash), 1_048_576, Duration.ofMillis(59_960),
                Instant.ofEpochMilli(1_699_999_940_000L));
        ChannelManifest m = new ChannelManifest("radio-1", fixedKey(), MINUTE,
                Instant.ofEpochMilli(1_700_000_000_123L), List.of(seg));
        byte[] expected = concat(
                bytes("d7:channel7:radio-16:formati1e9:issued msi1700000000123e3:key32:"), fixedKey().raw(),
                bytes("19:segment duration msi60000e8:segmentsl"),
                bytes("d11:duration msi59960e9:info hash20:"), hash,
                bytes("3:seqi7e4:sizei1048576e8:start msi1699999940000ee"),
                bytes("ee"));
        assertEquals(Fixtures.latin1(expected), Fixtures.latin1(m.encode()));
    }

    @Test
    void theOriginIsSignedAsHostAndPortAndSurvivesARoundTrip() throws Exception {
        ChannelManifest m = new ChannelManifest("x", fixedKey(), Duration.ofSeconds(2), Instant.ofEpochMilli(5),
                List.of(), ChannelManifest.MEDIA_TS, "127.0.0.1:6881");
        assertTrue(Fixtures.latin1(m.encode()).contains("6:origin14:127.0.0.1:688119:segment"), Fixtures.latin1(m.encode()));
        ChannelManifest back = ChannelManifest.decode(m.encode());
        assertEquals(m, back);
        assertEquals("127.0.0.1", back.originHost().orElseThrow());
        assertEquals(6881, back.originPort());
        ChannelManifest v6 = new ChannelManifest("x", fixedKey(), Duration.ofSeconds(2), Instant.ofEpochMilli(5),
                List.of(), ChannelManifest.MEDIA_TS, "[::1]:7000");
        assertEquals("::1", ChannelManifest.decode(v6.encode()).originHost().orElseThrow());
        ChannelManifest none = new ChannelManifest("x", fixedKey(), Duration.ofSeconds(2), Instant.ofEpochMilli(5),
                List.of());
        assertEquals(Optional.empty(), none.originHost());
        assertEquals(0, none.originPort());
        assertFalse(Fixtures.latin1(none.encode()).contains("origin"));
    }

    @Test
    void anOriginThatIsNotHostAndPortIsRefused() {
        for (String bad : List.of("nohost", ":80", "host:0", "host:65536", "host:http", "a b:80", "::1:80",
                "user@host:80", "host/x:80")) {
            assertThrows(IllegalArgumentException.class, () -> new ChannelManifest("x", fixedKey(),
                    Duration.ofSeconds(2), Instant.ofEpochMilli(5), List.of(), ChannelManifest.MEDIA_TS, bad), bad);
            byte[] forged = concat(bytes("d7:channel1:x6:formati1e9:issued msi5e3:key32:"), fixedKey().raw(),
                    bytes("6:origin" + bad.length() + ":" + bad + "19:segment duration msi2000e8:segmentslee"));
            assertThrows(ManifestException.class, () -> ChannelManifest.decode(forged), bad);
        }
    }

    @Test
    void goldenEncodingOfAnEmptyWindow() {
        ChannelManifest m = new ChannelManifest("x", fixedKey(), Duration.ofSeconds(2), Instant.ofEpochMilli(5),
                List.of());
        byte[] expected = concat(bytes("d7:channel1:x6:formati1e9:issued msi5e3:key32:"), fixedKey().raw(),
                bytes("19:segment duration msi2000e8:segmentslee"));
        assertArrayEquals(expected, m.encode());
    }

    @Test
    void roundTrip() throws ManifestException {
        byte[] encoded = manifest.encode();
        ChannelManifest decoded = ChannelManifest.decode(encoded);
        assertEquals(manifest, decoded);
        assertArrayEquals(encoded, decoded.encode());
        assertEquals(5, decoded.segments().size());
        assertEquals(Fixtures.hash(42), decoded.segment(42).orElseThrow().infoHash());
    }

    @Test
    void roundTripOfExtremeButValidValues() throws ManifestException {
        SegmentDescriptor big = new SegmentDescriptor(Long.MAX_VALUE, Fixtures.hash(1), Long.MAX_VALUE,
                Duration.ofMillis(1), Instant.ofEpochMilli(-1));
        ChannelManifest m = new ChannelManifest("a".repeat(64), key, Duration.ofMillis(1), Instant.EPOCH,
                List.of(segment(0), big));
        assertEquals(m, ChannelManifest.decode(m.encode()));
    }

    @Test
    void emptyWindow() throws ManifestException {
        ChannelManifest empty = Fixtures.manifest(NAME, key, T0, 1, 0);
        assertEquals(-1, empty.latestSequence());
        assertEquals(Optional.empty(), empty.segment(0));
        ChannelManifest decoded = ChannelManifest.decode(empty.encode());
        assertEquals(empty, decoded);
        assertEquals(-1, decoded.latestSequence());
    }

    @Test
    void latestSequenceIsTheLiveEdge() {
        assertEquals(44, manifest.latestSequence());
        assertEquals(0, Fixtures.manifest(NAME, key, T0, 0, 0).latestSequence());
        assertEquals(Optional.of(segment(40)), manifest.segment(40));
        assertEquals(Optional.empty(), manifest.segment(39));
        assertEquals(Optional.empty(), manifest.segment(45));
    }

    @Test
    void segmentsMustIncrease() {
        assertThrows(IllegalArgumentException.class,
                () -> new ChannelManifest(NAME, key, MINUTE, T0, List.of(segment(3), segment(3))));
        assertThrows(IllegalArgumentException.class,
                () -> new ChannelManifest(NAME, key, MINUTE, T0, List.of(segment(3), segment(2))));
        assertThrows(IllegalArgumentException.class,
                () -> new ChannelManifest(NAME, key, MINUTE, T0, List.of(segment(1), segment(5), segment(4))));
        // gaps are fine: a skipped segment never appears
        assertDoesNotThrow(() -> new ChannelManifest(NAME, key, MINUTE, T0, List.of(segment(1), segment(5))));
    }

    @Test
    void segmentsAreAnImmutableCopy() {
        List<SegmentDescriptor> list = new ArrayList<>(List.of(segment(1), segment(2)));
        ChannelManifest m = new ChannelManifest(NAME, key, MINUTE, T0, list);
        list.add(segment(3));
        assertEquals(2, m.segments().size());
        assertThrows(UnsupportedOperationException.class, () -> m.segments().add(segment(9)));
    }

    @Test
    void constructorValidates() {
        assertThrows(IllegalArgumentException.class, () -> new ChannelManifest("bad name", key, MINUTE, T0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ChannelManifest(null, key, MINUTE, T0, List.of()));
        assertThrows(NullPointerException.class, () -> new ChannelManifest(NAME, null, MINUTE, T0, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new ChannelManifest(NAME, key, Duration.ZERO, T0, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new ChannelManifest(NAME, key, Duration.ofSeconds(-1), T0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ChannelManifest(NAME, key, null, T0, List.of()));
        assertThrows(NullPointerException.class, () -> new ChannelManifest(NAME, key, MINUTE, null, List.of()));
    }

    @Test
    void subMillisecondDurationsCannotProduceAnUndecodableManifest() {
        Duration tiny = Duration.ofNanos(500_000);
        ChannelManifest m;
        try {
            m = new ChannelManifest(NAME, key, MINUTE, T0,
                    List.of(new SegmentDescriptor(1, Fixtures.hash(1), 10, tiny, T0)));
        } catch (IllegalArgumentException refused) {
            return; // refusing it up front is a correct fix
        }
        ChannelManifest built = m;
        assertDoesNotThrow(() -> ChannelManifest.decode(built.encode()));
    }

    // ---- decoding refuses everything that is not the one canonical form ----

    private void assertRefused(byte[] doc, String why) {
        assertThrows(ManifestException.class, () -> ChannelManifest.decode(doc), why);
    }

    private void assertRefusedAfter(Consumer<TreeMap<String, Object>> change, String why) throws BencodeException {
        TreeMap<String, Object> doc = Fixtures.mutableDocument(manifest.encode());
        change.accept(doc);
        assertRefused(Bencode.encode(doc), why);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstSegment(TreeMap<String, Object> doc) {
        return (Map<String, Object>) ((List<Object>) doc.get("segments")).get(0);
    }

    @Test
    void mutableDocumentReencodesToTheOriginal() throws BencodeException {
        // guards the tests below: without a change, the document is accepted
        assertArrayEquals(manifest.encode(), Bencode.encode(Fixtures.mutableDocument(manifest.encode())));
    }

    @Test
    void refusesNonCanonicalBencoding() {
        byte[] good = manifest.encode();
        String text = Fixtures.latin1(good);
        assertTrue(text.contains("6:formati1e"));
        assertRefused(bytes(text.replace("6:formati1e", "6:formati01e")), "leading zero");
        assertRefused(concat(good, bytes("x")), "trailing byte");
        assertRefused(concat(good, bytes("de")), "trailing value");
        assertRefused(bytes(text.replace("7:channel", "07:channel")), "leading zero in a length");
        assertRefused(Arrays.copyOf(good, good.length - 1), "truncated");
    }

    @Test
    void refusesUnsortedOrDuplicateKeys() throws BencodeException {
        TreeMap<String, Object> doc = Fixtures.mutableDocument(manifest.encode());
        List<Map.Entry<String, Object>> entries = new ArrayList<>(doc.entrySet());
        assertArrayEquals(manifest.encode(), Fixtures.rawDictionary(entries), "raw writer agrees");
        List<Map.Entry<String, Object>> swapped = new ArrayList<>(entries);
        java.util.Collections.swap(swapped, 0, 1);
        assertRefused(Fixtures.rawDictionary(swapped), "unsorted keys");
        List<Map.Entry<String, Object>> duplicated = new ArrayList<>(entries);
        duplicated.add(1, new SimpleEntry<>("channel", NAME));
        assertRefused(Fixtures.rawDictionary(duplicated), "duplicate key");
    }

    @Test
    void refusesExtraFields() throws BencodeException {
        assertRefusedAfter(d -> d.put("comment", "hi"), "extra top-level key");
        assertRefusedAfter(d -> d.put("zzz", 0L), "extra key sorted last");
        assertRefusedAfter(d -> firstSegment(d).put("extra", 1L), "extra segment key");
    }

    @Test
    void refusesMissingFields() throws BencodeException {
        for (String field : List.of("format", "channel", "key", "segment duration ms", "issued ms", "segments")) {
            assertRefusedAfter(d -> d.remove(field), "missing " + field);
        }
        for (String field : List.of("seq", "info hash", "size", "duration ms", "start ms")) {
            assertRefusedAfter(d -> firstSegment(d).remove(field), "missing segment " + field);
        }
    }

    @Test
    void refusesWrongTypes() throws BencodeException {
        assertRefusedAfter(d -> d.put("format", "1"), "format as string");
        assertRefusedAfter(d -> d.put("channel", 1L), "channel as integer");
        assertRefusedAfter(d -> d.put("key", List.of()), "key as list");
        assertRefusedAfter(d -> d.put("segments", Map.of()), "segments as dictionary");
        assertRefusedAfter(d -> d.put("segments", List.of(List.of())), "segment as list");
        assertRefusedAfter(d -> d.put("segments", List.of(7L)), "segment as integer");
        assertRefusedAfter(d -> firstSegment(d).put("seq", "40"), "seq as string");
        assertRefusedAfter(d -> firstSegment(d).put("info hash", 1L), "info hash as integer");
    }

    @Test
    void refusesBadValues() throws BencodeException {
        assertRefusedAfter(d -> d.put("format", 2L), "unknown format");
        assertRefusedAfter(d -> d.put("format", 0L), "unknown format");
        assertRefusedAfter(d -> d.put("channel", "bad name"), "bad channel name");
        assertRefusedAfter(d -> d.put("channel", ""), "empty channel name");
        assertRefusedAfter(d -> d.put("key", new byte[31]), "short key");
        assertRefusedAfter(d -> d.put("key", new byte[33]), "long key");
        assertRefusedAfter(d -> d.put("segment duration ms", 0L), "zero segment duration");
        assertRefusedAfter(d -> d.put("segment duration ms", -60_000L), "negative segment duration");
        assertRefusedAfter(d -> firstSegment(d).put("info hash", new byte[19]), "short info hash");
        assertRefusedAfter(d -> firstSegment(d).put("seq", -1L), "negative seq");
        assertRefusedAfter(d -> firstSegment(d).put("size", 0L), "zero size");
        assertRefusedAfter(d -> firstSegment(d).put("duration ms", 0L), "zero duration");
        assertRefusedAfter(d -> firstSegment(d).put("seq", 41L), "duplicate seq");
        assertRefusedAfter(d -> firstSegment(d).put("seq", 99L), "seq going down");
    }

    @Test
    void refusesDocumentsThatAreNotAManifest() {
        assertRefused(bytes("le"), "a list");
        assertRefused(bytes("de"), "an empty dictionary");
        assertRefused(bytes("i1e"), "an integer");
        assertRefused(new byte[0], "nothing");
    }

    @Test
    void everyPrefixIsRefusedWithManifestException() {
        byte[] good = manifest.encode();
        for (int len = 0; len < good.length; len++) {
            byte[] prefix = Arrays.copyOf(good, len);
            try {
                ChannelManifest.decode(prefix);
                fail("accepted a prefix of length " + len);
            } catch (ManifestException expected) {
                // the only acceptable outcome
            }
        }
    }
}
