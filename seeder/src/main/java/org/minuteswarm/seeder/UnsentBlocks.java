package org.minuteswarm.seeder;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Blocks a capped runtime's {@link UploadScheduler} has released and bt has not yet copied into a message for their
 * peer. The token bucket paces the releases; but when bt's sending falls behind them (its message loop or data worker
 * waiting for a core), released blocks pile up in bt and leave together once it catches up, past the cap: the busiest
 * 5 s of the benchmark's origin came to up to 20% over its cap (224 kB/s sent against 190 released, capped at
 * 187.5) while 40 listener JVMs started on a 2-core machine.
 * The scheduler releases nothing more while {@link #limitBytes} are unsent, so the requests wait in its own queue
 * instead, where the most urgent one is picked when it can actually go.
 *
 * <p>A released block bt never sends (its peer left, cancelled it once it was released, or its read failed) is
 * forgotten when that is known ({@link #dropped}), and in any case {@link #EXPIRY_NANOS} after its release: so if
 * bt lags by more than that, releases go on at the cap and the old bunching is back, bounded by the expiry.
 * bt's block reader does not say for which peer a block is copied, so a block released for two peers is matched
 * to the older release; when the other peer then cancels or leaves, the entry left over is one already sent, and
 * it counts until it expires.
 */
final class UnsentBlocks {
    /** How long a released block counts as unsent at most. */
    static final long EXPIRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Unsent data the limit always allows: two blocks of bt's usual 16 KiB. */
    static final long MIN_LIMIT_BYTES = 2 * 16 * 1024;
    /** The limit at higher rates: this long of the cap, so that a normal release-to-send delay never holds a block. */
    static final double LIMIT_SECONDS = 0.25;

    private record Entry(TorrentId torrentId, Peer peer, int pieceIndex, int offset, int length, long releasedNanos) {
        boolean isBlock(TorrentId torrent, int piece, int blockOffset) {
            return pieceIndex == piece && offset == blockOffset && torrentId.equals(torrent);
        }
    }

    private final long limitBytes;
    private final LongSupplier nanoTime;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>(); // guarded by this; oldest first
    private long unsentBytes; // guarded by this

    UnsentBlocks(long limitBytes, LongSupplier nanoTime) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limitBytes);
        }
        this.limitBytes = limitBytes;
        this.nanoTime = nanoTime;
    }

    /** For an upload cap of {@code bytesPerSecond}. */
    static UnsentBlocks forRate(long bytesPerSecond) {
        return new UnsentBlocks(Math.max(MIN_LIMIT_BYTES, (long) (bytesPerSecond * LIMIT_SECONDS)), System::nanoTime);
    }

    long limitBytes() {
        return limitBytes;
    }

    /** The scheduler let this block go to bt's data worker. */
    synchronized void released(TorrentId torrentId, Peer peer, int pieceIndex, int offset, int length) {
        entries.add(new Entry(torrentId, peer, pieceIndex, offset, length, nanoTime.getAsLong()));
        unsentBytes += length;
    }

    /**
     * bt copied this block into a message (for some peer: bt's block reader does not say which, so the oldest
     * matching release is taken).
     */
    synchronized void sent(TorrentId torrentId, int pieceIndex, int offset) {
        if (entries.isEmpty()) {
            return; // an uncapped runtime releases through no account: every block it sends comes here
        }
        removeFirst(e -> e.isBlock(torrentId, pieceIndex, offset));
    }

    /**
     * The peer cancelled this block after its release, or its read failed: bt drops it unsent (a cancelled block is
     * never read from storage: bt's reader reads as it copies).
     */
    synchronized void dropped(TorrentId torrentId, Peer peer, int pieceIndex, int offset) {
        removeFirst(e -> e.isBlock(torrentId, pieceIndex, offset) && e.peer().equals(peer));
    }

    /** The peer left the torrent ({@code peer} null: the torrent stopped): its released blocks are never sent. */
    synchronized void dropped(TorrentId torrentId, Peer peer) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.torrentId().equals(torrentId) && (peer == null || e.peer().equals(peer))) {
                remove(it, e);
            }
        }
    }

    /** Unsent bytes now, expired releases left out. */
    synchronized long unsentBytes() {
        expire(nanoTime.getAsLong());
        return unsentBytes;
    }

    /**
     * Returns once fewer than {@link #limitBytes} are unsent: at once while bt keeps up, else when it catches up or
     * the oldest release expires.
     */
    synchronized void awaitRoom() throws InterruptedException {
        while (true) {
            long now = nanoTime.getAsLong();
            expire(now);
            if (unsentBytes < limitBytes) {
                return;
            }
            long untilExpiry = entries.peekFirst().releasedNanos() + EXPIRY_NANOS - now;
            TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, untilExpiry));
        }
    }

    private void expire(long now) {
        while (!entries.isEmpty() && now - entries.peekFirst().releasedNanos() >= EXPIRY_NANOS) {
            unsentBytes -= entries.pollFirst().length();
        }
    }

    /** Removes the oldest entry that matches. */
    private void removeFirst(Predicate<Entry> match) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (match.test(e)) {
                remove(it, e);
                return;
            }
        }
    }

    private void remove(Iterator<Entry> it, Entry e) {
        it.remove();
        unsentBytes -= e.length();
        notifyAll();
    }
}
