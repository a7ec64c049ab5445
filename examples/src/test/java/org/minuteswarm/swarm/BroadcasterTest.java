package org.minuteswarm.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.minuteswarm.channel.ChannelManifest;
import org.minuteswarm.channel.ChannelUrl;
import org.minuteswarm.channel.SegmentDescriptor;
import org.minuteswarm.channel.SignedManifest;
import org.minuteswarm.segmenter.BroadcastConfig;
import org.minuteswarm.segmenter.Broadcaster;
import org.minuteswarm.segmenter.feed.SyntheticTs;

/** The broadcaster's rolling window, retirement and restart behaviour, over its real HTTP API. */
@Timeout(90)
class BroadcasterTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final Clock clock = Clock.systemUTC();

    private HttpResponse<byte[]> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private Broadcaster start(Path dir, int window) throws Exception {
        return Broadcaster.start(BroadcastConfig.loopback("live", Duration.ofSeconds(1), window, dir),
                SyntheticTs.liveFeed(400_000, 7, clock), clock);
    }

    private static void awaitPublished(List<SegmentDescriptor> seen, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (seen.size() < n) {
            assertTrue(System.nanoTime() < deadline, "only " + seen.size() + " segments published");
            Thread.sleep(50);
        }
    }

    @Test
    void retiredSegmentsLeaveTheWindowTheDiskAndTheTracker(@TempDir Path dir) throws Exception {
        int window = 3;
        List<SegmentDescriptor> seen = Collections.synchronizedList(new ArrayList<>());
        try (Broadcaster b = start(dir, window)) {
            b.onPublished(seen::add);
            awaitPublished(seen, window + 2);
            ChannelUrl url = b.channelUrl();
            ChannelManifest manifest = SignedManifest.verify(get(url.manifestUri()).body(), url).manifest();
            assertTrue(manifest.segments().size() <= window, "window holds " + manifest.segments().size());
            SegmentDescriptor retired = seen.get(0);
            SegmentDescriptor live = manifest.segments().get(manifest.segments().size() - 1);
            assertFalse(manifest.segment(retired.sequence()).isPresent(), "segment 0 still listed");
            assertEquals(b.peerPort(), manifest.originPort(), "the signed manifest names the origin's peer port");
            assertEquals(url.manifestUri().getHost(), manifest.originHost().orElseThrow());

            assertFalse(Files.exists(b.segmentFile(retired.sequence())), "retired segment file not deleted");
            assertTrue(Files.exists(b.segmentFile(live.sequence())), "live segment file missing");
            assertEquals(404, get(url.torrentUri(retired.sequence())).statusCode());
            assertEquals(200, get(url.torrentUri(live.sequence())).statusCode());

            String base = url.manifestUri().toString().replaceFirst("/channels/.*", "");
            String retiredAnnounce = new String(get(announce(base, retired)).body(), StandardCharsets.ISO_8859_1);
            String liveAnnounce = new String(get(announce(base, live)).body(), StandardCharsets.ISO_8859_1);
            assertTrue(retiredAnnounce.contains("failure reason"), "retired info-hash still tracked: " + retiredAnnounce);
            assertTrue(liveAnnounce.contains("8:interval"), "live info-hash refused: " + liveAnnounce);

            String status = new String(get(URI.create(base + "/status")).body(), StandardCharsets.UTF_8);
            for (String field : new String[] {"segmentsPublished", "latestSegment", "bytesPublished",
                    "originUploadedBytes", "listeners"}) {
                assertTrue(status.contains("\"" + field + "\""), "status lacks " + field + ": " + status);
            }
        }
    }

    @Test
    void sequenceNumbersAndTheChannelKeySurviveARestart(@TempDir Path dir) throws Exception {
        List<SegmentDescriptor> first = Collections.synchronizedList(new ArrayList<>());
        ChannelUrl before;
        try (Broadcaster b = start(dir, 5)) {
            b.onPublished(first::add);
            awaitPublished(first, 2);
            before = b.channelUrl();
        }
        long last = first.get(first.size() - 1).sequence();
        List<SegmentDescriptor> second = Collections.synchronizedList(new ArrayList<>());
        try (Broadcaster b = start(dir, 5)) {
            b.onPublished(second::add);
            awaitPublished(second, 1);
            assertEquals(before.key(), b.channelUrl().key(), "a restart made a new channel key");
            assertTrue(second.get(0).sequence() > last, "sequence went from " + last + " to " + second.get(0).sequence());
            assertEquals(Files.readString(dir.resolve("channel.url")).strip(), b.channelUrl().toString());
        }
    }

    private static URI announce(String base, SegmentDescriptor s) {
        String hash = URLEncoder.encode(new String(s.infoHash().bytes(), StandardCharsets.ISO_8859_1),
                StandardCharsets.ISO_8859_1);
        return URI.create(base + "/announce?info_hash=" + hash + "&peer_id=-TEST00-000000000000&port=6999"
                + "&uploaded=0&downloaded=0&left=100&compact=1");
    }
}
