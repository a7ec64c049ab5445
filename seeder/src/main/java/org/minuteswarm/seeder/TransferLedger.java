package org.minuteswarm.seeder;

import bt.metainfo.TorrentId;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Bytes moved by one runtime, per torrent and in total, counted where the bytes pass (block reads served
 * to peers, block writes to storage) because bt 1.10's session stats only count peers still connected.
 * The HTTP tracker client reads uploaded/downloaded/left from here.
 */
final class TransferLedger {
    private final AtomicLong uploaded = new AtomicLong();
    private final AtomicLong released = new AtomicLong();
    private final AtomicLong downloaded = new AtomicLong();
    private final ConcurrentMap<TorrentId, Transfer> transfers = new ConcurrentHashMap<>();

    /** Starts counting a torrent; {@code left} reports the bytes it still lacks. */
    Transfer open(TorrentId torrentId, LongSupplier left) {
        Transfer transfer = new Transfer(left);
        transfers.put(torrentId, transfer);
        return transfer;
    }

    /** Stops attributing bytes to {@code transfer}; the runtime totals keep what it counted. */
    void close(TorrentId torrentId, Transfer transfer) {
        transfers.remove(torrentId, transfer);
    }

    Optional<Transfer> find(TorrentId torrentId) {
        return Optional.ofNullable(transfers.get(torrentId));
    }

    /** Counts piece data served for a torrent (that may already have been stopped). */
    void countUploaded(TorrentId torrentId, long bytes) {
        Transfer transfer = transfers.get(torrentId);
        if (transfer != null) {
            transfer.uploaded.addAndGet(bytes);
        }
        uploaded.addAndGet(bytes);
    }

    long uploaded() {
        return uploaded.get();
    }

    /**
     * Counts piece data whose request the upload scheduler let go to bt's data worker: it is counted as
     * {@link #countUploaded uploaded} once bt copies it into a message, moments later unless bt falls behind.
     */
    void countReleased(long bytes) {
        released.addAndGet(bytes);
    }

    long released() {
        return released.get();
    }

    long downloaded() {
        return downloaded.get();
    }

    /** One torrent's counts in this runtime. */
    final class Transfer {
        private final AtomicLong uploaded = new AtomicLong();
        private final AtomicLong downloaded = new AtomicLong();
        private final LongSupplier left;

        private Transfer(LongSupplier left) {
            this.left = left;
        }

        void countDownloaded(long bytes) {
            downloaded.addAndGet(bytes);
            TransferLedger.this.downloaded.addAndGet(bytes);
        }

        long uploaded() {
            return uploaded.get();
        }

        long downloaded() {
            return downloaded.get();
        }

        long left() {
            return left.getAsLong();
        }
    }
}
