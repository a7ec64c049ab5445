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

    /**
     * The packets of {@code ts} the cutter keeps when packets [lostFrom, lostTo) never arrive:
     * the video packets from the last video PES start before the loss up to the next keyframe
     * after it are dropped (the broken frame and the frames that depend on it).
     */
    static byte[] keptAfterLoss(byte[] ts, int lostFrom, int lostTo) {
        int from = -1;
        int to = ts.length / P;
        boolean videoLost = false;
        for (int i = lostFrom; i < lostTo; i++) {
            videoLost |= TsPacket.pid(ts, i * P) == SyntheticTs.VIDEO_PID;
        }
        for (int i = lostFrom - 1; videoLost && i >= 0 && from < 0; i--) {
            if (TsPacket.pid(ts, i * P) == SyntheticTs.VIDEO_PID && TsPacket.payloadUnitStart(ts, i * P)) {
                from = i;
            }
        }
        for (int i = lostTo; i < ts.length / P; i++) {
            if (TsPacket.pid(ts, i * P) == SyntheticTs.VIDEO_PID && TsPacket.randomAccess(ts, i * P)) {
                to = i;
                break;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < ts.length / P; i++) {
            boolean lost = i >= lostFrom && i < lostTo;
            boolean dropped = videoLost && i >= from && i < to && TsPacket.pid(ts, i * P) == SyntheticTs.VIDEO_PID;
            if (!lost && !dropped) {
                out.write(ts, i * P, P);
            }
        }
        return out.toByteArray();
    }

    /** {@code ts} without its last video frame (from the last video PES start on). */
    static byte[] withoutLastVideoFrame(byte[] ts) {
        int last = 0;
        for (int i = 0; i < ts.length / P; i++) {
            if (TsPacket.pid(ts, i * P) == SyntheticTs.VIDEO_PID && TsPacket.payloadUnitStart(ts, i * P)) {
                last = i;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < ts.length / P; i++) {
            if (i < last || TsPacket.pid(ts, i * P) != SyntheticTs.VIDEO_PID) {
                out.write(ts, i * P, P);
            }
        }
        return out.toByteArray();
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
        // packet 300 is lost: its frame and the rest of its GOP are dropped; so is the last frame,
        // as the feed ends inside a packet
        byte[] expected = withoutLastVideoFrame(keptAfterLoss(slice(ts, 0, (packets - 1) * P), 300, 301));
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
            // 4 places the aligner dropped bytes, the damaged GOP, the last frame
            assertEquals(6, lastSegmenter.packetsDropped(), "read size " + chunk);
            assertEquals(input.length, lastSegmenter.bytesRead());
        }
    }

    @Test
    void lostDatagramIsAContinuityGapAndItsVideoIsDroppedToTheNextKeyframe() throws IOException {
        byte[] ts = SyntheticTs.generate(500_000, Duration.ofSeconds(2), 10);
        byte[] input = concat(slice(ts, 0, 70 * P), slice(ts, 77 * P, ts.length)); // 7 packets = one datagram

        CollectingSink sink = cut(new ChunkedFeed(input, 1316), SECOND);

        byte[] expected = keptAfterLoss(ts, 70, 77);
        assertTrue(expected.length < input.length);
        assertArrayEquals(expected, sink.concatenation());
        assertEquals(input.length - expected.length, lastSegmenter.bytesDropped());
        assertEquals(1, lastSegmenter.packetsDropped());
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

        // a feed that ends inside a packet was cut short: its last frame is likely incomplete
        byte[] expected = withoutLastVideoFrame(ts);
        assertArrayEquals(expected, sink.concatenation());
        assertEquals(input.length - expected.length, lastSegmenter.bytesDropped());
        assertEquals(2, lastSegmenter.packetsDropped());
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
    void timestampJumpStartsANewSegmentAndDurationsStaySane() throws IOException {
        byte[] a = SyntheticTs.generate(500_000, Duration.ofMillis(1500), 6);
        byte[] b = SyntheticTs.generate(500_000, Duration.ofMillis(1500), 6); // PCR starts over at 0
        byte[] input = concat(a, b);
        // the seam (timestamps 1.5 s backwards) counts as one frame, not as a jump
        CollectingSink sink = cut(new ChunkedFeed(input, 10 * P, time, Duration.ofMillis(15)), SECOND);

        List<CollectingSink.Seg> segs = sink.snapshot();
        // a new segment starts at the seam, and the PCR there is marked discontinuous
        byte[] expected = input.clone();
        int seam = a.length + 2 * P; // b's first packets: PAT, PMT, then the keyframe with the PCR
        assertTrue(TsPacket.hasPcr(expected, seam));
        expected[seam + 5] |= (byte) 0x80;
        assertArrayEquals(expected, sink.concatenation());
        assertEquals(a.length, segs.stream().limit(2).mapToInt(s -> s.bytes().length).sum());
        Duration total = segs.stream().map(CollectingSink.Seg::duration).reduce(Duration.ZERO, Duration::plus);
        // each clip holds 38 frames of 40 ms: 1.52 s
        assertEquals(4, segs.size(), segs.toString());
        assertEquals(1520, segs.get(0).duration().plus(segs.get(1).duration()).toMillis(), 5, segs.toString());
        assertEquals(3040, total.toMillis(), 10, segs.toString());
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
