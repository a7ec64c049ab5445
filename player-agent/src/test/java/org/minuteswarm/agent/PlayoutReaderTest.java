package org.minuteswarm.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a reader of the played stream gets: played segments whole and in order, skipped ones absent. */
@Timeout(20)
class PlayoutReaderTest {
    private static final long SEGMENT_MILLIS = 200;

    @TempDir
    Path dir;
    private FakeSegments segments;
    private final RecordingListener listener = new RecordingListener();
    private final ExecutorService readers = Executors.newCachedThreadPool();
    private Playout playout;

    @BeforeEach
    void setUp() {
        segments = new FakeSegments(dir);
        playout = new Playout(segments.library, Clock.systemUTC(), Duration.ofMillis(80), s -> { });
        playout.addListener(listener);
    }

    @AfterEach
    void tearDown() {
        playout.close();
        readers.shutdownNow();
    }

    private Future<byte[]> read(long fromSequence, long maxSegments) {
        return readers.submit(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new PlayoutReader(playout).copyTo(out, fromSequence, maxSegments);
            return out.toByteArray();
        });
    }

    @Test
    void outputIsThePlayedSegmentsInOrderWithoutSkippedOnes() throws Exception {
        segments.addComplete(1, SEGMENT_MILLIS, 30_000);
        segments.addComplete(2, SEGMENT_MILLIS, 70_001); // more than one copy buffer
        segments.add(3, SEGMENT_MILLIS, 20_000);        // never completes: skipped
        segments.addComplete(4, SEGMENT_MILLIS, 1);
        segments.addComplete(5, SEGMENT_MILLIS, 40_000);
        segments.addComplete(6, SEGMENT_MILLIS, 40_000);
        Future<byte[]> fromOne = read(1, 4);
        Future<byte[]> fromTwo = read(2, 2);
        Future<byte[]> fromThree = read(3, 1); // 3 never plays: starts at the first played after it
        playout.start(1);

        assertArrayEquals(segments.concatenation(1, 2, 4, 5), fromOne.get(10, TimeUnit.SECONDS));
        assertArrayEquals(segments.concatenation(2, 4), fromTwo.get(10, TimeUnit.SECONDS));
        assertArrayEquals(segments.concatenation(4), fromThree.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(3L), listener.skipped());
    }

    @Test
    void readerFromASequenceAlreadyPlayedStartsThere() throws Exception {
        for (long s = 1; s <= 4; s++) {
            segments.addComplete(s, SEGMENT_MILLIS, 10_000);
        }
        playout.start(1);
        listener.awaitTrue(() -> playout.segmentsPlayed() == 2, 5000, "1 and 2 played");
        assertArrayEquals(segments.concatenation(2, 3), read(2, 2).get(10, TimeUnit.SECONDS),
                "segment 2 comes from the playout's history, then 3 as it plays");
    }

    @Test
    void readerAttachedMidSegmentGetsThatSegmentFromItsStart() throws Exception {
        segments.addComplete(1, 600, 60_000);
        segments.addComplete(2, 600, 60_000);
        segments.addComplete(3, 600, 60_000);
        segments.addComplete(4, 600, 60_000);
        playout.start(1);
        listener.await("started", 2, 3000);
        Thread.sleep(200); // well into segment 2
        assertArrayEquals(segments.concatenation(2, 3), read(-1, 2).get(10, TimeUnit.SECONDS));
    }

    @Test
    void bytesArriveAtThePaceOfPlayback() throws Exception {
        segments.addComplete(1, 1000, 100_000);
        segments.addComplete(2, 1000, 100_000);
        List<long[]> writes = new CopyOnWriteArrayList<>(); // {nanos since start, total bytes}
        long t0 = System.nanoTime();
        Future<?> reader = readers.submit(() -> {
            OutputStream out = new OutputStream() {
                long total;

                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    total += len;
                    writes.add(new long[] {System.nanoTime() - t0, total});
                }
            };
            new PlayoutReader(playout).copyTo(out, 1, 1);
            return null;
        });
        playout.start(1);
        reader.get(10, TimeUnit.SECONDS);
        long atHalf = 0;
        for (long[] w : writes) {
            if (TimeUnit.NANOSECONDS.toMillis(w[0]) <= 500) {
                atHalf = w[1];
            }
        }
        assertTrue(atHalf > 20_000 && atHalf < 70_000, atHalf + " of 100000 bytes written after 500 ms of 1000");
        assertEquals(100_000, writes.get(writes.size() - 1)[1]);
    }

    @Test
    void readerReturnsWhenPlaybackCloses() throws Exception {
        segments.add(1, SEGMENT_MILLIS, 1000);
        playout.start(1);
        Future<byte[]> reader = read(-1, Long.MAX_VALUE);
        Thread.sleep(200);
        playout.close();
        assertEquals(0, reader.get(3, TimeUnit.SECONDS).length);
    }
}
