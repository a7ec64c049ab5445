package org.minuteswarm.segmenter;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.commons.io.FileUtils;
import org.minuteswarm.channel.ChannelIdentity;
import org.minuteswarm.channel.ChannelManifest;
import org.minuteswarm.channel.ChannelUrl;
import org.minuteswarm.channel.JsonWriter;
import org.minuteswarm.channel.SegmentDescriptor;
import org.minuteswarm.segmenter.feed.CutSegment;
import org.minuteswarm.segmenter.feed.Feed;
import org.minuteswarm.segmenter.feed.Segmenter;
import org.minuteswarm.segmenter.feed.SegmenterConfig;
import org.minuteswarm.seeder.RollingWindow;
import org.minuteswarm.seeder.SwarmRuntime;
import org.minuteswarm.tracker.TrackerConfig;
import org.minuteswarm.tracker.TrackerHttpServer;
import org.minuteswarm.tracker.TrackerPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running broadcast: feed -> segmenter -> rolling window of seeded segment torrents -> signed
 * manifest, served with the embedded tracker on one HTTP port.
 */
public final class Broadcaster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Broadcaster.class);
    private static final Duration STATUS_EVERY = Duration.ofSeconds(5);

    private final BroadcastConfig config;
    private final Clock clock;
    private final Path segmentDir;
    private final AtomicLong bytesPublished = new AtomicLong();
    private final AtomicLong segmentsPublished = new AtomicLong();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final ScheduledExecutorService ticker;
    private org.minuteswarm.channel.DataDirLock dirLock;
    private ChannelIdentity identity;
    private SequenceCounter sequences;
    private SwarmRuntime runtime;
    private RollingWindow window;
    private PublishedChannel channel;
    private TrackerHttpServer tracker;
    private TrackerPublisher publisher;
    private java.util.concurrent.ExecutorService publishing;
    private Segmenter segmenter;
    private Thread segmenterThread;
    private ChannelUrl channelUrl;
    private volatile boolean closed;
    private volatile String extension = ".ts";
    private long lastUp;
    /** When the last status line was logged (System.nanoTime()): a late line's rate counts the time really passed. */
    private long lastStatusNanos = System.nanoTime();

    private Broadcaster(BroadcastConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.segmentDir = config.dataDir().resolve("segments");
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "broadcast-status");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the data dir, the ports and the channel, then starts cutting {@code feed}. Errors carry
     * a one-line message for the user; nothing is left running after one.
     */
    public static Broadcaster start(BroadcastConfig config, Feed feed, Clock clock) throws IOException {
        Broadcaster b = new Broadcaster(config, clock);
        try {
            b.open(feed);
            return b;
        } catch (IOException | RuntimeException e) {
            b.close();
            throw e;
        }
    }

    private void open(Feed feed) throws IOException {
        dirLock = org.minuteswarm.channel.DataDirLock.acquire(config.dataDir());
        identity = ChannelIdentity.loadOrCreate(config.dataDir());
        sequences = new SequenceCounter(config.dataDir());
        Files.createDirectories(segmentDir);
        FileUtils.cleanDirectory(segmentDir.toFile()); // a previous run's window is not republished
        channel = new PublishedChannel(config.channel(), identity, config.segmentDuration(), clock);
        TrackerConfig trackerConfig = TrackerConfig.defaults(config.bind(), config.httpPort());
        tracker = TrackerHttpServer.start(trackerConfig, channel, clock);
        tracker.mount("/status", this::serveStatus);
        // The origin spreads distinct pieces across distinct listeners (super-seeding): one copy goes out,
        // the audience trades the rest. It dials nobody (DialFilter): every listener dials it as a segment
        // starts, outside its limit of a few dials per segment.
        runtime = SwarmRuntime.start(config.swarm().withOriginSpreading(true).withMaxDialsPerTorrent(0));
        String base = "http://" + hostLiteral(config.host()) + ":" + tracker.port();
        URI announce;
        if (config.tracker() != null) {
            publisher = new TrackerPublisher(config.tracker());
            announce = publisher.announceUri();
            channelUrl = new ChannelUrl(publisher.base(), config.channel(), identity.key());
        } else {
            announce = URI.create(base + "/announce");
            channelUrl = ChannelUrl.parse(base + "/channels/" + config.channel() + "?key=" + identity.key().text());
        }
        if (!config.announce().isEmpty()) {
            announce = config.announce().get(0);
        }
        // Listeners dial the origin as soon as they start a segment, before their announce is answered.
        String originHost = config.swarm().announceAddress().map(a -> hostLiteral(a.getHostAddress()))
                .orElse(hostLiteral(config.host()));
        channel.origin(originHost + ":" + runtime.peerPort());
        window = new RollingWindow(runtime, announce, config.window());
        channel.attach(window);
        if (publisher != null) {
            publishToTracker(); // fail now, with one line, if the tracker is unreachable or refuses this key
            publishing = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "broadcast-publish");
                t.setDaemon(true);
                return t;
            });
            channel.onPublished(d -> publishing.execute(this::publishQuietly));
        }
        Files.writeString(config.dataDir().resolve("channel.url"), channelUrl + "\n", StandardCharsets.UTF_8);

        Path workDir = config.dataDir().resolve("cutting");
        Files.createDirectories(workDir);
        FileUtils.cleanDirectory(workDir.toFile());
        segmenter = new Segmenter(new SegmenterConfig(config.segmentDuration(), workDir), feed, this::publish, clock);
        segmenterThread = new Thread(() -> cut(feed), "broadcast-segmenter");
        segmenterThread.setDaemon(true);
        segmenterThread.start();
        ticker.scheduleAtFixedRate(this::logStatus, STATUS_EVERY.toMillis(), STATUS_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("broadcasting channel {} from {} (http port {}, peer port {}, {} s segments, window {})",
                config.channel(), feed.describe(), tracker.port(), runtime.peerPort(),
                config.segmentDuration().toSeconds(), config.window());
    }

    /** Pushes the signed manifest and whichever window torrents the standalone tracker lacks. */
    private void publishToTracker() throws IOException {
        Map<Long, byte[]> torrents = new java.util.HashMap<>();
        for (RollingWindow.Entry e : window.entries()) {
            torrents.put(e.sequence(), e.torrent().bytes());
        }
        try {
            publisher.publish(channel.current(), torrents);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing to " + config.tracker());
        }
    }

    private void publishQuietly() {
        try {
            publishToTracker();
        } catch (IOException e) {
            log.warn("cannot publish to the tracker (next segment retries): {}", e.getMessage());
        }
    }

    private void cut(Feed feed) {
        try {
            segmenter.run();
            if (!closed) {
                log.info("feed {} ended; seeding the window for {} s more", feed.describe(), config.linger().toSeconds());
                Thread.sleep(config.linger().toMillis());
            }
        } catch (IOException e) {
            if (!closed) {
                log.error("feed {} failed: {}", feed.describe(), e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error("segmenter stopped: {}", e.toString(), e); // never a silent end of the broadcast
        } finally {
            ended.countDown();
        }
    }

    private void publish(CutSegment cut) throws IOException {
        if (closed) { // the segmenter's final flush after close(): nothing may publish or write any more
            Files.deleteIfExists(cut.file());
            return;
        }
        long sequence = sequences.take();
        String name = cut.file().getFileName().toString();
        String media = name.endsWith(".mp3") ? ChannelManifest.MEDIA_MP3
                : name.endsWith(".aac") ? ChannelManifest.MEDIA_AAC : ChannelManifest.MEDIA_TS;
        extension = "." + media;
        channel.media(media);
        Path file = segmentFile(sequence);
        Files.move(cut.file(), file, StandardCopyOption.REPLACE_EXISTING);
        RollingWindow.Entry entry = window.publish(sequence, file, cut.duration(), cut.startTime());
        bytesPublished.addAndGet(entry.descriptor().sizeBytes());
        segmentsPublished.incrementAndGet();
        channel.published(entry.descriptor());
        log.debug("published segment {} ({} bytes, {} ms)", sequence, entry.descriptor().sizeBytes(),
                cut.duration().toMillis());
    }

    /** Called for every segment right after its manifest is signed (on the segmenter thread: be fast). */
    public void onPublished(Consumer<SegmentDescriptor> listener) {
        channel.onPublished(listener);
    }

    public ChannelUrl channelUrl() {
        return channelUrl;
    }

    public int httpPort() {
        return tracker.port();
    }

    public int peerPort() {
        return runtime.peerPort();
    }

    /** Where a published segment's file is while it is in the window. */
    public Path segmentFile(long sequence) {
        return segmentDir.resolve(sequence + extension);
    }

    public long originUploadedBytes() {
        return runtime.uploadedBytes();
    }

    /** Piece data the origin's upload scheduler released to be sent (see {@code SwarmRuntime.releasedBytes}). */
    public long originReleasedBytes() {
        return runtime.releasedBytes();
    }

    public long bytesPublished() {
        return bytesPublished.get();
    }

    public long segmentsPublished() {
        return segmentsPublished.get();
    }

    /** Waits until the feed has ended (and the linger passed) or the broadcast is closed. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channel", config.channel());
        m.put("segmentsPublished", segmentsPublished.get());
        m.put("latestSegment", channel.current() == null ? -1 : channel.current().manifest().latestSequence());
        m.put("bytesPublished", bytesPublished.get());
        m.put("originUploadedBytes", runtime.uploadedBytes());
        m.put("listeners", Math.max(0, tracker.peers(config.channel()) - 1));
        m.put("peers", runtime.connectedPeers());
        m.put("windowSegments", window.entries().size());
        return m;
    }

    private void serveStatus(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = (JsonWriter.write(status()) + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private void logStatus() {
        try {
            long up = runtime.uploadedBytes();
            long now = System.nanoTime();
            double seconds = Math.max(1e-3, (now - lastStatusNanos) / 1e9);
            log.info(String.format(Locale.ROOT,
                    "broadcast: segment %d published %d (%.1f MB) listeners %d peers %d up %.0f kB/s (origin total %.1f MB)",
                    channel.current().manifest().latestSequence(), segmentsPublished.get(), bytesPublished.get() / 1e6,
                    Math.max(0, tracker.peers(config.channel()) - 1), runtime.connectedPeers(),
                    (up - lastUp) / seconds / 1000, up / 1e6));
            lastUp = up;
            lastStatusNanos = now;
        } catch (RuntimeException e) {
            log.debug("status line failed", e);
        }
    }

    private static String hostLiteral(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
        if (publishing != null) {
            publishing.shutdownNow();
        }
        if (segmenter != null) {
            segmenter.close();
        }
        if (segmenterThread != null) {
            segmenterThread.interrupt();
            if (Thread.currentThread() != segmenterThread) {
                try {
                    segmenterThread.join(5000); // it writes in the data dir: done before close() returns
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        // Swarms first (their 'stopped' announces still reach the tracker), the tracker last.
        if (window != null) {
            window.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (tracker != null) {
            tracker.close();
        }
        if (dirLock != null) {
            dirLock.close();
        }
        ended.countDown();
    }
}
