package org.minuteswarm.segmenter.feed;

import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Releases a recorded stream at its real-time rate, so a file or generator stands in for a live
 * source. Decisions use the injected {@link Clock}; waiting goes through a {@link Sleeper}.
 *
 * <p>MPEG-TS is paced by its PCR: a packet carrying a PCR is released when the clock time since
 * the pacing base has caught up with the PCR time since the base; the packets in between go
 * out at once. The base is the first PCR after {@link #restart()} (a loop seam) or after a PCR
 * jump of more than {@link PcrClock#MAX_PCR_STEP}. Other bytes are paced at a fixed bit rate.
 * A reader that falls more than {@link #MAX_LAG} behind is not allowed to burst to catch up:
 * the base moves forward instead. A clock set back is likewise absorbed by moving the base
 * ({@link #MAX_WAIT}).
 */
final class Pacer {

    /** Longest single sleep, so close() is noticed promptly. */
    static final Duration MAX_SLEEP_SLICE = Duration.ofMillis(100);
    static final Duration MAX_LAG = Duration.ofSeconds(1);
    /**
     * Longest wait that can be right: PCRs come at most {@link PcrClock#MAX_PCR_STEP} apart
     * and untimed chunks are short. A longer wait means the clock was set back; the base moves
     * instead of stalling the feed until the clock catches up.
     */
    static final Duration MAX_WAIT = Duration.ofSeconds(2);

    private final Clock clock;
    private final Sleeper sleeper;
    private final BooleanSupplier stopped;

    private Instant base;
    private long basePcr = -1;
    private long lastPcr;
    private long bytesSinceBase;

    Pacer(Clock clock, Sleeper sleeper, BooleanSupplier stopped) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.stopped = stopped;
    }

    /** A loop seam: the stream's clock starts over. */
    void restart() {
        base = null;
        basePcr = -1;
        bytesSinceBase = 0;
    }

    /** Waits until a packet carrying this PCR (27 MHz ticks) is due. */
    void awaitPcr(long pcr27) throws InterruptedIOException {
        if (basePcr < 0 || TsPacket.pcrToNanos(TsPacket.pcrForward(lastPcr, pcr27))
                > PcrClock.MAX_PCR_STEP.toNanos()) {
            base = clock.instant();
            basePcr = pcr27;
            lastPcr = pcr27;
            return;
        }
        lastPcr = pcr27;
        awaitElapsed(TsPacket.pcrToNanos(TsPacket.pcrForward(basePcr, pcr27)));
    }

    /** Waits until {@code n} more bytes are due at {@code bitsPerSecond}. */
    void awaitBytes(long n, long bitsPerSecond) throws InterruptedIOException {
        if (base == null) {
            base = clock.instant();
            bytesSinceBase = 0;
        }
        bytesSinceBase += n;
        long target = (long) (bytesSinceBase * 8 * 1e9 / bitsPerSecond);
        awaitElapsed(target);
    }

    private void awaitElapsed(long targetNanos) throws InterruptedIOException {
        while (!stopped.getAsBoolean()) {
            Instant now = clock.instant();
            long wait = targetNanos - Duration.between(base, now).toNanos();
            if (wait > MAX_WAIT.toNanos()) {
                base = now.minusNanos(targetNanos);
                return;
            }
            if (wait <= 0) {
                if (-wait > MAX_LAG.toNanos()) {
                    base = base.plusNanos(-wait);
                }
                return;
            }
            try {
                sleeper.sleep(Duration.ofNanos(Math.min(wait, MAX_SLEEP_SLICE.toNanos())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing the feed");
            }
        }
    }
}
