package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** CANCEL both ways: see {@link RequestCancels}. */
class RequestCancelsTest {
    private static final int BLOCK = 16 * 1024;

    /**
     * A capped seed (one block a second) is asked for blocks 0-3, then cancels 2 and 3 and asks for 4. Block 4
     * comes a second after block 1: the cancelled requests left the queue. Before, each was released and cost
     * its second of upload, and bt threw the block away after the read: block 4 came three seconds after 1.
     */
    @Test
    @Timeout(30)
    void aCancelledRequestLeavesACappedUploadQueueWithoutCostingUpload(@TempDir Path dir) throws Exception {
        withBlocksTwoAndThreeCancelled(dir, client -> {
            client.sendRequest(4, 0, BLOCK);

            List<Integer> pieces = new ArrayList<>();
            long[] arrived = new long[5];
            while (!pieces.contains(4)) {
                WireClient.Message m = client.next();
                if (m.id() == WireClient.PIECE) {
                    pieces.add(m.piece());
                    arrived[m.piece()] = System.nanoTime();
                }
            }
            assertEquals(List.of(0, 1, 4), pieces, "blocks sent, in order");
            long gapMillis = (arrived[4] - arrived[1]) / 1_000_000;
            assertTrue(gapMillis < 1800, "block 4 came " + gapMillis + " ms after block 1 at one block a "
                    + "second: the cancelled requests were paid for");
        });
    }

    /**
     * A capped seed (one block a second) is asked for blocks 0-3, then the peer cancels 2 and 3 and asks for 2 again,
     * and for 4: blocks 0, 1, 2 and 4 come, once each, a capped second apart. Before, the cancelled block 2 was read at
     * once for bt to drop; the new request cleared bt's record of the cancel, so that read went out past the cap, and
     * block 2 came twice.
     */
    @Test
    @Timeout(30)
    void aBlockCancelledAndAskedAgainIsSentOnceThroughTheCap(@TempDir Path dir) throws Exception {
        withBlocksTwoAndThreeCancelled(dir, client -> {
            client.sendRequest(2, 0, BLOCK);
            client.sendRequest(4, 0, BLOCK);

            List<Integer> pieces = new CopyOnWriteArrayList<>();
            List<Long> arrived = new CopyOnWriteArrayList<>();
            WireClient.readAll(client, m -> {
                if (m.id() == WireClient.PIECE) {
                    arrived.add(System.nanoTime());
                    pieces.add(m.piece());
                }
            });
            Thread.sleep(6000); // four blocks take about 3 s; then any extra would show
            assertEquals(List.of(0, 1, 2, 4), pieces.stream().sorted().toList(), "blocks sent: " + pieces);
            for (int i = 2; i < arrived.size(); i++) {
                long gapMillis = (arrived.get(i) - arrived.get(i - 1)) / 1_000_000;
                assertTrue(gapMillis > 600, "block " + pieces.get(i) + " came " + gapMillis + " ms after the one "
                        + "before it at one block a second: " + pieces);
            }
        });
    }

    /** What a test does with a client whose requests for blocks 0-3 wait in a capped seed's queue, 2 and 3 cancelled. */
    private interface CancelledClient {
        void run(WireClient client) throws Exception;
    }

    /**
     * A seed capped at one block a second; a plain client asks it for blocks 0-3 and cancels 2 and 3 (still queued
     * behind 0 and 1), then {@code then} goes on.
     */
    private static void withBlocksTwoAndThreeCancelled(Path dir, CancelledClient then) throws Exception {
        Path source = Segments.randomFile(dir, "seg-3.ts", 8 * BLOCK, 3);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime seed = SwarmRuntime.start(SwarmConfig.loopback().withMaxUploadBytesPerSecond(BLOCK))) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            assertEquals(BLOCK, torrent.pieceLength());
            seed.seed(torrent, source);
            try (WireClient client = WireClient.connect(seed, torrent)) {
                client.awaitUnchoke();
                for (int piece = 0; piece < 4; piece++) {
                    client.sendRequest(piece, 0, BLOCK);
                }
                client.sendCancel(2, 0, BLOCK);
                client.sendCancel(3, 0, BLOCK);
                then.run(client);
            }
        }
    }

    /**
     * A listener downloads from two plain peers that claim every piece. One never answers a request; the other
     * answers at once, except that of the pieces both were asked for (bt asks the last pieces of several peers,
     * its endgame) it answers the first at once and the rest after two seconds. The silent peer must get a
     * CANCEL for that first piece as soon as the listener has it. bt 1.10 sends one only once every piece the
     * silent connection was asked for is done, here two seconds later. The silent peer sends a stray block every
 * 100 ms, so that it is not stuck ({@link AssignmentRefresh}, whose release would cancel its requests first).
     */
    @Test
    @Timeout(30)
    void aPieceCompletedOnAnotherConnectionIsCancelledAtOnce(@TempDir Path dir) throws Exception {
        int pieces = 12;
        Path source = Segments.randomFile(dir, "seg-4.ts", pieces * BLOCK, 4);
        byte[] data = Files.readAllBytes(source);
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime listener = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            assertEquals(BLOCK, torrent.pieceLength());
            listener.download(torrent, dir.resolve("download.ts"));
            try (WireClient silent = WireClient.connect(listener, torrent);
                 WireClient serving = WireClient.connect(listener, torrent)) {
                Set<Integer> askedOfSilent = ConcurrentHashMap.newKeySet();
                Map<Integer, Long> cancelledAt = new ConcurrentHashMap<>();
                AtomicInteger firstShared = new AtomicInteger(-1);
                AtomicLong firstSharedSentAt = new AtomicLong();

                silent.haveAllAndUnchoke(pieces);
                // Never answering, the silent peer would be found stuck (AssignmentRefresh) and its requests
                // cancelled once the serving one came, before any piece completes elsewhere: a stray block
                // every 100 ms keeps it looking alive.
                ScheduledFuture<?> alive = later.scheduleAtFixedRate(() -> {
                    try {
                        silent.sendStrayBlock();
                    } catch (IOException e) {
                        // closed: the test is over
                    }
                }, 0, 100, TimeUnit.MILLISECONDS);
                Thread silentReader = WireClient.readAll(silent, m -> {
                    if (m.id() == WireClient.REQUEST) {
                        askedOfSilent.add(m.piece());
                    } else if (m.id() == WireClient.CANCEL) {
                        cancelledAt.putIfAbsent(m.piece(), System.nanoTime());
                    }
                });
                TestSwarms.awaitTrue(() -> !askedOfSilent.isEmpty(), 5_000);
                assertTrue(!askedOfSilent.isEmpty(), "the listener asked the silent peer for nothing");

                serving.haveAllAndUnchoke(pieces);
                Thread servingReader = WireClient.readAll(serving, m -> {
                    if (m.id() != WireClient.REQUEST) {
                        return;
                    }
                    int piece = m.piece();
                    byte[] block = Arrays.copyOfRange(data, piece * BLOCK + m.offset(),
                            piece * BLOCK + m.offset() + m.length());
                    boolean shared = askedOfSilent.contains(piece);
                    if (!shared || firstShared.compareAndSet(-1, piece)) {
                        if (shared) {
                            firstSharedSentAt.set(System.nanoTime());
                        }
                        serving.sendPiece(piece, m.offset(), block);
                    } else {
                        later.schedule(() -> {
                            serving.sendPiece(piece, m.offset(), block);
                            return null;
                        }, 2, TimeUnit.SECONDS);
                    }
                });

                TestSwarms.awaitTrue(() -> firstShared.get() >= 0, 10_000);
                assertTrue(firstShared.get() >= 0, "the listener never asked the serving peer for a piece it had "
                        + "asked the silent one for: " + askedOfSilent);
                int piece = firstShared.get();
                TestSwarms.awaitTrue(() -> cancelledAt.containsKey(piece), 1_500);
                Long cancelled = cancelledAt.get(piece);
                assertNotNull(cancelled, "no CANCEL of piece " + piece + " to the silent peer within 1.5 s of "
                        + "the listener getting it elsewhere (cancels so far: " + cancelledAt.keySet() + ")");
                long millis = (cancelled - firstSharedSentAt.get()) / 1_000_000;
                assertTrue(millis < 1000, "CANCEL " + millis + " ms after the piece arrived elsewhere");
                alive.cancel(false);
                silentReader.interrupt();
                servingReader.interrupt();
            }
        } finally {
            later.shutdownNow();
        }
    }
}
