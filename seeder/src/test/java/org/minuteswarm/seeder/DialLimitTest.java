package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@link SwarmConfig#maxDialsPerTorrent} set on the leechers, a swarm whose members all learn of each
 * other (the test tracker lists everyone to everyone, every second) is not a full mesh: each leecher dials at
 * most that many peers and the origin, unlimited as the broadcaster's is, dials each leecher once, so a swarm
 * of eight leechers holds at most 8 x 2 + 8 connections instead of 36. Everyone still completes, which the
 * capped origin makes take seconds, long enough for a full mesh to form if the limit did not hold.
 */
class DialLimitTest {
    private static final int LEECHERS = 8;
    private static final int DIALS = 2;
    private static final int LENGTH = 1024 * 1024;

    @Test
    @Timeout(60)
    void membersDialNoMoreThanTheLimitAndAllComplete(@TempDir Path dir) throws Exception {
        Path source = Segments.randomFile(dir, "seg-5.ts", LENGTH, 5);
        byte[] expected = Files.readAllBytes(source);
        SwarmConfig config = SwarmConfig.loopback().withMaxDialsPerTorrent(DIALS);
        try (TestTracker tracker = TestTracker.start(); TestSwarms test = new TestSwarms()) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            test.seed(config.withMaxUploadBytesPerSecond(256 * 1024).withMaxDialsPerTorrent(0), torrent, source);
            List<CompletableFuture<Path>> downloads = new ArrayList<>();
            for (int i = 0; i < LEECHERS; i++) {
                downloads.add(test.download(config, torrent, dir.resolve("l" + i + "/seg-5.ts")).completion());
            }
            List<SegmentSwarm> swarms = test.swarms;
            CompletableFuture<Void> all = CompletableFuture.allOf(downloads.toArray(CompletableFuture[]::new));
            int most = 0;
            while (!all.isDone()) {
                // every connection is counted at both of its ends
                int connections = swarms.stream().mapToInt(SegmentSwarm::connectedPeers).sum() / 2;
                most = Math.max(most, connections);
                Thread.sleep(20);
            }
            all.get(30, TimeUnit.SECONDS);
            for (CompletableFuture<Path> d : downloads) {
                assertArrayEquals(expected, Files.readAllBytes(d.get()));
            }
            int bound = LEECHERS * DIALS + LEECHERS;
            assertTrue(most <= bound, "at most " + bound + " connections, saw " + most);
            assertTrue(most >= LEECHERS, "the swarm was connected: " + most + " connections at most");
        }
    }
}
