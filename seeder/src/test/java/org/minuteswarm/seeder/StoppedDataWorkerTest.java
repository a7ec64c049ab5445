package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A block requested while the runtime stops, once bt's data worker has shut down, must not come back as a
 * failed read: bt's request consumer logs each one as an ERROR with a stack trace (seen when a listener that
 * was uploading stopped at the end of a benchmark).
 */
class StoppedDataWorkerTest {
    private static final TorrentId SEGMENT = TorrentId.fromBytes(new byte[20]);
    private static final Peer PEER = InetPeer.build(InetAddress.getLoopbackAddress(), 6881);

    /** bt's data worker after shutdown: its executor rejects every task. */
    private static final class StoppedWorker implements ReadOnlyDataWorker {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrentId, Peer peer, int piece, int offset,
                                                            int length) {
            calls.incrementAndGet();
            throw new RejectedExecutionException("executor terminated");
        }
    }

    @Test
    @Timeout(10)
    void aCappedRuntimesRequestIsNotFailedWhenTheDataWorkerIsGone() throws Exception {
        assertNotFailed(new UploadThrottle(1_000_000));
    }

    @Test
    @Timeout(10)
    void anUncappedRuntimesRequestIsNotFailedWhenTheDataWorkerIsGone() throws Exception {
        assertNotFailed(new UploadThrottle(0)); // 0 = unlimited: requests go straight to bt
    }

    private static void assertNotFailed(UploadThrottle throttle) throws Exception {
        EventBus events = new EventBus();
        StoppedWorker worker = new StoppedWorker();
        RuntimeLifecycleBinder lifecycle = new RuntimeLifecycleBinder();
        UploadScheduler scheduler = new UploadScheduler(worker, throttle, new SegmentDeadlines(),
                new OriginSpreading(events, throttle), new PieceHolders(events, new RunningTorrents<>(events, t -> true)),
                events, lifecycle, new Config(), new DispatchSignal(), new TransferLedger(),
                UnsentBlocks.forRate(1_000_000));
        lifecycle.visitBindings(LifecycleEvent.STARTUP, binding -> binding.getRunnable().run());
        try {
            CompletableFuture<BlockRead> read = scheduler.addBlockRequest(SEGMENT, PEER, 0, 0, 16 * 1024);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (worker.calls.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(worker.calls.get() > 0, "the request never reached the data worker");
            Thread.sleep(100); // the scheduler's thread acts on the rejection
            assertFalse(read.isCompletedExceptionally(), "the read failed: bt would log it with a stack trace");
        } finally {
            lifecycle.visitBindings(LifecycleEvent.SHUTDOWN, binding -> binding.getRunnable().run());
        }
    }
}
