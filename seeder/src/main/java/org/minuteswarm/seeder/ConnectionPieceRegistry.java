package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.net.ConnectionKey;
import bt.net.ConnectionResult;
import bt.net.PeerConnection;
import bt.net.buffer.BufferedData;
import bt.net.pipeline.BufferedPieceRegistry;
import bt.net.pipeline.IBufferedPieceRegistry;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Received blocks waiting to be written, kept per peer connection. Replaces bt's BufferedPieceRegistry
 * (unchanged on bt's master), which is one map per runtime keyed by (piece index, offset) alone: with
 * several torrents downloading at once, a block that arrived for one torrent is handed to another that
 * asked for the same (index, offset), so pieces fail their hash ("Data does not fit in this range",
 * "Failed to verify piece"), are fetched again, and a segment takes seconds instead of a fraction of one.
 *
 * <p>bt's interface carries no connection, so the connection comes from two thread-local hand-overs:
 * <ul>
 * <li>bt builds a connection's pipeline and performs its handshake on one thread. Our pipeline factory
 *     gives each pipeline its own {@link BufferedPieceRegistry} ({@link #newConnection}); our connection
 *     factory, when the connection is made, files it under the connection's {@link ConnectionKey}.</li>
 * <li>bt's message dispatcher hands a Piece first to the runtime's messaging agents and then to the
 *     torrent's PieceConsumer, on one thread. Our agent ({@link PieceDispatch}) notes the message's
 *     connection key, so {@link #getBufferedPiece} looks in that connection's registry.</li>
 * </ul>
 */
@Singleton
final class ConnectionPieceRegistry implements IBufferedPieceRegistry {
    private final ThreadLocal<BufferedPieceRegistry> connecting = new ThreadLocal<>();
    private final ThreadLocal<ConnectionKey> dispatching = new ThreadLocal<>();
    private final ConcurrentMap<ConnectionKey, BufferedPieceRegistry> connections = new ConcurrentHashMap<>();
    /** Used only if bt ever reaches us outside the two hand-overs; then it behaves as bt's own. */
    private final BufferedPieceRegistry unkeyed = new BufferedPieceRegistry();

    @Inject
    ConnectionPieceRegistry(EventSource events) {
        events.onPeerDisconnected(null, event -> connections.remove(event.getConnectionKey()));
    }

    /** A registry for a pipeline being built on this thread; see {@link #connected}. */
    IBufferedPieceRegistry newConnection() {
        BufferedPieceRegistry pieces = new BufferedPieceRegistry();
        connecting.set(pieces);
        return pieces;
    }

    /** Files the pipeline built on this thread under the connection bt just made (or drops it). */
    void connected(ConnectionResult result) {
        BufferedPieceRegistry pieces = connecting.get();
        connecting.remove();
        if (pieces != null && result.isSuccess()) {
            PeerConnection c = result.getConnection();
            connections.put(new ConnectionKey(c.getRemotePeer(), c.getRemotePort(), c.getTorrentId()), pieces);
        }
    }

    /** The dispatcher thread is about to hand a message of this connection to the torrent's consumers. */
    void dispatching(ConnectionKey key) {
        dispatching.set(key);
    }

    @Override
    public boolean addBufferedPiece(int pieceIndex, int offset, BufferedData buffer) {
        return unkeyed.addBufferedPiece(pieceIndex, offset, buffer);
    }

    @Override
    public BufferedData getBufferedPiece(int pieceIndex, int offset) {
        ConnectionKey key = dispatching.get();
        BufferedPieceRegistry pieces = key == null ? null : connections.get(key);
        return (pieces != null ? pieces : unkeyed).getBufferedPiece(pieceIndex, offset);
    }
}
