package org.minuteswarm.seeder;

import bt.metainfo.Torrent;
import bt.torrent.messaging.Mapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The blocks a piece is requested in, as bt's request producer cuts it ({@code Config.getTransferBlockSize()},
 * the last block and the last piece shorter), with the keys bt files requests under
 * ({@link Mapper#buildKey}, e.g. in {@code ConnectionState.getPendingRequests()}).
 */
record Block(int piece, int offset, int length) {
    Object key() {
        return Mapper.mapper().buildKey(piece, offset, length);
    }

    /** The blocks of {@code piece} of {@code torrent}. */
    static List<Block> ofPiece(Torrent torrent, int piece, int blockSize) {
        long pieceLength = torrent.getChunkSize();
        long length = Math.min(pieceLength, torrent.getSize() - piece * pieceLength);
        List<Block> blocks = new ArrayList<>((int) ((length + blockSize - 1) / blockSize));
        for (int offset = 0; offset < length; offset += blockSize) {
            blocks.add(new Block(piece, offset, (int) Math.min(blockSize, length - offset)));
        }
        return blocks;
    }

    static int pieceCount(Torrent torrent) {
        return (int) ((torrent.getSize() + torrent.getChunkSize() - 1) / torrent.getChunkSize());
    }
}
