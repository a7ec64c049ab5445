package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.metainfo.TorrentId;
import bt.net.IPeerConnectionPool;
import bt.runtime.BtRuntime;
import bt.runtime.Config;
import bt.torrent.TorrentRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bt runtime (one peer port, one selector, one tracker client) serving any number of segment
 * torrents at once. It configures bt 1.10 around its measured pitfalls (see BT-NOTES.md): our data
 * receiver (#252), our HTTP tracker client, MSE off, no PEX/LSD/DHT, small network buffers, an explicit
 * acceptor address, a short inactivity threshold, and byte counting of our own.
 */
public final class SwarmRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SwarmRuntime.class);
    /** bt asks the peer sources this often; each tracker is still only announced to at its own interval. */
    private static final Duration PEER_DISCOVERY_INTERVAL = Duration.ofSeconds(1);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration UNREACHABLE_PEER_RETRY = Duration.ofSeconds(2);
    private static final Duration PIECE_RECEIVING_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration TIMED_OUT_PEER_RETRY = Duration.ofSeconds(3);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);
    /**
     * bt opens outgoing connections and answers incoming ones on one fixed pool of this many threads, each
     * blocked until the handshake is answered. With 16, a new segment's swarm of 20 listeners jammed: every
     * listener's threads waited on outgoing handshakes that the other listeners' threads, as busy, could not
     * answer, until the handshake timeout. Threads are only started when needed.
     */
    private static final int MAX_PENDING_CONNECTIONS = 64;
    /**
     * bt downloads a torrent from at most 10 connections at once (its default), which in a segment's swarm
     * of more than ten listeners can leave out the very peer that has a piece first (the origin above all).
     * Raising it alone did not change the 12-listener benchmark; it is kept so that 20 and more can be used.
     */
    private static final int MAX_ACTIVE_CONNECTIONS_PER_TORRENT = 128;

    private final SwarmConfig config;
    private final int peerPort;
    private final BtRuntime bt;
    private final TransferLedger ledger;
    private final SegmentDeadlines deadlines;
    private final ConcurrentMap<TorrentId, TorrentSwarm> swarms = new ConcurrentHashMap<>();
    /**
     * Runs what a bt event sets off, outside bt's event bus: a listener called there holds the bus's read lock,
     * so work that waits for bt (a download's completion callbacks stop older segments, and a stop waits for bt's
     * torrent-stopped event) or fires another event could deadlock with a thread registering listeners.
     */
    private final ExecutorService afterEvents;
    private volatile boolean closed;

    private SwarmRuntime(SwarmConfig config, int peerPort, BtRuntime bt, TransferLedger ledger,
                         SegmentDeadlines deadlines) {
        this.afterEvents = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "seeder.after-events-" + peerPort);
            t.setDaemon(true);
            return t;
        });
        this.config = config;
        this.peerPort = peerPort;
        this.bt = bt;
        this.ledger = ledger;
        this.deadlines = deadlines;
    }

    /** Starts a runtime listening on {@code config.bindAddress():peerPort}; fails if that port is taken. */
    public static SwarmRuntime start(SwarmConfig config) throws IOException {
        int port = claimablePort(config);
        TransferLedger ledger = new TransferLedger();
        SegmentDeadlines deadlines = new SegmentDeadlines();
        BtRuntime bt = BtRuntime.builder(btConfig(config, port))
                .module(new SwarmModule(config, ledger, new UploadThrottle(config.maxUploadBytesPerSecond()), deadlines))
                .disableStandardExtensions() // PEX (aria2c's empty ut_pex drops the connection) and LSD
                .disableAutomaticShutdown() // else stopping the last torrent shuts the runtime down
                .build();                    // and no autoLoadModules(): DHT would bind a fixed port
        SwarmRuntime runtime = new SwarmRuntime(config, port, bt, ledger, deadlines);
        bt.getEventSource().onTorrentStopped(null, event -> runtime.torrentStopped(event.getTorrentId()));
        bt.getEventSource().onPieceVerified(null, event -> runtime.pieceVerified(event.getTorrentId()));
        bt.getEventSource().onTorrentStarted(null, event -> SwarmTrace.running(event.getTorrentId()));
        bt.startup();
        awaitListening(config, port);
        LOG.info("swarm runtime listening on {}:{}", config.bindAddress().getHostAddress(), port);
        return runtime;
    }

    /**
     * bt binds its acceptor on a background thread and only logs a BindException, so we try the port first.
     * Port 0 resolves to a free port here, because bt names threads after the configured port.
     */
    private static int claimablePort(SwarmConfig config) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(config.bindAddress(), config.peerPort()));
            return probe.getLocalPort();
        } catch (BindException e) {
            throw new IOException("peer port " + config.peerPort() + " is in use", e);
        }
    }

    /**
     * bt binds its acceptor on a background thread after {@code startup()} returns: wait (at most 2 s) until
     * it accepts, so that the port is ours when we say so and a second runtime probing it finds it taken.
     */
    private static void awaitListening(SwarmConfig config, int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        InetSocketAddress address = new InetSocketAddress(config.bindAddress(), port);
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket()) {
                probe.connect(address, 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        LOG.warn("peer port {} does not accept connections yet", port);
    }

    private static Config btConfig(SwarmConfig config, int port) {
        Config c = new Config();
        c.setAcceptorAddress(config.bindAddress());
        c.setAcceptorPort(port);
        config.announceAddress().ifPresent(c::setPeerAddress);
        c.setMseDisabled(true); // MSE polls with 1 s sleeps: 3 s to the first piece instead of 0.5 s
        c.setNetworkBufferSize(config.networkBufferBytes());
        c.setPeerConnectionInactivityThreshold(config.peerInactivityTimeout());
        c.setPeerDiscoveryInterval(PEER_DISCOVERY_INTERVAL);
        // bt bans a peer it could not connect to for 30 min, for every torrent: a listener that had not yet
        // joined a brand-new segment when we tried it would be lost for the rest of the channel.
        c.setUnreachablePeerBanDuration(UNREACHABLE_PEER_RETRY);
        // A peer that sends no block for 5 s loses its assignment and is skipped for 1 min: under an upload
        // cap a busy seed (the origin above all) is slow but not gone, so wait longer and retry sooner.
        c.setMaxPieceReceivingTime(PIECE_RECEIVING_TIMEOUT);
        c.setTimeoutedAssignmentPeerBanDuration(TIMED_OUT_PEER_RETRY);
        // bt keeps a thread per pending connection, each blocked up to the handshake timeout (default 30 s)
        // when a peer that has not joined the swarm yet leaves our handshake unanswered.
        c.setPeerHandshakeTimeout(HANDSHAKE_TIMEOUT);
        c.setMaxPendingConnectionRequests(MAX_PENDING_CONNECTIONS);
        c.setMaxConcurrentlyActivePeerConnectionsPerTorrent(MAX_ACTIVE_CONNECTIONS_PER_TORRENT);
        return c;
    }

    public int peerPort() {
        return peerPort;
    }

    public SwarmConfig config() {
        return config;
    }

    /** Seeds {@code completeFile}, which must hold the torrent's data, from now until stopped. */
    public SegmentSwarm seed(TorrentFile torrent, Path completeFile) {
        return run(torrent, completeFile, true);
    }

    /** Downloads into {@code targetFile} (created if absent), then keeps seeding it until stopped. */
    public SegmentSwarm download(TorrentFile torrent, Path targetFile) {
        return run(torrent, targetFile, false);
    }

    /**
     * As {@link #download(TorrentFile, Path)}, for a segment due to play at {@code deadline}: see
     * {@link SegmentSwarm#setDeadline}.
     */
    public SegmentSwarm download(TorrentFile torrent, Path targetFile, Instant deadline) {
        deadlines.set(TorrentId.fromBytes(torrent.infoHash().bytes()), deadline);
        return run(torrent, targetFile, false);
    }

    /**
     * As {@link #download(TorrentFile, Path, Instant)}, fetching pieces in file order: for the
     * segment a listener is about to start playing, so that {@link SegmentSwarm#verifiedPrefixBytes()}
     * grows from the first piece and playback can begin before the segment is complete. Only for
     * that one segment: everything else is fetched rarest-first, which keeps the swarm healthy.
     */
    public SegmentSwarm downloadInPlayOrder(TorrentFile torrent, Path targetFile, Instant deadline) {
        deadlines.set(TorrentId.fromBytes(torrent.infoHash().bytes()), deadline);
        return run(torrent, targetFile, false, true);
    }

    private SegmentSwarm run(TorrentFile torrent, Path file, boolean seeding) {
        return run(torrent, file, seeding, false);
    }

    private synchronized SegmentSwarm run(TorrentFile torrent, Path file, boolean seeding, boolean inPlayOrder) {
        if (closed) {
            throw new IllegalStateException("swarm runtime on port " + peerPort + " is closed");
        }
        TorrentId id = TorrentId.fromBytes(torrent.infoHash().bytes());
        if (swarms.containsKey(id)) {
            throw new IllegalStateException("torrent " + torrent.infoHash() + " already runs in this runtime");
        }
        TorrentSwarm swarm = new TorrentSwarm(this, torrent, file, seeding, inPlayOrder);
        swarms.put(id, swarm);
        try {
            swarm.start();
        } catch (RuntimeException e) {
            swarms.remove(id, swarm);
            throw e;
        }
        return swarm;
    }

    private void torrentStopped(TorrentId id) {
        TorrentSwarm swarm = swarms.get(id);
        if (swarm != null) {
            swarm.released();
        }
    }

    /** On bt's event bus: the swarm's completion (and its callbacks) runs on {@link #afterEvents}. */
    private void pieceVerified(TorrentId id) {
        TorrentSwarm swarm = swarms.get(id);
        if (swarm != null && swarm.allVerified()) {
            try {
                afterEvents.execute(swarm::downloaded);
            } catch (RejectedExecutionException e) {
                LOG.debug("runtime closed: completion of {} not reported", id);
            }
        }
    }

    /** Called by a swarm once bt has let go of it, so its info-hash can run again. */
    void forget(TorrentId id, TorrentSwarm swarm) {
        swarms.remove(id, swarm);
    }

    BtRuntime bt() {
        return bt;
    }

    TransferLedger ledger() {
        return ledger;
    }

    SegmentDeadlines deadlines() {
        return deadlines;
    }

    OriginSpreading spreading() {
        return bt.service(OriginSpreading.class);
    }

    /**
     * Where the channel's origin listens: each download dials it as soon as it starts, before the tracker
     * answers (see {@link ChannelPeers#origin}).
     */
    public void channelOrigin(InetSocketAddress address) {
        bt.service(ChannelPeers.class).origin(address);
    }

    /** Piece data sent to peers by all swarms of this runtime, ever. */
    public long uploadedBytes() {
        return ledger.uploaded();
    }

    /**
     * Piece data the upload scheduler let go to be sent, ever: {@link #uploadedBytes} counts it once bt has copied it
     * into a message. Under an upload cap this is the side the token bucket paces.
     */
    public long releasedBytes() {
        return ledger.released();
    }

    /** Piece data received from peers by all swarms of this runtime, ever. */
    public long downloadedBytes() {
        return ledger.downloaded();
    }

    /** Peer connections open now, over all torrents. */
    public int connectedPeers() {
        return bt.service(IPeerConnectionPool.class).size();
    }

    TorrentRegistry torrentRegistry() {
        return bt.service(TorrentRegistry.class);
    }

    /** Stops every swarm, then bt's runtime (waiting at most 10 s for bt's own shutdown). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<TorrentSwarm> running = new ArrayList<>(swarms.values());
        running.forEach(TorrentSwarm::stop);
        Thread shutdown = new Thread(bt::shutdown, "seeder.runtime-shutdown-" + peerPort);
        shutdown.start();
        try {
            shutdown.join(SHUTDOWN_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (shutdown.isAlive()) {
            LOG.warn("bt runtime on port {} did not shut down within {}", peerPort, SHUTDOWN_TIMEOUT);
        }
        afterEvents.shutdownNow();
        LOG.info("swarm runtime on port {} closed", peerPort);
    }
}
