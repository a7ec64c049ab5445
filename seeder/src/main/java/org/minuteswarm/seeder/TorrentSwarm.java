package org.minuteswarm.seeder;

import bt.Bt;
import bt.data.DataDescriptor;
import bt.metainfo.TorrentId;
import bt.net.IPeerConnectionPool;
import bt.runtime.BtClient;
import bt.torrent.TorrentDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.minuteswarm.channel.InfoHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One torrent run by a bt client inside a {@link SwarmRuntime}.
 *
 * <p>Stopping is the delicate part. bt runs a torrent as a chain of stages on a pooled "processing" thread;
 * in 1.10 {@code stop()} of an incomplete download leaves that thread in {@code waitForAllPieces()} for
 * ever, so the torrent is never unregistered, its file stays open and the info-hash cannot be added again.
 * A seed's thread polls once a second before it notices. So we note the processing thread when the torrent
 * is fetched (the first listener bt runs on it) and interrupt it after {@code stop()}, but only while it
 * still works for this torrent: it is released in our torrent-stopped listener, which bt's finalizer calls
 * on the same thread just before the thread goes back to the pool. Then we wait, bounded, for that event,
 * which bt fires after unregistering the torrent and closing its storage.
 */
final class TorrentSwarm implements SegmentSwarm {
    private static final Logger LOG = LoggerFactory.getLogger(TorrentSwarm.class);
    private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(5);

    private final SwarmRuntime runtime;
    private final TorrentFile torrent;
    private final TorrentId torrentId;
    private final Path file;
    private final boolean seeding;
    private final boolean inPlayOrder;
    private final TransferLedger.Transfer transfer;
    private final SegmentStorage storage;
    private final CompletableFuture<Path> completion = new CompletableFuture<>();
    private final CompletableFuture<Void> release = new CompletableFuture<>();
    private final AtomicInteger verifiedAtStop = new AtomicInteger(-1);
    private final Object lock = new Object();
    private volatile BtClient client;
    private Thread processingThread; // guarded by lock
    private boolean stopped;          // guarded by lock

    TorrentSwarm(SwarmRuntime runtime, TorrentFile torrent, Path file, boolean seeding, boolean inPlayOrder) {
        this.inPlayOrder = inPlayOrder;
        this.runtime = runtime;
        this.torrent = torrent;
        this.torrentId = TorrentId.fromBytes(torrent.infoHash().bytes());
        this.file = file;
        this.seeding = seeding;
        this.transfer = runtime.ledger().open(torrentId, this::left);
        try {
            this.storage = new SegmentStorage(file, torrent.length(), !seeding, transfer);
        } catch (IOException e) {
            runtime.ledger().close(torrentId, transfer);
            throw new UncheckedIOException("cannot open " + file + " for " + torrent, e);
        }
        if (seeding) {
            completion.complete(file);
        }
    }

    void start() {
        SwarmTrace.started(torrentId, torrent.name(), runtime.peerPort(), seeding);
        if (seeding && runtime.config().originSpreading()) {
            runtime.spreading().enable(torrentId, torrent.pieceCount(), torrent.pieceLength(), torrent.length());
        }
        var builder = Bt.client(runtime.bt())
                .torrent(torrent::btTorrent)
                .storage(storage);
        if (inPlayOrder) {
            builder = builder.sequentialSelector(); // fast start: the first bytes to play arrive first
        } else {
            builder = builder.randomizedRarestSelector(); // rarestSelector() ties identically on every peer
        }
        client = builder
                .afterTorrentFetched(t -> onProcessingStarted())
                .afterDownloaded(t -> downloaded())
                .build();
        client.startAsync().whenComplete((ignored, error) -> {
            if (error != null) {
                LOG.warn("{} failed: {}", torrent, error.toString());
                completion.completeExceptionally(error);
            }
        });
    }

    private void onProcessingStarted() {
        synchronized (lock) {
            processingThread = Thread.currentThread();
            if (stopped) {
                processingThread.interrupt(); // stop() came before we could note the thread
            }
        }
    }

    /** Whether a download has verified its last piece (asked on bt's event bus: cheap, no callbacks). */
    boolean allVerified() {
        return !seeding && verifiedPieces() == torrent.pieceCount();
    }

    /**
     * A download is complete the moment its last piece is verified ({@link SwarmRuntime} calls this then, off
     * bt's event bus). bt's own after-downloaded call comes only after its "completed" announce has answered
     * (50-60 ms of a loaded tracker on loopback, a tracker's timeout when it does not answer, and meanwhile the
     * segment would not play), and also when the wait for pieces was interrupted: hence the check.
     */
    void downloaded() {
        if (allVerified()) {
            completion.complete(file);
        }
    }

    /** bt fired torrent-stopped: it unregistered the torrent and closed its storage. Runs on the processing thread. */
    void released() {
        boolean unasked;
        synchronized (lock) {
            processingThread = null;
            unasked = !stopped;
        }
        release.complete(null);
        if (unasked) { // bt gave up on the torrent by itself (e.g. a storage error)
            completion.completeExceptionally(new IllegalStateException("bt stopped " + torrent));
            runtime.ledger().close(torrentId, transfer);
            runtime.deadlines().clear(torrentId);
            runtime.spreading().disable(torrentId);
            runtime.forget(torrentId, this);
        }
    }

    @Override
    public void setDeadline(Instant deadline) {
        runtime.deadlines().set(torrentId, deadline);
    }

    @Override
    public void stop() {
        synchronized (lock) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        verifiedAtStop.set(verifiedPieces());
        try {
            client.stop();
        } catch (RuntimeException e) {
            LOG.warn("bt failed to stop {}: {}", torrent, e.toString());
        }
        synchronized (lock) {
            if (processingThread != null) {
                processingThread.interrupt();
            }
        }
        awaitRelease();
        try {
            storage.close();
        } catch (IOException e) {
            LOG.warn("cannot close {}: {}", file, e.toString());
        }
        runtime.ledger().close(torrentId, transfer);
        runtime.deadlines().clear(torrentId);
        runtime.spreading().disable(torrentId);
        runtime.forget(torrentId, this);
        completion.completeExceptionally(new CancellationException(torrent + " stopped before it completed"));
    }

    private void awaitRelease() {
        try {
            release.get(RELEASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("bt did not release {} within {}; its info-hash may not run again in this runtime",
                    torrent, RELEASE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<DataDescriptor> data() {
        return runtime.torrentRegistry().getDescriptor(torrentId).map(TorrentDescriptor::getDataDescriptor);
    }

    private long left() {
        if (isComplete()) {
            return 0;
        }
        return data().map(d -> {
            int verified = d.getBitfield().getPiecesComplete();
            long bytes = (long) verified * torrent.pieceLength();
            int last = torrent.pieceCount() - 1;
            if (d.getBitfield().isVerified(last)) {
                bytes -= (long) torrent.pieceCount() * torrent.pieceLength() - torrent.length();
            }
            return torrent.length() - bytes;
        }).orElse(torrent.length());
    }

    @Override
    public InfoHash infoHash() {
        return torrent.infoHash();
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public CompletableFuture<Path> completion() {
        return completion;
    }

    @Override
    public boolean isComplete() {
        return completion.isDone() && !completion.isCompletedExceptionally();
    }

    @Override
    public int verifiedPieces() {
        if (seeding) {
            return torrent.pieceCount();
        }
        int atStop = verifiedAtStop.get();
        if (atStop >= 0) {
            return atStop;
        }
        return data().map(d -> d.getBitfield()).map(b -> b.getPiecesComplete()).orElse(0);
    }

    @Override
    public long verifiedPrefixBytes() {
        if (isComplete()) {
            return torrent.length();
        }
        return data().map(d -> {
            int n = 0;
            while (n < torrent.pieceCount() && d.getBitfield().isVerified(n)) {
                n++;
            }
            return Math.min(torrent.length(), (long) n * torrent.pieceLength());
        }).orElse(0L);
    }

    @Override
    public int totalPieces() {
        return torrent.pieceCount();
    }

    @Override
    public int connectedPeers() {
        return openConnections(runtime.bt().service(IPeerConnectionPool.class), torrentId);
    }

    /** The torrent's open connections in {@code pool}. */
    static int openConnections(IPeerConnectionPool pool, TorrentId torrentId) {
        AtomicInteger count = new AtomicInteger();
        pool.visitConnections(torrentId, c -> {
            if (!c.isClosed()) { // bt purges closed connections from its pool only now and then
                count.incrementAndGet();
            }
        });
        return count.get();
    }

    @Override
    public long uploadedBytes() {
        return transfer.uploaded();
    }

    @Override
    public long downloadedBytes() {
        return transfer.downloaded();
    }

    @Override
    public String toString() {
        return (seeding ? "seed " : "download ") + torrent;
    }
}
