package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bt.event.EventBus;
import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.net.buffer.BufferedData;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder.LifecycleEvent;
import bt.service.RuntimeLifecycleBinder;
import bt.torrent.data.BlockRead;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.DataWorker;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The capped origin's upload order: a piece that has never left the origin goes before any further copy
 * of a piece that has, even when that copy belongs to a segment due earlier. Without it the origin spent
 * its upload on copies of the older segment that listeners could get from each other, while the newest
 * segment's pieces, which only the origin had, waited (12 capped listeners fell behind the stream).
 */
class FirstCopyFirstTest {
    private static final int PIECE = 16 * 1024;

    /** bt's block reads, as the scheduler releases them: (torrent, piece), in order. */
    private static final class RecordingWorker implements DataWorker {
        final List<String> released = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrentId, Peer peer, int piece, int offset,
                                                            int length) {
            released.add(torrentId + "#" + piece);
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<BlockWrite> addBlock(TorrentId torrentId, Peer peer, int piece, int offset,
                                                      BufferedData buffer) {
            throw new UnsupportedOperationException();
        }
    }

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
            spreading.served(older, seen, piece, PIECE); // every piece of the older segment has left once
        }
        RecordingWorker worker = new RecordingWorker();
        RuntimeLifecycleBinder lifecycle = new RuntimeLifecycleBinder();
        UploadScheduler scheduler = new UploadScheduler(worker, throttle, deadlines, spreading, events, lifecycle,
                new Config(), new DispatchSignal());
        throttle.take(200_000); // 0.2 s in debt: the requests below queue up before the first is released
        lifecycle.visitBindings(LifecycleEvent.STARTUP, binding -> binding.getRunnable().run());
        try {
            Peer a = InetPeer.build(InetAddress.getLoopbackAddress(), 7001);
            Peer c = InetPeer.build(InetAddress.getLoopbackAddress(), 7003);
            scheduler.addBlockRequest(older, a, 1, 0, PIECE);
            scheduler.addBlockRequest(older, a, 2, 0, PIECE);
            scheduler.addBlockRequest(newer, c, 3, 0, PIECE);
            scheduler.addBlockRequest(newer, c, 0, 0, PIECE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (worker.released.size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of(newer + "#3", newer + "#0", older + "#1", older + "#2"), worker.released);
        } finally {
            lifecycle.visitBindings(LifecycleEvent.SHUTDOWN, binding -> binding.getRunnable().run());
        }
    }
}
