package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.InfoHash;

/** Slow and idle connections are closed, the per-address rate limit holds, stats and metrics answer. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FrontendLimitsTest {
    private final InMemoryChannelDirectory directory = new InMemoryChannelDirectory(5);

    @Test
    void slowAndIdleConnectionsAreClosed() throws Exception {
        directory.create("news");
        InfoHash live = directory.publish("news", 0);
        TrackerConfig config = TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0)
                .withIdleConnectionTimeout(Duration.ofMillis(500));
        try (TrackerHttpServer server = TrackerHttpServer.start(config, directory, Clock.systemUTC());
             Socket idle = new Socket(InetAddress.getLoopbackAddress(), server.port());
             Socket trickle = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            idle.setSoTimeout(5000);
            trickle.setSoTimeout(5000);
            long t0 = System.nanoTime();
            byte[] request = ("GET /announce?" + Queries.announce(live, 1, 6881, 0, "") + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            // a slowloris: a byte every 100 ms never completes a request in time
            boolean closed = false;
            for (int i = 0; i < request.length && !closed; i++) {
                try {
                    trickle.getOutputStream().write(request[i]);
                    trickle.getOutputStream().flush();
                    Thread.sleep(100);
                } catch (java.io.IOException e) {
                    closed = true;
                }
            }
            assertEquals(-1, readOrEof(trickle.getInputStream()), "the trickling client is cut off");
            assertEquals(-1, idle.getInputStream().read(), "the idle connection is closed");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 4000, "closed after " + ms + " ms");
        }
    }

    private static int readOrEof(InputStream in) {
        try {
            return in.read();
        } catch (java.io.IOException e) {
            return -1; // reset
        }
    }

    @Test
    void theRateLimitAnswers429PastItsBudget() throws Exception {
        directory.create("news");
        InfoHash live = directory.publish("news", 0);
        TrackerConfig config = TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0).withRequestsPerSecondPerAddress(20);
        try (TrackerHttpServer server = TrackerHttpServer.start(config, directory, Clock.systemUTC());
             Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                batch.append("GET /announce?").append(Queries.announce(live, i, 6881 + i, 0, "")).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            s.getOutputStream().write(batch.toString().getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(s.getInputStream());
            int ok = 0;
            int limited = 0;
            for (int i = 0; i < 50; i++) {
                HostileFloodTest.Response r = HostileFloodTest.Response.read(in);
                if (r.status == 200) {
                    ok++;
                } else if (r.status == 429) {
                    limited++;
                }
            }
            assertTrue(ok >= 20 && ok <= 40, "ok " + ok); // 20 in this second (maybe 20 more in the next)
            assertEquals(50, ok + limited);
        }
    }

    @Test
    void statsAndMetricsReportChannelsListenersAndP2pShare() throws Exception {
        directory.create("news");
        InfoHash live = directory.publish("news", 0);
        try (TrackerHttpServer server = TrackerHttpServer.start(TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0),
                directory, Clock.systemUTC())) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            // the origin (seeding, never downloaded) and two listeners that swapped 600 of 1000 bytes
            http.send(HttpRequest.newBuilder(URI.create(base + "/announce?" + Queries.announce(live, 1, 7001, 0, ""))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            for (int n = 2; n <= 3; n++) {
                String q = "info_hash=" + Queries.escape(live.bytes()) + "&peer_id=" + Queries.escape(Queries.peerId(n))
                        + "&port=" + (7000 + n) + "&uploaded=300&downloaded=500&left=0";
                Map<String, Object> d = Bencode.decodeDictionary(http.send(HttpRequest.newBuilder(URI.create(base + "/announce?" + q)).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).body());
                assertEquals(null, d.get("failure reason"));
            }
            HttpResponse<String> stats = http.send(HttpRequest.newBuilder(URI.create(base + "/stats")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("application/json", stats.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(stats.body().contains("\"news\":{\"swarms\":1,\"peers\":3,\"listeners\":2,"
                    + "\"listener_uploaded_bytes\":600,\"listener_downloaded_bytes\":1000,\"p2p_share\":0.600}"), stats.body());
            assertTrue(stats.body().contains("\"announces\":{\"http\":3,\"udp\":0}"), stats.body());
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("minuteswarm_tracker_announces_total{transport=\"http\"} 3\n"), metrics);
            assertTrue(metrics.contains("minuteswarm_tracker_channel_listeners{channel=\"news\"} 2\n"), metrics);
            assertTrue(metrics.contains("minuteswarm_tracker_channel_p2p_share{channel=\"news\"} 0.600\n"), metrics);
            assertTrue(metrics.contains("# TYPE minuteswarm_tracker_announces_per_second gauge\n"), metrics);
        }
    }
}
