package org.minuteswarm.segmenter.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** MP3 and AAC (ADTS) as internet radio sends them, made by ffmpeg, cut at frame boundaries. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AudioCuttingTest {

    private static final Duration TARGET = Duration.ofSeconds(2);

    @TempDir
    static Path media;
    static byte[] mp3;
    static byte[] adts;
    static int mp3Frames;
    static int adtsFrames;

    @TempDir
    Path dir;
    private Segmenter segmenter;

    @BeforeAll
    static void encode() throws IOException {
        Media.assumeTools();
        Path m = Media.make(media.resolve("tone.mp3"), false, true, 7, "-c:a", "libmp3lame", "-b:a", "128k",
                "-f", "mp3");
        Path a = Media.make(media.resolve("tone.aac"), false, true, 7, "-c:a", "aac", "-b:a", "64k", "-f", "adts");
        mp3 = Files.readAllBytes(m);
        adts = Files.readAllBytes(a);
        mp3Frames = Media.audioFrames(m);
        adtsFrames = Media.audioFrames(a);
    }

    private List<CollectingSink.Seg> cut(byte[] input, int chunk) throws IOException {
        CollectingSink sink = new CollectingSink();
        segmenter = new Segmenter(new SegmenterConfig(TARGET, dir.resolve("work")), new ChunkedFeed(input, chunk),
                sink, new FakeTime());
        segmenter.run();
        return sink.snapshot();
    }

    /** Each segment decodes alone with no error; returns the frames they hold together. */
    private int assertPlayable(List<CollectingSink.Seg> segs, String ext, long frameMs) throws IOException {
        int frames = 0;
        for (int i = 0; i < segs.size(); i++) {
            Path f = Files.write(dir.resolve("seg-" + i + ext), segs.get(i).bytes());
            assertEquals("", Media.decodeErrors(f), "segment " + i + " decodes alone");
            frames += Media.audioFrames(f);
            if (i < segs.size() - 1) {
                long ms = segs.get(i).duration().toMillis();
                assertTrue(Math.abs(ms - 2000) <= frameMs, "segment " + i + ": " + segs);
            }
        }
        return frames;
    }

    private static byte[] concat(List<CollectingSink.Seg> segs) {
        return RealTsCuttingTest.concat(segs);
    }

    @Test
    void mp3IsCutAtFrameBoundariesAndItsId3TagSkipped() throws IOException {
        assertTrue(AudioFrame.isId3(mp3, 0), "ffmpeg writes an ID3v2 tag first");
        int tag = AudioFrame.id3Length(mp3, 0);

        List<CollectingSink.Seg> segs = cut(mp3, 4096);

        assertEquals(4, segs.size(), segs.toString());
        assertEquals(mp3Frames, assertPlayable(segs, ".mp3", 27));
        assertArrayEquals(Arrays.copyOfRange(mp3, tag, mp3.length), concat(segs));
        assertEquals(tag, segmenter.bytesDropped());
        for (CollectingSink.Seg s : segs) {
            assertEquals(AudioFrame.signature(mp3, tag), AudioFrame.signature(s.bytes(), 0));
        }
        // durations from the frame count: 1152 samples at 44.1 kHz each
        for (CollectingSink.Seg s : segs) {
            int frames = 0;
            for (int i = 0; i < s.bytes().length; i += AudioFrame.frameLength(s.bytes(), i)) {
                frames++;
            }
            assertEquals(frames * 1152L * 1_000_000_000L / 44_100, s.duration().toNanos(), 1);
        }
    }

    @Test
    void adtsIsCutAtFrameBoundaries() throws IOException {
        List<CollectingSink.Seg> segs = cut(adts, 4096);

        assertEquals(4, segs.size(), segs.toString());
        assertEquals(adtsFrames, assertPlayable(segs, ".aac", 24));
        assertArrayEquals(adts, concat(segs));
        assertEquals(0, segmenter.bytesDropped());
    }

    @Test
    void sameSegmentsWhateverTheReadSizes() throws IOException {
        for (byte[] input : new byte[][] {mp3, adts}) {
            List<CollectingSink.Seg> reference = cut(input, 65536);
            for (int chunk : new int[] {1, 3, 7, 10, 417, 1000}) {
                assertEquals(reference, cut(input, chunk), "read size " + chunk);
            }
        }
    }

    @Test
    void garbageBetweenFramesAndTruncationNeverBreakASegment() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        for (byte[] input : new byte[][] {mp3, adts}) {
            String ext = input == mp3 ? ".mp3" : ".aac";
            int first = AudioFrame.isId3(input, 0) ? AudioFrame.id3Length(input, 0) : 0;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream framesOnly = new ByteArrayOutputStream();
            List<Integer> frameEnds = new java.util.ArrayList<>();
            out.write(input, 0, first);
            long garbage = 0;
            int frames = 0;
            // resync takes 3 good frames in a row: the runs are at least that far apart
            int sinceGarbage = 0;
            for (int i = first; i < input.length; i += AudioFrame.frameLength(input, i)) {
                if (++sinceGarbage > AudioCutter.RESYNC_CONFIRM_FRAMES && random.nextInt(30) == 0) {
                    sinceGarbage = 0;
                    byte[] g = new byte[1 + random.nextInt(300)];
                    random.nextBytes(g);
                    out.write(g, 0, g.length);
                    garbage += g.length;
                }
                out.write(input, i, AudioFrame.frameLength(input, i));
                frameEnds.add(out.size());
                frames++;
            }
            byte[] damaged = out.toByteArray();
            byte[] truncated = Arrays.copyOf(damaged, damaged.length - 1 - random.nextInt(300));

            List<CollectingSink.Seg> segs = cut(truncated, 1316);

            assertTrue(garbage > 0);
            // exactly the whole frames, without the tag, the garbage and the frame cut short
            int whole = (int) frameEnds.stream().filter(e -> e <= truncated.length).count();
            for (int i = first, k = 0; k < whole; i += AudioFrame.frameLength(input, i), k++) {
                framesOnly.write(input, i, AudioFrame.frameLength(input, i));
            }
            byte[] want = framesOnly.toByteArray();
            byte[] got = concat(segs);
            int diff = Arrays.mismatch(want, got);
            assertEquals(-1, diff, "first difference at " + diff + " of " + want.length + " / " + got.length
                    + "; frame ends " + frameEnds + " truncated at " + truncated.length);
            assertEquals(truncated.length, segmenter.bytesRead());
            assertEquals(truncated.length - segmenter.bytesDropped(), concat(segs).length);
            assertTrue(segmenter.packetsDropped() >= 2, "garbage runs and the cut-short frame");
            int kept = assertPlayable(segs, ext, 27);
            // the segments decode to as many frames as the whole frames of the input
            assertEquals(Media.audioFrames(Files.write(dir.resolve("whole" + ext), want)), kept);
            assertTrue(kept >= frames - 3, kept + " of " + frames);
        }
    }

    /** An Icecast-style mount: MP3 with ICY metadata blocks every 8000 bytes, when asked for. */
    @Test
    void icecastStreamIsCutWithItsMetadataStripped() throws Exception {
        int metaint = 8000;
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/radio", exchange -> {
            boolean wantsMetadata = "1".equals(exchange.getRequestHeaders().getFirst("Icy-MetaData"));
            exchange.getResponseHeaders().add("Content-Type", "audio/mpeg");
            exchange.getResponseHeaders().add("icy-name", "test radio");
            if (wantsMetadata) {
                exchange.getResponseHeaders().add("icy-metaint", Integer.toString(metaint));
            }
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int off = 0, block = 0; off < mp3.length; off += metaint, block++) {
                    out.write(mp3, off, Math.min(metaint, mp3.length - off));
                    if (wantsMetadata && off + metaint <= mp3.length) { // after every metaint bytes
                        // every other block is empty (length 0), as when the title has not changed
                        byte[] text = block % 2 == 1 ? new byte[0]
                                : ("StreamTitle='Tone \u00ff\u00fb " + block + "';").getBytes(StandardCharsets.UTF_8);
                        byte[] meta = Arrays.copyOf(text, (text.length + 15) / 16 * 16);
                        out.write(meta.length / 16);
                        out.write(meta);
                    }
                    out.flush();
                }
            }
        });
        server.start();
        try {
            Feed feed = Feeds.open("http://127.0.0.1:" + server.getAddress().getPort() + "/radio", false,
                    Clock.systemUTC());
            CollectingSink sink = new CollectingSink();
            Segmenter s = new Segmenter(new SegmenterConfig(TARGET, dir.resolve("work")), feed, sink, new FakeTime());
            s.run();

            assertTrue(((HttpFeed) feed).metadataBlocks() >= mp3.length / metaint);
            int tag = AudioFrame.id3Length(mp3, 0);
            assertArrayEquals(Arrays.copyOfRange(mp3, tag, mp3.length), sink.concatenation());
            assertEquals(tag, s.bytesDropped()); // the ID3 tag only: no metadata byte reached the cutter
            assertEquals(mp3Frames, assertPlayable(sink.snapshot(), ".mp3", 27));
        } finally {
            server.stop(0);
        }
    }

    /** A looped MP3 file is paced by its frame durations and each loop is cut cleanly. */
    @Test
    void loopedMp3IsPacedByItsFrameDurations() throws IOException {
        FakeTime time = new FakeTime();
        Path file = Files.write(dir.resolve("loop.mp3"), mp3);
        int tag = AudioFrame.id3Length(mp3, 0);
        long frames = 0;
        for (int i = tag; i < mp3.length; i += AudioFrame.frameLength(mp3, i)) {
            frames++;
        }
        Feed feed = Feeds.open(file.toString(), true, time, time.sleeper());
        CollectingSink sink = new CollectingSink();
        Segmenter s = new Segmenter(new SegmenterConfig(TARGET, dir.resolve("work")),
                new Feed() { // three passes, then the end
                    private long read;

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        if (read >= 3L * mp3.length) {
                            return -1;
                        }
                        int n = feed.read(buf, off, (int) Math.min(len, 3L * mp3.length - read));
                        read += Math.max(0, n);
                        return n;
                    }

                    @Override
                    public String describe() {
                        return feed.describe();
                    }

                    @Override
                    public void close() throws IOException {
                        feed.close();
                    }
                }, sink, time);
        s.run();

        // 3 passes of the frames' duration; each pass starts a new pacing base with its first frame
        double seconds = 3.0 * frames * 1152 / 44_100;
        assertEquals(seconds * 1000 - 3 * 26.1, time.slept().toMillis(), 10, "slept " + time.slept());
        assertEquals(3L * tag, s.bytesDropped()); // the tag at every seam
        List<CollectingSink.Seg> segs = sink.snapshot();
        assertEquals((int) Math.ceil(seconds / 2), segs.size(), segs.toString());
        assertEquals(3 * mp3Frames + 2, assertPlayable(segs, ".mp3", 27)); // the Xing frame plays as silence at 2 seams
    }
}
