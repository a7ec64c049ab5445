package org.minuteswarm.seeder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not a test: origin share and distribution time at a capped origin, with and without spreading. Run with
 * {@code mvn -pl seeder test -Dtest=SpreadingBench -Dbench=true -Dbench.leechers=10 -Dbench.trace=true}
 * and {@code MINUTESWARM_TEST_LOG=INFO}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class SpreadingBench {
    private static final Logger LOG = LoggerFactory.getLogger(SpreadingBench.class);

    @Test
    @Timeout(600)
    void compare(@TempDir Path dir) throws Exception {
        int leechers = Integer.getInteger("bench.leechers", 10);
        int length = Integer.getInteger("bench.length", 1_000_000);
        long cap = Long.getLong("bench.cap", 200_000);
        int runs = Integer.getInteger("bench.runs", 2);
        for (int run = 0; run < runs; run++) {
            for (boolean spreading : new boolean[] {false, true}) {
                once(dir.resolve(run + "-" + spreading), leechers, length, cap, spreading);
            }
        }
    }

    private void once(Path dir, int leechers, int length, long cap, boolean spreading) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        Path source = Segments.randomFile(dir, "seg.ts", length, 7);
        List<SwarmRuntime> runtimes = new ArrayList<>();
        try (TestTracker tracker = TestTracker.start()) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            SwarmRuntime origin = SwarmRuntime.start(SwarmConfig.loopback()
                    .withMaxUploadBytesPerSecond(cap).withOriginSpreading(spreading));
            runtimes.add(origin);
            origin.seed(torrent, source);
            long started = System.nanoTime();
            List<SegmentSwarm> swarms = new ArrayList<>();
            for (int i = 0; i < leechers; i++) {
                SwarmRuntime leecher = SwarmRuntime.start(SwarmConfig.loopback());
                runtimes.add(leecher);
                swarms.add(leecher.download(torrent, dir.resolve("l" + i + "/seg.ts")));
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(
                    swarms.stream().map(SegmentSwarm::completion).toArray(CompletableFuture[]::new));
            while (!all.isDone()) {
                Thread.sleep(500);
                if (Boolean.getBoolean("bench.trace")) {
                    StringBuilder sb = new StringBuilder();
                    swarms.forEach(s -> sb.append(s.verifiedPieces()).append(' '));
                    LOG.info("t={} ms origin {} B, pieces {}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                            origin.uploadedBytes(), sb);
                }
            }
            all.get(1, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            double share = (double) origin.uploadedBytes() / ((long) leechers * length);
            LOG.info("bench spreading={} cap={} B/s leechers={} length={}: all complete in {} ms (floor {} ms),"
                            + " origin sent {} B = {} copies, origin share {}", spreading, cap, leechers, length,
                    millis, length * 1000L / cap, origin.uploadedBytes(),
                    String.format("%.2f", (double) origin.uploadedBytes() / length), String.format("%.3f", share));
        } finally {
            runtimes.parallelStream().forEach(SwarmRuntime::close);
        }
    }
}
