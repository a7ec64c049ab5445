package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SeedAndDownloadTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(30)
    void leecherDownloadsByteIdenticalCopyAndBothCountTheBytes() throws Exception {
        Path source = Segments.randomFile(dir, "seg-1.ts", 700_000, 1);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime seedRuntime = SwarmRuntime.start(SwarmConfig.loopback());
             SwarmRuntime leechRuntime = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            SegmentSwarm seed = seedRuntime.seed(torrent, source);
            assertTrue(seed.isComplete());
            Path target = dir.resolve("down/seg-1.ts");
            SegmentSwarm leech = leechRuntime.download(torrent, target);

            assertEquals(target, leech.completion().get(20, TimeUnit.SECONDS));
            assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(target));
            assertEquals(torrent.pieceCount(), leech.verifiedPieces());
            // Must-have 5: our counts, not bt's undercounting stats.
            assertEquals(torrent.length(), leech.downloadedBytes());
            assertEquals(torrent.length(), leechRuntime.downloadedBytes());
            assertTrue(seed.uploadedBytes() >= torrent.length(), "seed uploaded " + seed.uploadedBytes());
            assertTrue(seedRuntime.uploadedBytes() >= torrent.length());
            leech.stop();
            seed.stop();
        }
    }
}
