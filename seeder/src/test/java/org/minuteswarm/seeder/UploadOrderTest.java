package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bt.event.EventBus;
import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder.LifecycleEvent;
import bt.service.RuntimeLifecycleBinder;
import bt.torrent.data.BlockRead;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The order in which a capped runtime's {@link UploadScheduler} serves the requests it queued. */
class UploadOrderTest {
    private static final int PIECE = 16 * 1024;
    private static final TorrentId SEGMENT = TorrentId.fromBytes(new byte[20]);

    /** bt's block reads, as the scheduler releases them: (torrent, piece), in order. */
    private static final class RecordingWorker implements ReadOnlyDataWorker {
        final List<String> released = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrentId, Peer peer, int piece, int offset,
                                                            int length) {
            released.add(torrentId + "#" + piece);
            return new CompletableFuture<>();
        }
    }

    /**
     * The capped origin: a piece that has never left the origin goes before any further copy of a piece that
     * has, even when that copy belongs to a segment due earlier. Without it the origin spent its upload on
     * copies of the older segment that listeners could get from each other, while the newest segment's
     * pieces, which only the origin had, waited (12 capped listeners fell behind the stream).
     */
    @Test
    @Timeout(10)
    void neverSentPiecesLeaveBeforeCopiesOfAnEarlierSegment() throws Exception {
        TorrentId older = TorrentId.fromBytes(new byte[20]);
        byte[] b = new byte[20];
        b[0] = 1;
        TorrentId newer = TorrentId.fromBytes(b);
        UploadThrottle throttle = new UploadThrottle(1_000_000);
        EventBus events = new EventBus();
        OriginSpreading spreading = new OriginSpreading(events, throttle);
        spreading.enable(older, 4, PIECE, 4L * PIECE);
        spreading.enable(newer, 4, PIECE, 4L * PIECE);
        SegmentDeadlines deadlines = new SegmentDeadlines();
        deadlines.set(older, Instant.parse("2026-01-01T00:00:00Z"));
        deadlines.set(newer, Instant.parse("2026-01-01T00:00:05Z"));
        Peer seen = InetPeer.build(InetAddress.getLoopbackAddress(), 7000);
        for (int piece = 0; piece < 4; piece++) {
            spreading.peerHas(older, seen, piece); // every piece of the older segment has left once
        }
        Peer a = peer(7001);
        Peer c = peer(7003);
        List<String> released = releaseOrder(throttle, events, spreading, deadlines, holders(events), scheduler -> {
            scheduler.addBlockRequest(older, a, 1, 0, PIECE);
            scheduler.addBlockRequest(older, a, 2, 0, PIECE);
            scheduler.addBlockRequest(newer, c, 3, 0, PIECE);
            scheduler.addBlockRequest(newer, c, 0, 0, PIECE);
        }, 4);
        assertEquals(List.of(newer + "#3", newer + "#0", older + "#1", older + "#2"), released);
    }

    /**
     * A capped listener serves the piece the fewest of its peers hold (or are being sent) first, the oldest
     * request first among equals; each copy it sends counts, so the requesters of one rare piece do not all
     * go before everybody else. First come, first served, the piece a listener had just got from the origin,
     * which nobody else had, waited behind copies of pieces half the swarm held.
     */
    @Test
    @Timeout(10)
    void rarestPieceFirstAndEachCopyCounts() throws Exception {
        EventBus events = new EventBus();
        PieceHolders holders = holders(events);
        Peer a = peer(7001);
        Peer b = peer(7002);
        Peer c = peer(7003);
        Peer d = peer(7004);
        for (Peer p : List.of(b, c, d)) {
            holders.has(SEGMENT, p, 1); // piece 1 is common: three peers announced it
        }
        holders.has(SEGMENT, d, 2); // piece 2: one peer; piece 3: nobody
        List<String> released = listenerReleaseOrder(events, holders, 200_000, scheduler -> {
            scheduler.addBlockRequest(SEGMENT, a, 1, 0, PIECE);
            scheduler.addBlockRequest(SEGMENT, a, 2, 0, PIECE);
            scheduler.addBlockRequest(SEGMENT, a, 3, 0, PIECE);
            scheduler.addBlockRequest(SEGMENT, b, 3, 0, PIECE);
            scheduler.addBlockRequest(SEGMENT, c, 3, 0, PIECE);
        }, 5);
        // 3 (nobody) to a; then 2 and 3 have one holder each: 2 was asked first; then 3 (2 holders) before 1 (3)
        assertEquals(List.of(SEGMENT + "#3", SEGMENT + "#2", SEGMENT + "#3", SEGMENT + "#3", SEGMENT + "#1"),
                released);
    }

    /**
     * A request's wait counts against its piece's holders (one per 100 ms), so a request for a common piece is
     * not starved by rarer ones that keep coming: its requester asks nobody else for that piece.
     */
    @Test
    @Timeout(10)
    void aLongQueuedRequestForACommonPieceGoesBeforeANewRareOne() throws Exception {
        EventBus events = new EventBus();
        PieceHolders holders = holders(events);
        Peer a = peer(7001);
        Peer b = peer(7002);
        for (int port = 7010; port < 7013; port++) {
            holders.has(SEGMENT, peer(port), 1); // piece 1: three holders; piece 3: none
        }
        List<String> released = listenerReleaseOrder(events, holders, 800_000, scheduler -> {
            scheduler.addBlockRequest(SEGMENT, a, 1, 0, PIECE);
            sleep(500); // a's request: 5 holders' worth of waiting more than b's
            scheduler.addBlockRequest(SEGMENT, b, 3, 0, PIECE);
        }, 2);
        assertEquals(List.of(SEGMENT + "#1", SEGMENT + "#3"), released);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@link #releaseOrder} for a listener (no spreading, no deadlines) capped at 1 MB/s. */
    private static List<String> listenerReleaseOrder(EventBus events, PieceHolders holders, int debtBytes,
                                                     Consumer<UploadScheduler> requests, int n) throws Exception {
        UploadThrottle throttle = new UploadThrottle(1_000_000);
        return releaseOrder(throttle, events, new OriginSpreading(events, throttle), new SegmentDeadlines(), holders,
                debtBytes, requests, n);
    }

    private static Peer peer(int port) {
        return InetPeer.build(InetAddress.getLoopbackAddress(), port);
    }

    private static PieceHolders holders(EventBus events) {
        return new PieceHolders(events, new RunningTorrents<>(events, torrent -> true));
    }

    /** Queues {@code requests} while the throttle is in debt, then returns the first {@code n} releases. */
    private static List<String> releaseOrder(UploadThrottle throttle, EventBus events, OriginSpreading spreading,
                                             SegmentDeadlines deadlines, PieceHolders holders,
                                             Consumer<UploadScheduler> requests, int n) throws Exception {
        return releaseOrder(throttle, events, spreading, deadlines, holders, 200_000, requests, n);
    }

    /** As above, with the throttle {@code debtBytes} in debt (at 1 MB/s) when the requests start to queue. */
    private static List<String> releaseOrder(UploadThrottle throttle, EventBus events, OriginSpreading spreading,
                                             SegmentDeadlines deadlines, PieceHolders holders, int debtBytes,
                                             Consumer<UploadScheduler> requests, int n) throws Exception {
        RecordingWorker worker = new RecordingWorker();
        RuntimeLifecycleBinder lifecycle = new RuntimeLifecycleBinder();
        UploadScheduler scheduler = new UploadScheduler(worker, throttle, deadlines, spreading, holders, events,
                lifecycle, new Config(), new DispatchSignal(), new TransferLedger(),
                new UnsentBlocks(Long.MAX_VALUE, System::nanoTime)); // the order only: sending never lags here
        throttle.take(debtBytes); // in debt: the requests queue up before the first is released
        lifecycle.visitBindings(LifecycleEvent.STARTUP, binding -> binding.getRunnable().run());
        try {
            requests.accept(scheduler);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (worker.released.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return List.copyOf(worker.released);
        } finally {
            lifecycle.visitBindings(LifecycleEvent.SHUTDOWN, binding -> binding.getRunnable().run());
        }
    }
}
