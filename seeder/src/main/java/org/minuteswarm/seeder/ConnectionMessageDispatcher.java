package org.minuteswarm.seeder;

import bt.data.Bitfield;
import bt.data.DataDescriptor;
import bt.event.EventSource;
import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.IMessageDispatcher;
import bt.net.IPeerConnectionPool;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.protocol.Have;
import bt.protocol.Message;
import bt.protocol.Piece;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's message dispatcher (bt's {@link IMessageDispatcher}): one thread that reads each peer
 * connection's messages into its consumers and sends what its suppliers produce. Replaces bt 1.10's
 * MessageDispatcher for two reasons.
 *
 * <p><b>Handlers belong to a connection, not to an address.</b> bt 1.10 files handlers under the
 * {@link ConnectionKey} (peer address, remote port, torrent) and never removes them (bt #255, fixed on bt's
 * master after 1.10). When bt connects a second time to the same listen port of a peer for the same torrent,
 * the key is the same, the new connection's handlers are added next to the dead one's, and each message is
 * handled twice: every Request is answered with two Pieces. Here the handlers of a key are bound to the
 * {@link PeerConnection} that was in the pool when they were added; they are dropped when bt reports the
 * peer disconnected and that connection is no longer the pool's, or on the first pass after it closed.
 * Handlers added for a key whose pool connection is a different one replace the stale ones.
 *
 * <p><b>The thread parks instead of spinning.</b> bt's loop starts its next pass at once whenever a message
 * moved, and a supplier gives one message per pass, so a busy runtime scans every connection of every
 * torrent in a tight loop. Here a pass drains each supplier (up to {@link #MAX_MESSAGES_PER_PASS}; only a
 * supplier that hit that cap makes the next pass start at once), then the thread parks: {@link #BUSY_WAIT}
 * after a pass that moved messages, else from {@link #FIRST_IDLE_WAIT} doubling up to the configured max
 * message processing interval (bt's idle back-off, 100 ms by default), cut short by {@link DispatchSignal}
 * when something queued a message to send (a block read for a peer, a verified piece's HAVE, a new
 * connection), and in an idle wait by data coming in ({@link DispatchSignal#dataArrived}). Passes are at least
 * {@link #MIN_PASS_INTERVAL} apart. A busy thread is not woken by incoming data (see {@link DispatchSignal} for
 * the measurement): as with bt's loop, the data waits for the next pass.
 * Passes every 10 ms rather than 2 ms took an agent in the 12-listener benchmark from 11-13% of a core to
 * 7.6%, with the same distribution times; 25-ms passes saved more CPU but lost distribution time.
 *
 * <p><b>Quiet connections are asked less often.</b> A connection's suppliers (bt's request producer, its
 * request consumer's block sender, its choking and assignment checks, and ours) have something new to give
 * after a message came in on that connection, or after something that {@link DispatchSignal signals} for it:
 * a block read for its peer, a piece of its torrent verified (the HAVE to send), the connection itself new, a
 * step of {@link AssignmentRefresh}. A pass asks the suppliers of the connections a message came in on in
 * that pass (other than a HAVE of a piece we hold: nothing to answer), of those a signal named, of those whose
 * suppliers sent something in the last pass that may lead to more (not a HAVE or a block:
 * {@link #mayLeadToMore}), and of every other connection on the first pass {@link #QUIET_PRODUCE_INTERVAL} or
 * more after its last ask, for the timers that run in suppliers (keep-alives, assignment timeouts). Asking
 * every supplier of some twenty connections a hundred times a second was half of a listener's dispatcher CPU.
 * The origin's runtime ({@link SwarmConfig#originSpreading}) asks every connection on every pass: its offers to
 * one peer follow what the others announce, and the origin is one process, not one per listener.
 *
 * <p>As in bt, all consumers are called, then all suppliers, on this one thread: {@link PieceDispatch} and
 * {@link PieceOffers} rely on that.
 */
@Singleton
final class ConnectionMessageDispatcher implements IMessageDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionMessageDispatcher.class);
    /** Messages taken from one supplier in one pass, so that one busy connection cannot hold up the others. */
    static final int MAX_MESSAGES_PER_PASS = 32;
    /** Wait after a pass that moved messages, unless signalled sooner: lets cross-connection effects settle. */
    static final long BUSY_WAIT = TimeUnit.MILLISECONDS.toNanos(10);
    /** Shortest time from one pass to the next, unless a supplier had more than it could give in a pass. */
    static final long MIN_PASS_INTERVAL = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * First wait after a pass that moved nothing, doubled after each further such pass up to the configured max
     * message processing interval (bt's loop backs off from 1 ms instead, but spins while messages move).
     */
    static final long FIRST_IDLE_WAIT = TimeUnit.MILLISECONDS.toNanos(10);
    /** A connection on which nothing moved has its suppliers asked on the first pass this long after its last ask. */
    static final long QUIET_PRODUCE_INTERVAL = TimeUnit.MILLISECONDS.toNanos(100);
    /** How often the trace gets a line of what the loop did. */
    private static final long TRACE_INTERVAL = TimeUnit.SECONDS.toNanos(5);

    private final IPeerConnectionPool pool;
    private final TorrentRegistry torrents;
    private final DispatchSignal signal;
    private final long maxIdleWait;
    /**
     * Whether every pass asks every connection's suppliers (the origin's runtime). Such a pass is too dear to run for
     * every read, so data coming in does not end this loop's idle waits ({@link DispatchSignal#awaitIdle}): woken by
     * every HAVE between segments, the origin slowed a 40-listener audience's start to two minutes (one run).
     */
    private final boolean askAllEveryPass;
    private final ConcurrentMap<ConnectionKey, Handlers> handlers = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean shutdown;
    /** Messages moved in the current pass; dispatcher thread only. */
    private int moved;
    /** Whether a supplier gave the maximum in the current pass (it may have more); dispatcher thread only. */
    private boolean more;
    /** What the loop did since {@link Counts#since}, for the trace ({@link SwarmTrace#dispatched}). */
    private final Counts counts = new Counts();
    private final int port;

    /** Dispatcher thread only. */
    private static final class Counts {
        long since = System.nanoTime();
        long passes;
        long asks;
        long busyAsks;
        long namedAsks;
        long in;
        long quietIn;
        long out;

        void report(int port, long now) {
            SwarmTrace.dispatched(port, passes, asks, busyAsks, namedAsks, in, quietIn, out);
            since = now;
            passes = asks = busyAsks = namedAsks = in = quietIn = out = 0;
        }
    }

    /** The consumers and suppliers of one peer connection. */
    private static final class Handlers {
        /** The pool's connection when the first handler was added; null if there was none (then never used). */
        final PeerConnection connection;
        /** The peer object of the key the handlers were added under: the one bt's agents name in signals. */
        final Peer peer;
        final CopyOnWriteArrayList<Consumer<Message>> consumers = new CopyOnWriteArrayList<>();
        final CopyOnWriteArrayList<Supplier<Message>> suppliers = new CopyOnWriteArrayList<>();
        /**
         * Ask its suppliers in this pass: a message that may call for an answer came in on it in this pass, or
         * its suppliers sent something in the last one that may lead to more. Dispatcher thread only.
         */
        boolean busy = true;
        /** When its suppliers were last asked; dispatcher thread only. */
        long askedAt;
        /**
         * Its torrent's descriptor, once bt's registry has one; dispatcher thread only. Reading its activity is one
         * volatile read, where asking the registry for every connection on every pass (hashing the info-hash twice)
         * was a twentieth of the loop's CPU (async-profiler, 20 capped listeners).
         */
        TorrentDescriptor descriptor;

        Handlers(PeerConnection connection, Peer peer) {
            this.connection = connection;
            this.peer = peer;
        }
    }

    @Inject
    ConnectionMessageDispatcher(IRuntimeLifecycleBinder lifecycle, IPeerConnectionPool pool, TorrentRegistry torrents,
                                EventSource events, DispatchSignal signal, Config config, SwarmConfig swarmConfig) {
        this.pool = pool;
        this.torrents = torrents;
        this.signal = signal;
        this.maxIdleWait = Math.max(FIRST_IDLE_WAIT, config.getMaxMessageProcessingInterval().toNanos());
        this.askAllEveryPass = swarmConfig.originSpreading();
        this.port = config.getAcceptorPort();
        this.thread = new Thread(this::run, "seeder.message-dispatcher-" + config.getAcceptorPort());
        thread.setDaemon(true);
        signal.bind(thread);
        events.onPeerDisconnected(null, e -> disconnected(e.getConnectionKey()));
        events.onPeerConnected(null, e -> SwarmTrace.connected(e.getConnectionKey().getTorrentId(),
                e.getConnectionKey().getPeer()));
        events.onPieceVerified(null, e -> {
            SwarmTrace.verified(e.getTorrentId(), e.getPieceIndex());
            signal.wakeUp(e.getTorrentId()); // PieceConsumer has queued its HAVE
        });
        lifecycle.onStartup("Start minuteswarm message dispatcher", thread::start);
        lifecycle.onShutdown("Stop minuteswarm message dispatcher", this::shutdown);
    }

    @Override
    public void addMessageConsumer(ConnectionKey key, Consumer<Message> consumer) {
        Handlers h = handlersOf(key);
        h.consumers.addIfAbsent(consumer);
        signal.wakeUp(key.getTorrentId(), h.peer);
    }

    @Override
    public void addMessageSupplier(ConnectionKey key, Supplier<Message> supplier) {
        Handlers h = handlersOf(key);
        h.suppliers.addIfAbsent(supplier);
        signal.wakeUp(key.getTorrentId(), h.peer);
    }

    /** The handlers of the key's current connection: those of an earlier connection are replaced. */
    private Handlers handlersOf(ConnectionKey key) {
        PeerConnection current = pool.getConnection(key);
        return handlers.compute(key, (k, h) -> h != null && h.connection == current ? h
                : new Handlers(current, key.getPeer()));
    }

    /** bt purged the key's connection from its pool (its event fires before another can take the key). */
    private void disconnected(ConnectionKey key) {
        handlers.computeIfPresent(key, (k, h) -> isLive(k, h) ? h : null);
    }

    private boolean isLive(ConnectionKey key, Handlers h) {
        return isOpen(h) && pool.getConnection(key) == h.connection;
    }

    /**
     * What a pass checks instead of {@link #isLive}: bt's pool takes a connection out only to close it, and the
     * handlers of a key whose connection was replaced are replaced with it ({@link #handlersOf}), so an open
     * connection is the pool's. Looking the key up in the pool for every connection on every pass was a
     * twenty-fifth of the loop's CPU.
     */
    private static boolean isOpen(Handlers h) {
        return h.connection != null && !h.connection.isClosed();
    }

    /** Number of connections with handlers; for tests. */
    int connectionCount() {
        return handlers.size();
    }

    private void run() {
        long idleWait = FIRST_IDLE_WAIT;
        while (!shutdown) {
            long passStart = System.nanoTime();
            List<DispatchSignal.Target> named = signal.clear();
            moved = 0;
            more = false;
            try {
                consumeAll();
                produceAll(askAllEveryPass ? null : named, passStart);
            } catch (RuntimeException e) {
                LOG.error("message dispatcher pass failed", e);
            }
            counts.passes++;
            trace(passStart);
            if (more) {
                idleWait = FIRST_IDLE_WAIT;
                continue;
            }
            if (moved > 0 || signal.isPending()) {
                idleWait = FIRST_IDLE_WAIT;
                signal.await(BUSY_WAIT);
            } else {
                if (askAllEveryPass) {
                    signal.await(idleWait);
                } else {
                    signal.awaitIdle(idleWait); // data from a peer ends it
                }
                idleWait = Math.min(idleWait * 2, maxIdleWait);
            }
            // Signals come in bursts (a block read per request): take them together.
            for (long gap; (gap = passStart + MIN_PASS_INTERVAL - System.nanoTime()) > 0 && !shutdown; ) {
                LockSupport.parkNanos(this, gap);
            }
        }
    }

    /** Every {@link #TRACE_INTERVAL}, if the trace is on: what the loop did, and the connections it serves. */
    private void trace(long now) {
        if (now - counts.since < TRACE_INTERVAL || !SwarmTrace.on()) {
            return;
        }
        int seeding = 0;
        for (ConnectionKey key : handlers.keySet()) {
            if (!RunningTorrents.downloading(torrents, key.getTorrentId())) {
                seeding++;
            }
        }
        SwarmTrace.connections(port, handlers.size(), seeding);
        counts.report(port, now);
    }

    private static boolean isNamed(List<DispatchSignal.Target> named, TorrentId torrent, Peer peer) {
        for (DispatchSignal.Target t : named) {
            if (t.covers(torrent, peer)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the connection's torrent is active (started, not stopped). Read on every pass: bt 1.10 does not close a
     * stopped torrent's connections (it stops reading them; its cleaner closes them later), and a retired segment's
     * consumers and suppliers must not run while its storage closes.
     */
    private boolean isActive(ConnectionKey key, Handlers h) {
        if (h.descriptor == null) {
            Optional<TorrentDescriptor> descriptor = torrents.getDescriptor(key.getTorrentId());
            if (descriptor.isEmpty()) {
                return torrents.isSupportedAndActive(key.getTorrentId());
            }
            h.descriptor = descriptor.get();
        }
        return h.descriptor.isActive();
    }

    /**
     * Whether a message that came in may give the connection's suppliers something to send. A HAVE of a piece
     * we hold already does not: we will not ask for it, nor become interested. About a third of what a listener
     * reads is such HAVEs (traced, 20 capped listeners: {@link SwarmTrace#dispatched}).
     */
    private boolean callsForAnswer(Message message, TorrentId torrent, Map<TorrentId, Optional<Bitfield>> held) {
        if (!(message instanceof Have)) {
            return true;
        }
        Optional<Bitfield> ours = held.computeIfAbsent(torrent, t -> torrents.getDescriptor(t)
                .map(TorrentDescriptor::getDataDescriptor)
                .map(DataDescriptor::getBitfield));
        int piece = ((Have) message).getPieceIndex();
        // bt's Bitfield throws on a piece it does not have: a peer's HAVE out of range is the consumers' concern
        return ours.isEmpty() || piece < 0 || piece >= ours.get().getPiecesTotal() || !ours.get().isVerified(piece);
    }

    /** Reads every live connection's messages into its consumers. */
    private void consumeAll() {
        Map<TorrentId, Optional<Bitfield>> held = new HashMap<>();
        for (Map.Entry<ConnectionKey, Handlers> e : handlers.entrySet()) {
            ConnectionKey key = e.getKey();
            Handlers h = e.getValue();
            if (!isOpen(h)) {
                handlers.remove(key, h);
                continue;
            }
            if (h.consumers.isEmpty() || !isActive(key, h)) {
                continue;
            }
            for (;;) {
                Message message;
                try {
                    message = h.connection.readMessageNow();
                } catch (Exception ex) {
                    // A peer that went away or sent garbage: bt closes the connection; not the user's concern.
                    LOG.debug("cannot read from peer {}: {}", key.getPeer(), rootMessage(ex));
                    break;
                }
                if (message == null) {
                    break;
                }
                counts.in++;
                boolean answer = callsForAnswer(message, key.getTorrentId(), held);
                h.busy |= answer;
                if (!answer) {
                    counts.quietIn++;
                }
                moved++;
                for (Consumer<Message> consumer : h.consumers) {
                    try {
                        consumer.accept(message);
                    } catch (Exception ex) {
                        // bt's consumers throw on what a peer may send (a HAVE out of range): one line, no trace
                        LOG.warn("message {} from peer {} not taken: {}", message, key.getPeer(), rootMessage(ex));
                    }
                }
            }
        }
    }

    /**
     * Sends what the live connections' suppliers produce, each until it has nothing or gave the maximum: every
     * connection's if {@code named} is null, else those of connections that are busy (a message that may call for
     * an answer came in, or their suppliers sent what may lead to more or gave the maximum), that a signal named,
     * or whose suppliers were last asked {@link #QUIET_PRODUCE_INTERVAL} ago or more.
     */
    private void produceAll(List<DispatchSignal.Target> named, long now) {
        for (Map.Entry<ConnectionKey, Handlers> e : handlers.entrySet()) {
            ConnectionKey key = e.getKey();
            Handlers h = e.getValue();
            if (h.connection == null || h.connection.isClosed()) { // consumeAll dropped the stale ones just now
                handlers.remove(key, h);
                continue;
            }
            boolean due = now - h.askedAt >= QUIET_PRODUCE_INTERVAL;
            boolean wasNamed = named != null && !h.busy && isNamed(named, key.getTorrentId(), h.peer);
            if (named != null && !h.busy && !due && !wasNamed) {
                continue;
            }
            if (!isActive(key, h)) {
                continue;
            }
            h.askedAt = now;
            counts.asks++;
            if (h.busy) {
                counts.busyAsks++;
            } else if (wasNamed) {
                counts.namedAsks++;
            }
            boolean followUp = false;
            for (Supplier<Message> supplier : h.suppliers) {
                int n = 0;
                while (n < MAX_MESSAGES_PER_PASS && !h.connection.isClosed()) {
                    Message message;
                    try {
                        message = supplier.get();
                    } catch (Exception ex) {
                        LOG.warn("Error in message supplier", ex);
                        break;
                    }
                    if (message == null) {
                        break;
                    }
                    n++;
                    counts.out++;
                    followUp |= mayLeadToMore(message);
                    try {
                        h.connection.postMessage(message);
                    } catch (Exception ex) {
                        LOG.debug("cannot write {} to peer {}: {}", message, key.getPeer(), rootMessage(ex));
                    }
                }
                moved += n;
                more |= n == MAX_MESSAGES_PER_PASS;
                followUp |= n == MAX_MESSAGES_PER_PASS; // it has more: the next pass comes at once
            }
            h.busy = followUp;
        }
    }

    /**
     * Whether, having sent {@code message}, the connection's suppliers may have more on the next pass without a
     * signal or a message in. bt's request producer claims the next pieces in the round that finds a piece done,
     * and asks for them in the next round (when that round sends only a HAVE, {@link AssignmentRefresh} names the
     * connection for the next pass); interest and choking follow each other the same way. A HAVE or a block does
     * not: the next one comes with its own signal (a piece verified, a block read). Asking again after
     * those was a third of all asks of a listener's loop (traced, 20 capped listeners), and 85% of them sent
     * nothing.
     */
    private static boolean mayLeadToMore(Message message) {
        return !(message instanceof Have) && !(message instanceof Piece);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private void shutdown() {
        shutdown = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
