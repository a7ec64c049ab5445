package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.metainfo.TorrentId;
import bt.net.ConnectionResult;
import bt.net.IConnectionSource;
import bt.net.Peer;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The peers whose connection {@link RedundantConnections} closed because both ends held a whole torrent,
 * by listening address, per torrent: there is no reason to dial them again for that torrent. Forgotten when
 * the torrent stops.
 */
@Singleton
final class FinishedPeers {
    private final ConcurrentMap<TorrentId, Set<InetSocketAddress>> finished = new ConcurrentHashMap<>();

    @Inject
    FinishedPeers(EventSource events) {
        events.onTorrentStopped(null, e -> finished.remove(e.getTorrentId()));
    }

    /** Remembers a peer we were connected to by its listening port (an incoming peer's port is unknown). */
    void add(TorrentId torrent, Peer peer) {
        if (!peer.isPortUnknown()) {
            finished.computeIfAbsent(torrent, t -> ConcurrentHashMap.newKeySet()).add(address(peer));
        }
    }

    boolean contains(TorrentId torrent, Peer peer) {
        Set<InetSocketAddress> peers = finished.get(torrent);
        return peers != null && !peer.isPortUnknown() && peers.contains(address(peer));
    }

    private static InetSocketAddress address(Peer peer) {
        return new InetSocketAddress(peer.getInetAddress(), peer.getPort());
    }

    /**
     * bt's connection source, which does not dial a finished peer for that torrent again. bt's peer sources
     * (a tracker that gives seeders to a seeder, our {@link ChannelPeers}) would otherwise have bt reconnect,
     * exchange bitfields, and close again every peer poll. The refusal is ours, so bt's own source does not
     * count it as an unreachable peer (which it bans for every torrent).
     */
    static final class ConnectionSource implements IConnectionSource {
        private final IConnectionSource bt;
        private final FinishedPeers finished;

        @Inject
        ConnectionSource(bt.net.ConnectionSource bt, FinishedPeers finished) {
            this.bt = bt;
            this.finished = finished;
        }

        @Override
        @SuppressWarnings("deprecation")
        public ConnectionResult getConnection(Peer peer, TorrentId torrentId) {
            return finished.contains(torrentId, peer) ? refused() : bt.getConnection(peer, torrentId);
        }

        @Override
        public CompletableFuture<ConnectionResult> getConnectionAsync(Peer peer, TorrentId torrentId) {
            return finished.contains(torrentId, peer)
                    ? CompletableFuture.completedFuture(refused())
                    : bt.getConnectionAsync(peer, torrentId);
        }

        private static ConnectionResult refused() {
            return ConnectionResult.failure("both ends hold the whole torrent");
        }
    }
}
