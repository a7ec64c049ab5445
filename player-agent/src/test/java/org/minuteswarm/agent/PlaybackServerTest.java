package org.minuteswarm.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The local playback server over real HTTP on 127.0.0.1, in front of a playout on fake swarms. */
@Timeout(20)
class PlaybackServerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;
    private FakeSegments segments;
    private Playout playout;
    private PlaybackServer server;
    private final RecordingListener listener = new RecordingListener();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Object> status = new LinkedHashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        segments = new FakeSegments(dir);
        playout = new Playout(segments.library, Clock.systemUTC(), Duration.ofMillis(100), s -> { });
        playout.addListener(listener);
        status.put("segmentsPlayed", 3L);
        status.put("bufferedSeconds", 1.5);
        server = PlaybackServer.start(new InetSocketAddress(LOOPBACK, 0), playout, segments.library, () -> status);
    }

    @AfterEach
    void tearDown() {
        server.close();
        playout.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<byte[]> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return get(uri(path));
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void statusIsTheSuppliedNumbersAsJson() throws Exception {
        HttpResponse<byte[]> r = get("/status");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("{\"segmentsPlayed\":3,\"bufferedSeconds\":1.5}", text(r).trim());
        status.put("segmentsPlayed", 4L);
        assertTrue(text(get("/status")).contains("\"segmentsPlayed\":4"), "status is read on every request");
    }

    private HlsPlaylist playlist() throws Exception {
        HttpResponse<byte[]> r = get("/playlist.m3u8");
        assertEquals(200, r.statusCode());
        return HlsPlaylist.parse(text(r));
    }

    @Test
    void playlistIsAnHlsLivePlaylistOfTheCompleteSegmentsAndItsUrisFetch() throws Exception {
        LocalSegment five = segments.addComplete(5, 2500, 3000);
        segments.addComplete(6, 2000, 4000);
        segments.addComplete(7, 1000, 5000);
        segments.add(8, 2000, 1000); // still downloading: not playable yet
        HttpResponse<byte[]> r = get("/playlist.m3u8");
        assertEquals("application/vnd.apple.mpegurl", r.headers().firstValue("Content-Type").orElse(""));
        HlsPlaylist playlist = HlsPlaylist.parse(text(r));
        assertEquals(3, playlist.targetDuration(), "RFC 8216 4.3.3.1: integer >= every EXTINF rounded: 2.5 s -> 3");
        assertEquals(5, playlist.mediaSequence());
        assertEquals(List.of("segments/5.ts", "segments/6.ts", "segments/7.ts"), playlist.uris(), "8 is not complete");
        assertEquals(List.of(2.5, 2.0, 1.0), playlist.entries().stream().map(HlsPlaylist.Entry::seconds).toList());
        assertTrue(playlist.entries().stream().noneMatch(HlsPlaylist.Entry::discontinuity));
        assertEquals(five.descriptor.startTime().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                playlist.entries().get(0).programDateTime(), "PROGRAM-DATE-TIME is the broadcast time");
        for (int i = 0; i < playlist.entries().size(); i++) {
            HttpResponse<byte[]> seg = get(uri("/playlist.m3u8").resolve(playlist.uris().get(i)));
            assertEquals(200, seg.statusCode(), playlist.uris().get(i));
            assertArrayEquals(segments.bytes(playlist.mediaSequence() + i), seg.body(),
                    "media sequence " + (playlist.mediaSequence() + i) + " is " + playlist.uris().get(i));
        }
    }

    @Test
    void emptyPlaylistIsStillValid() throws Exception {
        HlsPlaylist playlist = playlist();
        assertEquals(List.of(), playlist.entries());
    }

    @Test
    void playlistOnlyGrowsAtItsEnd() throws Exception {
        segments.addComplete(5, 1000, 1000);
        segments.add(6, 1000, 1000); // downloading still; 7 finished first
        segments.addComplete(7, 1000, 1000);
        HlsPlaylist before = playlist();
        assertEquals(List.of("segments/5.ts"), before.uris(), "listing 7 now would give it 6's media sequence number");
        segments.complete(6);
        HlsPlaylist after = playlist();
        assertEquals(List.of("segments/5.ts", "segments/6.ts", "segments/7.ts"), after.uris());
        HlsPlaylist.assertReloadContinues(before, after);
    }

    /** Plays 1, skips 2 (never complete), plays 3, and returns the playlist once 3 is playing. */
    private HlsPlaylist playlistAfterASkip() throws Exception {
        segments.addComplete(1, 200, 1000);
        segments.add(2, 200, 1000);
        segments.addComplete(3, 200, 1000);
        playout.start(1);
        listener.await("started", 3, 3000);
        return playlist();
    }

    @Test
    void playlistMarksASkippedSegmentAsADiscontinuity() throws Exception {
        HlsPlaylist playlist = playlistAfterASkip();
        assertEquals(List.of("segments/1.ts", "segments/3.ts"), playlist.uris());
        assertEquals(1, playlist.mediaSequence());
        assertFalse(playlist.entries().get(0).discontinuity());
        assertTrue(playlist.entries().get(1).discontinuity(), "RFC 8216 4.3.2.3: 3 does not follow 1");
        assertEquals(0, playlist.discontinuitySequence());
    }

    @Test
    void playlistMarksAGapInChannelSequenceNumbersAsADiscontinuity() throws Exception {
        segments.addComplete(5, 1000, 1000);
        segments.addComplete(9, 1000, 1000); // the broadcaster restarted
        HlsPlaylist playlist = playlist();
        assertEquals(List.of("segments/5.ts", "segments/9.ts"), playlist.uris());
        assertTrue(playlist.entries().get(1).discontinuity());
    }

    @Test
    void skippedSegmentCompletingLateDoesNotRenumberThePlaylist() throws Exception {
        HlsPlaylist before = playlistAfterASkip();
        segments.complete(2); // the skipped download finishes after all
        HlsPlaylist.assertReloadContinues(before, playlist());
    }

    @Test
    void droppingTheOldestSegmentBeforeASkipDoesNotRenumberThePlaylist() throws Exception {
        HlsPlaylist before = playlistAfterASkip();
        segments.library.removeIf(s -> s.sequence() < 2); // as ListenerAgent's seed window does
        HlsPlaylist.assertReloadContinues(before, playlist());
    }

    @Test
    void segmentEndpointServesCompleteSegmentsOnly() throws Exception {
        segments.addComplete(5, 1000, 50_000);
        segments.add(6, 1000, 1000);
        HttpResponse<byte[]> r = get("/segments/5.ts");
        assertEquals(200, r.statusCode());
        assertEquals("video/mp2t", r.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(segments.bytes(5), r.body());
        assertEquals(404, get("/segments/6.ts").statusCode(), "incomplete");
        assertEquals(404, get("/segments/99.ts").statusCode(), "unknown");
        assertEquals(404, get("/segments/five.ts").statusCode(), "not a number");
        assertEquals(404, get("/segments/-1.ts").statusCode(), "negative");
    }

    @Test
    void streamDeliversThePlayedBytes() throws Exception {
        segments.addComplete(1, 300, 30_000);
        segments.addComplete(2, 300, 20_000);
        segments.add(3, 300, 20_000); // skipped: absent from the stream
        segments.addComplete(4, 300, 25_000);
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri("/stream.ts")).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            assertEquals(200, r.statusCode());
            assertEquals("video/mp2t", r.headers().firstValue("Content-Type").orElse(""));
            playout.start(1);
            byte[] expected = segments.concatenation(1, 2, 4);
            byte[] got = in.readNBytes(expected.length);
            assertArrayEquals(expected, got);
        }
        assertEquals(List.of(3L), listener.skipped());
    }

    @Test
    void twoStreamClientsGetTheSameBytes() throws Exception {
        segments.addComplete(1, 300, 30_000);
        segments.addComplete(2, 300, 30_000);
        HttpResponse<InputStream> a = http.send(HttpRequest.newBuilder(uri("/stream.ts")).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> b = http.send(HttpRequest.newBuilder(uri("/stream.ts")).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream inA = a.body(); InputStream inB = b.body()) {
            playout.start(1);
            byte[] expected = segments.concatenation(1, 2);
            assertArrayEquals(expected, inA.readNBytes(expected.length));
            assertArrayEquals(expected, inB.readNBytes(expected.length));
        }
    }

    @Test
    void unknownPathIs404AndOtherMethodsAre405() throws Exception {
        assertEquals(404, get("/").statusCode());
        assertEquals(404, get("/nothing").statusCode());
        assertEquals(404, get("/segments/").statusCode());
        HttpResponse<byte[]> post = http.send(HttpRequest.newBuilder(uri("/status"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, post.statusCode());
        HttpResponse<byte[]> delete = http.send(HttpRequest.newBuilder(uri("/stream.ts")).DELETE().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, delete.statusCode());
    }

    private HttpResponse<byte[]> head(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void headAnswersWithoutABody() throws Exception {
        segments.addComplete(5, 1000, 12_345);
        for (String path : List.of("/segments/5.ts", "/status", "/playlist.m3u8", "/stream.ts")) {
            HttpResponse<byte[]> r = head(path);
            assertEquals(200, r.statusCode(), path);
            assertEquals(0, r.body().length, path);
        }
        assertEquals(404, head("/segments/6.ts").statusCode());
    }

    @Test
    void headOfASegmentGivesItsLength() throws Exception {
        segments.addComplete(5, 1000, 12_345);
        HttpResponse<byte[]> r = head("/segments/5.ts");
        assertEquals(200, r.statusCode());
        assertEquals("12345", r.headers().firstValue("Content-Length").orElse(""));
    }

    @Test
    void busyPlayPortIsAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, LOOPBACK)) {
            int port = taken.getLocalPort();
            IOException e = assertThrows(IOException.class,
                    () -> PlaybackServer.start(new InetSocketAddress(LOOPBACK, port), playout, segments.library, () -> status)
                            .close());
            assertEquals("play port " + port + " is in use", e.getMessage());
        }
    }
}
