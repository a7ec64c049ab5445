package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.net.buffer.BufferedData;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import bt.torrent.data.BlockRead;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.DataWorker;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which peer request is served next, and when. bt's PeerRequestConsumer hands every block request
 * to the {@link DataWorker} and sends the block once the returned future completes; so by holding the
 * future back we hold the request, without blocking bt's message-dispatcher thread (throttling inside the
 * block read, as before, stalled that single thread and with it every download of the runtime).
 *
 * <p>When the runtime has an upload cap, requests wait in one queue per torrent; one thread ("seeder.upload")
 * waits until the token bucket is out of debt and bt has sent most of what was released before
 * ({@link UnsentBlocks}), then releases a request of the torrent with the earliest
 * {@link SegmentDeadlines deadline}, so the segment about to play is never starved by the others: the one for
 * the rarest piece among our peers, a request's wait counting against its piece's holders ({@link #rarest}).
 * Uncapped, requests pass straight through. Either way {@link OriginSpreading} learns which piece went to
 * whom, at the moment it is released. Writes and piece verification are bt's own worker's.
 */
final class UploadScheduler implements DataWorker {
    private static final Logger LOG = LoggerFactory.getLogger(UploadScheduler.class);

    /** How long a queued request waits to go ahead of one for a piece one more peer holds. */
    static final double WAIT_PER_HOLDER_NANOS = 100_000_000;

    private final DataWorker bt;
    private final UploadThrottle throttle;
    private final SegmentDeadlines deadlines;
    private final OriginSpreading spreading;
    private final PieceHolders holders;
    private final Map<TorrentId, ArrayDeque<Pending>> queues = new HashMap<>(); // guarded by this
    private final Thread thread;
    private volatile boolean shutdown;
    private final DispatchSignal signal;
    private final TransferLedger ledger;
    private final UnsentBlocks unsent;

    private record Pending(TorrentId torrentId, Peer peer, int pieceIndex, int offset, int length,
                           CompletableFuture<BlockRead> result, long queuedNanos) {
    }

    UploadScheduler(DataWorker bt, UploadThrottle throttle, SegmentDeadlines deadlines, OriginSpreading spreading,
                    PieceHolders holders, EventSource events, IRuntimeLifecycleBinder lifecycle, Config config,
                    DispatchSignal signal, TransferLedger ledger, UnsentBlocks unsent) {
        this.bt = bt;
        this.ledger = ledger;
        this.unsent = unsent;
        this.signal = signal;
        this.throttle = throttle;
        this.deadlines = deadlines;
        this.spreading = spreading;
        this.holders = holders;
        if (throttle.isUnlimited()) {
            thread = null;
        } else {
            thread = new Thread(this::run, "seeder.upload-" + config.getAcceptorPort());
            thread.setDaemon(true);
            lifecycle.onStartup("Start minuteswarm upload scheduler", thread::start);
            lifecycle.onShutdown("Stop minuteswarm upload scheduler", this::shutdown);
            events.onPeerDisconnected(null, e -> dropRequests(e.getConnectionKey().getTorrentId(),
                    e.getConnectionKey().getPeer()));
            events.onTorrentStopped(null, e -> dropRequests(e.getTorrentId(), null));
        }
    }

    @Override
    public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrentId, Peer peer, int pieceIndex, int offset,
                                                        int length) {
        if (thread == null) {
            try {
                CompletableFuture<BlockRead> result = new CompletableFuture<>();
                forward(release(torrentId, peer, pieceIndex, offset, length, 0), result, torrentId, peer, pieceIndex,
                        offset);
                return result;
            } catch (RejectedExecutionException e) {
                return stopping();
            }
        }
        spreading.requested(torrentId, peer, pieceIndex); // queued, not yet served: the offer is alive
        CompletableFuture<BlockRead> result = new CompletableFuture<>();
        synchronized (this) {
            queues.computeIfAbsent(torrentId, k -> new ArrayDeque<>())
                    .add(new Pending(torrentId, peer, pieceIndex, offset, length, result, System.nanoTime()));
            notifyAll();
        }
        return result;
    }

    /**
     * The peer cancelled a request: if it still waits in our queue, it leaves the queue without costing upload, and
     * is never read. Its future, which bt's request consumer waits on, never completes: nobody wants the block.
     * (It used to be read at once, unthrottled, for bt to drop as cancelled on its way out; but when the peer asked
     * for the block again before that, {@link RequestCancels} had cleared bt's record of the cancel, and the
     * cancelled block went out too, past the cap: 600 kB while 20 listeners joined a capped origin, whose busiest
     * 5 s came to 1.4-1.5 times its cap. In steady state the origin read about 60% of a segment for nothing.)
     * bt keeps its record of the cancel until the peer asks for the block again, or the connection closes.
     */
    void cancel(TorrentId torrentId, Peer peer, int pieceIndex, int offset, int length) {
        if (thread == null) {
            return;
        }
        Pending cancelled = null;
        synchronized (this) {
            ArrayDeque<Pending> queue = queues.get(torrentId);
            if (queue != null) {
                for (Iterator<Pending> it = queue.iterator(); it.hasNext() && cancelled == null; ) {
                    Pending p = it.next();
                    if (p.peer().equals(peer) && p.pieceIndex() == pieceIndex && p.offset() == offset
                            && p.length() == length) {
                        cancelled = p;
                        it.remove();
                    }
                }
                if (queue.isEmpty()) {
                    queues.remove(torrentId);
                }
            }
            if (cancelled == null) {
                // Already released: bt drops the block unsent (unless the peer asks for it again first, when
                // RequestCancels clears bt's record of the cancel and it goes out after all).
                unsent.dropped(torrentId, peer, pieceIndex, offset);
            }
        }
        if (cancelled != null) {
            SwarmTrace.cancelled(torrentId, pieceIndex, peer, System.nanoTime() - cancelled.queuedNanos());
        }
    }

    private CompletableFuture<BlockRead> release(TorrentId torrentId, Peer peer, int pieceIndex, int offset,
                                                 int length, long waitedNanos) {
        SwarmTrace.released(torrentId, pieceIndex, peer, waitedNanos);
        spreading.served(torrentId, peer, pieceIndex, length);
        if (thread != null) {
            holders.sent(torrentId, peer, pieceIndex); // only a capped queue orders by holders
        }
        CompletableFuture<BlockRead> read = bt.addBlockRequest(torrentId, peer, pieceIndex, offset, length);
        ledger.countReleased(length);
        return read;
    }

    /**
     * Completes {@code result}, the future bt's request consumer waits on, with bt's block read, then wakes the
     * message dispatcher for that peer's connection: the consumer has queued the block by then (it completes
     * inside {@code complete}), and the next pass sends it instead of waiting for the connection's turn. A read
     * that failed or was rejected is never sent: it leaves {@link UnsentBlocks} at once.
     */
    private void forward(CompletableFuture<BlockRead> read, CompletableFuture<BlockRead> result, TorrentId torrentId,
                         Peer peer, int pieceIndex, int offset) {
        read.whenComplete((block, error) -> {
            if (thread != null && (error != null || block.isRejected() || block.getError().isPresent())) {
                unsent.dropped(torrentId, peer, pieceIndex, offset); // bt sends nothing for a failed read
            }
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(block);
            }
            signal.wakeUp(torrentId, peer);
        });
    }

    /**
     * What a block request gets once bt's data worker has shut down (the runtime is stopping): a future that
     * never completes. bt's request consumer logs a failed read as an ERROR with its stack trace, one per
     * block in flight when a listener is stopped; nobody waits for this block any more.
     */
    private CompletableFuture<BlockRead> stopping() {
        LOG.debug("data worker gone: block request dropped");
        return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<BlockWrite> addBlock(TorrentId torrentId, Peer peer, int pieceIndex, int offset,
                                                  BufferedData buffer) {
        return bt.addBlock(torrentId, peer, pieceIndex, offset, buffer);
    }

    private void run() {
        try {
            while (!shutdown) {
                synchronized (this) {
                    while (!shutdown && queues.isEmpty()) {
                        wait();
                    }
                }
                throttle.awaitCredit();
                unsent.awaitRoom(); // and bt has sent what we released (see UnsentBlocks)
                Pending next = pollMostUrgent();
                if (next != null) {
                    throttle.take(next.length());
                    CompletableFuture<BlockRead> read;
                    try {
                        read = release(next.torrentId(), next.peer(), next.pieceIndex(), next.offset(),
                                next.length(), System.nanoTime() - next.queuedNanos());
                    } catch (RejectedExecutionException e) {
                        // bt's data worker has shut down: so is the runtime, and nothing is left to serve.
                        // The request's future stays open (see stopping()).
                        LOG.debug("data worker gone, upload scheduler stops");
                        return;
                    }
                    forward(read, next.result(), next.torrentId(), next.peer(), next.pieceIndex(), next.offset());
                }
            }
        } catch (InterruptedException e) {
            LOG.debug("upload scheduler interrupted");
        }
    }

    /**
     * The request to serve next: one of the torrent with the earliest deadline, except that a spreading origin
     * sends pieces that have never left it before any other. A copy of a piece some listener already holds can
     * come from that listener; a piece only the origin has can come from nowhere else, and while it waits
     * behind copies of older segments the whole swarm waits for it. Within the torrent, the request for the
     * piece the fewest of our peers hold (or are being sent by us) goes first, the oldest among equals:
     * see {@link PieceHolders}.
     */
    private synchronized Pending pollMostUrgent() {
        TorrentId bestTorrent = null;
        Pending bestFirstCopy = null;
        long bestDeadline = Long.MAX_VALUE;
        for (Map.Entry<TorrentId, ArrayDeque<Pending>> e : queues.entrySet()) {
            long deadline = deadlines.of(e.getKey());
            Pending firstCopy = firstCopyIn(e.getKey(), e.getValue());
            if (bestTorrent == null || firstCopy != null && bestFirstCopy == null
                    || (firstCopy != null) == (bestFirstCopy != null) && deadline < bestDeadline) {
                bestTorrent = e.getKey();
                bestFirstCopy = firstCopy;
                bestDeadline = deadline;
            }
        }
        if (bestTorrent == null) {
            return null;
        }
        ArrayDeque<Pending> queue = queues.get(bestTorrent);
        Pending best = bestFirstCopy != null ? bestFirstCopy : rarest(bestTorrent, queue);
        queue.remove(best);
        if (queue.isEmpty()) {
            queues.remove(bestTorrent);
        }
        // counted as unsent under the same lock that takes it off the queue, so that a cancel or a disconnect in
        // between finds it in one place or the other
        unsent.released(best.torrentId(), best.peer(), best.pieceIndex(), best.offset(), best.length());
        return best;
    }

    /**
     * The request for the piece the fewest peers hold or are being sent, where every
     * {@link #WAIT_PER_HOLDER_NANOS} a request has waited counts as one holder less (so the older of two
     * requests for equally rare pieces goes first). Without the wait, a request for a common piece starved
     * behind rarer ones that kept coming: its requester had claimed the piece on this connection and asked
     * nobody else, and a common piece is often the last one its requester lacks (traced: a listener waited
     * 2.5 s for one, the last of its segment, and the whole swarm's distribution time with it). Aging faster
     * (one holder per 30 ms) spread the segment's last pieces visibly slower.
     */
    private Pending rarest(TorrentId torrentId, ArrayDeque<Pending> queue) {
        long now = System.nanoTime();
        Pending best = null;
        double bestScore = Double.MAX_VALUE;
        for (Pending p : queue) {
            double waited = (now - p.queuedNanos()) / WAIT_PER_HOLDER_NANOS;
            double score = holders.holders(torrentId, p.pieceIndex()) - waited;
            if (score < bestScore) {
                best = p;
                bestScore = score;
            }
        }
        return best;
    }

    /** The oldest queued request for a piece that has never left this (spreading) origin, or null. */
    private Pending firstCopyIn(TorrentId torrentId, ArrayDeque<Pending> queue) {
        if (!spreading.isSpread(torrentId)) {
            return null;
        }
        for (Pending p : queue) {
            if (spreading.isUnsent(torrentId, p.pieceIndex())) {
                return p;
            }
        }
        return null;
    }

    /** The peer left (or the torrent stopped): its requests will never be sent, so they cost no upload. */
    private synchronized void dropRequests(TorrentId torrentId, Peer peer) {
        unsent.dropped(torrentId, peer);
        ArrayDeque<Pending> queue = queues.get(torrentId);
        if (queue != null) {
            queue.removeIf(p -> peer == null || p.peer().equals(peer));
            if (queue.isEmpty()) {
                queues.remove(torrentId);
            }
        }
    }

    private void shutdown() {
        shutdown = true;
        synchronized (this) {
            notifyAll();
        }
        thread.interrupt();
    }
}
