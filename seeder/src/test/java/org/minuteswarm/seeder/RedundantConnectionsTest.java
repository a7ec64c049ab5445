package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once a swarm is complete, its seed-to-seed connections are closed at once rather than after the inactivity
 * timeout (set to two minutes here, so only {@link RedundantConnections} can close them in time), and the
 * seeds still serve a latecomer, whose connections close in turn when it is done.
 */
class RedundantConnectionsTest {
    private static final int LEECHERS = 3;
    private static final int LENGTH = 1024 * 1024;

    @Test
    @Timeout(60)
    void seedToSeedConnectionsCloseAndLatecomersAreStillServed(@TempDir Path dir) throws Exception {
        Path source = Segments.randomFile(dir, "seg-3.ts", LENGTH, 3);
        byte[] expected = Files.readAllBytes(source);
        SwarmConfig config = new SwarmConfig(InetAddress.getLoopbackAddress(), 0, Duration.ofMinutes(2),
                SwarmConfig.DEFAULT_NETWORK_BUFFER_BYTES, 0);
        try (TestTracker tracker = TestTracker.start(); TestSwarms test = new TestSwarms()) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            test.seed(config, torrent, source);
            List<CompletableFuture<Path>> downloads = new ArrayList<>();
            for (int i = 0; i < LEECHERS; i++) {
                downloads.add(test.download(config, torrent, dir.resolve("l" + i + "/seg-3.ts")).completion());
            }
            CompletableFuture.allOf(downloads.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            awaitNoConnections(test.swarms);

            SegmentSwarm late = test.download(config, torrent, dir.resolve("late/seg-3.ts"));
            assertArrayEquals(expected, Files.readAllBytes(late.completion().get(30, TimeUnit.SECONDS)));
            awaitNoConnections(test.swarms);
        }
    }

    private static void awaitNoConnections(List<SegmentSwarm> swarms) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Integer> counts;
        do {
            Thread.sleep(100);
            counts = swarms.stream().map(SegmentSwarm::connectedPeers).toList();
        } while (counts.stream().anyMatch(n -> n > 0) && System.nanoTime() < deadline);
        assertEquals(List.of(), counts.stream().filter(n -> n > 0).toList(), "connections per swarm " + counts);
    }
}
