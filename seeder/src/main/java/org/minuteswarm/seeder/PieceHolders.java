package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.protocol.Bitfield;
import bt.protocol.Have;
import bt.protocol.Protocols;
import bt.torrent.TorrentRegistry;
import bt.torrent.annotation.Consumes;
import bt.torrent.messaging.MessageContext;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.util.BitSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runtime-wide bt messaging agent that counts, per torrent and piece, the connected peers that hold the piece
 * or are being sent it by us: what each peer announced (BITFIELD, HAVE), plus every piece we released to it.
 * A capped {@link UploadScheduler} serves the rarest piece first with it (and only a capped one counts its
 * sends); {@link AssignmentRefresh} frees a connection stuck on a piece another peer holds too.
 *
 * <p>Why: a listener that has just received a piece from the origin is often its only holder besides the
 * origin, and everybody asks it for that piece at once; served first come, first served, those requests
 * waited behind copies of pieces half the swarm already had (traced in the 20-listener bench: the segment's
 * last piece reached its first holder 0.06 s after it left the origin, and its second holder 0.56 s later,
 * behind ten queued requests for common pieces). Counting our own sends as holders spreads the copies of a
 * rare piece over its requesters instead of sending it to all of them before anything else.
 *
 * <p>Peers are bt's Peer objects, one per connection. A copy we sent counts until the peer disconnects, even
 * if it never arrives; a HAVE or our send racing the peer's disconnect leaves a stale entry until the torrent
 * stops. Both only skew the order a little. Public only because bt binds agent methods with a public lookup.
 */
@Singleton
public final class PieceHolders {
    /** Per torrent, per connected peer: the pieces it announced or we sent it; each set guarded by itself. */
    private final RunningTorrents<Map<Peer, BitSet>> torrents;

    @Inject
    PieceHolders(EventSource events, TorrentRegistry registry) {
        this(events, new RunningTorrents<>(events, registry));
    }

    PieceHolders(EventSource events, RunningTorrents<Map<Peer, BitSet>> torrents) {
        this.torrents = torrents;
        events.onPeerDisconnected(null, e -> torrents.get(e.getConnectionKey().getTorrentId())
                .ifPresent(peers -> peers.remove(e.getConnectionKey().getPeer())));
    }

    @Consumes
    public void consume(Bitfield bitfield, MessageContext context) {
        BitSet announced = BitSet.valueOf(Protocols.reverseBits(bitfield.getBitfield())); // piece 0 is the high bit
        pieces(context.getTorrentId(), context.getPeer()).ifPresent(p -> {
            synchronized (p) {
                p.or(announced);
            }
        });
    }

    @Consumes
    public void consume(Have have, MessageContext context) {
        has(context.getTorrentId(), context.getPeer(), have.getPieceIndex());
    }

    /** We are sending {@code peer} (a block of) {@code piece}. */
    void sent(TorrentId torrent, Peer peer, int piece) {
        has(torrent, peer, piece);
    }

    /** How many of the torrent's connected peers hold {@code piece} or are being sent it by us. */
    int holders(TorrentId torrent, int piece) {
        Map<Peer, BitSet> peers = torrents.get(torrent).orElse(null);
        if (peers == null) {
            return 0;
        }
        int n = 0;
        for (BitSet p : peers.values()) {
            synchronized (p) {
                if (p.get(piece)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** {@code peer} holds {@code piece}, or will once our copy arrives. */
    void has(TorrentId torrent, Peer peer, int piece) {
        if (piece < 0) {
            return;
        }
        pieces(torrent, peer).ifPresent(p -> {
            synchronized (p) {
                p.set(piece);
            }
        });
    }

    private Optional<BitSet> pieces(TorrentId torrent, Peer peer) {
        return torrents.of(torrent, ConcurrentHashMap::new)
                .map(peers -> peers.computeIfAbsent(peer, k -> new BitSet()));
    }
}
