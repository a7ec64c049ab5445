package org.minuteswarm.tracker;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict, incremental HTTP/1.1 request parser (RFC 9112) for the tracker's frontend.
 * Bytes arrive in any fragments ({@link #offer}); {@link #next} returns each complete request in
 * order, or null until one is complete. Everything is bounded: the request line and headers
 * together ({@link #MAX_HEAD_BYTES}), the number of headers, and the body (by route, at most
 * {@code maxBodyBytes}); past a bound, or on anything malformed, {@link HttpParseError} says
 * which status to answer before closing.
 *
 * <p>Strict where leniency has caused request smuggling: lines end in CRLF, no obs-fold, no
 * whitespace before a header's colon, a single Content-Length, and no Transfer-Encoding
 * (trackers never need chunked request bodies: 501). The request target must be origin-form
 * of visible ASCII with well-formed %-escapes.
 */
final class HttpRequestParser {
    /** Announce request lines are ~300 bytes; a scrape of 200 hashes ~12 KB. */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    static final int MAX_HEADERS = 64;

    /** A request the parser refuses: answer {@code status} and close. */
    static final class HttpParseError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpParseError(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    private final int maxBodyBytes;
    private byte[] buf = new byte[1024];
    private int start; // first unconsumed byte
    private int end;   // one past the last byte received
    private int scanned; // head bytes already searched for CRLFCRLF
    private HttpRequestHead pendingHead; // head parsed, waiting for its body
    private int bodyLength;

    HttpRequestParser(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Appends received bytes (the buffer is drained). */
    void offer(ByteBuffer bytes) {
        int n = bytes.remaining();
        ensure(n);
        bytes.get(buf, end, n);
        end += n;
    }

    void offer(byte[] bytes, int off, int len) {
        ensure(len);
        System.arraycopy(bytes, off, buf, end, len);
        end += len;
    }

    /** Bytes held but not yet returned as requests. */
    int buffered() {
        return end - start;
    }

    private void ensure(int n) {
        if (end + n <= buf.length) {
            return;
        }
        int live = end - start;
        if (start > 0 && live + n <= buf.length) {
            System.arraycopy(buf, start, buf, 0, live);
        } else {
            byte[] bigger = new byte[Math.max(buf.length * 2, live + n)];
            System.arraycopy(buf, start, bigger, 0, live);
            buf = bigger;
        }
        scanned -= start;
        end = live;
        start = 0;
    }

    /** The next complete request, or null if more bytes are needed. */
    HttpRequestHead next() throws HttpParseError {
        if (pendingHead == null) {
            int headEnd = findHeadEnd();
            if (headEnd < 0) {
                if (end - start > MAX_HEAD_BYTES) {
                    throw new HttpParseError(431, "request line and headers longer than " + MAX_HEAD_BYTES + " bytes");
                }
                return null;
            }
            if (headEnd - start > MAX_HEAD_BYTES) {
                throw new HttpParseError(431, "request line and headers longer than " + MAX_HEAD_BYTES + " bytes");
            }
            pendingHead = parseHead(start, headEnd - 4);
            start = headEnd;
            scanned = start;
            bodyLength = contentLength(pendingHead);
        }
        if (end - start < bodyLength) {
            return null;
        }
        HttpRequestHead h = pendingHead;
        byte[] body = bodyLength == 0 ? EMPTY : Arrays.copyOfRange(buf, start, start + bodyLength);
        start += bodyLength;
        scanned = start;
        pendingHead = null;
        if (start == end) { // the common case: nothing pipelined behind; reuse the buffer from 0
            start = end = scanned = 0;
        }
        return new HttpRequestHead(h.method(), h.rawPath(), h.rawQuery(), h.target(), h.http11(), h.headers(), body);
    }

    private static final byte[] EMPTY = new byte[0];

    /** Index just past CRLFCRLF, or -1. */
    private int findHeadEnd() {
        int from = Math.max(start, scanned - 3);
        for (int i = from; i + 3 < end; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                return i + 4;
            }
        }
        scanned = end;
        return -1;
    }

    private int contentLength(HttpRequestHead h) throws HttpParseError {
        if (h.headers().containsKey("transfer-encoding")) {
            throw new HttpParseError(501, "Transfer-Encoding is not supported: send Content-Length");
        }
        List<String> cl = h.headers().get("content-length");
        if (cl == null) {
            return 0;
        }
        if (cl.size() != 1) {
            throw new HttpParseError(400, "more than one Content-Length");
        }
        String v = cl.get(0);
        if (v.isEmpty() || v.length() > 10) {
            throw new HttpParseError(v.isEmpty() ? 400 : 413, "bad Content-Length");
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw new HttpParseError(400, "bad Content-Length");
            }
            n = n * 10 + (c - '0');
        }
        if (n > maxBodyBytes) {
            throw new HttpParseError(413, "body larger than " + maxBodyBytes + " bytes");
        }
        return (int) n;
    }

    /** Parses {@code buf[from, to)}: the request line and header lines, without the final CRLFCRLF. */
    private HttpRequestHead parseHead(int from, int to) throws HttpParseError {
        int lineEnd = lineEnd(from, to);
        // request-line = method SP request-target SP HTTP-version
        int sp1 = indexOf(' ', from, lineEnd);
        int sp2 = sp1 < 0 ? -1 : indexOf(' ', sp1 + 1, lineEnd);
        if (sp1 <= from || sp2 <= sp1 + 1 || indexOf(' ', sp2 + 1, lineEnd) >= 0) {
            throw new HttpParseError(400, "malformed request line");
        }
        String method = ascii(from, sp1);
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c < 'A' || c > 'Z') {
                throw new HttpParseError(400, "malformed method");
            }
        }
        String version = ascii(sp2 + 1, lineEnd);
        boolean http11;
        if ("HTTP/1.1".equals(version)) {
            http11 = true;
        } else if ("HTTP/1.0".equals(version)) {
            http11 = false;
        } else {
            throw new HttpParseError(version.startsWith("HTTP/") ? 505 : 400, "unsupported HTTP version");
        }
        String target = target(sp1 + 1, sp2);
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        int hash = query == null ? -1 : query.indexOf('#');
        if (hash >= 0 || path.indexOf('#') >= 0) {
            throw new HttpParseError(400, "fragment in request target");
        }

        Map<String, List<String>> headers = new LinkedHashMap<>();
        int count = 0;
        int pos = lineEnd + 2;
        while (pos < to) {
            int le = lineEnd(pos, to);
            if (le == pos) {
                throw new HttpParseError(400, "empty header line");
            }
            if (++count > MAX_HEADERS) {
                throw new HttpParseError(431, "more than " + MAX_HEADERS + " headers");
            }
            byte first = buf[pos];
            if (first == ' ' || first == '\t') {
                throw new HttpParseError(400, "obsolete line folding");
            }
            int colon = indexOf(':', pos, le);
            if (colon <= pos) {
                throw new HttpParseError(400, "malformed header line");
            }
            for (int i = pos; i < colon; i++) {
                if (!tokenChar(buf[i])) {
                    throw new HttpParseError(400, "malformed header name");
                }
            }
            int vs = colon + 1;
            int ve = le;
            while (vs < ve && (buf[vs] == ' ' || buf[vs] == '\t')) {
                vs++;
            }
            while (ve > vs && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t')) {
                ve--;
            }
            for (int i = vs; i < ve; i++) {
                int c = buf[i] & 0xff;
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    throw new HttpParseError(400, "control character in header value");
                }
            }
            String name = ascii(pos, colon).toLowerCase(java.util.Locale.ROOT);
            headers.computeIfAbsent(name, k -> new ArrayList<>(1))
                    .add(new String(buf, vs, ve - vs, StandardCharsets.ISO_8859_1));
            pos = le + 2;
        }
        if (http11 && !headers.containsKey("host")) {
            throw new HttpParseError(400, "HTTP/1.1 request without Host"); // RFC 9112 section 3.2
        }
        return new HttpRequestHead(method, path, query, target, http11, headers, EMPTY);
    }

    /** The end of the line starting at {@code from}: the index of its CR, which must be followed by LF. */
    private int lineEnd(int from, int to) throws HttpParseError {
        for (int i = from; i < to; i++) {
            byte b = buf[i];
            if (b == '\r') {
                if (i + 1 >= to + 2 || buf[i + 1] != '\n') {
                    throw new HttpParseError(400, "bare CR");
                }
                return i;
            }
            if (b == '\n') {
                throw new HttpParseError(400, "bare LF");
            }
        }
        return to;
    }

    private String target(int from, int to) throws HttpParseError {
        if (buf[from] != '/') {
            throw new HttpParseError(400, "request target must start with /");
        }
        for (int i = from; i < to; i++) {
            int c = buf[i] & 0xff;
            if (c <= 0x20 || c >= 0x7f) {
                throw new HttpParseError(400, "bad character in request target");
            }
            if (c == '%' && (i + 2 >= to || Character.digit(buf[i + 1], 16) < 0 || Character.digit(buf[i + 2], 16) < 0)) {
                throw new HttpParseError(400, "bad %-escape in request target");
            }
        }
        return ascii(from, to);
    }

    private static boolean tokenChar(byte b) {
        int c = b & 0xff;
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private String ascii(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
