package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.metainfo.TorrentId;
import bt.net.ConnectionResult;
import bt.net.IConnectionSource;
import bt.net.IPeerConnectionPool;
import bt.net.Peer;
import bt.torrent.TorrentRegistry;
import com.google.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * bt's connection source, with three refusals of our own, made before bt's source would open a connection
 * (and handshake) only for it to be closed again.
 *
 * <p><b>A peer that is no use for a torrent</b>: one whose connection was closed because both ends held the
 * whole torrent ({@link FinishedPeers}). bt's peer sources (our {@link ChannelPeers}, a tracker response
 * fetched while we still downloaded, a tracker that lists seeders to a seeder: ours does not, others may) would
 * otherwise have bt dial, handshake and be closed again on every peer poll.
 *
 * <p><b>Enough peers</b>: once a torrent has {@link SwarmConfig#maxDialsPerTorrent} connections, open or being
 * dialed, incoming ones included, it dials nobody else. Every listener of a channel learns of every other one,
 * for every segment; with everybody dialing everybody, 40 listeners held up to 430 connections each, most of
 * which never carried a block, and the dispatcher's per-connection work took the machine down. A few dials per
 * member connect a swarm, provided they go to different peers: the tracker (seeders first, then leechers from a
 * random slot) and {@link ChannelPeers} hand peers out in random order. Peers that dial us are all accepted,
 * and the channel's origin ({@link ChannelPeers#isOrigin}) is dialed whatever the count.
 *
 * <p><b>The origin dials nobody</b> ({@link SwarmConfig#originSpreading}): every download dials it as it starts
 * ({@link ChannelPeers#origin}), and listeners of other clients find it through the tracker. Dialing them back
 * made a second connection to the same listener, on which a first copy could be sent and then lost when bt closed
 * one of the two as a duplicate.
 */
final class DialFilter implements IConnectionSource {
    private final IConnectionSource bt;
    private final FinishedPeers finished;
    private final IPeerConnectionPool pool;
    private final int dialLimit;
    private final boolean dials;
    private final ChannelPeers channelPeers;
    /** Dials under way per torrent, counted against the limit until they connect or fail. */
    private final RunningTorrents<AtomicInteger> dialing;

    @Inject
    DialFilter(bt.net.ConnectionSource bt, FinishedPeers finished, IPeerConnectionPool pool, SwarmConfig config,
               EventSource events, TorrentRegistry torrents, ChannelPeers channelPeers) {
        this.bt = bt;
        this.finished = finished;
        this.pool = pool;
        this.dialLimit = config.maxDialsPerTorrent();
        this.dials = !config.originSpreading();
        this.channelPeers = channelPeers;
        this.dialing = new RunningTorrents<>(events, torrents);
    }

    /** bt 1.10 dials only through {@link #getConnectionAsync}; this deprecated path applies no limit. */
    @Override
    @SuppressWarnings("deprecation")
    public ConnectionResult getConnection(Peer peer, TorrentId torrentId) {
        if (!dials) {
            return originWaits();
        }
        return useless(peer, torrentId) ? noUse() : bt.getConnection(peer, torrentId);
    }

    @Override
    public CompletableFuture<ConnectionResult> getConnectionAsync(Peer peer, TorrentId torrentId) {
        if (!dials) {
            return CompletableFuture.completedFuture(originWaits());
        }
        if (useless(peer, torrentId)) {
            return CompletableFuture.completedFuture(noUse());
        }
        if (dialLimit == 0 || channelPeers.isOrigin(peer)) {
            return bt.getConnectionAsync(peer, torrentId);
        }
        AtomicInteger underWay = dialing.of(torrentId, AtomicInteger::new).orElse(null);
        if (underWay == null) {
            return CompletableFuture.completedFuture(ConnectionResult.failure("torrent is not running"));
        }
        synchronized (underWay) {
            if (underWay.get() + TorrentSwarm.openConnections(pool, torrentId) >= dialLimit) {
                return CompletableFuture.completedFuture(ConnectionResult.failure("enough peers for this torrent"));
            }
            underWay.incrementAndGet();
        }
        CompletableFuture<ConnectionResult> result;
        try {
            result = bt.getConnectionAsync(peer, torrentId);
        } catch (RuntimeException e) {
            underWay.decrementAndGet();
            throw e;
        }
        // bt's source adds a connection to its pool before it completes the dial's future
        result.whenComplete((r, e) -> underWay.decrementAndGet());
        return result;
    }

    private boolean useless(Peer peer, TorrentId torrentId) {
        return finished.contains(torrentId, peer);
    }

    private static ConnectionResult originWaits() {
        return ConnectionResult.failure("the origin waits to be dialed");
    }

    private static ConnectionResult noUse() {
        return ConnectionResult.failure("a connection to this peer would carry nothing");
    }
}
