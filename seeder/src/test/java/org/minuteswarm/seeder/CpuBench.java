package org.minuteswarm.seeder;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not a test: CPU per runtime at a 1 Mbit/s-equivalent load. One seed and ten leecher runtimes in this JVM;
 * every 2 s the seed publishes a 250 kB segment (125 kB/s), each leecher downloads it and keeps its last five.
 * Uses only the public API, so it runs against older versions of the module too. Run with
 * {@code MINUTESWARM_TEST_LOG=INFO mvn -pl seeder test -Dtest=CpuBench -Dbench=true}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class CpuBench {
    private static final Logger LOG = LoggerFactory.getLogger(CpuBench.class);

    @Test
    @Timeout(120)
    void cpuPerRuntime(@TempDir Path dir) throws Exception {
        int leechers = Integer.getInteger("bench.leechers", 10);
        int seconds = Integer.getInteger("bench.seconds", 30);
        List<SwarmRuntime> runtimes = new ArrayList<>();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (TestTracker tracker = TestTracker.start()) {
            SwarmRuntime origin = SwarmRuntime.start(SwarmConfig.loopback());
            runtimes.add(origin);
            for (int i = 0; i < leechers; i++) {
                runtimes.add(SwarmRuntime.start(SwarmConfig.loopback()));
            }
            Thread.sleep(1000);
            int threadsIdle = threads.getThreadCount();
            long cpuStart = os.getProcessCpuTime();
            long start = System.nanoTime();
            List<Deque<SegmentSwarm>> held = new ArrayList<>();
            for (int i = 0; i <= leechers; i++) {
                held.add(new ArrayDeque<>());
            }
            int completed = 0;
            int segments = seconds / 2;
            for (int seq = 0; seq < segments; seq++) {
                Path file = Segments.randomFile(dir, "seg-" + seq + ".ts", 250_000, seq);
                TorrentFile torrent = TorrentFile.make(file, tracker.announceUri());
                held.get(0).add(origin.seed(torrent, file));
                for (int i = 1; i <= leechers; i++) {
                    held.get(i).add(runtimes.get(i).download(torrent, dir.resolve("l" + i + "/seg-" + seq + ".ts")));
                }
                for (Deque<SegmentSwarm> h : held) {
                    while (h.size() > 5) {
                        SegmentSwarm old = h.poll();
                        completed += old.isComplete() ? 1 : 0;
                        old.stop();
                    }
                }
                long due = start + (seq + 1) * 2_000_000_000L;
                Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
            }
            double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
            double wall = (System.nanoTime() - start) / 1e9;
            LOG.info("cpu bench: {} runtimes, {} segments of 250 kB in {} s: process CPU {} s = {} s per runtime"
                            + " ({}% of a core each); threads {} idle, {} busy ({} per runtime); {} swarms retired complete",
                    leechers + 1, segments, String.format("%.1f", wall), String.format("%.1f", cpu),
                    String.format("%.2f", cpu / (leechers + 1)), String.format("%.1f", 100 * cpu / wall / (leechers + 1)),
                    threadsIdle, threads.getThreadCount(), threads.getThreadCount() / (leechers + 1), completed);
        } finally {
            runtimes.parallelStream().forEach(SwarmRuntime::close);
        }
    }
}
