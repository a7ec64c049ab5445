package org.minuteswarm.segmenter.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cutting real encoder output (made by ffmpeg) into segments that each play alone: a keyframe
 * first, PAT and PMT first, zero decode errors, durations within one GOP of the target.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RealTsCuttingTest {

    private static final int P = TsPacket.SIZE;
    private static final Duration TARGET = Duration.ofSeconds(2);
    /** The GOP of the media made here: -g 25 at 25 fps. */
    private static final long GOP_MS = 1000;

    @TempDir
    static Path media;
    private static byte[] h264;

    @TempDir
    Path dir;
    private Segmenter segmenter;

    @BeforeAll
    static void encode() throws IOException {
        Media.assumeTools();
        h264 = Files.readAllBytes(Media.h264AacTs(media.resolve("h264.ts"), 7));
    }

    private List<CollectingSink.Seg> cut(byte[] input, Duration target) throws IOException {
        CollectingSink sink = new CollectingSink();
        segmenter = new Segmenter(new SegmenterConfig(target, dir.resolve("work")), new ChunkedFeed(input, 7 * P),
                sink, new FakeTime());
        segmenter.run();
        return sink.snapshot();
    }

    static byte[] concat(List<CollectingSink.Seg> segs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        segs.forEach(s -> out.write(s.bytes(), 0, s.bytes().length));
        return out.toByteArray();
    }

    /** Every segment starts with PAT, PMT and a keyframe, decodes alone, and lasts about the target. */
    private void assertPlayable(List<CollectingSink.Seg> segs, long targetMs, long gopMs, boolean video)
            throws IOException {
        for (int i = 0; i < segs.size(); i++) {
            CollectingSink.Seg s = segs.get(i);
            Path f = Files.write(dir.resolve("seg-" + i + ".ts"), s.bytes());
            if (i > 0) { // the first starts as the feed does (ffmpeg: SDT, PAT, PMT)
                assertEquals(TsPacket.PID_PAT, TsPacket.pid(s.bytes(), 0), "segment " + i + " starts with the PAT");
            }
            assertEquals("", Media.decodeErrors(f), "segment " + i + " decodes alone");
            if (video) {
                Map<String, String> first = Media.firstVideoFrame(f);
                assertEquals("1", first.get("key_frame"), "segment " + i + ": " + first);
                assertEquals("I", first.get("pict_type"), "segment " + i + ": " + first);
            }
            if (i < segs.size() - 1) {
                long ms = s.duration().toMillis();
                assertTrue(Math.abs(ms - targetMs) <= gopMs, "segment " + i + ": " + segs);
            }
        }
    }

    @Test
    void h264AacCutBeforeKeyframesWithThePsiTheEncoderWrote() throws IOException {
        List<CollectingSink.Seg> segs = cut(h264, TARGET);

        assertEquals(4, segs.size(), segs.toString()); // 7 s: 2 + 2 + 2 + 1
        assertPlayable(segs, 2000, GOP_MS, true);
        // ffmpeg writes PAT and PMT before every keyframe: nothing to add, nothing dropped
        assertEquals(0, segmenter.packetsInserted());
        assertEquals(0, segmenter.bytesDropped());
        assertArrayEquals(h264, concat(segs));
        // durations add up to the video's length: 7 s of frames
        long total = segs.stream().mapToLong(s -> s.duration().toMillis()).sum();
        assertEquals(7000, total, 40);
    }

    @Test
    void withoutPsiBeforeKeyframesTheLastPatAndPmtAreRepeated() throws IOException {
        // drop the PAT/PMT pair the muxer put just before each keyframe but the first
        List<Integer> removed = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < h264.length / P; i++) {
            boolean psi = TsPacket.pid(h264, i * P) == TsPacket.PID_PAT || TsPacket.pid(h264, i * P) == 0x1000;
            boolean beforeKey = false;
            for (int k = i + 1; k < Math.min(i + 3, h264.length / P); k++) {
                beforeKey |= TsPacket.pid(h264, k * P) == 0x100 && TsPacket.randomAccess(h264, k * P);
            }
            if (psi && beforeKey && i > 10) {
                removed.add(i);
            } else {
                out.write(h264, i * P, P);
            }
        }
        byte[] input = out.toByteArray();
        assertTrue(removed.size() >= 10, removed.toString());

        List<CollectingSink.Seg> segs = cut(input, TARGET);

        assertPlayable(segs, 2000, GOP_MS, true);
        assertEquals(2L * (segs.size() - 1), segmenter.packetsInserted());
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        byte[] lastPat = null;
        byte[] lastPmt = null;
        for (int i = 0; i < segs.size(); i++) {
            byte[] b = segs.get(i).bytes();
            int from = 0;
            if (i > 0) {
                // exactly the last PAT and PMT before the cut, continuity counters unchanged
                assertArrayEquals(lastPat, java.util.Arrays.copyOfRange(b, 0, P));
                assertArrayEquals(lastPmt, java.util.Arrays.copyOfRange(b, P, 2 * P));
                from = 2 * P;
            }
            for (int k = 0; k < b.length; k += P) {
                int pid = TsPacket.pid(b, k);
                if (pid == TsPacket.PID_PAT) {
                    lastPat = java.util.Arrays.copyOfRange(b, k, k + P);
                } else if (pid == 0x1000) {
                    lastPmt = java.util.Arrays.copyOfRange(b, k, k + P);
                }
            }
            rebuilt.write(b, from, b.length - from);
        }
        assertArrayEquals(input, rebuilt.toByteArray());
    }

    @Test
    void keyframesAreFoundFromTheNalUnitsWithoutTheRandomAccessIndicator() throws IOException {
        byte[] input = h264.clone();
        for (int off = 0; off < input.length; off += P) {
            if (TsPacket.randomAccess(input, off)) {
                input[off + 5] &= (byte) ~0x40;
            }
        }
        List<CollectingSink.Seg> segs = cut(input, TARGET);
        assertEquals(4, segs.size(), segs.toString());
        assertPlayable(segs, 2000, GOP_MS, true);
        assertArrayEquals(input, concat(segs));
    }

    @Test
    void h265IsCutBeforeIrapPictures() throws IOException {
        byte[] input = Files.readAllBytes(Media.make(dir.resolve("h265.ts"), true, false, 5, "-c:v", "libx265",
                "-preset", "ultrafast", "-x265-params", "keyint=25:min-keyint=25:scenecut=0:log-level=error",
                "-pix_fmt", "yuv420p", "-f", "mpegts"));
        for (int off = 0; off < input.length; off += P) {
            if (TsPacket.randomAccess(input, off)) {
                input[off + 5] &= (byte) ~0x40; // make the NAL scan do the work
            }
        }
        List<CollectingSink.Seg> segs = cut(input, TARGET);
        assertEquals(3, segs.size(), segs.toString());
        assertPlayable(segs, 2000, GOP_MS, true);
    }

    @Test
    void audioOnlyTsIsCutAtPesStarts() throws IOException {
        byte[] input = Files.readAllBytes(Media.make(dir.resolve("aac.ts"), false, true, 7, "-c:a", "aac", "-b:a",
                "64k", "-f", "mpegts"));
        List<CollectingSink.Seg> segs = cut(input, TARGET);
        assertEquals(4, segs.size(), segs.toString());
        // ffmpeg puts several AAC frames in one PES: segments end on a PES, within ~0.5 s of the target
        assertPlayable(segs, 2000, 500, false);
        assertArrayEquals(input, concat(segs));
        int frames = 0;
        for (int i = 0; i < segs.size(); i++) {
            frames += Media.audioFrames(dir.resolve("seg-" + i + ".ts"));
        }
        assertEquals(Media.audioFrames(dir.resolve("aac.ts")), frames);
    }

    @Test
    void garbageBetweenPacketsAndTruncationNeverBreakASegment() throws IOException {
        SplittableRandom random = new SplittableRandom(20250101);
        for (int round = 0; round < 3; round++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long garbage = 0;
            for (int off = 0; off < h264.length; off += P) {
                if (random.nextInt(200) == 0) {
                    byte[] g = new byte[1 + random.nextInt(600)];
                    random.nextBytes(g);
                    out.write(g, 0, g.length);
                    garbage += g.length;
                }
                out.write(h264, off, P);
            }
            byte[] damaged = out.toByteArray();
            int end = damaged.length / 3 + random.nextInt(damaged.length / 2);
            if ((end - damaged.length) % P == 0) {
                end++; // truncated inside a packet, not at a packet boundary
            }
            byte[] input = java.util.Arrays.copyOf(damaged, end);

            List<CollectingSink.Seg> segs = cut(input, TARGET);

            assertTrue(segs.size() >= 2, segs.toString());
            assertTrue(segmenter.bytesDropped() >= Math.min(garbage, 1), "round " + round);
            assertEquals(input.length, segmenter.bytesRead());
            long written = segs.stream().mapToLong(s -> s.bytes().length).sum();
            assertEquals(input.length - segmenter.bytesDropped() + P * segmenter.packetsInserted(), written);
            assertPlayable(segs, 2000, GOP_MS, true);
        }
    }

    /** The bundled sample clip (2-s GOP): prints the durations for the README. */
    @Test
    void bundledSampleClip() throws IOException {
        Path sample = Path.of("../examples/media/sample.ts");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(sample), "no sample clip");
        byte[] input = Files.readAllBytes(sample);
        for (long target : new long[] {2, 5}) {
            List<CollectingSink.Seg> segs = cut(input, Duration.ofSeconds(target));
            System.out.println("sample.ts, target " + target + " s: " + segs.stream()
                    .map(s -> s.duration().toMillis() + " ms").toList() + ", inserted " + segmenter.packetsInserted()
                    + " packets, dropped " + segmenter.bytesDropped() + " bytes");
            assertPlayable(segs, target * 1000, 2000, true);
        }
    }
}
