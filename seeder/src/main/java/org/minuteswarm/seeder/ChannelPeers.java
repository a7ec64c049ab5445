package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.metainfo.TorrentId;
import bt.net.IConnectionSource;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.peer.PeerSource;
import bt.peer.PeerSourceFactory;
import bt.torrent.TorrentRegistry;
import com.google.inject.Inject;
import com.google.inject.Provider;
import com.google.inject.Singleton;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * A peer source that hands a new torrent the peers this runtime already met on its other torrents. A runtime
 * serves one channel, whose segments are all swarmed by the same listeners, so when the next segment is
 * published they are tried at once, on bt's next peer poll (about a second), instead of after the first
 * tracker round trip. Peers are remembered as bt discovers them (from the tracker or from here), by their
 * listening address; each is offered to a torrent for its first {@link #OFFERS_PER_TORRENT} polls only, since
 * a peer that has not joined the new swarm yet refuses the connection and will find us through the tracker.
 */
@Singleton
final class ChannelPeers implements PeerSourceFactory {
    static final int MAX_REMEMBERED = 200;
    static final int OFFERS_PER_TORRENT = 3;
    /** Dials of the origin per download while they fail, {@link #ORIGIN_REDIAL_MILLIS} apart. */
    static final int ORIGIN_DIALS = 5;
    static final long ORIGIN_REDIAL_MILLIS = 1000;

    /** Insertion order = first seen; the oldest is forgotten beyond MAX_REMEMBERED. Guarded by itself. */
    private final Map<InetSocketAddress, Peer> known = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Peer> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };
    private final ConcurrentMap<TorrentId, Offers> sources = new ConcurrentHashMap<>();
    private final TorrentRegistry torrents;
    private final Provider<IConnectionSource> dialer;
    private volatile Peer origin;

    @Inject
    ChannelPeers(EventSource events, TorrentRegistry torrents, Provider<IConnectionSource> dialer) {
        this.torrents = torrents;
        this.dialer = dialer;
        events.onPeerDiscovered(null, e -> remember(e.getPeer()));
        events.onTorrentStopped(null, e -> sources.remove(e.getTorrentId()));
        events.onTorrentStarted(null, e -> dialOrigin(e.getTorrentId()));
    }

    /**
     * The channel's origin (from its signed manifest): every download dials it the moment it starts, on bt's
     * processing thread, instead of after the tracker has answered the first announce (bt queries the tracker
     * before any other peer source, and a loaded tracker took 50-60 ms; connected, the origin's first block
     * came 100-200 ms after the torrent started). The origin has the segment before it is published.
     *
     * <p>The dial goes straight to the connection source (as bt's torrent worker does with a discovered peer), not
     * through bt's event bus: this runs inside the bus's torrent-started event, and firing another event from
     * there deadlocked a listener (it holds the bus's read lock; the bus's monitor holder waited behind a thread
     * registering listeners, which waited for the read lock).
     */
    void origin(InetSocketAddress address) {
        Peer peer = InetPeer.build(address.getAddress(), address.getPort());
        origin = peer;
        remember(peer);
    }

    /** Whether {@code peer} is the channel's origin, by its listening address. */
    boolean isOrigin(Peer peer) {
        Peer o = origin;
        return o != null && !peer.isPortUnknown() && o.getPort() == peer.getPort()
                && o.getInetAddress().equals(peer.getInetAddress());
    }

    private void dialOrigin(TorrentId torrentId) {
        dialOrigin(torrentId, 1);
    }

    /**
     * Dials the origin for a download, again up to {@link #ORIGIN_DIALS} times in all while the first dials fail
     * (a handshake timed out under load, a refusal): the origin dials nobody, so a listener that does not reach
     * it has no first source of the segment's pieces.
     */
    private void dialOrigin(TorrentId torrentId, int attempt) {
        Peer peer = origin;
        if (peer == null || !RunningTorrents.downloading(torrents, torrentId)) {
            return;
        }
        dialer.get().getConnectionAsync(peer, torrentId).whenComplete((result, error) -> {
            if ((error != null || !result.isSuccess()) && attempt < ORIGIN_DIALS) {
                CompletableFuture.delayedExecutor(ORIGIN_REDIAL_MILLIS, TimeUnit.MILLISECONDS)
                        .execute(() -> dialOrigin(torrentId, attempt + 1));
            }
        });
    }

    private void remember(Peer peer) {
        if (peer.isPortUnknown()) {
            return;
        }
        synchronized (known) {
            known.put(new InetSocketAddress(peer.getInetAddress(), peer.getPort()),
                    InetPeer.build(peer.getInetAddress(), peer.getPort()));
        }
    }

    @Override
    public PeerSource getPeerSource(TorrentId torrentId) {
        return sources.computeIfAbsent(torrentId, id -> new Offers());
    }

    private final class Offers implements PeerSource {
        private final ConcurrentMap<InetSocketAddress, Integer> offered = new ConcurrentHashMap<>();
        private volatile List<Peer> current = List.of();

        @Override
        public boolean update() {
            List<Peer> peers = new ArrayList<>();
            synchronized (known) {
                known.forEach((address, peer) -> {
                    if (offered.merge(address, 1, Integer::sum) <= OFFERS_PER_TORRENT) {
                        peers.add(peer);
                    }
                });
            }
            Collections.shuffle(peers); // bt dials in this order, up to its limit: not everybody the same few
            current = peers;
            return !peers.isEmpty();
        }

        @Override
        public Collection<Peer> getPeers() {
            return current;
        }
    }
}
