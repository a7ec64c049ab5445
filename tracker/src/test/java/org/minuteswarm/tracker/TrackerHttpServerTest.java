package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.channel.SignedManifest;

/** The whole tracker over real HTTP on loopback. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TrackerHttpServerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final InMemoryChannelDirectory directory = new InMemoryChannelDirectory(5);
    private final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TrackerHttpServer server;

    @BeforeEach
    void start() throws IOException {
        directory.create("news");
        server = TrackerHttpServer.start(TrackerConfig.defaults(LOOPBACK, 0).withMaxLongPoll(Duration.ofSeconds(3)),
                directory, clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<byte[]> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void announcesOverHttpFindEachOther() throws Exception {
        InfoHash hash = directory.publish("news", 0);
        HttpResponse<byte[]> first = get("/announce?" + Queries.announce(hash, 1, 6881, 0, "event=started"));
        assertEquals(200, first.statusCode());
        assertEquals("text/plain", first.headers().firstValue("Content-Type").orElseThrow());
        Map<String, Object> d1 = Bencode.decodeDictionary(first.body());
        assertEquals(1L, d1.get("complete"));
        assertEquals(0, ((byte[]) d1.get("peers")).length);

        HttpResponse<byte[]> second = get("/announce?" + Queries.announce(hash, 2, 6882, 1000, "event=started&compact=1"));
        Map<String, Object> d2 = Bencode.decodeDictionary(second.body());
        assertEquals(1L, d2.get("complete"));
        assertEquals(1L, d2.get("incomplete"));
        assertEquals(15L, d2.get("interval"));
        assertEquals(5L, d2.get("min interval"));
        // the seeder on 127.0.0.1:6881, compact (BEP 23)
        assertArrayEquals(new byte[] {127, 0, 0, 1, 0x1a, (byte) 0xe1}, (byte[]) d2.get("peers"));

        assertEquals(2, server.peers("news"));
        assertEquals(new TrackerStats(1, 2, 2, 0), server.stats());
    }

    @Test
    void unregisteredTorrentIsRefused() throws Exception {
        InfoHash stranger = InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567");
        HttpResponse<byte[]> r = get("/announce?" + Queries.announce(stranger, 1, 6881, 0, ""));
        assertEquals(200, r.statusCode());
        String reason = new String((byte[]) Bencode.decodeDictionary(r.body()).get("failure reason"));
        assertTrue(reason.startsWith("unregistered torrent"), reason);
        assertEquals(0, server.stats().swarms());
    }

    @Test
    void servesManifestAndTorrent() throws Exception {
        directory.publish("news", 7);
        HttpResponse<byte[]> m = get("/channels/news");
        assertEquals(200, m.statusCode());
        assertEquals("no-cache", m.headers().firstValue("Cache-Control").orElseThrow());
        assertArrayEquals(directory.manifest("news").orElseThrow().wire(), m.body());

        HttpResponse<byte[]> t = get("/channels/news/7.torrent");
        assertEquals(200, t.statusCode());
        assertEquals("application/x-bittorrent", t.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(directory.torrent("news", 7).orElseThrow(), t.body());

        assertEquals(404, get("/channels/news/8.torrent").statusCode());
        assertEquals(404, get("/channels/nope").statusCode());
        assertEquals(404, get("/channels/nope/1.torrent").statusCode());
        assertEquals(404, get("/nothing-here").statusCode());
    }

    @Test
    void longPollAnswersAsSoonAsASegmentIsPublished() throws Exception {
        directory.publish("news", 0);
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<byte[]>> poll = http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/channels/news?after=0&wait=10"))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
        Thread.sleep(300); // let the poll park
        assertTrue(!poll.isDone(), "a poll for after=0 must wait while the live edge is 0");
        directory.publish("news", 1);
        long published = System.nanoTime();
        HttpResponse<byte[]> r = poll.get(5, TimeUnit.SECONDS);
        long latencyMs = (System.nanoTime() - published) / 1_000_000;
        assertEquals(200, r.statusCode());
        SignedManifest now = directory.manifest("news").orElseThrow();
        assertArrayEquals(now.wire(), r.body());
        assertEquals(1, now.manifest().latestSequence());
        assertTrue(latencyMs < 1000, "long poll answered " + latencyMs + " ms after publication");
        assertTrue((System.nanoTime() - start) / 1_000_000 < 5000);
    }

    @Test
    void longPollTimesOutWithTheUnchangedManifest() throws Exception {
        directory.publish("news", 3);
        long start = System.nanoTime();
        HttpResponse<byte[]> r = get("/channels/news?after=3&wait=1");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, r.statusCode());
        assertArrayEquals(directory.manifest("news").orElseThrow().wire(), r.body());
        assertTrue(ms >= 900 && ms < 2900, "waited " + ms + " ms for wait=1");
    }

    @Test
    void longPollWithWaitZeroOrAnOldSequenceAnswersAtOnce() throws Exception {
        directory.publish("news", 3);
        long start = System.nanoTime();
        assertEquals(200, get("/channels/news?after=3&wait=0").statusCode());
        assertEquals(200, get("/channels/news?after=2").statusCode());
        assertEquals(200, get("/channels/news?after=-1").statusCode());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 1500, "took " + ms + " ms");
    }

    @Test
    void longPollIsCappedByMaxLongPoll() throws Exception {
        directory.publish("news", 3);
        long start = System.nanoTime();
        HttpResponse<byte[]> r = get("/channels/news?after=3&wait=3600");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, r.statusCode());
        assertTrue(ms >= 2900 && ms < 5000, "waited " + ms + " ms, maxLongPoll is 3 s");
    }

    @Test
    void busyPortIsAClearError() throws Exception {
        IOException e = assertThrows(IOException.class, () -> TrackerHttpServer.start(
                TrackerConfig.defaults(LOOPBACK, server.port()), directory, clock));
        assertEquals("HTTP port " + server.port() + " is in use", e.getMessage());
    }

    @Test
    void mountedHandlersAreServed() throws Exception {
        server.mount("/status", exchange -> HttpReplies.send(exchange, 200, "text/plain", "ok".getBytes()));
        server.mount("/broken", exchange -> {
            throw new IllegalStateException("bug");
        });
        assertEquals("ok", new String(get("/status").body()));
        assertEquals(500, get("/broken").statusCode());
    }
}
