package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Must-have 6: bt has no rate limiting; our throttle holds a seed to its cap. */
class UploadCapTest {
    private static final Logger LOG = LoggerFactory.getLogger(UploadCapTest.class);
    private static final int LENGTH = 1_000_000;
    private static final long CAP = 400_000;

    @Test
    @Timeout(30)
    void cappedSeedSendsAtTheCap(@TempDir Path dir) throws Exception {
        Path source = Segments.randomFile(dir, "seg-6.ts", LENGTH, 6);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime origin = SwarmRuntime.start(SwarmConfig.loopback().withMaxUploadBytesPerSecond(CAP));
             SwarmRuntime leecher = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            SegmentSwarm seed = origin.seed(torrent, source);
            SegmentSwarm download = leecher.download(torrent, dir.resolve("down/seg-6.ts"));

            // Time the transfer from its first counted block to its last, so connection set-up is excluded.
            long firstBytes = 0;
            long firstAt = 0;
            while (!download.isComplete()) {
                long now = System.nanoTime();
                long sent = seed.uploadedBytes();
                if (firstAt == 0 && sent > 0) {
                    firstBytes = sent;
                    firstAt = now;
                }
                Thread.sleep(5);
            }
            long lastAt = System.nanoTime();
            assertEquals(LENGTH, seed.uploadedBytes(), "one leecher, so exactly one copy");
            double seconds = (lastAt - firstAt) / 1e9;
            double rate = (LENGTH - firstBytes) / seconds;
            LOG.info("capped at {} B/s: sent {} bytes in {} s = {} B/s", CAP, LENGTH - firstBytes,
                    String.format("%.2f", seconds), String.format("%.0f", rate));
            assertTrue(Math.abs(rate - CAP) < 0.15 * CAP, "rate " + rate + " B/s, cap " + CAP);
            download.completion().get(1, TimeUnit.SECONDS);
        }
    }
}
