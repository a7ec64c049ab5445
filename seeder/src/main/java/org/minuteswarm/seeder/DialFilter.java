package org.minuteswarm.seeder;

import bt.metainfo.TorrentId;
import bt.net.ConnectionResult;
import bt.net.IConnectionSource;
import bt.net.Peer;
import com.google.inject.Inject;
import java.util.concurrent.CompletableFuture;

/**
 * bt's connection source, which does not dial a peer that is no use for a torrent: one whose connection was
 * closed because both ends held the whole torrent ({@link FinishedPeers}). bt's peer sources (our
 * {@link ChannelPeers}, a tracker response fetched while we still downloaded, a tracker that lists seeders to
 * a seeder: ours does not, others may) would otherwise have bt dial, handshake and be closed again on every
 * peer poll. The refusal is ours, so bt's own source does not count it as an
 * unreachable peer (which it bans for every torrent).
 */
final class DialFilter implements IConnectionSource {
    private final IConnectionSource bt;
    private final FinishedPeers finished;

    @Inject
    DialFilter(bt.net.ConnectionSource bt, FinishedPeers finished) {
        this.bt = bt;
        this.finished = finished;
    }

    @Override
    @SuppressWarnings("deprecation")
    public ConnectionResult getConnection(Peer peer, TorrentId torrentId) {
        return useless(peer, torrentId) ? refused() : bt.getConnection(peer, torrentId);
    }

    @Override
    public CompletableFuture<ConnectionResult> getConnectionAsync(Peer peer, TorrentId torrentId) {
        return useless(peer, torrentId)
                ? CompletableFuture.completedFuture(refused())
                : bt.getConnectionAsync(peer, torrentId);
    }

    private boolean useless(Peer peer, TorrentId torrentId) {
        return finished.contains(torrentId, peer);
    }

    private static ConnectionResult refused() {
        return ConnectionResult.failure("a connection to this peer would carry nothing");
    }
}
