package org.minuteswarm.segmenter.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Real media made and checked with the ffmpeg tools at /usr/bin (installed by .ci/run). */
final class Media {

    static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");
    static final Path FFPROBE = Path.of("/usr/bin/ffprobe");

    private Media() {
    }

    static void assumeTools() {
        Assumptions.assumeTrue(Files.isExecutable(FFMPEG) && Files.isExecutable(FFPROBE),
                "ffmpeg/ffprobe are not installed");
    }

    /**
     * Encodes a test pattern and/or tone with ffmpeg: {@code args} go between the inputs and the
     * output file (codecs, format).
     */
    static Path make(Path file, boolean video, boolean audio, double seconds, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(FFMPEG.toString(), "-hide_banner", "-v", "error", "-y"));
        if (video) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "testsrc=size=160x120:rate=25"));
        }
        if (audio) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"));
        }
        cmd.addAll(List.of("-t", Double.toString(seconds)));
        cmd.addAll(Arrays.asList(args));
        cmd.add(file.toString());
        Result r = run(cmd);
        assertEquals(0, r.exit(), r.output());
        return file;
    }

    /** H.264 (GOP of 1 s) and AAC in MPEG-TS. */
    static Path h264AacTs(Path file, double seconds) throws IOException {
        return make(file, true, true, seconds, "-c:v", "libx264", "-preset", "ultrafast", "-g", "25",
                "-keyint_min", "25", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "48k",
                "-f", "mpegts");
    }

    /** The lines ffmpeg prints at level error while decoding the whole file: none if it is sound. */
    static String decodeErrors(Path file) throws IOException {
        Result r = run(List.of(FFMPEG.toString(), "-hide_banner", "-v", "error", "-i", file.toString(), "-f", "null",
                "-"));
        return r.exit() == 0 ? r.output().strip() : ("exit " + r.exit() + ": " + r.output()).strip();
    }

    /** key_frame, pict_type and pts_time of the first video frame ffprobe decodes. */
    static Map<String, String> firstVideoFrame(Path file) throws IOException {
        Result r = run(List.of(FFPROBE.toString(), "-v", "error", "-select_streams", "v", "-read_intervals", "%+#1",
                "-show_entries", "frame=key_frame,pict_type,pts_time", "-of", "default=nw=1", file.toString()));
        Map<String, String> m = new HashMap<>();
        for (String line : r.output().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.putIfAbsent(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return m;
    }

    /** Number of decoded frames of the first audio stream. */
    static int audioFrames(Path file) throws IOException {
        Result r = run(List.of(FFPROBE.toString(), "-v", "error", "-select_streams", "a:0", "-count_frames",
                "-show_entries", "stream=nb_read_frames", "-of", "default=nw=1:nk=1", file.toString()));
        assertEquals(0, r.exit(), r.output());
        return Integer.parseInt(r.output().strip().split("\\s+")[0]);
    }

    /** Duration ffprobe reports for the container, in seconds. */
    static double duration(Path file) throws IOException {
        Result r = run(List.of(FFPROBE.toString(), "-v", "error", "-show_entries", "format=duration", "-of",
                "default=nw=1:nk=1", file.toString()));
        return Double.parseDouble(r.output().strip());
    }

    record Result(int exit, String output) {
    }

    static Result run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not finish: " + String.join(" ", command));
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
