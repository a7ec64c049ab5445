package org.minuteswarm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The playback clock on fake swarms: 200 ms segments, downloads completed by the test. Timing bounds
 * are loose on the slow side (a busy CI machine) but tight enough that a clock that does not pace,
 * or waits where it must not, fails.
 */
@Timeout(20)
class PlayoutTest {
    private static final long SEGMENT_MILLIS = 200;
    private static final int SIZE = 10_000;

    @TempDir
    Path dir;
    private FakeSegments segments;
    private final RecordingListener listener = new RecordingListener();
    private final List<Long> afterSegment = new CopyOnWriteArrayList<>();
    /** Completes downloads later; its thread starts with the first task. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void setUp() {
        segments = new FakeSegments(dir);
    }

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    /** A playout whose segment {@code late} completes {@code delayMillis} after its deadline, the end of the one before. */
    private Playout completingLate(long late, long delayMillis, Duration lateGrace) {
        Playout p = new Playout(segments.library, Clock.systemUTC(), lateGrace, s -> {
            if (s == late - 1) { // the seed window hook runs as the segment before ends
                timer.schedule(() -> segments.complete(late), delayMillis, TimeUnit.MILLISECONDS);
            }
        });
        p.addListener(listener);
        return p;
    }

    private Playout playout(Duration lateGrace) {
        Playout p = new Playout(segments.library, Clock.systemUTC(), lateGrace, afterSegment::add);
        p.addListener(listener);
        return p;
    }

    private static long millis(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }

    @Test
    void startsAtTheGivenSequenceAndWaitsForItWithoutADeadline() throws Exception {
        segments.addComplete(3, SEGMENT_MILLIS, SIZE);
        segments.add(4, SEGMENT_MILLIS, SIZE);
        segments.addComplete(5, SEGMENT_MILLIS, SIZE);
        Playout playout = playout(Duration.ofMillis(50));
        try {
            playout.start(4);
            // Far past any deadline 4 could have: at startup there is none, playback just waits.
            Thread.sleep(700);
            assertEquals(List.of(), listener.started(), "nothing plays before the start segment is complete");
            assertEquals(-1, playout.startupMillis());
            assertEquals(0, playout.segmentsSkipped());
            segments.complete(4);
            listener.await("started", 5, 3000);
            assertEquals(List.of(4L, 5L), listener.started(), "starts at 4, never plays the older 3");
            assertEquals(List.of(), listener.skipped());
            assertTrue(playout.startupMillis() >= 650 && playout.startupMillis() < 3000,
                    "startup " + playout.startupMillis() + " ms: from construction to 4 completing");
            assertEquals(4, playout.startSequence());
        } finally {
            playout.close();
        }
    }

    @Test
    void playsSegmentsInOrderPacedAtRealTime() throws Exception {
        for (long s = 1; s <= 4; s++) {
            segments.addComplete(s, SEGMENT_MILLIS, SIZE);
        }
        Playout playout = playout(Duration.ofMillis(100));
        try {
            playout.start(1);
            listener.awaitTrue(() -> playout.segmentsPlayed() == 4, 5000, "4 played");
            assertEquals(List.of(1L, 2L, 3L, 4L), listener.started());
            for (long s = 2; s <= 4; s++) {
                long gap = millis(listener.find("started", s - 1).nanos(), listener.find("started", s).nanos());
                assertTrue(gap >= SEGMENT_MILLIS - 10, "segment " + s + " started " + gap + " ms after " + (s - 1)
                        + ": before " + (s - 1) + " had played its " + SEGMENT_MILLIS + " ms");
            }
            long all = millis(listener.find("started", 1).nanos(), listener.find("started", 4).nanos());
            assertTrue(all < 3 * SEGMENT_MILLIS + 500, "1 to 4 took " + all + " ms: playback lags real time");
            assertEquals(0, playout.segmentsSkipped());
            assertEquals(0, playout.stallMillis());
            listener.awaitTrue(() -> afterSegment.size() == 4, 2000, "the seed window hook after each segment");
            assertEquals(List.of(1L, 2L, 3L, 4L), afterSegment, "the seed window hook runs after each segment, in order");
        } finally {
            playout.close();
        }
    }

    @Test
    void aSlowSeedWindowHookDoesNotHoldUpTheNextSegment() throws Exception {
        for (long s = 1; s <= 4; s++) {
            segments.addComplete(s, SEGMENT_MILLIS, SIZE);
        }
        List<Long> hooked = new CopyOnWriteArrayList<>();
        // as the agent's hook stops a retired segment's torrent, which waits for bt
        Playout playout = new Playout(segments.library, Clock.systemUTC(), Duration.ofMillis(100), s -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            hooked.add(s);
        });
        playout.addListener(listener);
        try {
            playout.start(1);
            listener.awaitTrue(() -> playout.segmentsPlayed() == 4, 5000, "4 played");
            long all = millis(listener.find("started", 1).nanos(), listener.find("started", 4).nanos());
            assertTrue(all < 3 * SEGMENT_MILLIS + 200, "1 to 4 took " + all + " ms: the hook held playback up");
            assertTrue(playout.stallMillis() < 100, "stalled " + playout.stallMillis() + " ms");
            listener.awaitTrue(() -> hooked.size() == 4, 3000, "the hook after each segment");
            assertEquals(List.of(1L, 2L, 3L, 4L), hooked);
        } finally {
            playout.close();
        }
    }

    @Test
    void releasesBytesInProportionToTimeWithinASegment() throws Exception {
        segments.addComplete(1, 1000, 100_000);
        Playout playout = playout(Duration.ofMillis(100));
        try {
            playout.start(1);
            listener.await("started", 1, 3000);
            Thread.sleep(500);
            Playout.Played p = playout.awaitAfter(-1, 0, 1000);
            assertNotNull(p);
            assertEquals(1, p.sequence());
            assertFalse(p.finished());
            assertTrue(p.released() > 20_000 && p.released() < 80_000, "released " + p.released() + " of 100000 at ~half time");
            Playout.Played end = playout.awaitAfter(1, 99_999, 2000);
            assertNotNull(end);
            assertEquals(100_000, end.released());
            assertTrue(end.finished());
        } finally {
            playout.close();
        }
    }

    @Test
    void segmentIncompleteAfterDeadlinePlusGraceIsSkippedAndTheNextPlays() throws Exception {
        segments.addComplete(1, SEGMENT_MILLIS, SIZE);
        segments.add(2, SEGMENT_MILLIS, SIZE); // never completes
        segments.addComplete(3, SEGMENT_MILLIS, SIZE);
        Playout playout = playout(Duration.ofMillis(100));
        try {
            playout.start(1);
            listener.awaitTrue(() -> playout.segmentsPlayed() == 2, 5000, "1 and 3 played");
            assertEquals(List.of(1L, 3L), listener.started());
            assertEquals(List.of(2L), listener.skipped());
            assertEquals(1, playout.segmentsSkipped());
            long waited = millis(listener.find("started", 1).nanos(), listener.find("skipped", 2).nanos());
            assertTrue(waited >= SEGMENT_MILLIS + 100 - 15 && waited < SEGMENT_MILLIS + 100 + 600,
                    "2 skipped " + waited + " ms after 1 started; its deadline + grace is " + (SEGMENT_MILLIS + 100));
            assertEquals(List.of(1L, 2L, 3L), afterSegment, "a skipped segment still moves the seed window");
        } finally {
            playout.close();
        }
    }

    @Test
    void refusedSegmentIsSkippedWithoutWaitingForItsDeadline() throws Exception {
        segments.addComplete(1, SEGMENT_MILLIS, SIZE);
        segments.add(2, SEGMENT_MILLIS, SIZE);
        segments.addComplete(3, SEGMENT_MILLIS, SIZE);
        segments.fail(2);
        Playout playout = playout(Duration.ofSeconds(5));
        try {
            playout.start(1);
            listener.await("started", 3, 3000); // long before 2's grace of 5 s would end
            assertEquals(List.of(1L, 3L), listener.started());
            assertEquals(List.of(2L), listener.skipped());
        } finally {
            playout.close();
        }
    }

    @Test
    void refusedStartSegmentIsSkippedAndTheNextPlays() throws Exception {
        segments.add(1, SEGMENT_MILLIS, SIZE);
        segments.addComplete(2, SEGMENT_MILLIS, SIZE);
        segments.fail(1); // e.g. its torrent's info-hash did not match the manifest
        Playout playout = playout(Duration.ofMillis(100));
        try {
            playout.start(1);
            listener.await("started", 2, 3000);
            assertEquals(List.of(1L), listener.skipped());
            assertEquals(List.of(2L), listener.started());
            assertEquals(1, playout.segmentsSkipped());
            assertTrue(playout.startupMillis() >= 0);
        } finally {
            playout.close();
        }
    }

    @Test
    void farBehindTheLiveEdgeALateSegmentIsSkippedAtItsDeadlineNotAfterTheGrace() throws Exception {
        segments.addComplete(1, SEGMENT_MILLIS, SIZE);
        Playout playout = playout(Duration.ofSeconds(5)); // a rebuffer would wait 5 s for it
        try {
            playout.start(1); // at the live edge
            listener.await("started", 1, 3000);
            segments.add(2, SEGMENT_MILLIS, SIZE); // never completes
            for (long s = 3; s <= 2 + AgentConfig.MAX_SEGMENTS_BEHIND_LIVE; s++) {
                segments.addComplete(s, SEGMENT_MILLIS, SIZE); // the edge runs ahead while 1 plays
            }
            listener.await("skipped", 2, 3000);
            long waited = millis(listener.find("started", 1).nanos(), listener.find("skipped", 2).nanos());
            assertTrue(waited >= SEGMENT_MILLIS - 15 && waited < SEGMENT_MILLIS + 1000,
                    "2 skipped " + waited + " ms after 1 started; its deadline is " + SEGMENT_MILLIS
                            + " ms, and the edge is " + AgentConfig.MAX_SEGMENTS_BEHIND_LIVE + " segments ahead of it");
            listener.awaitTrue(() -> listener.find("started", 3L) != null, 3000, "3 plays next");
        } finally {
            playout.close();
        }
    }

    @Test
    void oneSegmentShortOfTheLimitALateSegmentStillGetsItsGrace() throws Exception {
        segments.addComplete(1, SEGMENT_MILLIS, SIZE);
        // 2 completes 150 ms after its deadline (the end of 1), with the edge one segment short of the limit.
        Playout playout = completingLate(2, 150, Duration.ofSeconds(5));
        try {
            playout.start(1);
            listener.await("started", 1, 3000);
            segments.add(2, SEGMENT_MILLIS, SIZE);
            for (long s = 3; s <= 2 + AgentConfig.MAX_SEGMENTS_BEHIND_LIVE - 1; s++) {
                segments.addComplete(s, SEGMENT_MILLIS, SIZE);
            }
            listener.awaitTrue(() -> listener.find("started", 2L) != null || listener.find("skipped", 2L) != null,
                    3000, "2 played or skipped");
            assertEquals(List.of(), listener.skipped(), "2 arrived within its grace");
            assertTrue(playout.stallMillis() >= 140, "stall " + playout.stallMillis() + " ms, expected ~150");
        } finally {
            playout.close();
        }
    }

    @Test
    void segmentCompletingWithinTheGracePlaysAsAStall() throws Exception {
        segments.addComplete(1, SEGMENT_MILLIS, SIZE);
        segments.add(2, SEGMENT_MILLIS, SIZE);
        segments.addComplete(3, SEGMENT_MILLIS, SIZE);
        // 2 completes 150 ms after its deadline, the end of 1.
        Playout playout = completingLate(2, 150, Duration.ofMillis(1500));
        try {
            playout.start(1);
            listener.awaitTrue(() -> playout.segmentsPlayed() == 3, 5000, "3 played");
            assertEquals(List.of(1L, 2L, 3L), listener.started());
            assertEquals(0, playout.segmentsSkipped());
            assertTrue(playout.stallMillis() >= 140 && playout.stallMillis() < 1500,
                    "stall " + playout.stallMillis() + " ms, expected ~150");
            long gap = millis(listener.find("started", 1).nanos(), listener.find("started", 2).nanos());
            assertTrue(gap >= SEGMENT_MILLIS + 140, "2 started " + gap + " ms after 1: it had to wait for its download");
        } finally {
            playout.close();
        }
    }

    /** A clock running at twice real time: each of the playout's sleeps looks twice as long, as on a busy machine. */
    private static Clock twiceRealTime() {
        Instant start = Instant.now();
        long base = System.nanoTime();
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return start.plusNanos(2 * (System.nanoTime() - base));
            }
        };
    }

    @Test
    void aFastStartThatStallsResumesWhereItsDataEndsHoweverLongTheThreadSlept() throws Exception {
        // 200 kB over 2 s (clock), 70 kB verified at first: ~0.35 s of real time to play, then a stall.
        segments.add(1, 2000, 200_000);
        segments.verifyPrefix(1, 70_000);
        segments.addComplete(2, 2000, 200_000);
        Playout playout = new Playout(segments.library, twiceRealTime(), Duration.ofMillis(2000), s -> { });
        playout.addListener(listener);
        try {
            playout.start(1);
            listener.await("started", 1, 3000);
            // More arrives within the grace (1 s real), the rest 0.65 s later: a stall, not a truncated segment. Held
            // 50 ms per 100-ms step, the media clock ran past the new data, and the segment was cut at 70 kB.
            timer.schedule(() -> segments.verifyPrefix(1, 100_000), 1050, TimeUnit.MILLISECONDS);
            timer.schedule(() -> segments.complete(1), 1700, TimeUnit.MILLISECONDS);
            listener.await("started", 2, 10_000);
            Playout.Played first = playout.awaitAfter(1, 0, 1000);
            assertNotNull(first);
            assertEquals(1, first.sequence(), "segment 1 gone from the history");
            assertEquals(200_000, first.size(), "segment 1 cut short");
            assertEquals(200_000, first.released());
            assertTrue(playout.stallMillis() >= 1000, "stalled " + playout.stallMillis() + " ms of the clock");
        } finally {
            playout.close();
        }
    }

    @Test
    void aFastStartWhoseDataStopsComingIsCutAfterTheGraceAndTheNextPlays() throws Exception {
        segments.add(1, 1000, 100_000);
        segments.verifyPrefix(1, 70_000); // never more
        segments.addComplete(2, SEGMENT_MILLIS, SIZE);
        Playout playout = playout(Duration.ofMillis(300));
        try {
            playout.start(1);
            listener.await("started", 2, 5000);
            Playout.Played first = playout.awaitAfter(1, 0, 1000);
            assertNotNull(first);
            assertEquals(1, first.sequence());
            assertEquals(70_000, first.size(), "what arrived of segment 1 is what plays");
            assertTrue(first.finished());
            assertEquals(0, playout.segmentsSkipped());
        } finally {
            playout.close();
        }
    }

    @Test
    void followsAGapInSequenceNumbers() throws Exception {
        segments.addComplete(1, SEGMENT_MILLIS, SIZE);
        segments.addComplete(2, SEGMENT_MILLIS, SIZE);
        Playout playout = playout(Duration.ofMillis(100));
        try {
            playout.start(1);
            listener.await("started", 2, 3000);
            segments.addComplete(7, SEGMENT_MILLIS, SIZE); // the broadcaster restarted and skipped 3..6
            segments.addComplete(8, SEGMENT_MILLIS, SIZE);
            listener.awaitTrue(() -> playout.segmentsPlayed() == 4, 5000, "4 played");
            assertEquals(List.of(1L, 2L, 7L, 8L), listener.started());
            assertEquals(List.of(), listener.skipped(), "missing numbers are not segments to skip");
            assertEquals(0, playout.segmentsSkipped());
        } finally {
            playout.close();
        }
    }

    @Test
    void waitsForTheBroadcasterToPublishTheNextSegment() throws Exception {
        segments.addComplete(1, SEGMENT_MILLIS, SIZE);
        Playout playout = playout(Duration.ofMillis(50));
        try {
            playout.start(1);
            listener.awaitTrue(() -> playout.segmentsPlayed() == 1, 3000, "1 played");
            Thread.sleep(500); // far past any deadline of 2: but 2 does not exist yet
            segments.addComplete(2, SEGMENT_MILLIS, SIZE);
            listener.await("started", 2, 3000);
            assertEquals(List.of(), listener.skipped());
        } finally {
            playout.close();
        }
    }

    @Test
    void afterAPauseInPublicationPlaybackResumes() throws Exception {
        segments.addComplete(1, SEGMENT_MILLIS, SIZE);
        Playout playout = playout(Duration.ofMillis(100));
        try {
            playout.start(1);
            listener.awaitTrue(() -> playout.segmentsPlayed() == 1, 3000, "1 played");
            Thread.sleep(1500); // the feed hiccups, or the broadcaster restarts
            for (long s = 2; s <= 4; s++) {
                long seq = s;
                segments.add(s, SEGMENT_MILLIS, SIZE);
                timer.schedule(() -> segments.complete(seq), 30, TimeUnit.MILLISECONDS); // well within the grace
                listener.awaitTrue(() -> listener.find("started", seq) != null || listener.find("skipped", seq) != null,
                        3000, "2 played or skipped");
            }
            assertEquals(List.of(), listener.skipped(), "segments published after the pause, each complete 30 ms later");
            assertEquals(List.of(1L, 2L, 3L, 4L), listener.started());
        } finally {
            playout.close();
        }
    }

    @Test
    void closeEndsPlaybackPromptlyWhileWaitingForStartup() throws Exception {
        segments.add(1, SEGMENT_MILLIS, SIZE);
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Playout playout = playout(Duration.ofMillis(100));
        playout.start(1);
        Set<Thread> mine = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().equals("agent-playout")).collect(Collectors.toSet());
        assertEquals(1, mine.size(), "one playout thread");
        Thread thread = mine.iterator().next();
        Thread.sleep(100);
        long t0 = System.nanoTime();
        playout.close();
        thread.join(2000);
        assertFalse(thread.isAlive(), "playout thread still running after close");
        assertTrue(millis(t0, System.nanoTime()) < 1000);
        assertTrue(playout.isClosed());
        segments.complete(1);
        Thread.sleep(300);
        assertEquals(List.of(), listener.started(), "nothing plays after close");
        assertNull(playout.awaitAfter(-1, 0, 5000), "a reader is not kept waiting after close");
    }

    @Test
    void closeEndsPlaybackPromptlyMidSegment() throws Exception {
        segments.addComplete(1, 5000, SIZE);
        segments.addComplete(2, 5000, SIZE);
        Playout playout = playout(Duration.ofMillis(100));
        try {
            playout.start(1);
            Thread thread = listener.await("started", 1, 3000).thread();
            Thread.sleep(100);
            long t0 = System.nanoTime();
            playout.close();
            thread.join(2000);
            assertFalse(thread.isAlive(), "playout thread still running after close");
            assertTrue(millis(t0, System.nanoTime()) < 1000, "close waited for the 5 s segment to finish");
            Thread.sleep(200);
            assertEquals(List.of(1L), listener.started());
        } finally {
            playout.close();
        }
    }
}
