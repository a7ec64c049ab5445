package org.minuteswarm.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.minuteswarm.channel.Fixtures.bytes;
import static org.minuteswarm.channel.Fixtures.latin1;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BEP 3 bencoding: golden bytes both ways, and the strictness that makes one value one document. */
class BencodeTest {

    /** A document with every kind of value, nested, used for round trips and truncation. */
    static byte[] richDocument() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("zeta", List.of());
        inner.put("alpha", new byte[] {0, (byte) 0xff, ':', 'e'});
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("n", -1234567890123L);
        doc.put("zero", 0L);
        doc.put("text", "h\u00e9llo");
        doc.put("empty", "");
        doc.put("list", List.of(1L, "two", List.of(3L, List.of()), inner, Map.of()));
        doc.put("dict", inner);
        return Bencode.encode(doc);
    }

    private static void assertRejected(String latin1Document) {
        assertThrows(BencodeException.class, () -> Bencode.decode(bytes(latin1Document)),
                () -> "should reject \"" + latin1Document + "\"");
    }

    @Nested
    class Encoding {
        @Test
        void integers() {
            assertEquals("i0e", latin1(Bencode.encode(0L)));
            assertEquals("i42e", latin1(Bencode.encode(42L)));
            assertEquals("i42e", latin1(Bencode.encode(42)));
            assertEquals("i-42e", latin1(Bencode.encode(-42L)));
            assertEquals("i9223372036854775807e", latin1(Bencode.encode(Long.MAX_VALUE)));
        }

        @Test
        void strings() {
            assertEquals("4:spam", latin1(Bencode.encode("spam")));
            assertEquals("0:", latin1(Bencode.encode("")));
            assertEquals("0:", latin1(Bencode.encode(new byte[0])));
            assertEquals("2:\u00c3\u00a9", latin1(Bencode.encode("\u00e9")), "text is written as UTF-8");
            assertEquals("4:\u0000\u00ff:e", latin1(Bencode.encode(new byte[] {0, (byte) 0xff, ':', 'e'})));
            assertEquals("10:0123456789", latin1(Bencode.encode("0123456789")));
        }

        @Test
        void lists() {
            assertEquals("le", latin1(Bencode.encode(List.of())));
            assertEquals("li1e1:alee", latin1(Bencode.encode(List.of(1L, "a", List.of()))));
            assertEquals("llleee", latin1(Bencode.encode(List.of(List.of(List.of())))));
        }

        @Test
        void dictionariesSortKeys() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("b", 3L);
            map.put("ab", 2L);
            map.put("a", 1L);
            map.put("", 0L);
            map.put("B", -1L);
            assertEquals("d0:i0e1:Bi-1e1:ai1e2:abi2e1:bi3ee", latin1(Bencode.encode(map)));
            assertEquals("de", latin1(Bencode.encode(Map.of())));
        }

        @Test
        void dictionaryKeysAreRawBytesSortedUnsigned() {
            // Keys stand for bytes one to one (ISO-8859-1), so binary keys such as info-hashes work;
            // 0xFF must sort after 0x80 and after ASCII (unsigned comparison).
            Map<String, Object> map = new LinkedHashMap<>();
            map.put(Bencode.key(new byte[] {(byte) 0xff}), 4L);
            map.put(Bencode.key(new byte[] {(byte) 0x80}), 3L);
            map.put("a", 2L);
            map.put("Z", 1L);
            assertEquals("d1:Zi1e1:ai2e1:\u0080i3e1:\u00ffi4ee", latin1(Bencode.encode(map)));
            assertThrows(IllegalArgumentException.class, () -> Bencode.encode(Map.of("\ud83d\ude00", 1L)));
        }

        @Test
        void nested() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("seg", List.of(Map.of("seq", 7L, "ih", new byte[] {1, 2})));
            map.put("n", 1L);
            assertEquals("d1:ni1e3:segld2:ih2:\u0001\u00023:seqi7eeee", latin1(Bencode.encode(map)));
        }

        @Test
        void refusesValuesBencodingCannotHold() {
            assertThrows(IllegalArgumentException.class, () -> Bencode.encode(null));
            assertThrows(IllegalArgumentException.class, () -> Bencode.encode(1.5));
            assertThrows(IllegalArgumentException.class, () -> Bencode.encode(List.of(new Object())));
        }
    }

    @Nested
    class Decoding {
        @Test
        void integers() throws BencodeException {
            assertEquals(0L, Bencode.decode(bytes("i0e")));
            assertEquals(42L, Bencode.decode(bytes("i42e")));
            assertEquals(-42L, Bencode.decode(bytes("i-42e")));
            assertEquals(Long.MAX_VALUE, Bencode.decode(bytes("i9223372036854775807e")));
            assertEquals(-Long.MAX_VALUE, Bencode.decode(bytes("i-9223372036854775807e")));
        }

        @Test
        void strings() throws BencodeException {
            assertArrayEquals(bytes("spam"), (byte[]) Bencode.decode(bytes("4:spam")));
            assertArrayEquals(new byte[0], (byte[]) Bencode.decode(bytes("0:")));
            assertArrayEquals(new byte[] {0, (byte) 0xff, ':', 'e'}, (byte[]) Bencode.decode(bytes("4:\u0000\u00ff:e")));
        }

        @Test
        void lists() throws BencodeException {
            assertEquals(List.of(), Bencode.decode(bytes("le")));
            List<?> list = (List<?>) Bencode.decode(bytes("li1eli2eee"));
            assertEquals(2, list.size());
            assertEquals(1L, list.get(0));
            assertEquals(List.of(2L), list.get(1));
        }

        @Test
        void dictionaries() throws BencodeException {
            Map<String, Object> map = Bencode.decodeDictionary(bytes("d1:ai1e2:abli2ee1:bd1:ci3eee"));
            assertEquals(3, map.size());
            assertEquals(1L, map.get("a"));
            assertEquals(List.of(2L), map.get("ab"));
            assertEquals(Map.of("c", 3L), map.get("b"));
        }

        @Test
        void dictionaryKeysAreComparedAsUnsignedBytes() throws BencodeException {
            // "a" (61) < "é" (C3 A9): sorted as unsigned bytes; a signed comparison would say otherwise.
            Map<String, Object> map = Bencode.decodeDictionary(bytes("d1:ai1e2:\u00c3\u00a9i2ee"));
            assertEquals(Map.of("a", 1L, "\u00c3\u00a9", 2L), map);
            assertRejected("d2:\u00c3\u00a9i2e1:ai1ee");
        }

        @Test
        void decodedContainersAreUnmodifiable() throws BencodeException {
            List<?> list = (List<?>) Bencode.decode(bytes("li1ee"));
            assertThrows(UnsupportedOperationException.class, () -> list.remove(0));
            Map<String, Object> map = Bencode.decodeDictionary(bytes("d1:ai1ee"));
            assertThrows(UnsupportedOperationException.class, () -> map.put("b", 2L));
        }

        @Test
        void decodeDictionaryWantsADictionary() {
            assertThrows(BencodeException.class, () -> Bencode.decodeDictionary(bytes("le")));
            assertThrows(BencodeException.class, () -> Bencode.decodeDictionary(bytes("i1e")));
            assertThrows(BencodeException.class, () -> Bencode.decodeDictionary(bytes("4:spam")));
        }
    }

    @Nested
    class RoundTrips {
        @ParameterizedTest
        @ValueSource(strings = {"i0e", "i-1e", "i9223372036854775807e", "0:", "4:spam", "le", "de",
                "li1e1:ae", "d1:ai1e1:bli2eee", "d0:i0ee", "lllleeee", "d1:ad1:ad1:aleeee",
                "d2:ab0:2:ac0:e", "4:\u0000\u00ff\u0080\u007f"})
        void canonicalDocumentsReencodeToTheSameBytes(String document) throws BencodeException {
            byte[] doc = bytes(document);
            assertArrayEquals(doc, Bencode.encode(Bencode.decode(doc)));
        }

        @Test
        void richDocumentRoundTrips() throws BencodeException {
            byte[] doc = richDocument();
            Object value = Bencode.decode(doc);
            assertArrayEquals(doc, Bencode.encode(value));
            Map<?, ?> map = (Map<?, ?>) value;
            assertEquals(-1234567890123L, map.get("n"));
            assertEquals("h\u00e9llo", new String((byte[]) map.get("text"), java.nio.charset.StandardCharsets.UTF_8));
        }

        @Test
        void integersRoundTrip() throws BencodeException {
            long[] values = {0, 1, -1, 9, 10, -10, 99, 100, Integer.MAX_VALUE, Integer.MIN_VALUE,
                    Long.MAX_VALUE, Long.MAX_VALUE - 1, -Long.MAX_VALUE};
            for (long v : values) {
                assertEquals(v, Bencode.decode(Bencode.encode(v)), "value " + v);
            }
        }

        @Test
        void longMinValueRoundTrips() throws BencodeException {
            assertEquals(Long.MIN_VALUE, Bencode.decode(Bencode.encode(Long.MIN_VALUE)));
        }

        @Test
        void distinctRawKeysStayDistinct() {
            byte[] doc = bytes("d1:\u00fei1e1:\u00ffi2ee");
            try {
                Object value = Bencode.decode(doc);
                assertEquals(2, ((Map<?, ?>) value).size(), "entries kept");
                assertArrayEquals(doc, Bencode.encode(value), "re-encoding");
            } catch (BencodeException rejected) {
                // refusing non-UTF-8 keys outright is an acceptable fix too
            }
        }
    }

    @Nested
    class Strictness {
        @ParameterizedTest
        @ValueSource(strings = {"i00e", "i01e", "i007e", "i-01e", "i-0e", "i-00e", "i-e", "ie", "i+1e", "i 1e",
                "i1 e", "i1.0e", "i--1e", "i1-e", "i0x1e", "i1e1", "iae"})
        void malformedIntegers(String doc) {
            assertRejected(doc);
        }

        @ParameterizedTest
        @ValueSource(strings = {"01:a", "00:", "-1:a", "-0:", "+1:a", "1a:a", " 1:a", "d-1:ai1ee", "d01:ai1ee",
                ":a", "d:i1ee"})
        void malformedStringLengths(String doc) {
            assertRejected(doc);
        }

        @ParameterizedTest
        @ValueSource(strings = {"5:spam", "2:a", "1:", "2147483647:a", "2147483648:a", "4294967296:a",
                "l5:spame", "d1:a5:spame"})
        void stringLengthPastTheEnd(String doc) {
            assertRejected(doc);
        }

        @ParameterizedTest
        @ValueSource(strings = {"d1:bi1e1:ai2ee", "d1:ai1e1:ai2ee", "d2:abi1e1:ai2ee", "d1:ai1e1:ci2e1:bi3ee",
                "d0:i1e0:i2ee", "di1ei2ee", "dlei1ee", "ddei1ee", "d1:ae", "d1:a"})
        void badDictionaries(String doc) {
            assertRejected(doc);
        }

        @ParameterizedTest
        @ValueSource(strings = {"i1ei2e", "4:spamx", "lee", "dee", "i1e ", "0:0:", "lei1e", "i1e\u0000"})
        void trailingBytes(String doc) {
            assertRejected(doc);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "x", "e", " i1e", ":", "-", "\u0000", "le\n"})
        void notAValue(String doc) {
            assertRejected(doc);
        }

        @ParameterizedTest
        @ValueSource(strings = {"i9223372036854775808e", "i-9223372036854775809e", "i10000000000000000000e",
                "i99999999999999999999999999999999e", "9223372036854775808:a", "99999999999999999999:a",
                "d99999999999999999999999:ai1ee"})
        void numbersTooLarge(String doc) {
            assertRejected(doc);
        }

        @Test
        void everyPrefixOfAValidDocumentIsRejected() {
            byte[] doc = richDocument();
            for (int len = 0; len < doc.length; len++) {
                byte[] prefix = java.util.Arrays.copyOf(doc, len);
                int n = len;
                assertThrows(BencodeException.class, () -> Bencode.decode(prefix), () -> "prefix of length " + n);
            }
        }

        @Test
        void nestingAtMaxDepthIsAccepted() throws BencodeException {
            String open = "l".repeat(Bencode.MAX_DEPTH);
            String close = "e".repeat(Bencode.MAX_DEPTH);
            Object value = Bencode.decode(bytes(open + "i1e" + close));
            for (int i = 0; i < Bencode.MAX_DEPTH; i++) {
                value = ((List<?>) value).get(0);
            }
            assertEquals(1L, value);
            String dicts = "d1:a".repeat(Bencode.MAX_DEPTH) + "i1e" + close;
            assertInstanceOf(Map.class, Bencode.decode(bytes(dicts)));
        }

        @Test
        void nestingBeyondMaxDepthIsRejected() {
            int depth = Bencode.MAX_DEPTH + 1;
            assertRejected("l".repeat(depth) + "i1e" + "e".repeat(depth));
            assertRejected("l".repeat(depth + 1) + "e".repeat(depth + 1));
            assertRejected("d1:a".repeat(depth) + "i1e" + "e".repeat(depth));
            assertRejected("l".repeat(depth) + "d1:a".repeat(depth) + "i1e" + "e".repeat(2 * depth));
        }

        @Test
        void hostileNestingIsABencodeExceptionNotAStackOverflow() {
            int depth = 1_000_000;
            assertRejected("l".repeat(depth) + "e".repeat(depth));
            assertRejected("l".repeat(depth));
            assertRejected("d1:a".repeat(100_000));
        }

        @Test
        void failureMessagesSayWhere() {
            BencodeException e = assertThrows(BencodeException.class, () -> Bencode.decode(bytes("li1ei01ee")));
            assertTrue(e.getMessage().contains("offset"), e.getMessage());
            e = assertThrows(BencodeException.class, () -> Bencode.decode(bytes("i1ex")));
            assertTrue(e.getMessage().contains("trailing"), e.getMessage());
        }
    }

    @Test
    void truncationOfAnyDocumentNeverEscapesAsAnotherException() {
        // The same check as everyPrefix..., over many small documents.
        String[] docs = {"i-123e", "10:abcdefghij", "ld1:ai1eee", "d1:al1:be1:cd1:di-1eee", "llli0eee"};
        for (String d : docs) {
            for (int len = 0; len < d.length(); len++) {
                String prefix = d.substring(0, len);
                try {
                    Bencode.decode(bytes(prefix));
                    fail("accepted truncated \"" + prefix + "\"");
                } catch (BencodeException expected) {
                    // the only acceptable outcome
                }
            }
        }
    }
}
