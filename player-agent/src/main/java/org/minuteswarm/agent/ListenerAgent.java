package org.minuteswarm.agent;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.FileUtils;
import org.minuteswarm.channel.ChannelManifest;
import org.minuteswarm.channel.ManifestException;
import org.minuteswarm.channel.ManifestFollower;
import org.minuteswarm.channel.SegmentDescriptor;
import org.minuteswarm.seeder.SegmentSwarm;
import org.minuteswarm.seeder.SwarmRuntime;
import org.minuteswarm.seeder.TorrentFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's agent: follows the channel manifest, joins each new segment's swarm the moment
 * it is published (starting at the live edge), downloads ahead of playback, seeds what it holds
 * for its seed window, and plays the stream to local players.
 *
 * <p>Threads: one manifest watcher (blocking reloads), one torrent fetcher (in sequence order, so
 * the segment that plays next joins its swarm first), the playout clock, the playback server's
 * client threads, and one status ticker. One {@link SwarmRuntime} serves every segment.
 */
public final class ListenerAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ListenerAgent.class);
    private static final Duration STATUS_EVERY = Duration.ofSeconds(5);

    private final AgentConfig config;
    private final Clock clock;
    private final HttpClient http;
    private final SegmentLibrary library = new SegmentLibrary();
    private final java.util.List<AgentListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Path segmentDir;
    private final ExecutorService fetcher;
    private final ScheduledExecutorService ticker;
    private org.minuteswarm.channel.DataDirLock dirLock;
    private SwarmRuntime runtime;
    private volatile String knownOrigin;
    private ManifestWatcher watcher;
    private Playout playout;
    private PlaybackServer server;
    private volatile boolean closed;
    private volatile long startSequence = -1;
    /** How long a segment spreads before the agent starts on it (see Playout.setMinimumLead). */
    private volatile Duration lead = Duration.ZERO;
    /** Segments below this were played or skipped: never joined again. */
    private volatile long floor = -1;
    private long lastDown;
    private long lastUp;

    private ListenerAgent(AgentConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.segmentDir = config.dataDir().resolve("segments");
        String name = config.channel().name();
        this.fetcher = Executors.newSingleThreadExecutor(r -> daemon(r, "agent-fetch-" + name));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "agent-status-" + name));
    }

    /**
     * Checks the channel (reachable, genuine), opens the peer and playback ports and starts
     * playback at the live edge. Errors carry a one-line message for the user; nothing is left
     * running after one.
     */
    public static ListenerAgent start(AgentConfig config, Clock clock, AgentListener... listeners)
            throws IOException, ManifestException {
        ListenerAgent agent = new ListenerAgent(config, clock);
        try {
            agent.open(listeners);
            return agent;
        } catch (IOException | ManifestException | RuntimeException e) {
            agent.close();
            throw e;
        }
    }

    private void open(AgentListener[] initial) throws IOException, ManifestException {
        dirLock = org.minuteswarm.channel.DataDirLock.acquire(config.dataDir());
        Files.createDirectories(segmentDir);
        FileUtils.cleanDirectory(segmentDir.toFile()); // left over from an earlier run: not verified for this one
        ManifestFollower follower = new ManifestFollower(config.channel());
        watcher = new ManifestWatcher(follower, http, config.longPollWait(), this::onManifest);
        ChannelManifest first;
        try {
            first = watcher.fetchNow();
        } catch (IOException e) {
            throw new IOException("cannot reach channel " + config.channel().manifestUri() + ": "
                    + ManifestWatcher.describe(e));
        }
        Duration grace = config.lateGrace() != null ? config.lateGrace() : first.segmentDuration();
        runtime = SwarmRuntime.start(config.swarm());
        playout = new Playout(library, clock, grace, this::afterSegment);
        // One segment duration, however long: a capped origin takes most of it to send a segment's one copy (41 s of
        // 60 in the benchmark). Capped at 10 s, a listener of one-minute segments started on a segment still
        // spreading, stalled up to half a minute at the next one, then played just as each segment completed.
        lead = first.segmentDuration();
        playout.setMinimumLead(lead);
        for (AgentListener l : initial) {
            playout.addListener(l);
            listeners.add(l);
        }
        server = PlaybackServer.start(new InetSocketAddress(config.playBind(), config.playPort()), playout, library,
                this::status);
        ChannelManifest current = refreshed(first);
        startSequence = current.latestSequence() >= 0 ? config.from().resolve(current, clock.instant()) : 0;
        if (config.from().isLive() && current.segments().size() >= 2) {
            // A live edge published less than a lead ago is still spreading: start one back, with a
            // segment the swarm already holds, so playback starts at once and the edge has time.
            SegmentDescriptor edge = current.segments().get(current.segments().size() - 1);
            Instant published = edge.startTime().plus(edge.duration());
            if (Duration.between(published, clock.instant()).compareTo(lead) < 0) {
                startSequence = current.segments().get(current.segments().size() - 2).sequence();
            }
        }
        if (!config.from().isLive() && current.latestSequence() >= 0) {
            log.info("time-shift: starting at segment {} ({} behind the live edge)", startSequence,
                    current.latestSequence() - startSequence);
        }
        onManifest(current);
        watcher.start();
        playout.start(startSequence); // with an empty window: whatever is published first
        ticker.scheduleAtFixedRate(this::logStatus, STATUS_EVERY.toMillis(), STATUS_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("listening to {} (peer port {}, play port {})", config.channel().manifestUri(),
                runtime.peerPort(), server.port());
    }

    /**
     * The manifest again, now that the runtime and the servers are up: starting them can take long (a JVM
     * starting on a busy machine: tens of seconds for the later of 40 listeners started on 2 cores), and a start
     * point taken from the first manifest would then lie that far behind the live edge, with every segment since
     * to download at once, and playback would stay that far behind. {@code first} if the reload fails (the
     * watcher keeps trying).
     */
    private ChannelManifest refreshed(ChannelManifest first) {
        try {
            return watcher.fetchNow();
        } catch (IOException | ManifestException e) {
            log.debug("manifest reload at start failed, starting from the first one: {}", e.getMessage());
            return first;
        }
    }

    /** Joins the swarm of every segment at or after the playback start that is new to us. */
    private void onManifest(ChannelManifest manifest) {
        dialOriginFirst(manifest);
        long from = Math.max(startSequence, floor);
        for (SegmentDescriptor d : manifest.segments()) {
            if (d.sequence() < from) {
                continue;
            }
            LocalSegment segment = new LocalSegment(d, segmentDir.resolve(d.sequence() + manifest.extension()),
                    manifest.media());
            if (library.add(segment)) {
                try {
                    fetcher.execute(() -> join(segment));
                } catch (RejectedExecutionException e) {
                    return; // closing: a manifest came in while the agent shut down (it logged an ERROR here)
                }
            }
        }
    }

    /** Tells the runtime where the origin listens (the signed manifest says), once, or when it moves. */
    private void dialOriginFirst(ChannelManifest manifest) {
        String origin = manifest.origin();
        if (origin == null || origin.equals(knownOrigin)) {
            return;
        }
        try {
            InetAddress host = InetAddress.getByName(manifest.originHost().orElseThrow());
            runtime.channelOrigin(new InetSocketAddress(host, manifest.originPort()));
            knownOrigin = origin; // a lookup that failed is tried again with the next manifest
        } catch (IOException e) {
            log.debug("origin {} of the manifest does not resolve: {}", origin, e.toString());
        }
    }

    private void join(LocalSegment segment) {
        if (closed) {
            return;
        }
        long seq = segment.sequence();
        try {
            URI uri = config.channel().torrentUri(seq);
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " for " + uri);
            }
            TorrentFile torrent = TorrentFile.parse(response.body());
            if (!torrent.infoHash().equals(segment.descriptor.infoHash())) {
                throw new IOException("torrent of segment " + seq + " has info-hash " + torrent.infoHash()
                        + " but the signed manifest says " + segment.descriptor.infoHash());
            }
            if (torrent.length() != segment.descriptor.sizeBytes()) {
                throw new IOException("torrent of segment " + seq + " is " + torrent.length()
                        + " bytes but the signed manifest says " + segment.descriptor.sizeBytes());
            }
            // Deadline order: when capped, peers serve the segment that plays soonest first.
            // The segment playback starts with is fetched in play order (fast start); the rest rarest-first.
            // Only a segment that has had a lead's time to spread: a fresh one is still coming from the
            // origin, which offers its pieces out of order (spreading), so play order would stall on it.
            Instant published = segment.descriptor.startTime().plus(segment.descriptor.duration());
            boolean spread = Duration.between(published, clock.instant()).compareTo(lead) >= 0;
            boolean startsPlayback = spread && playout.segmentsPlayed() == 0 && playout.playingSequence() < 0
                    && seq == Math.max(startSequence, library.nextAfter(startSequence - 1));
            SegmentSwarm swarm = startsPlayback
                    ? runtime.downloadInPlayOrder(torrent, segment.file, segment.descriptor.startTime())
                    : runtime.download(torrent, segment.file, segment.descriptor.startTime());
            segment.joined(swarm);
            swarm.completion().whenComplete((file, error) -> {
                if (error == null) {
                    segment.completed(clock.millis());
                }
                library.changed();
                if (error == null) {
                    listeners.forEach(l -> l.segmentCompleted(seq));
                }
            });
            log.debug("joined swarm of segment {} ({})", seq, torrent.infoHash());
        } catch (IOException e) {
            segment.fail();
            library.changed();
            log.warn("cannot join segment {}: {}", seq, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            segment.fail();
            library.changed();
            log.warn("cannot join segment {}", seq, e);
        }
    }

    /** Keeps the seed window: the segment just played and the {@code seedWindow - 1} before it. */
    private void afterSegment(long sequence) {
        floor = Math.max(floor, sequence + 1);
        long oldestKept = sequence - config.seedWindow() + 1;
        for (LocalSegment s : library.removeIf(s -> s.sequence() < oldestKept)) {
            SegmentSwarm swarm = s.swarm();
            if (swarm != null) {
                swarm.stop();
            }
            try {
                Files.deleteIfExists(s.file);
            } catch (IOException e) {
                log.warn("cannot delete {}: {}", s.file, e.getMessage());
            }
        }
    }

    /** Writes the played stream to {@code out} (for {@code --output}); returns when playback ends. */
    public void copyPlayedStreamTo(OutputStream out) throws IOException, InterruptedException {
        new PlayoutReader(playout).copyTo(out, playout.startSequence(), Long.MAX_VALUE);
    }

    public int playPort() {
        return server.port();
    }

    public int peerPort() {
        return runtime.peerPort();
    }

    public URI streamUri() {
        return URI.create("http://" + hostLiteral() + ":" + server.port() + "/stream.ts");
    }

    private String hostLiteral() {
        String host = config.playBind().getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    public long segmentsPlayed() {
        return playout.segmentsPlayed();
    }

    public long segmentsSkipped() {
        return playout.segmentsSkipped();
    }

    public long startupMillis() {
        return playout.startupMillis();
    }

    /** Peers connected in segment {@code sequence}'s swarm now, or -1 if the agent has not joined it. */
    public int swarmPeers(long sequence) {
        LocalSegment s = library.get(sequence);
        SegmentSwarm swarm = s == null ? null : s.swarm();
        return swarm == null ? -1 : swarm.connectedPeers();
    }

    public long uploadedBytes() {
        return runtime.uploadedBytes();
    }

    public long downloadedBytes() {
        return runtime.downloadedBytes();
    }

    /** The numbers {@code GET /status} answers. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channel", config.channel().name());
        m.put("segmentsPlayed", playout.segmentsPlayed());
        m.put("segmentsSkipped", playout.segmentsSkipped());
        m.put("playingSegment", playout.playingSequence());
        m.put("liveEdge", library.liveEdge());
        m.put("downloadedBytes", runtime.downloadedBytes());
        m.put("uploadedBytes", runtime.uploadedBytes());
        m.put("peers", runtime.connectedPeers());
        m.put("bufferedSeconds", Math.round(bufferedSeconds() * 10) / 10.0);
        m.put("startupMillis", playout.startupMillis());
        m.put("stallMillis", playout.stallMillis());
        m.put("rejectedManifests", watcher.rejectedManifests());
        java.util.List<Object> segments = new java.util.ArrayList<>();
        for (LocalSegment s : library.snapshot()) {
            Map<String, Object> seg = new LinkedHashMap<>();
            seg.put("seq", s.sequence());
            seg.put("completedAtMillis", s.completedAtMillis());
            SegmentSwarm swarm = s.swarm();
            seg.put("peers", swarm == null ? 0 : swarm.connectedPeers());
            segments.add(seg);
        }
        m.put("segments", segments);
        return m;
    }

    /** Media time ready to play: the rest of the current segment plus complete segments after it. */
    double bufferedSeconds() {
        long playing = playout.playingSequence();
        if (playing < 0) {
            return 0;
        }
        long millis = playout.remainingInCurrent().toMillis();
        for (LocalSegment s : library.snapshot()) {
            if (s.sequence() > playing && s.isComplete() && !library.isSkipped(s.sequence())) {
                millis += s.descriptor.duration().toMillis();
            }
        }
        return millis / 1000.0;
    }

    private void logStatus() {
        try {
            long down = runtime.downloadedBytes();
            long up = runtime.uploadedBytes();
            double secs = STATUS_EVERY.toMillis() / 1000.0;
            log.info(String.format(java.util.Locale.ROOT,
                    "listen: segment %d (live %d) played %d skipped %d buffer %.1fs peers %d down %.0f kB/s up %.0f kB/s",
                    playout.playingSequence(), library.liveEdge(), playout.segmentsPlayed(), playout.segmentsSkipped(),
                    bufferedSeconds(), runtime.connectedPeers(), (down - lastDown) / secs / 1000, (up - lastUp) / secs / 1000));
            lastDown = down;
            lastUp = up;
        } catch (RuntimeException e) {
            log.debug("status line failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
        if (watcher != null) {
            watcher.close();
        }
        fetcher.shutdownNow();
        if (playout != null) {
            playout.close();
        }
        if (server != null) {
            server.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (dirLock != null) {
            dirLock.close();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
