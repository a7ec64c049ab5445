package org.minuteswarm.segmenter.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TsCuttingTest {

    private static final int P = TsPacket.SIZE;
    private static final Duration SECOND = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private final FakeTime time = new FakeTime();
    private Segmenter lastSegmenter;

    private CollectingSink cut(Feed feed, Duration segment) throws IOException {
        CollectingSink sink = new CollectingSink();
        Segmenter s = new Segmenter(new SegmenterConfig(segment, dir.resolve("work")), feed, sink, time);
        s.run();
        lastSegmenter = s;
        return sink;
    }

    /** Garbage with no sync byte in it, so the dropped count is exact. */
    private static byte[] garbage(int n) {
        byte[] g = new byte[n];
        for (int i = 0; i < n; i++) {
            g[i] = (byte) (i % 251 == 0x47 ? 0x11 : i % 251);
        }
        return g;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    @Test
    void cutsByPcrIntoWholePacketsOfTheConfiguredDuration() throws IOException {
        byte[] ts = SyntheticTs.generate(1_000_000, Duration.ofMillis(7_000), 1);
        CollectingSink sink = cut(new ChunkedFeed(ts, 65536), Duration.ofSeconds(2));

        List<CollectingSink.Seg> segs = sink.snapshot();
        assertEquals(4, segs.size(), segs.toString());
        for (CollectingSink.Seg s : segs.subList(0, 3)) {
            assertEquals(0, s.bytes().length % P);
            // within one PCR interval (40 ms in SyntheticTs) plus a packet slot of the target
            assertTrue(Math.abs(s.duration().toMillis() - 2000) <= 45, s.toString());
            assertTrue(Math.abs(s.bytes().length - 250_000) <= 45 * 125, s.toString());
            assertEquals(0x47, s.bytes()[0] & 0xFF);
        }
        assertArrayEquals(ts, sink.concatenation());
        assertEquals(0, lastSegmenter.packetsDropped());
        assertEquals(0, lastSegmenter.continuityErrors());
        assertEquals(ts.length, lastSegmenter.bytesRead());
    }

    @Test
    void sameSegmentsWhateverTheReadSizesAndDamageAreDroppedExactly() throws IOException {
        byte[] ts = SyntheticTs.generate(200_000, Duration.ofMillis(4_500), 7);
        int packets = ts.length / P;
        byte[] leading = garbage(100);
        byte[] middle = garbage(777);
        // packet 300 loses its last 50 bytes (as if a read came up short), the final packet is cut short
        byte[] input = concat(
                leading,
                slice(ts, 0, 200 * P), middle,
                slice(ts, 200 * P, 300 * P + P - 50),
                slice(ts, 301 * P, (packets - 1) * P),
                slice(ts, (packets - 1) * P, (packets - 1) * P + 100));
        byte[] expected = concat(slice(ts, 0, 300 * P), slice(ts, 301 * P, (packets - 1) * P));
        long dropped = input.length - expected.length;

        List<CollectingSink.Seg> reference = null;
        for (int chunk = 1; chunk <= 400; chunk++) {
            CollectingSink sink = cut(new ChunkedFeed(input, chunk), SECOND);
            List<CollectingSink.Seg> segs = sink.snapshot();
            if (reference == null) {
                reference = segs;
                assertTrue(segs.size() >= 4, segs.toString());
                for (CollectingSink.Seg s : segs) {
                    assertEquals(0, s.bytes().length % P, s.toString());
                }
                assertArrayEquals(expected, sink.concatenation());
            } else {
                assertEquals(reference, segs, "read size " + chunk);
            }
            assertEquals(dropped, lastSegmenter.bytesDropped(), "read size " + chunk);
            assertEquals(4, lastSegmenter.packetsDropped(), "read size " + chunk);
            assertEquals(input.length, lastSegmenter.bytesRead());
        }
    }

    @Test
    void lostDatagramShowsAsContinuityGapsNotDrops() throws IOException {
        byte[] ts = SyntheticTs.generate(500_000, Duration.ofSeconds(2), 10);
        byte[] input = concat(slice(ts, 0, 70 * P), slice(ts, 77 * P, ts.length)); // 7 packets = one datagram

        CollectingSink sink = cut(new ChunkedFeed(input, 1316), SECOND);

        assertArrayEquals(input, sink.concatenation());
        assertEquals(0, lastSegmenter.packetsDropped());
        assertEquals(1, lastSegmenter.continuityErrors()); // one gap on the video PID
    }

    @Test
    void garbageBetweenPacketsIsDroppedAndCounted() throws IOException {
        byte[] ts = SyntheticTs.generate(500_000, Duration.ofSeconds(1), 3);
        byte[] g = garbage(1000);
        g[10] = 0x47; // a lone sync byte in the garbage must not fool the resync
        g[10 + P] = 0x47;
        byte[] input = concat(slice(ts, 0, 50 * P), g, slice(ts, 50 * P, ts.length));

        CollectingSink sink = cut(new ChunkedFeed(input, 1000), SECOND);

        assertArrayEquals(ts, sink.concatenation());
        assertEquals(1000, lastSegmenter.bytesDropped());
        assertEquals(1, lastSegmenter.packetsDropped());
    }

    @Test
    void truncatedFinalPacketIsDropped() throws IOException {
        byte[] ts = SyntheticTs.generate(500_000, Duration.ofSeconds(1), 4);
        byte[] input = concat(ts, slice(ts, 0, 100));

        CollectingSink sink = cut(new ChunkedFeed(input, 4096), SECOND);

        assertArrayEquals(ts, sink.concatenation());
        assertEquals(100, lastSegmenter.bytesDropped());
        assertEquals(1, lastSegmenter.packetsDropped());
    }

    @Test
    void pcrWrapAroundKeepsDurations() throws IOException {
        byte[] ts = SyntheticTs.generate(500_000, Duration.ofSeconds(5), 5);
        // shift every PCR so the 33-bit counter wraps 1.5 s into the stream
        long shift = TsPacket.PCR_WRAP - 3 * TsPacket.PCR_HZ / 2;
        for (int off = 0; off < ts.length; off += P) {
            if (TsPacket.hasPcr(ts, off)) {
                TsPacket.writePcr(ts, off + 6, (TsPacket.pcr(ts, off) + shift) % TsPacket.PCR_WRAP);
            }
        }
        CollectingSink sink = cut(new ChunkedFeed(ts, 65536), SECOND);

        List<CollectingSink.Seg> segs = sink.snapshot();
        assertEquals(5, segs.size(), segs.toString());
        for (CollectingSink.Seg s : segs.subList(0, 4)) {
            assertTrue(Math.abs(s.duration().toMillis() - 1000) <= 45, s.toString());
        }
        // no time lost at the wrap: boundaries stay on the 1 s grid of PCR time
        long four = segs.subList(0, 4).stream().mapToLong(s -> s.duration().toMillis()).sum();
        assertTrue(Math.abs(four - 4000) <= 45, segs.toString());
    }

    @Test
    void pcrJumpFallsBackToTheClock() throws IOException {
        byte[] a = SyntheticTs.generate(500_000, Duration.ofMillis(1500), 6);
        byte[] b = SyntheticTs.generate(500_000, Duration.ofMillis(1500), 6); // PCR starts over at 0
        byte[] input = concat(a, b);
        // each read is 10 packets and takes 15 ms of clock time, roughly real time at 500 kbit/s
        // (10 * 1504 bits = 30 ms); the seam then counts 15 ms instead of a 1.5 s jump backwards
        CollectingSink sink = cut(new ChunkedFeed(input, 10 * P, time, Duration.ofMillis(15)), SECOND);

        List<CollectingSink.Seg> segs = sink.snapshot();
        assertArrayEquals(input, sink.concatenation());
        Duration total = segs.stream().map(CollectingSink.Seg::duration).reduce(Duration.ZERO, Duration::plus);
        // 2 x ~1.46 s of PCR time plus at most one read of clock time across the seam
        assertTrue(total.toMillis() > 2900 && total.toMillis() < 3000, segs.toString());
    }

    @Test
    void segmentStartTimeIsWhenItsFirstByteArrived() throws IOException {
        byte[] ts = SyntheticTs.generate(500_000, Duration.ofSeconds(3), 8);
        // reads of 100 packets (~300 ms of stream) that each take 300 ms
        CollectingSink sink = cut(new ChunkedFeed(ts, 100 * P, time, Duration.ofMillis(300)), SECOND);

        List<CollectingSink.Seg> segs = sink.snapshot();
        assertEquals(3, segs.size(), segs.toString());
        assertEquals(FakeTime.EPOCH.plusMillis(300), segs.get(0).startTime());
        for (int i = 1; i < segs.size(); i++) {
            long ms = java.time.Duration.between(FakeTime.EPOCH, segs.get(i).startTime()).toMillis();
            assertTrue(Math.abs(ms - 300 - 1000 * i) <= 300, segs.toString());
        }
    }

    @Test
    void detectsTsOnlyWithSeveralPacketsInSync() {
        byte[] ts = SyntheticTs.generate(500_000, Duration.ofMillis(200), 9);
        assertTrue(Segmenter.looksLikeTs(ts, 4096, false));
        byte[] shifted = concat(garbage(333), ts);
        assertTrue(Segmenter.looksLikeTs(shifted, 4096, false));
        byte[] text = "GET / HTTP/1.1\r\n".repeat(300).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(!Segmenter.looksLikeTs(text, 4096, false));
        byte[] random = new byte[4096];
        new java.util.Random(1).nextBytes(random);
        assertTrue(!Segmenter.looksLikeTs(random, 4096, false));
        assertTrue(Segmenter.looksLikeTs(ts, 2 * P, true));
        assertTrue(!Segmenter.looksLikeTs(ts, P, true));
    }
}
