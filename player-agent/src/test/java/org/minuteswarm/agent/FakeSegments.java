package org.minuteswarm.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.channel.SegmentDescriptor;

/**
 * A {@link SegmentLibrary} filled with segments of random bytes whose swarms are {@link FakeSwarm}s:
 * the test decides when (and whether) each download completes.
 */
final class FakeSegments {
    final SegmentLibrary library = new SegmentLibrary();
    private final Path dir;
    private final Map<Long, byte[]> bytes = new ConcurrentHashMap<>();
    private final Map<Long, LocalSegment> segments = new ConcurrentHashMap<>();

    FakeSegments(Path dir) {
        this.dir = dir;
    }

    /** Publishes segment {@code sequence} (its download not yet complete). */
    LocalSegment add(long sequence, long durationMillis, int size) throws IOException {
        return add(sequence, durationMillis, size, false);
    }

    /** Publishes segment {@code sequence} with its download already complete when playback first sees it. */
    LocalSegment addComplete(long sequence, long durationMillis, int size) throws IOException {
        return add(sequence, durationMillis, size, true);
    }

    private LocalSegment add(long sequence, long durationMillis, int size, boolean complete) throws IOException {
        byte[] data = new byte[size];
        new Random(sequence * 31 + size).nextBytes(data);
        Path file = Files.write(dir.resolve(sequence + ".ts"), data);
        byte[] hash = new byte[InfoHash.LENGTH];
        new Random(sequence).nextBytes(hash);
        SegmentDescriptor d = new SegmentDescriptor(sequence, InfoHash.of(hash), size,
                Duration.ofMillis(durationMillis), Instant.now());
        LocalSegment segment = new LocalSegment(d, file);
        FakeSwarm swarm = new FakeSwarm(d.infoHash(), file);
        swarm.completion().whenComplete((f, e) -> library.changed()); // as ListenerAgent.join wires it
        segment.joined(swarm);
        if (complete) {
            swarm.complete();
        }
        bytes.put(sequence, data);
        segments.put(sequence, segment);
        library.add(segment);
        return segment;
    }

    void complete(long sequence) {
        ((FakeSwarm) segments.get(sequence).swarm()).complete();
    }

    /** The first {@code bytes} of segment {@code sequence} are verified; it is still downloading. */
    void verifyPrefix(long sequence, long bytes) {
        ((FakeSwarm) segments.get(sequence).swarm()).verifyPrefix(bytes);
        library.changed();
    }

    /** Marks the segment as one whose torrent was refused: it will never complete. */
    void fail(long sequence) {
        segments.get(sequence).fail();
        library.changed();
    }

    byte[] bytes(long sequence) {
        return bytes.get(sequence);
    }

    byte[] concatenation(long... sequences) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long s : sequences) {
            out.writeBytes(bytes(s));
        }
        return out.toByteArray();
    }
}
