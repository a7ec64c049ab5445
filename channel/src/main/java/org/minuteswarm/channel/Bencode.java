package org.minuteswarm.channel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bencoding (BEP 3): the canonical form used for the channel manifest and by the tracker.
 *
 * <p>Values map to Java as: integer to {@link Long}, byte string to {@code byte[]}, list to
 * {@link List}, dictionary to a {@link Map} with {@link String} keys (sorted by their raw bytes on
 * output, as BEP 3 requires). Keys are byte strings too (scrape answers key by raw info-hash), so
 * a key's chars are its bytes one to one (ISO-8859-1): see {@link #key(byte[])}. Decoding is strict, so that one document has exactly one encoding:
 * no leading zeros, no "-0", dictionary keys sorted and unique, nothing after the value. That
 * strictness is what makes a signature over the bytes mean something.
 */
public final class Bencode {
    /** Nesting deeper than this is refused, so hostile input cannot exhaust the stack. */
    public static final int MAX_DEPTH = 32;

    private Bencode() {
    }

    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    /** Convenience for the many string values: UTF-8 bytes. */
    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static void write(ByteArrayOutputStream out, Object value) {
        if (value instanceof Long || value instanceof Integer) {
            writeAscii(out, "i" + ((Number) value).longValue() + "e");
        } else if (value instanceof byte[] bytes) {
            writeAscii(out, bytes.length + ":");
            out.writeBytes(bytes);
        } else if (value instanceof String s) {
            write(out, utf8(s));
        } else if (value instanceof List<?> list) {
            out.write('l');
            for (Object item : list) {
                write(out, item);
            }
            out.write('e');
        } else if (value instanceof Map<?, ?> map) {
            TreeMap<byte[], Object> sorted = new TreeMap<>(Arrays::compareUnsigned);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    throw new IllegalArgumentException("dictionary keys must be strings: " + e.getKey());
                }
                sorted.put(keyBytes(k), e.getValue());
            }
            out.write('d');
            for (Map.Entry<byte[], Object> e : sorted.entrySet()) {
                write(out, e.getKey());
                write(out, e.getValue());
            }
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + (value == null ? "null" : value.getClass()));
        }
    }

    /** A dictionary key for raw bytes, such as a 20-byte info-hash. */
    public static String key(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    /** The raw bytes of a dictionary key. */
    public static byte[] keyBytes(String key) {
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) > 0xff) {
                throw new IllegalArgumentException("dictionary key chars stand for bytes (ISO-8859-1): " + key);
            }
        }
        return key.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void writeAscii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Decodes exactly one value that spans all of {@code data}. */
    public static Object decode(byte[] data) throws BencodeException {
        Reader r = new Reader(data);
        Object v = r.value(0);
        if (r.pos != data.length) {
            throw new BencodeException("trailing bytes after value at offset " + r.pos);
        }
        return v;
    }

    /** Decodes a value that must be a dictionary. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> decodeDictionary(byte[] data) throws BencodeException {
        Object v = decode(data);
        if (!(v instanceof Map)) {
            throw new BencodeException("expected a dictionary");
        }
        return (Map<String, Object>) v;
    }

    private static final class Reader {
        private final byte[] data;
        private int pos;

        Reader(byte[] data) {
            this.data = data;
        }

        Object value(int depth) throws BencodeException {
            if (depth > MAX_DEPTH) {
                throw new BencodeException("nesting deeper than " + MAX_DEPTH);
            }
            int c = peek();
            if (c == 'i') {
                pos++;
                long v = number('e');
                return v;
            } else if (c == 'l') {
                pos++;
                List<Object> list = new ArrayList<>();
                while (peek() != 'e') {
                    list.add(value(depth + 1));
                }
                pos++;
                return Collections.unmodifiableList(list);
            } else if (c == 'd') {
                pos++;
                Map<String, Object> map = new TreeMap<>();
                byte[] previous = null;
                while (peek() != 'e') {
                    byte[] key = bytes();
                    if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
                        throw new BencodeException("dictionary keys not sorted or not unique at offset " + pos);
                    }
                    previous = key;
                    map.put(key(key), value(depth + 1));
                }
                pos++;
                return Collections.unmodifiableMap(map);
            } else if (c >= '0' && c <= '9') {
                return bytes();
            }
            throw new BencodeException("unexpected byte 0x" + Integer.toHexString(c) + " at offset " + pos);
        }

        private byte[] bytes() throws BencodeException {
            long len = number(':');
            if (len < 0 || len > data.length - pos) {
                throw new BencodeException("string length " + len + " runs past the end at offset " + pos);
            }
            byte[] out = Arrays.copyOfRange(data, pos, pos + (int) len);
            pos += (int) len;
            return out;
        }

        private long number(char terminator) throws BencodeException {
            int start = pos;
            while (peek() != terminator) {
                pos++;
                if (pos - start > 20) {
                    throw new BencodeException("number too long at offset " + start);
                }
            }
            String text = new String(data, start, pos - start, StandardCharsets.US_ASCII);
            pos++; // terminator
            boolean negative = text.startsWith("-");
            String digits = negative ? text.substring(1) : text;
            if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new BencodeException("bad number '" + text + "' at offset " + start);
            }
            if ((digits.length() > 1 && digits.charAt(0) == '0') || (negative && digits.equals("0"))) {
                throw new BencodeException("non-canonical number at offset " + start);
            }
            if (negative && terminator == ':') {
                throw new BencodeException("negative string length at offset " + start);
            }
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new BencodeException("number too large at offset " + start);
            }
        }

        private int peek() throws BencodeException {
            if (pos >= data.length) {
                throw new BencodeException("truncated at offset " + pos);
            }
            return data[pos] & 0xff;
        }
    }
}
