package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.net.ConnectionKey;
import bt.protocol.Choke;
import bt.protocol.Message;
import bt.protocol.Unchoke;
import bt.torrent.TorrentRegistry;
import bt.torrent.annotation.Consumes;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.ConnectionState;
import bt.torrent.messaging.MessageContext;
import com.google.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runtime-wide bt messaging agent that frees a download connection whose piece assignment has run dry.
 *
 * <p>bt 1.10 gives each connection an assignment of up to three pieces the peer has, and claims new ones
 * only when one of them is finished. When the peer had nothing more for us at that moment, the assignment
 * stays, empty, until it times out ({@code maxPieceReceivingTime}), however many pieces the peer announces
 * meanwhile: in a swarm where peers get pieces every few hundred milliseconds, connections sat idle for
 * seconds and a capped origin ended up sending most of the copies (measured: 5 leechers traded almost
 * nothing for 15 s, then finished in half a second). bt drops an assignment, without a penalty, when the peer
 * chokes us; so when a connection has had no request outstanding for {@link #IDLE_MILLIS}, we mark the peer
 * as choking for one round, bt drops the assignment, and we restore the state: the next assignment claims
 * what the peer has now. A real CHOKE or UNCHOKE from the peer cancels the restore. After each of those
 * steps the message dispatcher asks the connection again on its next pass, rather than when a quiet
 * connection's turn comes (up to 100 ms later, twice); it does not wake the dispatcher for it (waking it
 * for each step cost about a tenth more CPU per listener in the benchmark). Public only because bt binds
 * agent methods with a public lookup.
 */
public final class AssignmentRefresh {
    static final long IDLE_MILLIS = 200;

    private final TorrentRegistry torrents;
    private final DispatchSignal signal;
    private final ConcurrentMap<ConnectionKey, Long> idleSince = new ConcurrentHashMap<>();
    private final Set<ConnectionKey> released = ConcurrentHashMap.newKeySet();

    @Inject
    AssignmentRefresh(TorrentRegistry torrents, EventSource events, DispatchSignal signal) {
        this.torrents = torrents;
        this.signal = signal;
        events.onPeerDisconnected(null, e -> {
            idleSince.remove(e.getConnectionKey());
            released.remove(e.getConnectionKey());
        });
    }

    @Consumes
    public void consume(Choke choke, MessageContext context) {
        released.remove(context.getConnectionKey());
    }

    @Consumes
    public void consume(Unchoke unchoke, MessageContext context) {
        released.remove(context.getConnectionKey());
    }

    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        ConnectionKey key = context.getConnectionKey();
        ConnectionState state = context.getConnectionState();
        if (released.remove(key)) {
            state.setPeerChoking(false);
            idleSince.remove(key);
            signal.askOnNextPass(key.getTorrentId(), key.getPeer()); // bt claims new pieces then
            return;
        }
        if (state.isPeerChoking() || !state.getPendingRequests().isEmpty() || !downloading(context)) {
            idleSince.remove(key);
            return;
        }
        long now = System.nanoTime();
        Long since = idleSince.putIfAbsent(key, now);
        if (since != null && now - since > TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS)) {
            idleSince.remove(key);
            released.add(key);
            state.setPeerChoking(true);
            signal.askOnNextPass(key.getTorrentId(), key.getPeer()); // bt drops the assignment then
        }
    }

    private boolean downloading(MessageContext context) {
        return torrents.getDescriptor(context.getTorrentId())
                .map(d -> d.getDataDescriptor())
                .map(data -> data.getBitfield().getPiecesRemaining() > 0)
                .orElse(false);
    }
}
