package org.minuteswarm.tracker;

import java.util.List;
import java.util.Map;

/**
 * One parsed HTTP/1.1 request (RFC 9112): method, the raw (still %-escaped) path and query,
 * headers by lower-case name, and the body.
 */
record HttpRequestHead(String method, String rawPath, String rawQuery, String target, boolean http11,
                       Map<String, List<String>> headers, byte[] body) {

    String header(String lowerCaseName) {
        List<String> v = headers.get(lowerCaseName);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** RFC 9112 section 9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive". */
    boolean keepAlive() {
        String c = header("connection");
        String v = c == null ? "" : c.toLowerCase(java.util.Locale.ROOT);
        return http11 ? !v.contains("close") : v.contains("keep-alive");
    }
}
