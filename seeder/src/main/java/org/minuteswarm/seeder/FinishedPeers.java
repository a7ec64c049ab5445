package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.torrent.TorrentRegistry;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The peers whose connection {@link RedundantConnections} closed because both ends held a whole torrent,
 * by listening address, per torrent: there is no reason to dial them again for that torrent. Forgotten when
 * the torrent stops. {@link DialFilter} keeps bt from dialing them.
 */
@Singleton
final class FinishedPeers {
    private final ConcurrentMap<TorrentId, Set<InetSocketAddress>> finished = new ConcurrentHashMap<>();

    private final TorrentRegistry torrents;

    @Inject
    FinishedPeers(EventSource events, TorrentRegistry torrents) {
        this.torrents = torrents;
        events.onTorrentStopped(null, e -> finished.remove(e.getTorrentId()));
    }

    /** Remembers a peer we were connected to by its listening port (an incoming peer's port is unknown). */
    void add(TorrentId torrent, Peer peer) {
        if (!peer.isPortUnknown()) {
            finished.computeIfAbsent(torrent, t -> ConcurrentHashMap.newKeySet()).add(address(peer));
            if (!torrents.isSupportedAndActive(torrent)) {
                finished.remove(torrent); // it stopped meanwhile: its stop event has already cleaned up
            }
        }
    }

    boolean contains(TorrentId torrent, Peer peer) {
        Set<InetSocketAddress> peers = finished.get(torrent);
        return peers != null && !peer.isPortUnknown() && peers.contains(address(peer));
    }

    private static InetSocketAddress address(Peer peer) {
        return new InetSocketAddress(peer.getInetAddress(), peer.getPort());
    }
}
