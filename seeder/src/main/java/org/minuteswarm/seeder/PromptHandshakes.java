package org.minuteswarm.seeder;

import bt.metainfo.TorrentId;
import bt.net.ConnectionHandler;
import bt.net.IConnectionHandlerFactory;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.protocol.Message;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * bt's handshake handlers, reading the peer's handshake as soon as it arrives.
 *
 * <p>bt 1.10's handshake handlers wait for the peer's handshake with {@code PeerConnection.readMessage(timeout)},
 * and its socket connection implements that as a wait on a condition that nothing ever signals, 100 ms at a time:
 * unless the handshake is already there, it is read 100 ms late. A dialer's never is (it has just sent its own),
 * so every connection took 100-200 ms to set up on loopback (traced: a listener connected to the origin 150 ms
 * after it started a segment's torrent, before the origin could send a block). Here the connection a handler is
 * given reads again after {@link #POLL_NANOS}, then at doubling intervals up to {@link #MAX_POLL_NANOS};
 * handshakes are a few per segment and peer, and last milliseconds. Everything else goes to bt's connection.
 */
final class PromptHandshakes implements IConnectionHandlerFactory {
    /** The first wait between reads; it doubles up to {@link #MAX_POLL_NANOS} for a peer that is slow to answer. */
    static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(16);

    private final IConnectionHandlerFactory bt;

    PromptHandshakes(IConnectionHandlerFactory bt) {
        this.bt = bt;
    }

    @Override
    public ConnectionHandler getIncomingHandler() {
        ConnectionHandler handler = bt.getIncomingHandler();
        return connection -> handler.handleConnection(new PromptReads(connection));
    }

    @Override
    public ConnectionHandler getOutgoingHandler(TorrentId torrentId) {
        ConnectionHandler handler = bt.getOutgoingHandler(torrentId);
        return connection -> handler.handleConnection(new PromptReads(connection));
    }

    /** A connection whose timed read polls, from half a millisecond apart. */
    static final class PromptReads implements PeerConnection {
        private final PeerConnection connection;

        PromptReads(PeerConnection connection) {
            this.connection = connection;
        }

        @Override
        public Message readMessage(long timeoutMillis) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            long pause = POLL_NANOS;
            while (true) {
                Message message = connection.readMessageNow();
                if (message != null || connection.isClosed() || System.nanoTime() - deadline >= 0) {
                    return message;
                }
                LockSupport.parkNanos(pause);
                pause = Math.min(MAX_POLL_NANOS, pause * 2);
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }

        @Override
        public Message readMessageNow() throws IOException {
            return connection.readMessageNow();
        }

        @Override
        public Peer getRemotePeer() {
            return connection.getRemotePeer();
        }

        @Override
        public int getRemotePort() {
            return connection.getRemotePort();
        }

        @Override
        public TorrentId setTorrentId(TorrentId torrentId) {
            return connection.setTorrentId(torrentId);
        }

        @Override
        public TorrentId getTorrentId() {
            return connection.getTorrentId();
        }

        @Override
        public void postMessage(Message message) throws IOException {
            connection.postMessage(message);
        }

        @Override
        public long getLastActive() {
            return connection.getLastActive();
        }

        @Override
        public void closeQuietly() {
            connection.closeQuietly();
        }

        @Override
        public boolean isClosed() {
            return connection.isClosed();
        }

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }
}
