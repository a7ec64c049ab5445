package org.minuteswarm.channel;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One segment as the manifest lists it: its sequence number (which only grows, across
 * broadcaster restarts too), the info-hash of its torrent, its size, its media duration and the
 * time its first byte entered the feed.
 */
public record SegmentDescriptor(long sequence, InfoHash infoHash, long sizeBytes, Duration duration,
                                Instant startTime) {
    public SegmentDescriptor {
        if (sequence < 0) {
            throw new IllegalArgumentException("segment sequence must be >= 0: " + sequence);
        }
        Objects.requireNonNull(infoHash, "infoHash");
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("segment size must be > 0: " + sizeBytes);
        }
        if (duration == null || duration.toMillis() < 1) {
            throw new IllegalArgumentException("segment duration must be at least 1 ms: " + duration);
        }
        Objects.requireNonNull(startTime, "startTime");
    }
}
