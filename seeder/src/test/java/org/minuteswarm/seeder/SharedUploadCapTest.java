package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload cap with several peers and several torrents at once: the capped runtime's rate stays within
 * 10% of the cap, and the torrent with the earliest deadline is served first.
 */
class SharedUploadCapTest {
    private static final Logger LOG = LoggerFactory.getLogger(SharedUploadCapTest.class);

    @Test
    @Timeout(60)
    void threeLeechersOnSixTorrentsShareTheCap(@TempDir Path dir) throws Exception {
        long cap = 300_000;
        int length = 300_000;
        List<Path> sources = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            sources.add(Segments.randomFile(dir, "seg-" + t + ".ts", length, 30 + t));
        }
        List<SwarmRuntime> runtimes = new ArrayList<>();
        try (TestTracker tracker = TestTracker.start()) {
            SwarmRuntime origin = SwarmRuntime.start(SwarmConfig.loopback().withMaxUploadBytesPerSecond(cap));
            runtimes.add(origin);
            List<TorrentFile> torrents = new ArrayList<>();
            for (Path source : sources) {
                TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
                torrents.add(torrent);
                origin.seed(torrent, source);
            }
            List<CompletableFuture<Path>> downloads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SwarmRuntime leecher = SwarmRuntime.start(SwarmConfig.loopback());
                runtimes.add(leecher);
                // Each leecher its own two torrents: the origin is everyone's only source, so demand always
                // exceeds the cap and the measured rate is the throttle's alone.
                for (TorrentFile torrent : torrents.subList(2 * i, 2 * i + 2)) {
                    downloads.add(leecher.download(torrent, dir.resolve("l" + i + "/" + torrent.name()))
                            .completion());
                }
            }
            long from = 100_000;
            long to = 5L * length;
            long fromAt = 0;
            while (origin.uploadedBytes() < to) {
                if (fromAt == 0 && origin.uploadedBytes() >= from) {
                    fromAt = System.nanoTime();
                    from = origin.uploadedBytes();
                }
                Thread.sleep(2);
            }
            long toAt = System.nanoTime();
            long sent = origin.uploadedBytes() - from;
            double rate = sent / ((toAt - fromAt) / 1e9);
            LOG.info("3 leechers x 2 torrents (6 torrents), cap {} B/s: {} B/s", cap, String.format("%.0f", rate));
            assertTrue(Math.abs(rate - cap) <= 0.10 * cap, "rate " + rate + " B/s against a cap of " + cap);
            CompletableFuture.allOf(downloads.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            for (int i = 0; i < downloads.size(); i++) {
                assertArrayEquals(Files.readAllBytes(sources.get(i)), Files.readAllBytes(downloads.get(i).get()));
            }
        } finally {
            runtimes.parallelStream().forEach(SwarmRuntime::close);
        }
    }

    @Test
    @Timeout(60)
    void theSegmentAboutToPlayIsServedFirst(@TempDir Path dir) throws Exception {
        long cap = 250_000;
        int length = 500_000;
        Path later = Segments.randomFile(dir, "later.ts", length, 41);
        Path sooner = Segments.randomFile(dir, "sooner.ts", length, 42);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime origin = SwarmRuntime.start(SwarmConfig.loopback().withMaxUploadBytesPerSecond(cap));
             SwarmRuntime leecher = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile laterTorrent = TorrentFile.make(later, tracker.announceUri());
            TorrentFile soonerTorrent = TorrentFile.make(sooner, tracker.announceUri());
            Instant now = Instant.now();
            origin.seed(laterTorrent, later).setDeadline(now.plusSeconds(20));
            origin.seed(soonerTorrent, sooner).setDeadline(now.plusSeconds(10));
            SegmentSwarm laterDownload = leecher.download(laterTorrent, dir.resolve("down/later.ts"),
                    now.plusSeconds(20));
            SegmentSwarm soonerDownload = leecher.download(soonerTorrent, dir.resolve("down/sooner.ts"),
                    now.plusSeconds(10));
            soonerDownload.completion().get(20, TimeUnit.SECONDS);
            long laterAtThatMoment = laterDownload.downloadedBytes();
            LOG.info("when the sooner segment completed, the later one had {} of {} bytes", laterAtThatMoment,
                    length);
            // Both asked at once; without priorities each would be half done when the first completes.
            assertTrue(laterAtThatMoment < length / 4, "later segment got " + laterAtThatMoment + " bytes first");
            laterDownload.completion().get(20, TimeUnit.SECONDS);
            assertArrayEquals(Files.readAllBytes(sooner), Files.readAllBytes(soonerDownload.file()));
            assertArrayEquals(Files.readAllBytes(later), Files.readAllBytes(laterDownload.file()));
        }
    }
}
