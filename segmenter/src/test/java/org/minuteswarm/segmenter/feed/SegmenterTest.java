package org.minuteswarm.segmenter.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SegmenterTest {

    @TempDir
    Path dir;

    private final FakeTime time = new FakeTime();
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private SegmenterConfig config(Duration d) {
        return new SegmenterConfig(d, dir.resolve("work"));
    }

    @Test
    void nonTsFeedIsCutByTheClockAtAnyByte() throws IOException {
        byte[] text = "not a transport stream, just text\n".repeat(1030).getBytes(StandardCharsets.US_ASCII);
        // 35 reads of 1000 bytes, each arriving 100 ms after the previous one
        CollectingSink sink = new CollectingSink();
        new Segmenter(config(Duration.ofSeconds(1)),
                new ChunkedFeed(java.util.Arrays.copyOf(text, 35_000), 1000, time, Duration.ofMillis(100)), sink,
                time).run();

        List<CollectingSink.Seg> segs = sink.snapshot();
        assertEquals(4, segs.size(), segs.toString());
        for (int i = 0; i < 3; i++) {
            assertEquals(10_000, segs.get(i).bytes().length);
            assertEquals(Duration.ofSeconds(1), segs.get(i).duration());
            assertEquals(FakeTime.EPOCH.plusMillis(100 + 1000 * i), segs.get(i).startTime());
        }
        assertEquals(5_000, segs.get(3).bytes().length);
        assertEquals(Duration.ofMillis(400), segs.get(3).duration()); // first byte at 3.1 s, end at 3.5 s
        assertArrayEquals(java.util.Arrays.copyOf(text, 35_000), sink.concatenation());
    }

    @Test
    void emptyFeedEmitsNoSegmentAndLeavesNoFile() throws IOException {
        CollectingSink sink = new CollectingSink();
        new Segmenter(config(Duration.ofSeconds(1)), new ChunkedFeed(new byte[0], 10), sink, time).run();
        assertTrue(sink.segments.isEmpty());
        try (Stream<Path> files = Files.list(dir.resolve("work"))) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void shortFeedIsOneSegmentWithAPositiveDuration() throws IOException {
        CollectingSink sink = new CollectingSink();
        new Segmenter(config(Duration.ofSeconds(1)), new ChunkedFeed(new byte[] {1, 2, 3}, 10), sink, time).run();
        assertEquals(1, sink.segments.size());
        assertEquals(Durations.MINIMUM, sink.segments.get(0).duration());
    }

    @Test
    void failingSinkStopsRunAndItsFileIsRemoved() {
        byte[] ts = SyntheticTs.generate(500_000, Duration.ofSeconds(3), 1);
        Segmenter s = new Segmenter(config(Duration.ofSeconds(1)), new ChunkedFeed(ts, 4096),
                seg -> {
                    throw new IOException("disk full");
                }, time);
        IOException e = assertThrows(IOException.class, s::run);
        assertEquals("disk full", e.getMessage());
        try (Stream<Path> files = Files.list(dir.resolve("work"))) {
            assertEquals(0, files.count());
        } catch (IOException io) {
            throw new AssertionError(io);
        }
        assertThrows(IllegalStateException.class, s::run);
    }

    @Test
    void closeStopsARunPacedByALiveFeedAndFlushesTheLastSegment() throws Exception {
        // the real clock: the live feed sleeps for real, so close() must cut a real wait short
        CollectingSink sink = new CollectingSink();
        Segmenter s = new Segmenter(config(Duration.ofMillis(500)),
                SyntheticTs.liveFeed(1_000_000, 7, java.time.Clock.systemUTC()), sink, java.time.Clock.systemUTC());
        Future<?> run = executor.submit(() -> {
            s.run();
            return null;
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        while (sink.segments.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long closing = System.nanoTime();
        s.close();
        run.get(2, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - closing < TimeUnit.MILLISECONDS.toNanos(500));
        assertTrue(sink.segments.size() >= 3, sink.segments.toString()); // 2 full + the flushed partial
        long total = sink.segments.stream().mapToLong(x -> x.bytes().length).sum();
        assertEquals(s.bytesRead(), total);
        // real time pacing; cut only before keyframes, which come once a second: a segment asked
        // for 500 ms is one GOP, ~1 s of a 1 Mbit/s stream
        assertEquals(125_000, sink.segments.get(1).bytes().length, 40 * 125);
        assertEquals(1000, sink.segments.get(1).duration().toMillis(), 45);
    }

    @Test
    void configIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> config(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> config(Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> new SegmenterConfig(Duration.ofSeconds(1), null));
    }
}
