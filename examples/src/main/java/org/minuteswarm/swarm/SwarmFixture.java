package org.minuteswarm.swarm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.minuteswarm.agent.AgentConfig;
import org.minuteswarm.agent.AgentListener;
import org.minuteswarm.agent.ListenerAgent;
import org.minuteswarm.channel.ManifestException;
import org.minuteswarm.segmenter.BroadcastConfig;
import org.minuteswarm.segmenter.Broadcaster;
import org.minuteswarm.segmenter.feed.SyntheticTs;
import org.minuteswarm.seeder.SwarmConfig;

/**
 * A whole channel on loopback in one call: a broadcaster fed a synthetic live MPEG-TS stream and
 * N listener agents, each in its own data dir with its own peer and playback ports. It records
 * what was published (a copy of every segment and when), what each agent completed and played,
 * and each agent's played stream, so tests and benchmarks can check bytes and measure time.
 */
public final class SwarmFixture implements AutoCloseable {
    private final Builder spec;
    private final Clock clock = Clock.systemUTC();
    private final Map<Long, byte[]> published = new ConcurrentHashMap<>();
    private final Map<Long, Instant> publishedAt = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new ArrayList<>();
    private Broadcaster broadcaster;

    private SwarmFixture(Builder spec) {
        this.spec = spec;
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** One listener agent and what the fixture saw of it. */
    public static final class Listener implements AgentListener {
        private final int index;
        private ListenerAgent agent;
        private final List<Long> played = Collections.synchronizedList(new ArrayList<>());
        private final List<Long> skipped = Collections.synchronizedList(new ArrayList<>());
        private final Map<Long, Instant> completedAt = new ConcurrentHashMap<>();
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();
        private final Clock clock;
        private Thread reader;

        Listener(int index, Clock clock) {
            this.index = index;
            this.clock = clock;
        }

        @Override
        public void segmentCompleted(long sequence) {
            completedAt.putIfAbsent(sequence, clock.instant());
        }

        @Override
        public void segmentStarted(long sequence, Path file) {
            played.add(sequence);
        }

        @Override
        public void segmentSkipped(long sequence) {
            skipped.add(sequence);
        }

        public int index() {
            return index;
        }

        public ListenerAgent agent() {
            return agent;
        }

        public List<Long> played() {
            synchronized (played) {
                return List.copyOf(played);
            }
        }

        public List<Long> skipped() {
            synchronized (skipped) {
                return List.copyOf(skipped);
            }
        }

        public Map<Long, Instant> completedAt() {
            return Map.copyOf(completedAt);
        }

        /** The played stream so far, as the agent's output copier wrote it. */
        public byte[] output() {
            synchronized (output) {
                return output.toByteArray();
            }
        }
    }

    public static final class Builder {
        private final Path dir;
        private int listeners = 10;
        private Duration segmentDuration = Duration.ofSeconds(2);
        private int window = 10;
        private int seedWindow = AgentConfig.DEFAULT_SEED_WINDOW;
        private long bitsPerSecond = 1_000_000;
        private long originUploadBytesPerSecond;
        private long listenerUploadBytesPerSecond;
        private java.net.URI tracker;
        private Duration lateGrace;

        private Builder(Path dir) {
            this.dir = dir;
        }

        public Builder listeners(int n) {
            this.listeners = n;
            return this;
        }

        public Builder segmentDuration(Duration d) {
            this.segmentDuration = d;
            return this;
        }

        public Builder window(int n) {
            this.window = n;
            return this;
        }

        public Builder seedWindow(int n) {
            this.seedWindow = n;
            return this;
        }

        public Builder bitrate(long bitsPerSecond) {
            this.bitsPerSecond = bitsPerSecond;
            return this;
        }

        /** Caps the broadcaster's BitTorrent upload (bytes/s); 0 = unlimited. */
        public Builder originUpload(long bytesPerSecond) {
            this.originUploadBytesPerSecond = bytesPerSecond;
            return this;
        }

        /** Caps each listener's BitTorrent upload (bytes/s); 0 = unlimited. */
        public Builder listenerUpload(long bytesPerSecond) {
            this.listenerUploadBytesPerSecond = bytesPerSecond;
            return this;
        }

        /** How late a segment may arrive (a stall) before agents skip it; default one segment duration. */
        public Builder lateGrace(Duration grace) {
            this.lateGrace = grace;
            return this;
        }

        /** Publishes to a standalone tracker (http://HOST:PORT) instead of the broadcaster's embedded one. */
        public Builder tracker(java.net.URI standalone) {
            this.tracker = standalone;
            return this;
        }

        public SwarmFixture start() throws IOException, ManifestException {
            SwarmFixture f = new SwarmFixture(this);
            try {
                f.startAll();
                return f;
            } catch (IOException | ManifestException | RuntimeException e) {
                f.close();
                throw e;
            }
        }
    }

    private void startAll() throws IOException, ManifestException {
        SwarmConfig originSwarm = SwarmConfig.loopback().withMaxUploadBytesPerSecond(spec.originUploadBytesPerSecond);
        BroadcastConfig config = BroadcastConfig.loopback("fixture", spec.segmentDuration, spec.window,
                spec.dir.resolve("broadcaster")).withSwarm(originSwarm).withTracker(spec.tracker);
        broadcaster = Broadcaster.start(config, SyntheticTs.liveFeed(spec.bitsPerSecond, 42, clock), clock);
        broadcaster.onPublished(d -> {
            publishedAt.put(d.sequence(), clock.instant());
            try {
                published.put(d.sequence(), Files.readAllBytes(broadcaster.segmentFile(d.sequence())));
            } catch (IOException e) {
                throw new IllegalStateException("cannot copy published segment " + d.sequence(), e);
            }
        });
        for (int i = 0; i < spec.listeners; i++) {
            Listener l = new Listener(i, clock);
            AgentConfig base = AgentConfig.loopback(broadcaster.channelUrl(), spec.dir.resolve("listener-" + i));
            // Tests check bytes, not timing: on a loaded 2-core CI machine a late segment may stall for up
            // to a segment duration instead of being skipped (the CLI default is half of one).
            base = base.withLateGrace(spec.lateGrace != null ? spec.lateGrace : spec.segmentDuration);
            AgentConfig agentConfig = base
                    .withSeedWindow(spec.seedWindow)
                    .withSwarm(SwarmConfig.loopback().withMaxUploadBytesPerSecond(spec.listenerUploadBytesPerSecond));
            l.agent = ListenerAgent.start(agentConfig, clock, l);
            listeners.add(l);
            l.reader = new Thread(() -> copyOutput(l), "fixture-output-" + i);
            l.reader.setDaemon(true);
            l.reader.start();
        }
    }

    private static void copyOutput(Listener l) {
        try {
            l.agent.copyPlayedStreamTo(new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    synchronized (l.output) {
                        l.output.write(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    synchronized (l.output) {
                        l.output.write(b, off, len);
                    }
                }
            });
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the agent closed
        }
    }

    /** Waits until every listener has played (or skipped) {@code segments} segments. */
    public void awaitPlayed(int segments, Duration timeout) throws InterruptedException, TimeoutException {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            boolean done = listeners.stream().allMatch(l -> l.played().size() + l.skipped().size() > segments);
            if (done) {
                return;
            }
            if (clock.instant().isAfter(deadline)) {
                StringBuilder state = new StringBuilder();
                for (Listener l : listeners) {
                    state.append(" #").append(l.index).append(" played=").append(l.played().size())
                            .append(" skipped=").append(l.skipped().size());
                }
                throw new TimeoutException("listeners did not play " + segments + " segments in " + timeout + ":" + state);
            }
            Thread.sleep(100);
        }
    }

    public Broadcaster broadcaster() {
        return broadcaster;
    }

    public List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    /** A copy of the bytes the broadcaster published as segment {@code sequence}, or null. */
    public byte[] publishedSegment(long sequence) {
        return published.get(sequence);
    }

    public Instant publishedAt(long sequence) {
        return publishedAt.get(sequence);
    }

    /** The concatenation of the published segments, in this order. */
    public byte[] concatenation(List<Long> sequences) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long s : sequences) {
            byte[] b = published.get(s);
            if (b == null) {
                throw new IllegalStateException("segment " + s + " was not seen being published");
            }
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    /**
     * Distribution time of a segment: from its publication until the last listener that was
     * listening then completed it; null if some such listener never completed it.
     */
    public Duration distributionTime(long sequence) {
        Instant at = publishedAt.get(sequence);
        if (at == null) {
            return null;
        }
        Instant last = at;
        for (Listener l : listeners) {
            List<Long> played = l.played();
            if (played.isEmpty() || played.get(0) > sequence) {
                continue; // joined later than this segment
            }
            Instant done = l.completedAt.get(sequence);
            if (done == null) {
                return null;
            }
            if (done.isAfter(last)) {
                last = done;
            }
        }
        return Duration.between(at, last);
    }

    /** Bytes all listeners downloaded over BitTorrent. */
    public long deliveredBytes() {
        return listeners.stream().mapToLong(l -> l.agent.downloadedBytes()).sum();
    }

    @Override
    public void close() {
        for (Listener l : listeners) {
            l.agent.close();
            if (l.reader != null) {
                l.reader.interrupt();
            }
        }
        if (broadcaster != null) {
            broadcaster.close();
        }
    }
}
