package org.minuteswarm.segmenter.feed;

import java.time.Duration;

/** Shared rules for segment durations. */
final class Durations {

    /**
     * A segment's duration is always positive (the manifest requires it). A final segment cut
     * at end of feed may have no measurable media time (one PCR, or a file read at disk speed);
     * it gets this minimum.
     */
    static final Duration MINIMUM = Duration.ofMillis(1);

    private Durations() {
    }

    static Duration atLeastMinimum(Duration d) {
        return d.compareTo(MINIMUM) < 0 ? MINIMUM : d;
    }
}
