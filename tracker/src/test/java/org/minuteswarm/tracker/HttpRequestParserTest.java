package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 parser without sockets: the same bytes split at every boundary parse the same. */
class HttpRequestParserTest {
    private static final String TWO = "GET /announce?info_hash=%AB%cd&port=1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
            + "PUT /channels/news HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<HttpRequestHead> parseInPieces(byte[] all, int... splits) throws Exception {
        HttpRequestParser p = new HttpRequestParser(1024);
        List<HttpRequestHead> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= splits.length; i++) {
            int to = i < splits.length ? splits[i] : all.length;
            p.offer(all, from, to - from);
            HttpRequestHead h;
            while ((h = p.next()) != null) {
                out.add(h);
            }
            from = to;
        }
        return out;
    }

    @Test
    void everySingleSplitAndEveryByteAloneParseTheSame() throws Exception {
        byte[] all = bytes(TWO);
        for (int split = 0; split <= all.length; split++) {
            check(parseInPieces(all, split));
        }
        int[] each = new int[all.length - 1];
        for (int i = 0; i < each.length; i++) {
            each[i] = i + 1;
        }
        check(parseInPieces(all, each));
        for (int a = 1; a < all.length; a += 7) { // and a sample of double splits
            for (int b = a; b < all.length; b += 5) {
                check(parseInPieces(all, a, b));
            }
        }
    }

    private static void check(List<HttpRequestHead> r) {
        assertEquals(2, r.size());
        HttpRequestHead a = r.get(0);
        assertEquals("GET", a.method());
        assertEquals("/announce", a.rawPath());
        assertEquals("info_hash=%AB%cd&port=1", a.rawQuery());
        assertTrue(a.keepAlive());
        assertEquals(0, a.body().length);
        HttpRequestHead b = r.get(1);
        assertEquals("PUT", b.method());
        assertEquals("/channels/news", b.rawPath());
        assertNull(b.rawQuery());
        assertArrayEquals(bytes("hello"), b.body());
    }

    private static int status(String request) {
        HttpRequestParser p = new HttpRequestParser(100);
        p.offer(bytes(request), 0, request.length());
        return assertThrows(HttpRequestParser.HttpParseError.class, p::next).status;
    }

    @Test
    void malformedAndOversizedRequestsAreRefusedWithTheirStatus() {
        assertEquals(400, status("GARBAGE\r\n\r\n"));
        assertEquals(400, status("GET /a?x=%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(400, status("GET /a?x=\u00ff HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(400, status("GET http://x/a HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(400, status("GET /a HTTP/1.1\r\n\r\n"), "HTTP/1.1 needs Host");
        assertEquals(400, status("GET /a HTTP/1.1\nHost: x\r\n\r\n"), "bare LF");
        assertEquals(400, status("GET /a HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n"));
        assertEquals(400, status("GET /a HTTP/1.1\r\nHost : x\r\n\r\n"), "space before colon");
        assertEquals(400, status("GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"));
        assertEquals(400, status("GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"));
        assertEquals(413, status("PUT /a HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n"));
        assertEquals(501, status("PUT /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(505, status("GET /a HTTP/2.0\r\nHost: x\r\n\r\n"));
        assertEquals(431, status("GET /" + "a".repeat(HttpRequestParser.MAX_HEAD_BYTES) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(431, status("GET /a HTTP/1.1\r\n" + "X: y\r\n".repeat(HttpRequestParser.MAX_HEADERS + 1) + "\r\n"));
    }

    @Test
    void anEndlessHeadIsRefusedBeforeItEnds() throws Exception {
        HttpRequestParser p = new HttpRequestParser(100);
        byte[] chunk = bytes("X-Pad: " + "a".repeat(1000) + "\r\n");
        p.offer(bytes("GET / HTTP/1.1\r\n"), 0, 16);
        for (int i = 0; i < 16; i++) {
            p.offer(chunk, 0, chunk.length);
            assertNull(p.next());
        }
        p.offer(chunk, 0, chunk.length);
        assertEquals(431, assertThrows(HttpRequestParser.HttpParseError.class, p::next).status);
    }

    @Test
    void http10ClosesUnlessAskedAndHttp11PersistsUnlessTold() throws Exception {
        assertFalse(parseInPieces(bytes("GET / HTTP/1.0\r\n\r\n")).get(0).keepAlive());
        assertTrue(parseInPieces(bytes("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")).get(0).keepAlive());
        assertFalse(parseInPieces(bytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).get(0).keepAlive());
    }
}
