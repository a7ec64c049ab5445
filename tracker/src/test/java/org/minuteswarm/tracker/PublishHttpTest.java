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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.ChannelUrl;
import org.minuteswarm.channel.ManifestFollower;
import org.minuteswarm.channel.SignedManifest;

/** A broadcaster publishing to a standalone tracker over HTTP with {@link TrackerPublisher}. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PublishHttpTest {
    @TempDir
    Path dir;
    private TrackerHttpServer server;
    private TrackerPublisher publisher;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        server = TrackerHttpServer.start(TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0),
                ChannelStore.open(dir), Clock.systemUTC());
        publisher = new TrackerPublisher(URI.create("http://127.0.0.1:" + server.port() + "/announce"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void publishedChannelsAreServedVerifiedAndTracked() throws Exception {
        TestBroadcast b = new TestBroadcast("news", 3);
        SignedManifest m = null;
        for (long seq = 0; seq < 5; seq++) {
            m = b.add(seq);
            assertTrue(publisher.publish(m, b.torrents).live());
        }
        ChannelUrl url = new ChannelUrl(publisher.base(), "news", b.identity.key());
        ManifestFollower follower = new ManifestFollower(url);
        assertTrue(follower.accept(get("/channels/news").body()));
        assertEquals(4, follower.current().manifest().latestSequence());
        assertArrayEquals(b.torrents.get(4L), get("/channels/news/4.torrent").body());
        assertEquals(404, get("/channels/news/1.torrent").statusCode(), "retired");

        String announce = "/announce?" + Queries.announce(m.manifest().segments().get(2).infoHash(), 1, 6881, 0, "");
        Map<String, Object> d = Bencode.decodeDictionary(get(announce).body());
        assertEquals(1L, d.get("complete"));
    }

    @Test
    void othersCannotPublishOverwriteOrDelete() throws Exception {
        TestBroadcast b = new TestBroadcast("news", 3);
        publisher.publish(b.add(0), b.torrents);
        TestBroadcast thief = new TestBroadcast("news", 3);
        IOException e = assertThrows(IOException.class, () -> publisher.publish(thief.add(7), thief.torrents));
        assertTrue(e.getMessage().contains("refused manifest of channel news (HTTP 403)"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));

        HttpResponse<byte[]> put = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/channels/news/0.torrent")).PUT(HttpRequest.BodyPublishers.ofByteArray(TestBroadcast.torrent("x", 0))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(409, put.statusCode());
        HttpResponse<byte[]> delete = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/channels/news")).DELETE().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, delete.statusCode());
        try {
            HttpResponse<byte[]> huge = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                            + "/channels/news")).PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[SignedManifest.MAX_BYTES + 1])).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(413, huge.statusCode());
        } catch (IOException refusedBeforeTheBodyWasRead) {
            // the server answers 413 and closes without reading the rest: the client may see a reset
        }
        assertArrayEquals(b.torrents.get(0L), get("/channels/news/0.torrent").body());
    }

    @Test
    void aPublisherMissingATorrentSaysWhich() throws Exception {
        TestBroadcast b = new TestBroadcast("news", 3);
        b.add(0);
        SignedManifest m = b.add(1);
        IOException e = assertThrows(IOException.class, () -> publisher.publish(m, Map.of(1L, b.torrents.get(1L))));
        assertTrue(e.getMessage().contains("needs torrents of segments [0]"), e.getMessage());
        assertEquals(404, get("/channels/news").statusCode());
        publisher.publish(m, b.torrents);
        assertEquals(200, get("/channels/news").statusCode());
    }

    @Test
    void anUnreachableTrackerIsOneLine() {
        TrackerPublisher nowhere = new TrackerPublisher(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(2));
        IOException e = assertThrows(IOException.class, () -> nowhere.publish(new TestBroadcast("x", 1).add(0), Map.of()));
        assertTrue(e.getMessage().startsWith("tracker http://127.0.0.1:1 unreachable"), e.getMessage());
    }
}
