package org.minuteswarm.segmenter.feed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the feed is cut.
 *
 * @param segmentDuration media time per segment (60 s by default in the CLI, 2 s in tests)
 * @param workDir         where segment files are written before the sink takes them; created
 *                        if missing
 */
public record SegmenterConfig(Duration segmentDuration, Path workDir) {

    public static final Duration DEFAULT_SEGMENT_DURATION = Duration.ofSeconds(60);

    public SegmenterConfig {
        if (segmentDuration == null || segmentDuration.isNegative() || segmentDuration.isZero()) {
            throw new IllegalArgumentException("segment duration must be > 0: " + segmentDuration);
        }
        Objects.requireNonNull(workDir, "workDir");
    }
}
