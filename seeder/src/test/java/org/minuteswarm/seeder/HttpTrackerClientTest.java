package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.tracker.TrackerResponse;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must-have 2: our HTTP tracker client, many torrents per runtime on one announce URL; and, found on the
 * way, bt's runtime-wide piece buffer registry that mixes up torrents (see ConnectionPieceRegistry).
 */
class HttpTrackerClientTest {
    private static final int SEGMENTS = 8;

    @Test
    @Timeout(40)
    void manySegmentsOnOneAnnounceUrlAllComplete(@TempDir Path dir) throws Exception {
        TestTracker tracker = TestTracker.start();
        SwarmRuntime origin = SwarmRuntime.start(SwarmConfig.loopback());
        SwarmRuntime listener = SwarmRuntime.start(SwarmConfig.loopback().withAnnounceAddress(
                InetAddress.getLoopbackAddress()));
        try {
            List<TorrentFile> torrents = new ArrayList<>();
            List<CompletableFuture<Path>> downloads = new ArrayList<>();
            for (int i = 0; i < SEGMENTS; i++) {
                Path source = Segments.randomFile(dir, "seg-" + i + ".ts", 200_000 + i * 1000, 100 + i);
                TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
                torrents.add(torrent);
                origin.seed(torrent, source);
            }
            for (int i = 0; i < SEGMENTS; i++) {
                downloads.add(listener.download(torrents.get(i), dir.resolve("got/seg-" + i + ".ts")).completion());
            }
            // bt's runtime-wide BufferedPieceRegistry hands blocks to the wrong torrent: 5-17 s, hash failures.
            CompletableFuture.allOf(downloads.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            long total = 0;
            for (int i = 0; i < SEGMENTS; i++) {
                assertArrayEquals(Files.readAllBytes(dir.resolve("seg-" + i + ".ts")),
                        Files.readAllBytes(downloads.get(i).get()));
                total += torrents.get(i).length();
            }
            assertEquals(total, listener.downloadedBytes(), "every block written once: no piece failed its hash");

            Map<String, byte[]> seedStart = tracker.announcesFor(torrents.get(0).infoHash().hex()).stream()
                    .filter(a -> TestTracker.text(a.get("port")).equals(String.valueOf(origin.peerPort())))
                    .findFirst().orElseThrow();
            assertEquals("started", TestTracker.text(seedStart.get("event")));
            assertEquals("1", TestTracker.text(seedStart.get("compact")));
            assertEquals("0", TestTracker.text(seedStart.get("left")));
            assertEquals(20, seedStart.get("peer_id").length);
            assertTrue(seedStart.containsKey("uploaded") && seedStart.containsKey("downloaded"));
            assertNull(seedStart.get("ip"), "no ip= unless configured");
            Map<String, byte[]> leechStart = tracker.announcesFor(torrents.get(0).infoHash().hex()).stream()
                    .filter(a -> TestTracker.text(a.get("port")).equals(String.valueOf(listener.peerPort())))
                    .findFirst().orElseThrow();
            assertEquals(String.valueOf(torrents.get(0).length()), TestTracker.text(leechStart.get("left")));
            assertEquals("127.0.0.1", TestTracker.text(leechStart.get("ip")));
        } finally {
            listener.close();
            origin.close();
            tracker.close();
        }
    }

    @Test
    @Timeout(10)
    void unreachableOrBrokenTrackersGiveFailedResponsesNotExceptions() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        TorrentId id = TorrentId.fromBytes(new byte[20]);
        TrackerResponse dead = client("http://127.0.0.1:" + deadPort + "/announce").request(id).start();
        assertFalse(dead.isSuccess());

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/garbage", exchange -> {
            byte[] body = "<html>oops</html>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/missing", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            TrackerResponse garbage = client(base + "/garbage").request(id).query();
            assertFalse(garbage.isSuccess());
            assertTrue(garbage.getErrorMessage().contains("not a bencoded dictionary"), garbage.getErrorMessage());
            TrackerResponse missing = client(base + "/missing").request(id).stop();
            assertEquals("tracker answered HTTP 404", missing.getErrorMessage());
        } finally {
            server.stop(0);
        }
    }

    private static HttpTrackerClient client(String url) {
        AnnounceQuery.Source source = new AnnounceQuery.Source(new byte[20], 6881, Optional.empty(), 50,
                new TransferLedger());
        return new HttpTrackerClient(url, HttpClient.newHttpClient(), source, Duration.ofSeconds(2));
    }
}
