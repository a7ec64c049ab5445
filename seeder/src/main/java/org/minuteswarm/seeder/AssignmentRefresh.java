package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.metainfo.Torrent;
import bt.net.ConnectionKey;
import bt.protocol.Choke;
import bt.protocol.Message;
import bt.protocol.Piece;
import bt.protocol.Unchoke;
import bt.runtime.Config;
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
 * for each step cost about a tenth more CPU per listener in the benchmark).
 *
 * <p>The same release frees a connection that is stuck: requests pending and no block from the peer for
 * {@link #STUCK_MILLIS}, while another connected peer holds every piece asked for. Under upload caps
 * some peers get far more requests than they can serve (bt claims a piece on whichever connection asks first,
 * not knowing how busy the peer is); traced at 20 listeners, one peer's queue held 0.3-1.2 s of requests for
 * a whole second at the end of a segment, and the last listener's last piece waited 0.6 s in it while
 * others that held it sent nothing. Released, bt cancels those requests (the peer's {@link UploadScheduler}
 * drops them, {@link RequestCancels}) and the assignment stays dropped for {@link #STUCK_HOLD_MILLIS}, so
 * that the pieces go to other connections first rather than straight back to this one. Public only because
 * bt binds agent methods with a public lookup.
 */
public final class AssignmentRefresh {
    static final long IDLE_MILLIS = 200;
    /**
     * A connection with requests pending and no block from the peer for this long is stuck behind the peer's
     * upload queue; see the class comment.
     */
    static final long STUCK_MILLIS = 400;
    /** How long a stuck connection's assignment stays dropped, so that other connections claim its pieces. */
    static final long STUCK_HOLD_MILLIS = 200;

    private final TorrentRegistry torrents;
    private final DispatchSignal signal;
    private final PieceHolders holders;
    private final int blockSize;
    private final ConcurrentMap<ConnectionKey, Long> idleSince = new ConcurrentHashMap<>();
    /** Since when a connection has waited for a block: its latest block, or when it started asking. */
    private final ConcurrentMap<ConnectionKey, Long> waitingSince = new ConcurrentHashMap<>();
    /** Released connections, with when their assignment may come back (System.nanoTime()). */
    private final ConcurrentMap<ConnectionKey, Long> released = new ConcurrentHashMap<>();

    @Inject
    AssignmentRefresh(TorrentRegistry torrents, EventSource events, DispatchSignal signal, PieceHolders holders,
                      Config config) {
        this.torrents = torrents;
        this.signal = signal;
        this.holders = holders;
        this.blockSize = config.getTransferBlockSize();
        events.onPeerDisconnected(null, e -> {
            idleSince.remove(e.getConnectionKey());
            waitingSince.remove(e.getConnectionKey());
            released.remove(e.getConnectionKey());
        });
        // a pass that raced a disconnect may have put a closed connection back: gone with its torrent
        events.onTorrentStopped(null, e -> {
            idleSince.keySet().removeIf(k -> k.getTorrentId().equals(e.getTorrentId()));
            waitingSince.keySet().removeIf(k -> k.getTorrentId().equals(e.getTorrentId()));
            released.keySet().removeIf(k -> k.getTorrentId().equals(e.getTorrentId()));
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

    @Consumes
    public void consume(Piece piece, MessageContext context) {
        waitingSince.put(context.getConnectionKey(), System.nanoTime());
    }

    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        ConnectionKey key = context.getConnectionKey();
        ConnectionState state = context.getConnectionState();
        long now = System.nanoTime();
        Long until = released.get(key);
        if (until != null) {
            if (now - until >= 0) {
                released.remove(key);
                state.setPeerChoking(false);
                idleSince.remove(key);
                waitingSince.remove(key);
                signal.askOnNextPass(key.getTorrentId(), key.getPeer()); // bt claims new pieces then
            }
            return;
        }
        if (state.isPeerChoking() || !downloading(context)) {
            idleSince.remove(key);
            waitingSince.remove(key);
            return;
        }
        if (!state.getPendingRequests().isEmpty()) {
            idleSince.remove(key);
            Long waiting = waitingSince.putIfAbsent(key, now);
            if (waiting != null && now - waiting > TimeUnit.MILLISECONDS.toNanos(STUCK_MILLIS)) {
                waitingSince.put(key, now); // looked at: the next look is a whole STUCK_MILLIS away
                if (availableElsewhere(key, state.getPendingRequests())) {
                    SwarmTrace.stuck(key.getTorrentId(), key.getPeer());
                    release(key, state, TimeUnit.MILLISECONDS.toNanos(STUCK_HOLD_MILLIS));
                }
            }
            return;
        }
        waitingSince.remove(key);
        Long since = idleSince.putIfAbsent(key, now);
        if (since == null) {
            // Nothing pending: bt's request producer may just have found a piece done and claimed the next ones,
            // which it asks for in its next round, with nothing else to bring the connection up.
            signal.askOnNextPass(key.getTorrentId(), key.getPeer());
        } else if (now - since > TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS)) {
            idleSince.remove(key);
            release(key, state, 0);
        }
    }

    /**
     * Marks the peer as choking us: on the next pass bt drops the connection's assignment and cancels its pending
     * requests; {@code holdNanos} later, on this connection's first pass after that, the state is restored.
     */
    private void release(ConnectionKey key, ConnectionState state, long holdNanos) {
        idleSince.remove(key);
        waitingSince.remove(key); // the next requests are timed from when they are made, after the hold
        released.put(key, System.nanoTime() + holdNanos);
        state.setPeerChoking(true);
        signal.askOnNextPass(key.getTorrentId(), key.getPeer()); // bt drops the assignment then
    }

    /**
     * Whether every piece asked of this peer is also held by another connected peer. Released, the connection
     * loses all its requests (bt cancels them), so a piece only this peer has (a capped origin's first copies
     * above all, whose queue holds a request for a second or more by design) keeps the connection as it is:
     * asked again, the piece would only lose its place.
     */
    private boolean availableElsewhere(ConnectionKey key, Set<Object> pending) {
        Torrent torrent = torrents.getTorrent(key.getTorrentId()).orElse(null);
        if (torrent == null) {
            return false;
        }
        boolean any = false;
        for (int piece = 0; piece < Block.pieceCount(torrent); piece++) {
            boolean asked = Block.ofPiece(torrent, piece, blockSize).stream().anyMatch(b -> pending.contains(b.key()));
            if (asked) {
                if (holders.holders(key.getTorrentId(), piece) < 2) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    private boolean downloading(MessageContext context) {
        return RunningTorrents.downloading(torrents, context.getTorrentId());
    }
}
