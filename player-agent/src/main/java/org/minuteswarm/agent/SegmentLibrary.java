package org.minuteswarm.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The segments this agent knows of, by sequence number, with one monitor that wakes the playout
 * whenever something changes (a new manifest, a completed download). Thread-safe.
 */
final class SegmentLibrary {
    private final TreeMap<Long, LocalSegment> segments = new TreeMap<>();
    /** Segments playback skipped, this session: they are discontinuities in the played stream. */
    private final java.util.TreeSet<Long> skipped = new java.util.TreeSet<>();
    private long liveEdge = -1;

    synchronized LocalSegment get(long sequence) {
        return segments.get(sequence);
    }

    /** Adds a segment if it is new; returns false if it was already known. */
    synchronized boolean add(LocalSegment segment) {
        liveEdge = Math.max(liveEdge, segment.sequence());
        if (segments.putIfAbsent(segment.sequence(), segment) == null) {
            notifyAll();
            return true;
        }
        return false;
    }

    synchronized long liveEdge() {
        return liveEdge;
    }

    /** The smallest known sequence number after {@code sequence}, or -1. */
    synchronized long nextAfter(long sequence) {
        Long k = segments.higherKey(sequence);
        return k == null ? -1 : k;
    }

    synchronized void markSkipped(long sequence) {
        skipped.add(sequence);
        notifyAll();
    }

    synchronized boolean isSkipped(long sequence) {
        return skipped.contains(sequence);
    }

    /** Runs of consecutive skipped segments before {@code sequence}: the HLS discontinuity sequence. */
    synchronized long discontinuitiesBefore(long sequence) {
        long runs = 0;
        long previous = Long.MIN_VALUE;
        for (long s : skipped.headSet(sequence)) {
            if (s != previous + 1) {
                runs++;
            }
            previous = s;
        }
        return runs;
    }

    synchronized void changed() {
        notifyAll();
    }

    synchronized void awaitChange(long millis) throws InterruptedException {
        if (millis > 0) {
            wait(millis);
        }
    }

    /** Removes and returns every segment matching {@code which}. */
    synchronized List<LocalSegment> removeIf(Predicate<LocalSegment> which) {
        List<LocalSegment> removed = new ArrayList<>();
        var it = segments.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, LocalSegment> e = it.next();
            if (which.test(e.getValue())) {
                removed.add(e.getValue());
                it.remove();
            }
        }
        return removed;
    }

    synchronized List<LocalSegment> snapshot() {
        return new ArrayList<>(segments.values());
    }
}
