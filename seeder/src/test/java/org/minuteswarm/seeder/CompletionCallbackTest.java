package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A download's completion is reported off bt's event bus, on the runtime's own thread, so that what a listener
 * does then (it stops the segment that left its seed window, which waits for bt) cannot hold the bus's lock.
 * The completion comes from bt's piece-verified event, which bt fires on its data worker thread with the bus's
 * read lock held; a listener that stopped a torrent or fired an event there could deadlock with a thread
 * registering listeners (a 40-listener benchmark had a listener stall for good with a bus-held callback).
 */
class CompletionCallbackTest {
    @Test
    @Timeout(60)
    void aCompletionCallbackCanStopAnotherSegment(@TempDir Path dir) throws Exception {
        Path first = Segments.randomFile(dir, "seg-1.ts", 300_000, 61);
        Path second = Segments.randomFile(dir, "seg-2.ts", 300_000, 62);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime origin = SwarmRuntime.start(SwarmConfig.loopback());
             SwarmRuntime listener = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile firstTorrent = TorrentFile.make(first, tracker.announceUri());
            origin.seed(firstTorrent, first);
            SegmentSwarm older = listener.download(firstTorrent, dir.resolve("down/seg-1.ts"));
            older.completion().get(15, TimeUnit.SECONDS);

            TorrentFile secondTorrent = TorrentFile.make(second, tracker.announceUri());
            origin.seed(secondTorrent, second);
            SegmentSwarm newer = listener.download(secondTorrent, dir.resolve("down/seg-2.ts"));
            AtomicReference<String> thread = new AtomicReference<>();
            CompletableFuture<Long> stopMillis = newer.completion().thenApply(file -> {
                thread.set(Thread.currentThread().getName());
                long start = System.nanoTime();
                older.stop();
                return (System.nanoTime() - start) / 1_000_000;
            });
            long millis = stopMillis.get(20, TimeUnit.SECONDS);
            assertTrue(thread.get().startsWith("seeder.after-events-"), "completion reported on " + thread.get());
            assertTrue(millis < 2500, "stopping the older segment from the completion callback took " + millis
                    + " ms");
        }
    }
}
