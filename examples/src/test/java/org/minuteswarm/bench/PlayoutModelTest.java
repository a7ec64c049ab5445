package org.minuteswarm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent's playback rule, applied to completion times (segments of 2 s, grace 1 s). */
class PlayoutModelTest {
    private static final Duration D = Duration.ofSeconds(2);

    @Test
    void everySegmentInTimePlaysWithoutStall() {
        // starts with 10 held at 1000 ms; 11 is due at 3000, 12 at 5000, 13 at 7000
        Map<Long, Long> done = Map.of(10L, 1000L, 11L, 2900L, 12L, 5000L, 13L, 4000L);
        PlayoutModel.Outcome o = PlayoutModel.play(done, 0, 10, 11, 13, D);
        assertEquals(new PlayoutModel.Outcome(3, 3, 0, 1000), o);
    }

    @Test
    void aLateSegmentWithinTheGraceStallsAndShiftsPlayback() {
        // 11 due at 3000, held at 3500: a 500 ms stall, 12 then due at 5500
        Map<Long, Long> done = Map.of(10L, 1000L, 11L, 3500L, 12L, 5400L);
        assertEquals(new PlayoutModel.Outcome(2, 2, 500, 1000), PlayoutModel.play(done, 0, 10, 11, 12, D));
    }

    @Test
    void aSegmentLaterThanTheGraceIsSkippedAndItsSlotPasses() {
        // 11 due at 3000, held at 4100 (> 1 s grace): skipped; 12 due at 5000
        Map<Long, Long> done = Map.of(10L, 1000L, 11L, 4100L, 12L, 5000L);
        assertEquals(new PlayoutModel.Outcome(2, 1, 0, 1000), PlayoutModel.play(done, 0, 10, 11, 12, D));
    }

    @Test
    void onlyMeasuredSegmentsCount() {
        Map<Long, Long> done = Map.of(10L, 1000L, 12L, 5000L);
        assertEquals(new PlayoutModel.Outcome(1, 1, 0, 1000), PlayoutModel.play(done, 0, 10, 12, 12, D));
    }

    @Test
    void neverStartingMeansNothingPlayed() {
        assertEquals(new PlayoutModel.Outcome(3, 0, 0, -1), PlayoutModel.play(Map.of(), 0, 10, 11, 13, D));
    }
}
