package org.minuteswarm.segmenter.feed;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One segment the {@link Segmenter} has cut: a file in its work dir (for MPEG-TS: whole packets,
 * PAT and PMT first, then a keyframe; for MP3/AAC: whole frames), its size, its media duration
 * (from the timestamps for TS, the frame count for MP3/AAC, the clock otherwise; always positive)
 * and the clock instant its first byte arrived.
 */
public record CutSegment(Path file, long sizeBytes, Duration duration, Instant startTime) {
    public CutSegment {
        Objects.requireNonNull(file, "file");
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("segment size must be > 0: " + sizeBytes);
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("segment duration must be > 0: " + duration);
        }
        Objects.requireNonNull(startTime, "startTime");
    }
}
