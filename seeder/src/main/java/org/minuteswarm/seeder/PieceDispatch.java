package org.minuteswarm.seeder;

import bt.protocol.Piece;
import bt.torrent.annotation.Consumes;
import bt.torrent.messaging.MessageContext;
import com.google.inject.Inject;

/**
 * bt messaging agent that tells {@link ConnectionPieceRegistry} which connection a Piece message came
 * from. Runtime-wide agents are registered before a torrent's PieceConsumer, so this runs first. Public
 * only because bt binds consumer methods with a public lookup; not part of the seeder API.
 */
public final class PieceDispatch {
    private final ConnectionPieceRegistry registry;

    @Inject
    PieceDispatch(ConnectionPieceRegistry registry) {
        this.registry = registry;
    }

    @Consumes
    public void consume(Piece piece, MessageContext context) {
        registry.dispatching(context.getConnectionKey());
        SwarmTrace.received(context.getTorrentId(), piece.getPieceIndex(), context.getConnectionKey().getPeer());
    }
}
