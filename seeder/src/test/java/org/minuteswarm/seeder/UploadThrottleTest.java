package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The token bucket against a fake clock: no sleeping. */
class UploadThrottleTest {
    private long now;
    private long slept;

    private UploadThrottle throttle(long rate) {
        return new UploadThrottle(rate, () -> now, nanos -> {
            slept += nanos;
            now += nanos;
        });
    }

    @Test
    void sustainedSendingTakesLengthOverRate() throws Exception {
        UploadThrottle t = throttle(100_000);
        for (int i = 0; i < 100; i++) {
            t.acquire(16_384);
        }
        // 1,638,400 bytes at 100 kB/s; the bucket starts empty, so there is no initial burst.
        assertEquals(16.384, slept / 1e9, 0.001);
    }

    @Test
    void idleTimeBuysOnlyASmallBurst() throws Exception {
        UploadThrottle t = throttle(100_000);
        now += TimeUnit.SECONDS.toNanos(60);
        t.acquire(5_000);
        assertEquals(0, slept);
        t.acquire(10_000);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(100), slept, 1_000);
    }

    @Test
    void zeroMeansUnlimited() throws Exception {
        UploadThrottle t = throttle(0);
        t.acquire(Integer.MAX_VALUE);
        assertEquals(0, slept);
    }
}
