package org.minuteswarm.seeder;

import bt.protocol.Message;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.ConnectionState;
import bt.torrent.messaging.MessageContext;
import java.util.function.Consumer;

/**
 * Runtime-wide bt messaging agent that unchokes every peer as soon as it is connected, whether or not it
 * has said it is interested.
 *
 * <p>bt 1.10 unchokes a peer only once that peer sent INTERESTED, and a bt peer sends INTERESTED to a peer
 * that is choking it only when its torrent worker next updates assignments, at most once a second. Every
 * segment is a new swarm, and in it every pair of peers pays that round trip again, a hop at a time, as
 * pieces spread; with a dozen listeners a piece needs four or five hops to reach everyone, and the swarm
 * could no longer keep up with the stream. In a broadcast every peer serves the same audience, so there
 * is nothing to gain from tit-for-tat: an unchoked bt peer requests as soon as the peer has a piece it
 * lacks (bt serves requests from any unchoked peer, interested or not), and upload caps are enforced per
 * runtime by {@link UploadScheduler}, not by choking. bt's choker never chokes again a peer it has
 * unchoked (its proposal stays set), so this is decided once per connection. Public only because bt binds
 * agent methods with a public lookup.
 */
public final class EagerUnchoke {
    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        ConnectionState state = context.getConnectionState();
        if (state.isChoking() && state.getShouldChoke().isEmpty()) {
            state.setShouldChoke(false); // bt's choker, run right after the producers, sends the UNCHOKE
        }
    }
}
