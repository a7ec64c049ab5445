package org.minuteswarm.tracker;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's HTTP frontend on the JDK's {@link HttpServer}: {@code /announce},
 * {@code /scrape}, {@code /channels/...}, plus whatever the embedding program {@link #mount}s.
 *
 * <p>Threads: short requests (announce, scrape, manifest and torrent fetches) run on a fixed
 * pool of {@link #WORKER_THREADS}; long polls are handed off to a separate pool of up to
 * {@link #MAX_LONG_POLLS} threads, so a thousand waiting listeners cannot starve announces. A
 * single thread sweeps timed-out peers and retired swarms every {@link #sweepPeriod}; expiry
 * itself is decided by the injected {@link Clock}. All threads are daemons named after the port.
 */
public final class TrackerHttpServer implements AutoCloseable {
    /**
     * Announces are CPU-cheap, but the JDK server reads each request's headers on a worker, so a
     * client that connects and stalls holds one until it gives up (the JDK's only remedy is the
     * JVM-wide {@code -Dsun.net.httpserver.maxReqTime=SECONDS}). Many threads, created on demand
     * and retired when idle, keep a few stalled clients from starving real announces.
     */
    static final int WORKER_THREADS = 256;
    /** One parked thread per waiting listener; past this a long poll is answered at once. */
    static final int MAX_LONG_POLLS = 1024;
    /** Connection backlog of the listening socket. */
    static final int BACKLOG = 256;
    /** How long {@link #close()} waits for in-flight requests, per pool. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(TrackerHttpServer.class);

    private final HttpServer server;
    private final Tracker tracker;
    private final ExecutorService workers;
    private final ThreadPoolExecutor longPolls;
    private final ScheduledExecutorService sweeper;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TrackerHttpServer(HttpServer server, Tracker tracker, ExecutorService workers,
                              ThreadPoolExecutor longPolls, ScheduledExecutorService sweeper) {
        this.server = server;
        this.tracker = tracker;
        this.workers = workers;
        this.longPolls = longPolls;
        this.sweeper = sweeper;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException "HTTP port N is in use" if the port is taken, or why else it cannot bind
     */
    public static TrackerHttpServer start(TrackerConfig config, ChannelDirectory directory, Clock clock) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(clock, "clock");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.httpPort()), BACKLOG);
        } catch (BindException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("in use")) {
                throw new IOException("HTTP port " + config.httpPort() + " is in use", e);
            }
            throw new IOException("cannot bind HTTP port " + config.httpPort() + " on "
                    + config.bindAddress().getHostAddress() + ": " + msg, e);
        }
        int port = server.getAddress().getPort();
        Tracker tracker = new Tracker(config, directory, clock);

        ThreadPoolExecutor workers = new ThreadPoolExecutor(WORKER_THREADS, WORKER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads("tracker-http-" + port + "-"));
        workers.allowCoreThreadTimeOut(true);
        ThreadPoolExecutor longPolls = new ThreadPoolExecutor(0, MAX_LONG_POLLS, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), threads("tracker-longpoll-" + port + "-"));
        ScheduledThreadPoolExecutor sweeper = new ScheduledThreadPoolExecutor(1, threads("tracker-sweep-" + port + "-"));
        sweeper.setRemoveOnCancelPolicy(true);

        TrackerHttpHandlers trackerHandlers = new TrackerHttpHandlers(tracker);
        ChannelHttpHandler channels = new ChannelHttpHandler(directory, config.maxLongPoll(), longPolls);
        server.createContext(TrackerHttpHandlers.ANNOUNCE_PATH, HttpReplies.guarded(trackerHandlers::announce));
        server.createContext(TrackerHttpHandlers.SCRAPE_PATH, HttpReplies.guarded(trackerHandlers::scrape));
        server.createContext(ChannelHttpHandler.PATH, HttpReplies.guarded(channels::handle));
        server.createContext("/", HttpReplies.guarded(e -> HttpReplies.failure(e, 404, "not found")));
        server.setExecutor(workers);

        TrackerHttpServer self = new TrackerHttpServer(server, tracker, workers, longPolls, sweeper);
        long periodMs = sweepPeriod(config).toMillis();
        sweeper.scheduleWithFixedDelay(self::sweepQuietly, periodMs, periodMs, TimeUnit.MILLISECONDS);
        server.start();
        log.info("tracker listening on http://{}:{}/announce (interval {} s, peer timeout {} s)",
                config.bindAddress().getHostAddress(), port, config.announceInterval().toSeconds(),
                config.peerTimeout().toSeconds());
        return self;
    }

    /** A quarter of the peer timeout, so a peer outlives its timeout by at most 25 %, within 1..30 s. */
    static Duration sweepPeriod(TrackerConfig config) {
        Duration quarter = config.peerTimeout().dividedBy(4);
        Duration min = Duration.ofSeconds(1);
        Duration max = Duration.ofSeconds(30);
        return quarter.compareTo(min) < 0 ? min : quarter.compareTo(max) > 0 ? max : quarter;
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private void sweepQuietly() {
        try {
            int dropped = tracker.sweep();
            if (dropped > 0) {
                log.debug("swept {} peers", dropped);
            }
        } catch (RuntimeException e) {
            log.warn("tracker sweep failed", e); // keep the schedule alive
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Serves {@code path} (and, as the JDK does, everything under it) with {@code handler} on the
     * worker pool. An exception escaping the handler is logged and answered with 500.
     */
    public void mount(String path, HttpHandler handler) {
        Objects.requireNonNull(handler, "handler");
        server.createContext(path, HttpReplies.guarded(handler));
    }

    public TrackerStats stats() {
        return tracker.stats();
    }

    /** Distinct peers (by ip:port) in the channel's live swarms. */
    public int peers(String channel) {
        return tracker.peers(channel);
    }

    /** Runs a sweep now (tests advance the clock, then sweep). */
    int sweepNow() {
        return tracker.sweep();
    }

    /**
     * Stops serving: waiting long polls are interrupted and their connections closed, in-flight
     * requests get up to {@link #CLOSE_GRACE}. Returns within a few seconds at most. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        int port = port();
        sweeper.shutdownNow();
        longPolls.shutdownNow();
        server.stop(0);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
            if (!longPolls.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("tracker on port {}: long polls still running after close (a directory ignoring interrupts?)", port);
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        log.info("tracker on port {} closed", port);
    }
}
