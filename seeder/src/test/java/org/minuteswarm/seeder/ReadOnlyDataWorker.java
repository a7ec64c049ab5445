package org.minuteswarm.seeder;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.net.buffer.BufferedData;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.DataWorker;
import java.util.concurrent.CompletableFuture;

/** A stand-in for bt's data worker in tests of the upload side, which only reads blocks. */
interface ReadOnlyDataWorker extends DataWorker {
    @Override
    default CompletableFuture<BlockWrite> addBlock(TorrentId torrentId, Peer peer, int piece, int offset,
                                                   BufferedData buffer) {
        throw new UnsupportedOperationException("the upload side does not write blocks");
    }
}
