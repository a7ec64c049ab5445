package org.minuteswarm.seeder;

import bt.metainfo.TorrentId;
import bt.torrent.TorrentRegistry;
import bt.torrent.data.BlockCache;
import bt.torrent.data.BlockReader;
import bt.torrent.data.NoCache;
import com.google.inject.Inject;

/**
 * Counts piece data as it is copied into a Piece message for a peer. This is bt's {@link BlockCache}
 * extension point rather than the storage unit: storage reads also serve bt's own SHA-1 verification (at
 * start-up and after each downloaded piece), which is not upload. The cap is applied before this, by
 * {@link UploadScheduler}, which releases requests at the capped rate without blocking bt's threads, and which
 * learns here ({@link UnsentBlocks#sent}) that bt has caught up with what it released.
 */
final class UploadMeter implements BlockCache {
    private final BlockCache blocks;
    private final TransferLedger ledger;
    private final UnsentBlocks unsent;

    @Inject
    UploadMeter(TorrentRegistry torrentRegistry, TransferLedger ledger, UnsentBlocks unsent) {
        this.blocks = new NoCache(torrentRegistry);
        this.ledger = ledger;
        this.unsent = unsent;
    }

    @Override
    public BlockReader get(TorrentId torrentId, int pieceIndex, int offset, int length) {
        BlockReader reader = blocks.get(torrentId, pieceIndex, offset, length);
        return buffer -> {
            boolean read = reader.readTo(buffer);
            ledger.countUploaded(torrentId, length);
            unsent.sent(torrentId, pieceIndex, offset);
            return read;
        };
    }
}
