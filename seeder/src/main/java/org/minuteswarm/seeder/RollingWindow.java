package org.minuteswarm.seeder;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.channel.SegmentDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broadcaster's rolling window: each published segment gets its torrent made and is seeded
 * at once; when the window is full the oldest segment is retired (its swarm stopped, its file
 * deleted). Thread-safe.
 */
public final class RollingWindow implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RollingWindow.class);

    /** A segment in the window. */
    public record Entry(SegmentDescriptor descriptor, TorrentFile torrent, SegmentSwarm swarm) {
        public long sequence() {
            return descriptor.sequence();
        }
    }

    private final SwarmRuntime runtime;
    private final URI announce;
    private final int capacity;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    public RollingWindow(SwarmRuntime runtime, URI announce, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("window must hold at least one segment: " + capacity);
        }
        this.runtime = runtime;
        this.announce = announce;
        this.capacity = capacity;
    }

    /**
     * Makes the segment's torrent, starts seeding it and retires what falls out of the window.
     * The file must stay where it is until the segment retires.
     */
    public Entry publish(long sequence, Path file, Duration duration, Instant startTime) throws IOException {
        TorrentFile torrent = TorrentFile.make(file, announce);
        SegmentDescriptor descriptor = new SegmentDescriptor(sequence, torrent.infoHash(), torrent.length(),
                duration, startTime);
        SegmentSwarm swarm = runtime.seed(torrent, file);
        swarm.setDeadline(startTime); // under a cap, earlier segments' requests are served first
        Entry entry = new Entry(descriptor, torrent, swarm);
        List<Entry> retired = new java.util.ArrayList<>();
        synchronized (this) {
            if (!entries.isEmpty() && entries.peekLast().sequence() >= sequence) {
                swarm.stop();
                throw new IllegalArgumentException("segment " + sequence + " does not follow " + entries.peekLast().sequence());
            }
            entries.addLast(entry);
            while (entries.size() > capacity) {
                retired.add(entries.pollFirst());
            }
        }
        for (Entry old : retired) {
            retire(old);
        }
        return entry;
    }

    private void retire(Entry old) {
        old.swarm().stop();
        try {
            Files.deleteIfExists(old.swarm().file());
        } catch (IOException e) {
            log.warn("cannot delete retired segment {}: {}", old.sequence(), e.getMessage());
        }
        log.debug("retired segment {}", old.sequence());
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    public synchronized Optional<Entry> get(long sequence) {
        return entries.stream().filter(e -> e.sequence() == sequence).findFirst();
    }

    public synchronized Optional<Entry> find(InfoHash infoHash) {
        return entries.stream().filter(e -> e.descriptor().infoHash().equals(infoHash)).findFirst();
    }

    public int capacity() {
        return capacity;
    }

    /** Stops and deletes every segment. */
    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            all = List.copyOf(entries);
            entries.clear();
        }
        all.forEach(this::retire);
    }
}
