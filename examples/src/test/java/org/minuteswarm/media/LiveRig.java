package org.minuteswarm.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.minuteswarm.agent.AgentConfig;
import org.minuteswarm.agent.AgentListener;
import org.minuteswarm.agent.ListenerAgent;
import org.minuteswarm.channel.ManifestException;
import org.minuteswarm.channel.SegmentDescriptor;
import org.minuteswarm.segmenter.BroadcastConfig;
import org.minuteswarm.segmenter.Broadcaster;
import org.minuteswarm.segmenter.feed.Feed;

/**
 * A broadcaster on loopback fed a real media feed, plus listener agents, recording a copy of
 * every published segment (the file leaves the window later) and what each agent played.
 */
final class LiveRig implements AutoCloseable {
    static final Duration SEGMENT = Duration.ofSeconds(2);

    final Clock clock = Clock.systemUTC();
    final Path dir;
    final Broadcaster broadcaster;
    final Map<Long, Path> copies = new ConcurrentHashMap<>();
    final Map<Long, SegmentDescriptor> descriptors = new ConcurrentHashMap<>();
    final AtomicLong liveEdge = new AtomicLong(-1);
    final List<Agent> agents = new ArrayList<>();
    private final List<StreamReader> readers = new ArrayList<>();
    private boolean closed;

    final Duration segment;

    LiveRig(Path dir, Feed feed) throws IOException {
        this(dir, feed, SEGMENT);
    }

    LiveRig(Path dir, Feed feed, Duration segment) throws IOException {
        this.dir = dir;
        this.segment = segment;
        Files.createDirectories(dir.resolve("published"));
        broadcaster = Broadcaster.start(BroadcastConfig.loopback("media", segment, 10, dir.resolve("broadcaster")),
                feed, clock);
        broadcaster.onPublished(d -> {
            try {
                Path copy = dir.resolve("published").resolve(d.sequence() + ".seg");
                Files.copy(broadcaster.segmentFile(d.sequence()), copy, StandardCopyOption.REPLACE_EXISTING);
                copies.put(d.sequence(), copy);
                descriptors.put(d.sequence(), d);
                liveEdge.accumulateAndGet(d.sequence(), Math::max);
            } catch (IOException e) {
                throw new IllegalStateException("cannot copy published segment " + d.sequence(), e);
            }
        });
    }

    /** One agent and what it played, with the wall-clock time (ms) of each event. */
    static final class Agent implements AgentListener {
        final List<Long> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Long> skipped = new java.util.concurrent.CopyOnWriteArrayList<>();
        ListenerAgent agent;

        @Override
        public void segmentStarted(long sequence, Path file) {
            started.add(sequence);
        }

        @Override
        public void segmentSkipped(long sequence) {
            skipped.add(sequence);
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + agent.playPort() + path);
        }
    }

    Agent startAgent(String name, java.util.function.UnaryOperator<AgentConfig> tweak)
            throws IOException, ManifestException {
        Agent a = new Agent();
        AgentConfig base = AgentConfig.loopback(broadcaster.channelUrl(), dir.resolve(name));
        // These tests check media, not timing: on a busy 2-core machine a late segment may stall for up to a
        // segment duration instead of being skipped (the CLI default is half of one).
        base = base.withLateGrace(segment);
        AgentConfig config = tweak.apply(base);
        a.agent = ListenerAgent.start(config, clock, a);
        agents.add(a);
        return a;
    }

    /** Waits until {@code n} segments have been published. */
    void awaitPublished(int n, Duration timeout) throws InterruptedException, TimeoutException {
        await(() -> copies.size() >= n, timeout, () -> "only " + copies.size() + " of " + n + " segments published");
    }

    static void await(BooleanSupplier done, Duration timeout, java.util.function.Supplier<String> why)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(why.get() + " in " + timeout);
            }
            Thread.sleep(50);
        }
    }

    /** Bytes of a published segment (its copy). */
    byte[] published(long seq) throws IOException {
        Path p = copies.get(seq);
        if (p == null) {
            throw new IllegalStateException("segment " + seq + " was not seen being published");
        }
        return Files.readAllBytes(p);
    }

    /** Reads an HTTP stream like a player: on its own thread, into memory, noting the first byte's arrival. */
    StreamReader read(URI uri) {
        StreamReader r = new StreamReader(uri);
        readers.add(r);
        r.thread.start();
        return r;
    }

    static final class StreamReader {
        final URI uri;
        final Thread thread;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile long connectedNanos = -1;
        volatile long firstByteNanos = -1;
        volatile Exception error;
        private volatile HttpURLConnection connection;
        private volatile boolean stopped;

        StreamReader(URI uri) {
            this.uri = uri;
            this.thread = new Thread(this::run, "media-reader-" + uri.getPort());
            this.thread.setDaemon(true);
        }

        private void run() {
            try {
                HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
                connection = c;
                c.setConnectTimeout(5000);
                c.setReadTimeout(30000);
                try (InputStream in = c.getInputStream()) {
                    connectedNanos = System.nanoTime();
                    byte[] buf = new byte[16 * 1024];
                    int n;
                    while (!stopped && (n = in.read(buf)) >= 0) {
                        if (n > 0 && firstByteNanos < 0) {
                            firstByteNanos = System.nanoTime();
                        }
                        synchronized (bytes) {
                            bytes.write(buf, 0, n);
                        }
                    }
                }
            } catch (IOException e) {
                if (!stopped) {
                    error = e;
                }
            }
        }

        int size() {
            synchronized (bytes) {
                return bytes.size();
            }
        }

        byte[] bytes() {
            synchronized (bytes) {
                return bytes.toByteArray();
            }
        }

        void stop() {
            stopped = true;
            HttpURLConnection c = connection;
            if (c != null) {
                c.disconnect();
            }
            thread.interrupt();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (StreamReader r : readers) {
            r.stop();
        }
        for (Agent a : agents) {
            if (a.agent != null) {
                a.agent.close();
            }
        }
        broadcaster.close();
    }
}
