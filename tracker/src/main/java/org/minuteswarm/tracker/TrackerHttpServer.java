package org.minuteswarm.tracker;

import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
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
 * The tracker's network frontends: HTTP ({@code /announce}, {@code /scrape}, {@code /stats},
 * {@code /metrics}, {@code /channels/...}, plus whatever the embedding program {@link #mount}s)
 * on our own NIO server ({@link HttpFrontend}), and, if configured, BEP 15 over UDP
 * ({@link UdpTrackerServer}), both over one {@link Tracker}.
 *
 * <p>Threads: announces, scrapes, stats and metrics are answered on the HTTP event loops (one
 * per core). Channel requests and mounted handlers run on a pool of up to
 * {@link #WORKER_THREADS}; long polls are handed off to a separate pool of up to
 * {@link #MAX_LONG_POLLS} threads, so a thousand waiting listeners cannot starve anything. A
 * single thread sweeps timed-out peers and retired swarms every {@link #sweepPeriod} and
 * samples the announce rates every second; expiry itself is decided by the injected
 * {@link Clock}. All threads are daemons named after the port.
 */
public final class TrackerHttpServer implements AutoCloseable {
    /** Workers for channel requests and mounted handlers (created on demand, retired when idle). */
    static final int WORKER_THREADS = 64;
    /** One parked thread per waiting listener; past this a long poll is answered at once. */
    static final int MAX_LONG_POLLS = 1024;
    /** Threads blocking on the UDP socket: one per core of the 2-core machines we measure on. */
    static final int UDP_THREADS = 2;
    /** How long {@link #close()} waits for in-flight requests, per pool. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    /** The largest request body: a signed manifest or a torrent being published. */
    static final int MAX_BODY_BYTES = Math.max(ChannelStore.MAX_TORRENT_BYTES, org.minuteswarm.channel.SignedManifest.MAX_BYTES);

    private static final Logger log = LoggerFactory.getLogger(TrackerHttpServer.class);

    private final Tracker tracker;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor longPolls;
    private final ScheduledExecutorService sweeper;
    private final Map<String, HttpHandler> contexts = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final TrackerMetrics metrics;
    private volatile HttpFrontend http;
    private volatile UdpTrackerServer udp;

    private TrackerHttpServer(Tracker tracker, ThreadPoolExecutor workers, ThreadPoolExecutor longPolls,
                              ScheduledExecutorService sweeper) {
        this.tracker = tracker;
        this.workers = workers;
        this.longPolls = longPolls;
        this.sweeper = sweeper;
        this.metrics = new TrackerMetrics(tracker, () -> udp == null ? null : udp.protocol());
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
        Tracker tracker = new Tracker(config, directory, clock);
        ThreadPoolExecutor workers = new ThreadPoolExecutor(WORKER_THREADS, WORKER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(4096), threads("tracker-http-worker-"));
        workers.allowCoreThreadTimeOut(true);
        ThreadPoolExecutor longPolls = new ThreadPoolExecutor(0, MAX_LONG_POLLS, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), threads("tracker-longpoll-"));
        ScheduledThreadPoolExecutor sweeper = new ScheduledThreadPoolExecutor(1, threads("tracker-sweep-"));
        sweeper.setRemoveOnCancelPolicy(true);
        TrackerHttpServer self = new TrackerHttpServer(tracker, workers, longPolls, sweeper);
        ChannelDirectory served = directory instanceof ExtraInfoHashes extra ? extra.inner() : directory;
        ChannelHttpHandler channels = new ChannelHttpHandler(served, config.maxLongPoll(), longPolls);
        self.contexts.put(ChannelHttpHandler.PATH, channels::handle);
        try {
            self.http = HttpFrontend.start(new InetSocketAddress(config.bindAddress(), config.httpPort()), self.new Routes(),
                    MAX_BODY_BYTES, config.idleConnectionTimeout());
            if (config.udpPort() != TrackerConfig.NO_UDP) {
                self.udp = UdpTrackerServer.start(new InetSocketAddress(config.bindAddress(), config.udpPort()),
                        new UdpTrackerProtocol(tracker, new ConnectionIds(), clock, tracker.rateLimit()), UDP_THREADS);
            }
        } catch (IOException e) {
            self.close();
            throw e;
        }
        long periodMs = sweepPeriod(config).toMillis();
        sweeper.scheduleWithFixedDelay(self::sweepQuietly, periodMs, periodMs, TimeUnit.MILLISECONDS);
        sweeper.scheduleAtFixedRate(self.metrics::sample, 1, 1, TimeUnit.SECONDS);
        log.info("tracker listening on http://{}:{}/announce (interval {} s, peer timeout {} s)",
                config.bindAddress().getHostAddress(), self.port(), config.announceInterval().toSeconds(),
                config.peerTimeout().toSeconds());
        return self;
    }

    /** Routing: the tracker's own fast paths on the loop, everything else on the workers. */
    private final class Routes implements HttpFrontend.Router {
        @Override
        public HttpFrontend.Response inline(HttpRequestHead request, InetSocketAddress remote) {
            String path = request.rawPath();
            boolean announce = "/announce".equals(path);
            if (announce || "/scrape".equals(path)) {
                if (!"GET".equals(request.method())) {
                    return failure(200, "tracker requests must be GET");
                }
                if (!tracker.rateLimit().allow(remote.getAddress(), tracker.clock().millis())) {
                    return failure(429, "rate limit exceeded: slow down");
                }
                QueryParameters query;
                try {
                    query = QueryParameters.parse(request.rawQuery());
                } catch (ClientError e) {
                    return failure(200, e.reason());
                }
                return new HttpFrontend.Response(200, HttpReplies.TEXT_PLAIN, announce
                        ? tracker.announceResponse(query, remote.getAddress()) : tracker.scrapeResponse(query));
            }
            if ("/stats".equals(path) && "GET".equals(request.method())) {
                return new HttpFrontend.Response(200, "application/json", metrics.json());
            }
            if ("/metrics".equals(path) && "GET".equals(request.method())) {
                return new HttpFrontend.Response(200, "text/plain; version=0.0.4", metrics.prometheus());
            }
            return null;
        }

        @Override
        public void dispatch(HttpRequestHead request, InetSocketAddress remote, InetSocketAddress local,
                             HttpFrontend.Completion completion) {
            URI uri;
            try {
                uri = new URI(request.target());
            } catch (URISyntaxException e) {
                completion.complete(HttpFrontend.encode(failure(400, "malformed request target"), false), false);
                return;
            }
            HttpHandler handler = handlerFor(request.rawPath());
            NioHttpExchange[] holder = new NioHttpExchange[1];
            NioHttpExchange exchange = new NioHttpExchange(request, uri, remote, local,
                    bytes -> completion.complete(bytes, holder[0].keepAlive()));
            holder[0] = exchange;
            try {
                HttpHandler guarded = HttpReplies.guarded(handler);
                workers.execute(() -> {
                    try {
                        guarded.handle(exchange);
                    } catch (IOException e) {
                        exchange.close(); // guarded handlers do not throw; the JDK signature says they may
                    }
                });
            } catch (RejectedExecutionException e) {
                HttpReplies.failure(exchange, 503, "busy, try again");
            }
        }
    }

    private static HttpFrontend.Response failure(int status, String reason) {
        return new HttpFrontend.Response(status, HttpReplies.TEXT_PLAIN, BencodedResponses.failure(reason));
    }

    /** The longest mounted prefix, as the JDK matches contexts; unmatched paths are 404. */
    private HttpHandler handlerFor(String path) {
        String best = null;
        for (String prefix : contexts.keySet()) {
            if (path.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best == null ? e -> HttpReplies.failure(e, 404, "not found") : contexts.get(best);
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
        HttpFrontend h = http;
        return h == null ? -1 : h.port();
    }

    /** The bound BEP 15 UDP port, or -1 if the config asked for none. */
    public int udpPort() {
        UdpTrackerServer u = udp;
        return u == null ? TrackerConfig.NO_UDP : u.port();
    }

    /**
     * Serves {@code path} and everything under it (the longest mounted prefix wins, as with the
     * JDK's contexts) with {@code handler} on the worker pool. An exception escaping the handler
     * is logged and answered with 500.
     *
     * @throws IllegalArgumentException if {@code path} is already mounted
     */
    public void mount(String path, HttpHandler handler) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(handler, "handler");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /: " + path);
        }
        if (contexts.putIfAbsent(path, handler) != null) {
            throw new IllegalArgumentException("already mounted: " + path);
        }
    }

    public TrackerStats stats() {
        return tracker.stats();
    }

    /** Distinct peers (by ip:port) in the channel's live swarms. */
    public int peers(String channel) {
        return tracker.peers(channel);
    }

    /** The {@code GET /stats} document (JSON). */
    public String statsJson() {
        return new String(metrics.json(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Runs a sweep now (tests advance the clock, then sweep). */
    int sweepNow() {
        return tracker.sweep();
    }

    TrackerMetrics metrics() {
        return metrics;
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
        UdpTrackerServer u = udp;
        if (u != null) {
            u.close();
        }
        longPolls.shutdownNow();
        HttpFrontend h = http;
        if (h != null) {
            h.close();
        }
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
