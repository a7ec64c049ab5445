package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.channel.SignedManifest;

/** When the directory misbehaves or the long-poll pool is full, requests are still answered. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DirectoryFaultsTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));

    private HttpResponse<byte[]> get(int port, String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aThrowingDirectoryGives500AndTheServerLivesOn() throws Exception {
        InMemoryChannelDirectory good = new InMemoryChannelDirectory(3);
        good.create("news");
        InfoHash live = good.publish("news", 0);
        ChannelDirectory broken = new ChannelDirectory() {
            @Override
            public Optional<SignedManifest> manifest(String channel) {
                throw new IllegalStateException("store down");
            }

            @Override
            public Optional<byte[]> torrent(String channel, long sequence) {
                throw new IllegalStateException("store down");
            }

            @Override
            public Optional<String> channelOf(InfoHash infoHash) {
                return good.channelOf(infoHash);
            }

            @Override
            public Optional<SignedManifest> awaitNewer(String channel, long after, Duration timeout) {
                throw new IllegalStateException("store down");
            }
        };
        try (TrackerHttpServer server = TrackerHttpServer.start(
                TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0), broken, clock)) {
            assertEquals(500, get(server.port(), "/channels/news").statusCode());
            assertEquals(500, get(server.port(), "/channels/news/0.torrent").statusCode());
            assertEquals(500, get(server.port(), "/channels/news?after=0").statusCode());
            HttpResponse<byte[]> announce = get(server.port(), "/announce?" + Queries.announce(live, 1, 6881, 0, ""));
            assertEquals(200, announce.statusCode());
            assertEquals(1, server.stats().announces());
        }
    }

    @Test
    void aFullLongPollPoolAnswersAtOnceWithTheCurrentManifest() throws Exception {
        InMemoryChannelDirectory directory = new InMemoryChannelDirectory(3);
        directory.create("news");
        directory.publish("news", 0);
        ChannelHttpHandler handler = new ChannelHttpHandler(directory, Duration.ofSeconds(30), task -> {
            throw new RejectedExecutionException("full");
        });
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/channels/", HttpReplies.guarded(handler::handle));
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        try {
            long start = System.nanoTime();
            HttpResponse<byte[]> r = get(server.getAddress().getPort(), "/channels/news?after=0");
            assertEquals(200, r.statusCode());
            assertArrayEquals(directory.manifest("news").orElseThrow().wire(), r.body());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 2000);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void peersExpireOnTheServersSweepWhenTheClockAdvances() throws Exception {
        InMemoryChannelDirectory directory = new InMemoryChannelDirectory(3);
        directory.create("news");
        InfoHash live = directory.publish("news", 0);
        try (TrackerHttpServer server = TrackerHttpServer.start(
                TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0), directory, clock)) {
            get(server.port(), "/announce?" + Queries.announce(live, 1, 6881, 0, ""));
            get(server.port(), "/announce?" + Queries.announce(live, 2, 6882, 9, ""));
            assertEquals(2, server.stats().peers());
            clock.advance(Duration.ofSeconds(37));
            assertEquals(0, server.sweepNow());
            clock.advance(Duration.ofSeconds(1));
            assertEquals(2, server.sweepNow());
            assertEquals(new TrackerStats(0, 0, 2, 0), server.stats());
            assertEquals(0, server.peers("news"));
        }
    }
}
