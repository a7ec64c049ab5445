package org.minuteswarm.segmenter.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Cutting real encoder output: the ffmpeg-made fixture, and ffmpeg sending over UDP. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EncoderOutputTest {

    private static final int P = TsPacket.SIZE;
    private static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");
    private static final Path FFPROBE = Path.of("/usr/bin/ffprobe");

    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    static byte[] fixture() throws IOException {
        try (InputStream in = EncoderOutputTest.class.getResourceAsStream("/feed/ffmpeg-4s.ts")) {
            return in.readAllBytes();
        }
    }

    private CollectingSink cut(Feed feed, Duration d) throws IOException {
        CollectingSink sink = new CollectingSink();
        new Segmenter(new SegmenterConfig(d, dir.resolve("work")), feed, sink, new FakeTime()).run();
        return sink;
    }

    @Test
    void cutsEncoderOutputOnPcrIntoSegmentsOfOneSecond() throws IOException {
        byte[] ts = fixture();
        List<CollectingSink.Seg> reference = null;
        for (int chunk = 1; chunk <= 400; chunk += 3) {
            List<CollectingSink.Seg> segs = cut(new ChunkedFeed(ts, chunk), Duration.ofSeconds(1)).snapshot();
            if (reference == null) {
                reference = segs;
            } else {
                assertEquals(reference, segs, "read size " + chunk);
            }
        }
        CollectingSink sink = cut(new ChunkedFeed(ts, 65536), Duration.ofSeconds(1));
        assertArrayEquals(ts, sink.concatenation());
        List<CollectingSink.Seg> segs = sink.snapshot();
        assertTrue(segs.size() >= 4 && segs.size() <= 5, segs.toString());
        for (CollectingSink.Seg s : segs) {
            assertEquals(0, s.bytes().length % P);
        }
        for (CollectingSink.Seg s : segs.subList(1, segs.size() - 1)) {
            assertTrue(Math.abs(s.duration().toMillis() - 1000) <= 100, segs.toString());
            // ffmpeg writes PAT and PMT just before each keyframe: the cut falls before them
            assertEquals(TsPacket.PID_PAT, TsPacket.pid(s.bytes(), 0));
            int video = 0;
            while (TsPacket.pid(s.bytes(), video) != 0x100) {
                video += P;
            }
            assertTrue(TsPacket.randomAccess(s.bytes(), video), "the first video packet starts a keyframe");
        }
    }

    /** Each segment on its own is still MPEG-TS to a player's demuxer. */
    @Test
    void eachSegmentIsAStreamFfprobeReads() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(FFPROBE), "ffprobe is not installed");
        CollectingSink sink = cut(new ChunkedFeed(fixture(), 65536), Duration.ofSeconds(1));
        for (CollectingSink.Seg s : sink.snapshot()) {
            Path f = Files.write(dir.resolve("seg.ts"), s.bytes());
            String out = run(FFPROBE.toString(), "-v", "error", "-show_entries", "format=format_name",
                    "-of", "default=nw=1:nk=1", f.toString());
            assertEquals("mpegts", out.strip());
        }
    }

    @Test
    void cutsWhatFfmpegSendsOverUdp() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(FFMPEG), "ffmpeg is not installed");
        Path input = Files.write(dir.resolve("in.ts"), fixture());
        Feed feed = Feeds.open("udp://127.0.0.1:0", false, Clock.systemUTC());
        int port = ((UdpFeed) feed).localAddress().getPort();
        CollectingSink sink = new CollectingSink();
        Segmenter segmenter = new Segmenter(new SegmenterConfig(Duration.ofSeconds(1), dir.resolve("work")), feed,
                sink, Clock.systemUTC());
        Future<?> running = executor.submit(() -> {
            segmenter.run();
            return null;
        });
        // as a broadcaster would: -re paces at real time; here -readrate 4 keeps the test short
        run(FFMPEG.toString(), "-hide_banner", "-loglevel", "error", "-readrate", "4", "-i", input.toString(),
                "-c", "copy", "-f", "mpegts", "udp://127.0.0.1:" + port + "?pkt_size=1316");
        Thread.sleep(200);
        segmenter.close();
        running.get(5, TimeUnit.SECONDS);

        List<CollectingSink.Seg> segs = sink.snapshot();
        assertTrue(segs.size() >= 4, segs.toString());
        assertEquals(0, segmenter.packetsDropped());
        assertEquals(0, segmenter.continuityErrors());
        assertEquals(segmenter.bytesRead(), sink.concatenation().length);
        for (CollectingSink.Seg s : segs.subList(1, segs.size() - 1)) {
            assertTrue(Math.abs(s.duration().toMillis() - 1000) <= 100, segs.toString());
        }
    }

    private static String run(String... command) throws Exception {
        // stdout only: decoders warn on stderr about segments that start mid-GOP (cutting is not
        // keyframe-aware yet)
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "did not finish: " + String.join(" ", command));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

}
