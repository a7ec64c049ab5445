package org.minuteswarm.tracker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request's query string, decoded to raw bytes. BEP 3 sends {@code info_hash} and
 * {@code peer_id} as 20 binary bytes, percent-escaped byte by byte, so every value is decoded
 * as ISO-8859-1 ({@code %XX} is one byte) and never as UTF-8 the way {@link java.net.URLDecoder}
 * would. Strict: a {@code %} not followed by two hex digits, a character outside ISO-8859-1 or a
 * query longer than {@link #MAX_QUERY_CHARS} is refused.
 */
final class QueryParameters {
    /** Real announces are ~300 characters; a scrape of 100 hashes ~6 KB. */
    static final int MAX_QUERY_CHARS = 8 * 1024;

    private final Map<String, List<byte[]>> values;

    private QueryParameters(Map<String, List<byte[]>> values) {
        this.values = values;
    }

    /** Parses a raw (still percent-escaped) query; null means none. */
    static QueryParameters parse(String rawQuery) throws ClientError {
        Map<String, List<byte[]>> values = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return new QueryParameters(values);
        }
        if (rawQuery.length() > MAX_QUERY_CHARS) {
            throw new ClientError("query string longer than " + MAX_QUERY_CHARS + " characters");
        }
        int start = 0;
        while (start <= rawQuery.length()) {
            int end = rawQuery.indexOf('&', start);
            if (end < 0) {
                end = rawQuery.length();
            }
            if (end > start) { // "a=1&&b=2": empty pairs are skipped, as browsers and trackers do
                int eq = rawQuery.indexOf('=', start);
                int nameEnd = eq >= 0 && eq < end ? eq : end;
                String name = new String(decode(rawQuery, start, nameEnd), StandardCharsets.ISO_8859_1);
                if (name.isEmpty()) {
                    throw new ClientError("query has a parameter without a name");
                }
                byte[] value = nameEnd < end ? decode(rawQuery, nameEnd + 1, end) : new byte[0];
                values.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            start = end + 1;
        }
        return new QueryParameters(values);
    }

    private static byte[] decode(String s, int from, int to) throws ClientError {
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= to) {
                    throw new ClientError("query has a truncated %-escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new ClientError("query has a bad %-escape");
                }
                out[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (c == '+') {
                out[n++] = ' '; // application/x-www-form-urlencoded
            } else if (c > 0xff) {
                throw new ClientError("query has a character outside ISO-8859-1");
            } else {
                out[n++] = (byte) c;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** Every value of a repeatable parameter (scrape's {@code info_hash}), in request order. */
    List<byte[]> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** A parameter that may appear at most once. */
    Optional<byte[]> single(String name) throws ClientError {
        List<byte[]> v = values.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v.size() > 1) {
            throw new ClientError("parameter " + name + " given more than once");
        }
        return Optional.of(v.get(0));
    }

    byte[] required(String name) throws ClientError {
        return single(name).orElseThrow(() -> new ClientError("missing parameter " + name));
    }

    Optional<String> text(String name) throws ClientError {
        return single(name).map(b -> new String(b, StandardCharsets.ISO_8859_1));
    }

    /** A non-negative decimal integer: digits only, no sign, at most {@code max}. */
    static long nonNegative(String name, byte[] value, long max) throws ClientError {
        if (value.length == 0 || value.length > 19) {
            throw new ClientError("parameter " + name + " must be a non-negative integer");
        }
        long v = 0;
        for (byte b : value) {
            if (b < '0' || b > '9') {
                throw new ClientError("parameter " + name + " must be a non-negative integer");
            }
            v = v * 10 + (b - '0');
            if (v < 0) { // past Long.MAX_VALUE: only a 19-digit value can get here
                throw new ClientError("parameter " + name + " must be at most " + max);
            }
        }
        if (v > max) {
            throw new ClientError("parameter " + name + " must be at most " + max);
        }
        return v;
    }

    long requiredNonNegative(String name) throws ClientError {
        return nonNegative(name, required(name), Long.MAX_VALUE);
    }

    int size() {
        return values.size();
    }
}
