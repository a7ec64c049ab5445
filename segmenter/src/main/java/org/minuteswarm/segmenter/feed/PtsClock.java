package org.minuteswarm.segmenter.feed;

/**
 * Continuous media time from the 33-bit, 90 kHz timestamps (DTS, else PTS) of the PES packets
 * that time the cut. Steps are taken modulo the wrap (about 26.5 hours). A step backwards or
 * longer than {@link #MAX_STEP_90K} is a jump (a loop seam, a spliced or restarted source): it
 * counts as one ordinary step, the last normal one, so the media time stays continuous and a
 * segment that spans the jump keeps a sane duration.
 */
final class PtsClock {

    /** Longest believable distance between two PES of one stream: 5 s (a slide show at 0.2 fps). */
    static final long MAX_STEP_90K = 5 * 90_000;

    private boolean started;
    private long last;
    private long mediaNanos;
    private long lastStepNanos;
    private long jumps;

    /** Media time of this timestamp in nanoseconds since the first one. */
    long onTimestamp(long ts90k) {
        if (started) {
            long step = Math.floorMod(ts90k - last, PesHeader.TIMESTAMP_WRAP);
            if (step > MAX_STEP_90K) {
                jumps++;
                mediaNanos += lastStepNanos;
            } else {
                lastStepNanos = step * 1_000_000 / 90;
                mediaNanos += lastStepNanos;
            }
        }
        started = true;
        last = ts90k;
        return mediaNanos;
    }

    /** Whether this timestamp, if it came next, would be a jump. */
    boolean wouldJump(long ts90k) {
        return started && Math.floorMod(ts90k - last, PesHeader.TIMESTAMP_WRAP) > MAX_STEP_90K;
    }

    /** Whether the last timestamp jumped. Compare {@link #jumps()} before and after. */
    long jumps() {
        return jumps;
    }

    /** The last normal step: about one frame (or one audio PES) of media time. */
    long lastStepNanos() {
        return lastStepNanos;
    }

    long mediaNanos() {
        return mediaNanos;
    }
}
