package org.minuteswarm.seeder;

import bt.data.PeerBitfield;
import bt.net.IPeerConnectionPool;
import bt.net.PeerConnection;
import bt.protocol.BitOrder;
import bt.protocol.Bitfield;
import bt.protocol.Have;
import bt.protocol.Message;
import bt.protocol.NotInterested;
import bt.torrent.TorrentRegistry;
import bt.torrent.annotation.Consumes;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.MessageContext;
import com.google.inject.Inject;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runtime-wide bt messaging agent for {@link OriginSpreading}: it tells the policy which pieces each peer has
 * (its BITFIELD and HAVEs) and sends the peer its offers as HAVE.
 *
 * <p>The HAVEs are written straight to the peer's connection instead of being produced: bt's TorrentWorker
 * copies every produced HAVE to all other peers of the torrent (it assumes a HAVE announces a piece we just
 * verified), which would turn a per-peer offer into a full bitfield. We run on bt's message-dispatcher thread,
 * the thread that writes every other message, so the connection sees no concurrent writes.
 *
 * <p>It also keeps peers unchoked when they lose interest. bt unchokes every interested peer anyway (it has no
 * unchoke slots), but once it has choked a peer it refuses to unchoke it for 10 s ("fibrillation"), and a
 * peer that is not interested for a moment (it has what we offered, the next offer is on its way) would
 * then stall that long. Public only because bt binds agent methods with a public lookup.
 */
public final class PieceOffers {
    private static final Logger LOG = LoggerFactory.getLogger(PieceOffers.class);

    private final OriginSpreading spreading;
    private final IPeerConnectionPool connections;
    private final TorrentRegistry torrents;

    @Inject
    PieceOffers(OriginSpreading spreading, IPeerConnectionPool connections, TorrentRegistry torrents) {
        this.spreading = spreading;
        this.connections = connections;
        this.torrents = torrents;
    }

    @Consumes
    public void consume(Bitfield bitfield, MessageContext context) {
        if (!spreading.isSpread(context.getTorrentId())) {
            return;
        }
        torrents.getDescriptor(context.getTorrentId()).ifPresent(d -> {
            int pieces = d.getDataDescriptor().getBitfield().getPiecesTotal();
            new PeerBitfield(bitfield.getBitfield(), BitOrder.LITTLE_ENDIAN, pieces).forEachVerifiedPiece(
                    piece -> spreading.peerHas(context.getTorrentId(), context.getPeer(), piece));
        });
    }

    @Consumes
    public void consume(Have have, MessageContext context) {
        spreading.peerHas(context.getTorrentId(), context.getPeer(), have.getPieceIndex());
    }

    @Consumes
    public void consume(NotInterested notInterested, MessageContext context) {
        context.getConnectionState().setShouldChoke(false);
    }

    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        if (!spreading.isSpread(context.getTorrentId())) {
            return;
        }
        var offers = spreading.newOffers(context.getTorrentId(), context.getPeer());
        if (offers.isEmpty()) {
            return;
        }
        PeerConnection connection = connections.getConnection(context.getConnectionKey());
        if (connection == null || connection.isClosed()) {
            return;
        }
        try {
            for (int piece : offers) {
                connection.postMessage(new Have(piece));
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("cannot offer pieces to {}: {}", context.getPeer(), e.toString());
        }
    }
}
