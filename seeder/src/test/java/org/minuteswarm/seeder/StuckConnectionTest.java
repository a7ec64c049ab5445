package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener's connection whose requests go unanswered is released ({@link AssignmentRefresh}) when another
 * peer holds the pieces, and left alone when nobody else does. Two plain peers claim every piece of a 30-piece
 * torrent: one never answers, the other sends a block every 100 ms (3 s for the torrent).
 */
class StuckConnectionTest {
    private static final int BLOCK = 16 * 1024;
    private static final int PIECES = 30;

    /**
     * The silent peer gets CANCELs about half a second after the serving one connects (stuck after 400 ms), and
     * the listener's pieces come from the serving peer. Without the release they stay asked of the silent peer
     * until bt's endgame, after the serving peer has sent everything else: CANCELs come 3 s later.
     */
    @Test
    @Timeout(30)
    void requestsStuckWithOnePeerAreCancelledWhenAnotherHoldsThePieces(@TempDir Path dir) throws Exception {
        Path source = Segments.randomFile(dir, "seg-6.ts", PIECES * BLOCK, 6);
        byte[] data = Files.readAllBytes(source);
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime listener = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            assertEquals(BLOCK, torrent.pieceLength());
            SegmentSwarm download = listener.download(torrent, dir.resolve("download.ts"));
            try (WireClient silent = WireClient.connect(listener, torrent);
                 WireClient serving = WireClient.connect(listener, torrent)) {
                Set<Integer> askedOfSilent = ConcurrentHashMap.newKeySet();
                AtomicLong firstCancel = new AtomicLong();
                silent.haveAllAndUnchoke(PIECES);
                WireClient.readAll(silent, m -> {
                    if (m.id() == WireClient.REQUEST) {
                        askedOfSilent.add(m.piece());
                    } else if (m.id() == WireClient.CANCEL) {
                        firstCancel.compareAndSet(0, System.nanoTime());
                    }
                });
                TestSwarms.awaitTrue(() -> !askedOfSilent.isEmpty(), 5_000);

                long servingSince = System.nanoTime();
                AtomicLong nextSend = new AtomicLong(servingSince);
                serving.haveAllAndUnchoke(PIECES);
                WireClient.readAll(serving, m -> {
                    if (m.id() == WireClient.REQUEST) {
                        int piece = m.piece();
                        byte[] block = Arrays.copyOfRange(data, piece * BLOCK + m.offset(),
                                piece * BLOCK + m.offset() + m.length());
                        long at = nextSend.updateAndGet(t -> Math.max(t, System.nanoTime()) + 100_000_000L);
                        pacer.schedule(() -> {
                            serving.sendPiece(piece, m.offset(), block);
                            return null;
                        }, at - System.nanoTime(), TimeUnit.NANOSECONDS);
                    }
                });

                TestSwarms.awaitTrue(() -> firstCancel.get() != 0, 6_000);
                long millis = (firstCancel.get() - servingSince) / 1_000_000;
                assertTrue(millis < 1500, "the silent peer's requests were cancelled only " + millis
                        + " ms after another peer with every piece came");
                assertTrue(download.completion().get(10, TimeUnit.SECONDS) != null);
                assertTrue(Arrays.equals(data, Files.readAllBytes(dir.resolve("download.ts"))));
            }
        } finally {
            pacer.shutdownNow();
        }
    }

    /**
     * Alone, the silent peer (a capped origin's queue holds a request for seconds by design) keeps the requests:
     * asked again, they would only lose their place in its queue.
     */
    @Test
    @Timeout(30)
    void requestsToTheOnlyHolderStay(@TempDir Path dir) throws Exception {
        Path source = Segments.randomFile(dir, "seg-7.ts", PIECES * BLOCK, 7);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime listener = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            listener.download(torrent, dir.resolve("download.ts"));
            try (WireClient silent = WireClient.connect(listener, torrent)) {
                Set<Integer> asked = ConcurrentHashMap.newKeySet();
                AtomicLong cancels = new AtomicLong();
                silent.haveAllAndUnchoke(PIECES);
                WireClient.readAll(silent, m -> {
                    if (m.id() == WireClient.REQUEST) {
                        asked.add(m.piece());
                    } else if (m.id() == WireClient.CANCEL) {
                        cancels.incrementAndGet();
                    }
                });
                TestSwarms.awaitTrue(() -> !asked.isEmpty(), 5_000);
                Thread.sleep(2_000);
                assertEquals(0, cancels.get(), "requests to the only holder of the pieces were cancelled");
            }
        }
    }
}
