package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class StopTest {
    @TempDir
    Path dir;

    /**
     * Must-have 4: bt 1.10 leaves an incomplete torrent's processing thread in waitForAllPieces() after
     * stop(), so the file stays open and the same info-hash cannot be added again.
     */
    @Test
    @Timeout(40)
    void stoppedIncompleteDownloadReleasesEverythingAndCanRunAgain() throws Exception {
        Path source = Segments.randomFile(dir, "seg-2.ts", 400_000, 2);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime leechRuntime = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            Path target = dir.resolve("down/seg-2.ts");
            SegmentSwarm orphan = leechRuntime.download(torrent, target);
            awaitAnnounce(tracker, torrent);
            assertFalse(orphan.isComplete());

            long stopStarted = System.nanoTime();
            orphan.stop();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStarted);
            assertTrue(stopMillis < 2000, "stop took " + stopMillis + " ms");
            assertEquals(0, OpenFiles.descriptorsOpenOn(target), "file still open after stop");
            assertThrows(CancellationException.class, () -> orphan.completion().get(1, TimeUnit.SECONDS));

            try (SwarmRuntime seedRuntime = SwarmRuntime.start(SwarmConfig.loopback())) {
                SegmentSwarm seed = seedRuntime.seed(torrent, source);
                SegmentSwarm again = leechRuntime.download(torrent, target);
                again.completion().get(20, TimeUnit.SECONDS);
                assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(target));
                again.stop();
                seed.stop();
            }
        }
    }

    /** Must-have 8: a retired seed lets go of its file at once, so the broadcaster can delete it. */
    @Test
    @Timeout(20)
    void stoppedSeedClosesItsFile() throws Exception {
        Path source = Segments.randomFile(dir, "seg-3.ts", 300_000, 3);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime runtime = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            SegmentSwarm seed = runtime.seed(torrent, source);
            awaitAnnounce(tracker, torrent);
            assertTrue(OpenFiles.descriptorsOpenOn(source) > 0, "seed should hold its file open");

            long stopStarted = System.nanoTime();
            seed.stop();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStarted);
            assertTrue(stopMillis < 1000, "stop took " + stopMillis + " ms");
            assertEquals(0, OpenFiles.descriptorsOpenOn(source));
            Files.delete(source);
            seed.stop(); // idempotent
        }
    }

    @Test
    @Timeout(20)
    void busyPortIsReportedAtStart() throws Exception {
        try (SwarmRuntime first = SwarmRuntime.start(SwarmConfig.loopback())) {
            int port = first.peerPort();
            java.io.IOException e = assertThrows(java.io.IOException.class,
                    () -> SwarmRuntime.start(SwarmConfig.loopback().withPeerPort(port)));
            assertEquals("peer port " + port + " is in use", e.getMessage());
        }
    }

    static void awaitAnnounce(TestTracker tracker, TorrentFile torrent) throws InterruptedException {
        while (tracker.announcesFor(torrent.infoHash().hex()).isEmpty()) {
            Thread.sleep(20);
        }
    }
}
