package org.minuteswarm.seeder;

import bt.metainfo.TorrentId;
import bt.torrent.TorrentRegistry;
import bt.torrent.data.BlockCache;
import bt.torrent.data.BlockReader;
import bt.torrent.data.NoCache;
import com.google.inject.Inject;

/**
 * Counts and throttles piece data as it is copied into a Piece message for a peer. This is bt's
 * {@link BlockCache} extension point rather than the storage unit: storage reads also serve bt's own
 * SHA-1 verification (at start-up and after each downloaded piece), which is neither upload nor to be
 * throttled. The copy runs on bt's message-dispatcher thread, so a capped runtime stalls that thread while
 * it waits for tokens: that is the back-pressure that keeps peers' requests queued.
 */
final class UploadMeter implements BlockCache {
    private final BlockCache blocks;
    private final TransferLedger ledger;
    private final UploadThrottle throttle;

    @Inject
    UploadMeter(TorrentRegistry torrentRegistry, TransferLedger ledger, UploadThrottle throttle) {
        this.blocks = new NoCache(torrentRegistry);
        this.ledger = ledger;
        this.throttle = throttle;
    }

    @Override
    public BlockReader get(TorrentId torrentId, int pieceIndex, int offset, int length) {
        BlockReader reader = blocks.get(torrentId, pieceIndex, offset, length);
        return buffer -> {
            try {
                throttle.acquire(length);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while throttling upload", e);
            }
            boolean read = reader.readTo(buffer);
            ledger.countUploaded(torrentId, length);
            return read;
        };
    }
}
