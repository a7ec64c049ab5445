package org.minuteswarm.seeder;

import bt.data.DataDescriptor;
import bt.event.EventSource;
import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.IPeerConnectionPool;
import bt.net.PeerConnection;
import bt.protocol.Bitfield;
import bt.protocol.Have;
import bt.protocol.Protocols;
import bt.torrent.TorrentRegistry;
import bt.torrent.annotation.Consumes;
import bt.torrent.messaging.MessageContext;
import com.google.inject.Inject;
import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runtime-wide bt messaging agent that closes a connection once both ends hold the whole torrent, as
 * libtorrent does with its {@code close_redundant_connections} setting (on by default).
 *
 * <p>A segment's swarm completes within seconds of publication, but every listener keeps seeding the last
 * few segments for latecomers, and bt keeps every connection it made while downloading. Those seed-to-seed
 * connections carry nothing, yet the message dispatcher visits each of them on every pass and bt's message
 * producers run for each: with 20 capped listeners, an agent held 60-80 connections of which about 20
 * carried data, and that work was most of its CPU (closing them: about 25 connections, 7.7% -> 3.9-5.7% of a
 * core). Nothing brings them back: the tracker gives a seeder only leechers, and we do not dial such a peer
 * again for that torrent.
 *
 * <p>What the peer has is counted here from its BITFIELD and HAVE messages, per connection. A connection is
 * closed when a message completes the peer while we are complete, and, when our download completes, every
 * connection to a peer that is complete already. Public only because bt binds agent methods with a public
 * lookup.
 *
 * <p>A closed peer is not dialed again for that torrent ({@link FinishedPeers}).
 */
public final class RedundantConnections {
    private static final Logger LOG = LoggerFactory.getLogger(RedundantConnections.class);

    private final TorrentRegistry torrents;
    private final IPeerConnectionPool pool;
    private final FinishedPeers finished;
    /** Pieces each connected peer has said it holds. */
    private final ConcurrentMap<ConnectionKey, BitSet> peerPieces = new ConcurrentHashMap<>();

    @Inject
    RedundantConnections(TorrentRegistry torrents, IPeerConnectionPool pool, FinishedPeers finished,
                         EventSource events) {
        this.torrents = torrents;
        this.pool = pool;
        this.finished = finished;
        // A new connection under a key (a redial of the same listening address) starts from nothing.
        events.onPeerConnected(null, e -> peerPieces.remove(e.getConnectionKey()));
        events.onPeerDisconnected(null, e -> peerPieces.remove(e.getConnectionKey()));
        events.onPieceVerified(null, e -> {
            if (isComplete(e.getTorrentId())) {
                closeCompletePeers(e.getTorrentId());
            }
        });
    }

    @Consumes
    public void consume(Bitfield bitfield, MessageContext context) {
        BitSet pieces = BitSet.valueOf(Protocols.reverseBits(bitfield.getBitfield())); // wire: piece 0 is the high bit
        peerPieces.put(context.getConnectionKey(), pieces);
        closeIfRedundant(context.getConnectionKey(), pieces);
    }

    @Consumes
    public void consume(Have have, MessageContext context) {
        BitSet pieces = peerPieces.computeIfAbsent(context.getConnectionKey(), k -> new BitSet());
        synchronized (pieces) {
            pieces.set(have.getPieceIndex());
        }
        closeIfRedundant(context.getConnectionKey(), pieces);
    }

    private void closeIfRedundant(ConnectionKey key, BitSet pieces) {
        TorrentId id = key.getTorrentId();
        Optional<DataDescriptor> data = data(id);
        if (data.isEmpty()) {
            return;
        }
        int total = data.get().getBitfield().getPiecesTotal();
        if (holdsAll(pieces, total) && data.get().getBitfield().getPiecesRemaining() == 0) {
            close(key);
        }
    }

    private void closeCompletePeers(TorrentId id) {
        int total = data(id).map(d -> d.getBitfield().getPiecesTotal()).orElse(-1);
        if (total < 0) {
            return;
        }
        peerPieces.forEach((key, pieces) -> {
            if (key.getTorrentId().equals(id) && holdsAll(pieces, total)) {
                close(key);
            }
        });
    }

    private void close(ConnectionKey key) {
        finished.add(key.getTorrentId(), key.getPeer());
        PeerConnection connection = pool.getConnection(key);
        if (connection != null && !connection.isClosed()) {
            LOG.debug("closing connection to {}: both ends hold all of {}", key.getPeer(), key.getTorrentId());
            connection.closeQuietly();
        }
        peerPieces.remove(key);
    }

    private static boolean holdsAll(BitSet pieces, int total) {
        synchronized (pieces) {
            return total > 0 && pieces.nextClearBit(0) >= total;
        }
    }

    private boolean isComplete(TorrentId id) {
        return data(id).map(d -> d.getBitfield().getPiecesRemaining() == 0).orElse(false);
    }

    private Optional<DataDescriptor> data(TorrentId id) {
        return torrents.getDescriptor(id).map(d -> d.getDataDescriptor()).filter(d -> d != null);
    }
}
