package org.minuteswarm.segmenter.feed;

import java.time.Duration;
import java.time.Instant;

/**
 * Continuous media time from a stream's PCRs. The PCR is a 27 MHz counter that wraps every
 * 2^33 * 300 ticks (about 26.5 hours) and may jump at a discontinuity (a spliced source, a
 * looped file, a restarted encoder). Steps are taken modulo the wrap; a step flagged by the
 * discontinuity_indicator, or longer than {@link #MAX_PCR_STEP} (ISO/IEC 13818-1 requires a
 * PCR at least every 100 ms, so a longer step is a jump, or a backwards step seen modulo the
 * wrap), is replaced by the wall-clock time between the two PCRs' arrival.
 */
final class PcrClock {

    static final Duration MAX_PCR_STEP = Duration.ofSeconds(1);

    private boolean started;
    private long lastPcr;
    private Instant lastArrival;
    private long mediaNanos;
    private long discontinuities;

    /** Media time of this PCR in nanoseconds since the first PCR. */
    long onPcr(long pcr27, boolean discontinuityIndicator, Instant arrival) {
        if (started) {
            long step = TsPacket.pcrToNanos(TsPacket.pcrForward(lastPcr, pcr27));
            if (discontinuityIndicator || step > MAX_PCR_STEP.toNanos()) {
                step = Math.max(0, Duration.between(lastArrival, arrival).toNanos());
                discontinuities++;
            }
            mediaNanos += step;
        }
        started = true;
        lastPcr = pcr27;
        lastArrival = arrival;
        return mediaNanos;
    }

    long discontinuities() {
        return discontinuities;
    }
}
