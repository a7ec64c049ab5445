package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.InfoHash;

/** Malformed and hostile requests over real HTTP: answered, never thrown, never hung. */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class HostileHttpTest {
    private final InMemoryChannelDirectory directory = new InMemoryChannelDirectory(5);
    private final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TrackerHttpServer server;
    private InfoHash live;

    @BeforeEach
    void start() throws IOException {
        directory.create("news");
        live = directory.publish("news", 0);
        server = TrackerHttpServer.start(TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0)
                .withMaxLongPoll(Duration.ofSeconds(20)).withRequestsPerSecondPerAddress(0), directory, clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private HttpResponse<byte[]> send(String method, String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).method(method, HttpRequest.BodyPublishers.ofString("x"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String failureReason(HttpResponse<byte[]> r) throws Exception {
        Object reason = Bencode.decodeDictionary(r.body()).get("failure reason");
        return reason == null ? null : new String((byte[]) reason, StandardCharsets.UTF_8);
    }

    /** Sends raw bytes as a request and returns the status line, or "" if the server just closed. */
    private String raw(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            s.shutdownOutput(); // a client that says nothing more must not hold a worker forever
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().trim();
        }
    }

    @Test
    void wrongMethods() throws Exception {
        HttpResponse<byte[]> post = send("POST", "/announce?" + Queries.announce(live, 1, 6881, 0, ""));
        assertEquals(200, post.statusCode());
        assertEquals("tracker requests must be GET", failureReason(post));
        assertEquals("tracker requests must be GET", failureReason(send("PUT", "/scrape")));
        HttpResponse<byte[]> channel = send("DELETE", "/channels/news");
        assertEquals(405, channel.statusCode());
        assertEquals("GET", channel.headers().firstValue("Allow").orElseThrow());
        assertEquals(0, server.stats().announces());
    }

    @Test
    void malformedRequestsGetReasons() throws Exception {
        assertEquals("missing parameter info_hash", failureReason(send("GET", "/announce")));
        assertEquals("missing parameter info_hash", failureReason(send("GET", "/scrape")).substring(0, 27));
        assertEquals("query string longer than 8192 characters",
                failureReason(send("GET", "/announce?a=" + "b".repeat(9000))));
        // a bad %-escape never reaches the handler: the JDK's URI parser answers 400 itself
        assertEquals("HTTP/1.1 400 Bad Request", raw("GET /announce?info_hash=%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(404, send("GET", "/announcement").statusCode());
        assertEquals(404, send("GET", "/announce/x").statusCode());

        HttpResponse<byte[]> badAfter = send("GET", "/channels/news?after=-5");
        assertEquals(400, badAfter.statusCode());
        assertEquals("parameter after must be a non-negative integer", failureReason(badAfter));
        assertEquals(400, send("GET", "/channels/news?after=1&wait=x").statusCode());
        assertEquals(400, send("GET", "/channels/news?after=1&after=2").statusCode());
        assertEquals(400, send("GET", "/channels/news?" + "a".repeat(9000)).statusCode());
        assertEquals(404, send("GET", "/channels/..%2F..%2Fetc").statusCode());
        assertEquals(404, send("GET", "/channels/news/-1.torrent").statusCode());
        assertEquals(404, send("GET", "/channels/news/01.torrent").statusCode());
        assertEquals(404, send("GET", "/channels/news/99999999999999999999.torrent").statusCode());
        assertEquals(404, send("GET", "/channels/").statusCode());
        assertEquals(404, send("GET", "/channels/news/").statusCode());
        assertEquals(404, send("GET", "/channels/nope?after=3").statusCode());
    }

    @Test
    void scrapeOverHttp() throws Exception {
        HttpResponse<byte[]> a = send("GET", "/announce?" + Queries.announce(live, 1, 6881, 0, "event=completed"));
        assertEquals(null, failureReason(a));
        HttpResponse<byte[]> r = send("GET", "/scrape?info_hash=" + Queries.escape(live.bytes()));
        assertEquals(200, r.statusCode());
        byte[] expected = new java.io.ByteArrayOutputStream() {
            {
                writeBytes("d5:filesd20:".getBytes(StandardCharsets.US_ASCII));
                writeBytes(live.bytes());
                writeBytes("d8:completei1e10:downloadedi1e10:incompletei0eeee".getBytes(StandardCharsets.US_ASCII));
            }
        }.toByteArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, r.body());
        assertEquals(1, server.stats().scrapes());
    }

    @Test
    void rawGarbageOnTheSocketIsAnsweredOrDropped() throws Exception {
        // The JDK's own parser refuses these; we only require no hang and a working server after.
        raw("GARBAGE\r\n\r\n");
        raw("GET /announce?info_hash=\u00ff\u00fe HTTP/1.1\r\nHost: x\r\n\r\n");
        raw("GET /announce?a=%%% HTTP/1.1\r\nHost: x\r\n\r\n");
        raw("\r\n\r\n");
        raw("GET /announce");
        String ok = raw("GET /announce?" + Queries.announce(live, 1, 6881, 0, "") + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK", ok);
    }

    @Test
    void thousandsOfMutatedQueriesThenACorrectAnnounceStillWorks() throws Exception {
        Random random = new Random(42);
        String valid = Queries.announce(live, 1, 6881, 0, "event=started&numwant=10&compact=1");
        String alphabet = "%&=+0123456789abcdefABCDEF_-.~!$'()*,;:@/?xyz";
        List<CompletableFuture<HttpResponse<byte[]>>> inFlight = new ArrayList<>();
        int statusOther = 0;
        int sent = 0;
        for (int i = 0; i < 3000; i++) {
            StringBuilder q = new StringBuilder(valid);
            int edits = 1 + random.nextInt(6);
            for (int e = 0; e < edits; e++) {
                int at = q.length() == 0 ? 0 : random.nextInt(q.length());
                switch (random.nextInt(4)) {
                    case 0 -> q.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> {
                        if (q.length() > 0) {
                            q.deleteCharAt(at);
                        }
                    }
                    case 2 -> q.setLength(at);
                    default -> {
                        if (q.length() > 0) {
                            q.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        }
                    }
                }
            }
            String path = random.nextInt(8) == 0 ? "/scrape?" : random.nextInt(8) == 0 ? "/channels/news?" : "/announce?";
            URI target;
            try {
                // HttpClient refuses to send a broken %-escape (the JDK server would 400 it anyway,
                // see the raw-socket test): escape stray '%'s so the garbage reaches our parser.
                target = uri(path + q.toString().replaceAll("%(?![0-9A-Fa-f]{2})", "%25"));
            } catch (IllegalArgumentException notAUri) {
                continue;
            }
            sent++;
            inFlight.add(http.sendAsync(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
            if (inFlight.size() >= 64) {
                statusOther += drain(inFlight);
            }
        }
        statusOther += drain(inFlight);
        assertTrue(sent > 2900, "most mutations are sendable URIs: " + sent);
        assertEquals(0, statusOther, "every mutated request got 200 (tracker) or 4xx (channels)");

        HttpResponse<byte[]> ok = send("GET", "/announce?" + Queries.announce(live, 2, 6882, 100, "event=started"));
        Map<String, Object> d = Bencode.decodeDictionary(ok.body());
        assertEquals(null, d.get("failure reason"));
        assertTrue((Long) d.get("complete") >= 0);
    }

    private static int drain(List<CompletableFuture<HttpResponse<byte[]>>> inFlight) throws Exception {
        int bad = 0;
        for (CompletableFuture<HttpResponse<byte[]>> f : inFlight) {
            HttpResponse<byte[]> r = f.get(20, TimeUnit.SECONDS);
            boolean channel = r.uri().getPath().startsWith("/channels");
            if (channel ? r.statusCode() >= 500 : r.statusCode() != 200 && r.statusCode() != 404) {
                bad++;
            }
            if (!channel && r.statusCode() == 200) {
                Bencode.decodeDictionary(r.body()); // always a well-formed bencoded dictionary
            }
        }
        inFlight.clear();
        return bad;
    }

    @Test
    void stalledClientsDoNotStarveAnnounces() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) { // each holds a worker while the JDK waits for its headers
                Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
                s.getOutputStream().write("GET /announce?info_hash=".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                stalled.add(s);
            }
            Thread.sleep(200);
            HttpResponse<byte[]> r = send("GET", "/announce?" + Queries.announce(live, 1, 6881, 0, ""));
            assertEquals(null, failureReason(r));
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void waitingLongPollsDoNotStarveAnnounces() throws Exception {
        List<CompletableFuture<HttpResponse<byte[]>>> polls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            polls.add(http.sendAsync(HttpRequest.newBuilder(uri("/channels/news?after=0&wait=20")).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
        Thread.sleep(500);
        long start = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            HttpResponse<byte[]> r = send("GET", "/announce?" + Queries.announce(live, i + 1, 7000 + i, 0, ""));
            assertEquals(null, failureReason(r));
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 5000, "50 announces took " + ms + " ms behind 100 long polls");
        assertTrue(polls.stream().noneMatch(CompletableFuture::isDone), "the polls are still waiting");
        directory.publish("news", 1);
        for (CompletableFuture<HttpResponse<byte[]>> p : polls) {
            assertEquals(200, p.get(5, TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    void closeIsBoundedWithLongPollsWaiting() throws Exception {
        List<CompletableFuture<HttpResponse<byte[]>>> polls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            polls.add(http.sendAsync(HttpRequest.newBuilder(uri("/channels/news?after=0")).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
        Thread.sleep(300);
        long start = System.nanoTime();
        server.close();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 3000, "close took " + ms + " ms");
        for (CompletableFuture<HttpResponse<byte[]>> p : polls) {
            try {
                p.get(5, TimeUnit.SECONDS); // an error (connection closed) is fine; hanging is not
            } catch (java.util.concurrent.ExecutionException expected) {
                // closed under it
            }
        }
        server.close(); // idempotent
    }
}
