package org.minuteswarm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** The agent's playback rule, applied to completion times (segments of 2 s, grace one segment: 2 s). */
class PlayoutModelTest {
    private static final Duration D = Duration.ofSeconds(2);
    /** Publication times unknown: the grace always runs its full length. */
    private static final LongUnaryOperator UNKNOWN = s -> -1;

    private static PlayoutModel.Outcome play(Map<Long, Long> done, long first, long last) {
        return PlayoutModel.play(done, 0, 10, first, last, D, UNKNOWN);
    }

    @Test
    void everySegmentInTimePlaysWithoutStall() {
        // starts with 10 held at 1000 ms; 11 is due at 3000, 12 at 5000, 13 at 7000
        Map<Long, Long> done = Map.of(10L, 1000L, 11L, 2900L, 12L, 5000L, 13L, 4000L);
        assertEquals(new PlayoutModel.Outcome(3, 3, 0, 1000), play(done, 11, 13));
    }

    @Test
    void aLateSegmentWithinTheGraceStallsAndShiftsPlayback() {
        // 11 due at 3000, held at 4500: a 1500 ms stall, 12 then due at 6500
        Map<Long, Long> done = Map.of(10L, 1000L, 11L, 4500L, 12L, 6400L);
        assertEquals(new PlayoutModel.Outcome(2, 2, 1500, 1000), play(done, 11, 12));
    }

    @Test
    void aSegmentLaterThanTheGraceIsSkippedAndItsSlotPasses() {
        // 11 due at 3000, held at 5100 (> 2 s grace): skipped; 12 due at 5000
        Map<Long, Long> done = Map.of(10L, 1000L, 11L, 5100L, 12L, 5000L);
        assertEquals(new PlayoutModel.Outcome(2, 1, 0, 1000), play(done, 11, 12));
    }

    @Test
    void farBehindTheLiveEdgeTheGraceEndsWhenTheEdgeRunsAhead() {
        // 11 due at 3000, held at 4000; 14 (3 ahead of 11) was published at 3500: the wait ends then
        Map<Long, Long> done = Map.of(10L, 1000L, 11L, 4000L, 12L, 4500L);
        LongUnaryOperator published = s -> s == 14 ? 3500 : -1;
        assertEquals(new PlayoutModel.Outcome(2, 1, 0, 1000), PlayoutModel.play(done, 0, 10, 11, 12, D, published));
        // 11 and 12 were out when 10 started playing (at 1000): it started 2 behind, so 11 keeps its full grace
        LongUnaryOperator earlier = s -> s == 11 || s == 12 ? 900 : s == 14 ? 3500 : -1;
        assertEquals(new PlayoutModel.Outcome(2, 2, 1000, 1000), PlayoutModel.play(done, 0, 10, 11, 12, D, earlier));
    }

    @Test
    void onlyMeasuredSegmentsCount() {
        Map<Long, Long> done = Map.of(10L, 1000L, 12L, 5000L);
        assertEquals(new PlayoutModel.Outcome(1, 1, 0, 1000), play(done, 12, 12));
    }

    @Test
    void neverStartingMeansNothingPlayed() {
        assertEquals(new PlayoutModel.Outcome(3, 0, 0, -1), play(Map.of(), 11, 13));
    }
}
