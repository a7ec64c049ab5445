package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Origin piece spreading (super-seeding, BEP 16): with the origin capped and five leechers, no piece leaves
 * the origin twice before every piece has left it once, and every leecher still gets a byte-identical copy.
 */
class OriginSpreadingTest {
    private static final Logger LOG = LoggerFactory.getLogger(OriginSpreadingTest.class);
    private static final int LEECHERS = 5;
    private static final int LENGTH = 1_000_000; // 62 pieces of 16 KiB
    private static final long ORIGIN_CAP = 200_000;

    @Test
    @Timeout(60)
    void everyPieceLeavesTheOriginOnceBeforeAnyLeavesTwice(@TempDir Path dir) throws Exception {
        Path source = Segments.randomFile(dir, "seg-20.ts", LENGTH, 20);
        byte[] expected = Files.readAllBytes(source);
        List<SwarmRuntime> runtimes = new ArrayList<>();
        try (TestTracker tracker = TestTracker.start()) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            TorrentId id = TorrentId.fromBytes(torrent.infoHash().bytes());
            SwarmRuntime origin = SwarmRuntime.start(SwarmConfig.loopback()
                    .withMaxUploadBytesPerSecond(ORIGIN_CAP).withOriginSpreading(true));
            runtimes.add(origin);
            origin.seed(torrent, source);
            long started = System.nanoTime();
            List<CompletableFuture<Path>> downloads = new ArrayList<>();
            for (int i = 0; i < LEECHERS; i++) {
                SwarmRuntime leecher = SwarmRuntime.start(SwarmConfig.loopback());
                runtimes.add(leecher);
                downloads.add(leecher.download(torrent, dir.resolve("l" + i + "/seg-20.ts")).completion());
            }
            CompletableFuture.allOf(downloads.toArray(CompletableFuture[]::new)).get(45, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            for (CompletableFuture<Path> download : downloads) {
                assertArrayEquals(expected, Files.readAllBytes(download.get()));
            }

            List<Integer> order = origin.spreading().sendOrder(id);
            int pieces = torrent.pieceCount();
            assertTrue(order.size() >= pieces, "origin sent " + order.size() + " of " + pieces + " pieces");
            Set<Integer> firstRound = new HashSet<>(order.subList(0, pieces));
            assertEquals(pieces, firstRound.size(),
                    "a piece left the origin twice before every piece had left once: " + order);
            double share = (double) origin.uploadedBytes() / ((long) LEECHERS * LENGTH);
            LOG.info("spreading origin at {} B/s, {} leechers x {} bytes: {} ms, origin sent {} pieces ({} copies'"
                            + " worth, share {})", ORIGIN_CAP, LEECHERS, LENGTH, millis, order.size(),
                    String.format("%.2f", share * LEECHERS), String.format("%.2f", share));
        } finally {
            runtimes.parallelStream().forEach(SwarmRuntime::close);
        }
    }
}
