package org.minuteswarm.segmenter.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class PacerTest {

    private static final long MS = 27_000;

    private final FakeTime time = new FakeTime();
    private final Pacer pacer = new Pacer(time, time.sleeper(), () -> false);

    @Test
    void waitsForEachPcrFromTheBase() throws IOException {
        pacer.awaitPcr(500 * MS); // the base: no wait
        assertEquals(Duration.ZERO, time.slept());
        pacer.awaitPcr(540 * MS);
        assertEquals(Duration.ofMillis(40), time.slept());
        time.advance(Duration.ofMillis(25)); // the reader took 25 ms: only 15 ms left to wait
        pacer.awaitPcr(580 * MS);
        assertEquals(Duration.ofMillis(55), time.slept());
    }

    @Test
    void aSeamRestartsTheBase() throws IOException {
        pacer.awaitPcr(0);
        pacer.awaitPcr(1900 * MS / 2);
        pacer.restart();
        pacer.awaitPcr(0); // the file's first PCR again: a new base, not a wait of -0.95 s
        pacer.awaitPcr(40 * MS);
        assertEquals(Duration.ofMillis(950 + 40), time.slept());
    }

    @Test
    void aSlowReaderIsNotAllowedToBurstMuchLater() throws IOException {
        pacer.awaitPcr(0);
        time.advance(Duration.ofSeconds(5)); // stalled for 5 s
        pacer.awaitPcr(40 * MS); // late: released at once, and the base moves up
        pacer.awaitPcr(80 * MS);
        assertEquals(Duration.ofMillis(40), time.slept());
    }

    @Test
    void aClockSetBackDoesNotStallTheFeed() throws IOException {
        pacer.awaitPcr(0);
        time.advance(Duration.ofHours(-1));
        pacer.awaitPcr(40 * MS);
        assertEquals(Duration.ZERO, time.slept());
        pacer.awaitPcr(80 * MS);
        assertEquals(Duration.ofMillis(40), time.slept());
    }

    @Test
    void untimedBytesGoAtTheGivenRate() throws IOException {
        pacer.awaitBytes(125_000, 1_000_000);
        pacer.awaitBytes(125_000, 1_000_000);
        assertEquals(Duration.ofSeconds(2), time.slept());
    }
}
