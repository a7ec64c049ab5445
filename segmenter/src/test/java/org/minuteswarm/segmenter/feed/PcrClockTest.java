package org.minuteswarm.segmenter.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class PcrClockTest {

    private static final long MS = 27_000; // PCR ticks per millisecond
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void followsThePcrAcrossTheWrap() {
        PcrClock clock = new PcrClock();
        long start = TsPacket.PCR_WRAP - 60 * MS;
        assertEquals(0, clock.onPcr(start, false, T0));
        assertEquals(40_000_000, clock.onPcr(start + 40 * MS, false, T0));
        assertEquals(80_000_000, clock.onPcr((start + 80 * MS) % TsPacket.PCR_WRAP, false, T0)); // wrapped
        assertEquals(120_000_000, clock.onPcr(60 * MS, false, T0));
        assertEquals(0, clock.discontinuities());
    }

    @Test
    void jumpsAndFlaggedDiscontinuitiesUseTheWallClock() {
        PcrClock clock = new PcrClock();
        clock.onPcr(1000 * MS, false, T0);
        // backwards (a looped file): 25 ms of wall time passed
        assertEquals(25_000_000, clock.onPcr(0, false, T0.plusMillis(25)));
        // forward by 10 s: more than MAX_PCR_STEP
        assertEquals(65_000_000, clock.onPcr(10_000 * MS, false, T0.plusMillis(65)));
        // flagged by the discontinuity_indicator though the step looks normal
        assertEquals(75_000_000, clock.onPcr(10_040 * MS, true, T0.plusMillis(75)));
        assertEquals(115_000_000, clock.onPcr(10_080 * MS, false, T0.plusMillis(999)));
        assertEquals(3, clock.discontinuities());
    }

    @Test
    void pcrFieldRoundTrips() {
        byte[] p = new byte[TsPacket.SIZE];
        for (long pcr : new long[] {0, 1, 299, 300, 27_000_000L * 3600, TsPacket.PCR_WRAP - 1}) {
            TsPacket.writePcr(p, 6, pcr);
            p[3] = 0x30;
            p[4] = 7;
            p[5] = 0x10;
            assertEquals(pcr, TsPacket.pcr(p, 0));
        }
    }
}
