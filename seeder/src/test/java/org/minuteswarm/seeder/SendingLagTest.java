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
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
        AtomicLong clock = new AtomicLong(); // releases expire only when the test says so
        UnsentBlocks unsent = new UnsentBlocks(2 * BLOCK, clock::get);
        withScheduler(unsent, (torrentId, peer, piece, offset, length) -> {
            released.incrementAndGet();
            return new CompletableFuture<>(); // read, but bt's message loop has not got to sending it
        }, scheduler -> {
            Thread.sleep(300);
            assertEquals(2, released.get(), "released while bt had sent nothing");
            unsent.sent(SEGMENT, 0, 0); // bt catches up with one block: room for one more
            awaitReleased(released, 3);
            Thread.sleep(200);
            assertEquals(3, released.get(), "blocks 1 and 2 are still unsent");
            clock.addAndGet(UnsentBlocks.EXPIRY_NANOS); // bt never sent them: their releases expire
            awaitReleased(released, 5);
        });
    }

    @Test
    @Timeout(10)
    void aReadThatFailedIsNotWaitedFor() throws Exception {
        AtomicInteger released = new AtomicInteger();
        UnsentBlocks unsent = new UnsentBlocks(2 * BLOCK, () -> 0L); // nothing ever expires
        withScheduler(unsent, (torrentId, peer, piece, offset, length) -> {
            released.incrementAndGet();
            return CompletableFuture.failedFuture(new IOException("storage gone")); // bt sends nothing for it
        }, scheduler -> awaitReleased(released, 10));
    }

    private interface Reads {
        CompletableFuture<BlockRead> read(TorrentId torrentId, Peer peer, int piece, int offset, int length);
    }

    private interface Body {
        void run(UploadScheduler scheduler) throws Exception;
    }

    /** A scheduler capped at 1 MB/s (ten blocks in 164 ms, were bt keeping up) with ten requests queued. */
    private static void withScheduler(UnsentBlocks unsent, Reads reads, Body body) throws Exception {
        ReadOnlyDataWorker worker = reads::read;
        UploadThrottle throttle = new UploadThrottle(1_000_000);
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
            body.run(scheduler);
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
