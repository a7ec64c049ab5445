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

/**
 * The peers whose connection {@link RedundantConnections} closed because both ends held a whole torrent,
 * by listening address, per torrent: there is no reason to dial them again for that torrent. Forgotten when
 * the torrent stops. {@link DialFilter} keeps bt from dialing them.
 */
@Singleton
final class FinishedPeers {
    private final RunningTorrents<Set<InetSocketAddress>> finished;

    @Inject
    FinishedPeers(EventSource events, TorrentRegistry torrents) {
        this.finished = new RunningTorrents<>(events, torrents);
    }

    /** Remembers a peer we were connected to by its listening port (an incoming peer's port is unknown). */
    void add(TorrentId torrent, Peer peer) {
        if (!peer.isPortUnknown()) {
            finished.of(torrent, ConcurrentHashMap::newKeySet).ifPresent(peers -> peers.add(address(peer)));
        }
    }

    boolean contains(TorrentId torrent, Peer peer) {
        return !peer.isPortUnknown()
                && finished.get(torrent).map(peers -> peers.contains(address(peer))).orElse(false);
    }

    private static InetSocketAddress address(Peer peer) {
        return new InetSocketAddress(peer.getInetAddress(), peer.getPort());
    }
}
