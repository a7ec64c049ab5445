package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.event.EventBus;
import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder.LifecycleEvent;
import bt.service.RuntimeLifecycleBinder;
import bt.torrent.data.BlockRead;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A capped {@link UploadScheduler} does not run ahead of bt's sending: while bt has not sent what it released, the
 * next requests wait in its queue instead of piling up in bt to leave together, past the cap, when bt catches up.
 */
class SendingLagTest {
    private static final int BLOCK = 16 * 1024;
    private static final TorrentId SEGMENT = TorrentId.fromBytes(new byte[20]);

    @Test
    @Timeout(10)
    void releasesWaitWhileBtHasNotSentWhatWasReleased() throws Exception {
        AtomicInteger released = new AtomicInteger();
        ReadOnlyDataWorker worker = new ReadOnlyDataWorker() {
            @Override
            public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrentId, Peer peer, int piece, int offset,
                                                                int length) {
                released.incrementAndGet();
                return new CompletableFuture<>(); // read, but bt's message loop has not got to sending it
            }
        };
        UploadThrottle throttle = new UploadThrottle(1_000_000); // ten blocks in 164 ms, were bt keeping up
        UnsentBlocks unsent = new UnsentBlocks(2 * BLOCK, System::nanoTime);
        EventBus events = new EventBus();
        RuntimeLifecycleBinder lifecycle = new RuntimeLifecycleBinder();
        UploadScheduler scheduler = new UploadScheduler(worker, throttle, new SegmentDeadlines(),
                new OriginSpreading(events, throttle), new PieceHolders(events, new RunningTorrents<>(events, t -> true)),
                events, lifecycle, new Config(), new DispatchSignal(), new TransferLedger(), unsent);
        lifecycle.visitBindings(LifecycleEvent.STARTUP, binding -> binding.getRunnable().run());
        try {
            Peer peer = InetPeer.build(InetAddress.getLoopbackAddress(), 7001);
            for (int piece = 0; piece < 10; piece++) {
                scheduler.addBlockRequest(SEGMENT, peer, piece, 0, BLOCK);
            }
            Thread.sleep(400);
            assertEquals(2, released.get(), "released while bt had sent nothing");
            unsent.sent(SEGMENT, 0, 0); // bt catches up with one block: room for one more
            awaitReleased(released, 3);
            Thread.sleep(200);
            assertEquals(3, released.get(), "block 1 is still unsent");
            awaitReleased(released, 4); // bt never sends block 1: its release expires 1 s after it went
        } finally {
            lifecycle.visitBindings(LifecycleEvent.SHUTDOWN, binding -> binding.getRunnable().run());
        }
    }

    private static void awaitReleased(AtomicInteger released, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (released.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(released.get() >= n, released.get() + " released, not " + n);
    }
}
