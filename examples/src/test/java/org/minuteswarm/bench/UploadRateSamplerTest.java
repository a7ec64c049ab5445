package org.minuteswarm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UploadRateSamplerTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /**
     * 100 B/s for 20 s, except 1000 B in the second from 8 to 9 s: the busiest 5 s hold that second and four at
     * 100 B/s, 280 B/s; a window that ends before the burst sees only the steady rate.
     */
    @Test
    void findsTheBusiestWindowWithinTheSpanAsked() {
        UploadRateSampler sampler = new UploadRateSampler(() -> 0);
        long bytes = 0;
        for (int s = 0; s <= 20; s++) {
            sampler.record(s * SECOND, bytes);
            bytes += s == 8 ? 1000 : 100;
        }
        assertEquals(280, sampler.peakBytesPerSecond(5, TimeUnit.SECONDS, 0, 20 * SECOND), 1e-9);
        assertEquals(100, sampler.peakBytesPerSecond(5, TimeUnit.SECONDS, 0, 8 * SECOND), 1e-9);
        assertEquals(100, sampler.peakBytesPerSecond(5, TimeUnit.SECONDS, 9 * SECOND, 20 * SECOND), 1e-9);
        assertEquals(0, sampler.peakBytesPerSecond(5, TimeUnit.SECONDS, 0, 4 * SECOND), 1e-9, "span under 5 s");
    }

    /** A sample that came late (its thread starved) counts over the time that really passed. */
    @Test
    void aLateSampleIsTimedByItsOwnClock() {
        UploadRateSampler sampler = new UploadRateSampler(() -> 0);
        sampler.record(0, 0);
        sampler.record(7 * SECOND, 700);
        sampler.record(12 * SECOND, 1200);
        assertEquals(100, sampler.peakBytesPerSecond(5, TimeUnit.SECONDS, 0, 12 * SECOND), 1e-9);
    }
}
