package org.minuteswarm.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real tools (ffmpeg, ffprobe at /usr/bin, as .ci/run installs them) driven from tests: live
 * sources, and the checks a player would make (decode errors, keyframes, durations, frame counts).
 * Every process is destroyed by its handle.
 */
final class Media {
    static final Path FFMPEG = Path.of("/usr/bin/ffmpeg");
    static final Path FFPROBE = Path.of("/usr/bin/ffprobe");
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(40);

    private Media() {
    }

    /** Skips the calling test when ffmpeg or ffprobe is not installed. */
    static void assumeTools() {
        assumeTrue(Files.isExecutable(FFMPEG) && Files.isExecutable(FFPROBE), "ffmpeg/ffprobe not installed at /usr/bin");
    }

    /** The output of a finished tool run. */
    record Run(int exit, String stdout, String stderr) {
        List<String> stderrLines() {
            List<String> lines = new ArrayList<>();
            for (String l : stderr.split("\n")) {
                if (!l.isBlank()) {
                    lines.add(l);
                }
            }
            return lines;
        }
    }

    /** Runs a tool to its end (killed after the timeout), capturing its output in files under {@code dir}. */
    static Run run(Path dir, Duration timeout, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "tool-", ".out");
        Path err = Files.createTempFile(dir, "tool-", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", command)
                        + "\nstderr: " + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            stop(p);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Destroys a process (politely, then forcibly) and waits for it. Null-safe. */
    static void stop(Process p) throws InterruptedException {
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * {@code ffmpeg -v error -i INPUT -f null -}: the error lines a player would see decoding the
     * input whole (or its first {@code seconds}, when positive). Asserts ffmpeg exited 0.
     */
    static List<String> decodeErrors(Path dir, String input, double seconds, String... inputOptions)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(FFMPEG.toString(), "-nostdin", "-hide_banner", "-v", "error"));
        cmd.addAll(List.of(inputOptions));
        if (seconds > 0) {
            cmd.addAll(List.of("-t", String.valueOf(seconds)));
        }
        cmd.addAll(List.of("-i", input, "-f", "null", "-"));
        Run r = run(dir, Duration.ofSeconds(60), cmd);
        assertEquals(0, r.exit(), "ffmpeg failed decoding " + input + ": " + r.stderr());
        return r.stderrLines();
    }

    static List<String> decodeErrors(Path dir, Path file) throws IOException, InterruptedException {
        return decodeErrors(dir, file.toString(), 0);
    }

    /** ffprobe's key_frame of the first decoded video frame (show_frames, read_intervals %+#1). */
    static String firstVideoFrameKey(Path dir, Path file) throws IOException, InterruptedException {
        Run r = probe(dir, "-select_streams", "v", "-show_frames", "-read_intervals", "%+#1",
                "-show_entries", "frame=key_frame", "-of", "default=noprint_wrappers=1", file.toString());
        return field(r.stdout(), "key_frame");
    }

    /** ffprobe's flags of the first video packet in the file ("K_" for a keyframe). */
    static String firstVideoPacketFlags(Path dir, Path file) throws IOException, InterruptedException {
        Run r = probe(dir, "-select_streams", "v", "-show_packets", "-read_intervals", "%+#1",
                "-show_entries", "packet=flags", "-of", "default=noprint_wrappers=1", file.toString());
        return field(r.stdout(), "flags");
    }

    /** The container duration ffprobe reports, in seconds. */
    static double durationSeconds(Path dir, Path file) throws IOException, InterruptedException {
        Run r = probe(dir, "-show_entries", "format=duration", "-of", "csv=p=0", file.toString());
        return Double.parseDouble(firstLine(r.stdout()));
    }

    /** Decoded frames of the first stream of a kind ("v" or "a"): ffprobe -count_frames. */
    static long decodedFrames(Path dir, Path file, String kind) throws IOException, InterruptedException {
        Run r = probe(dir, "-select_streams", kind + ":0", "-count_frames", "-show_entries", "stream=nb_read_frames",
                "-of", "csv=p=0", file.toString());
        return Long.parseLong(firstLine(r.stdout()).replace(",", ""));
    }

    /** The audio codec and sample rate of the first audio stream, e.g. "mp3,44100". */
    static String audioFormat(Path dir, Path file) throws IOException, InterruptedException {
        Run r = probe(dir, "-select_streams", "a:0", "-show_entries", "stream=codec_name,sample_rate",
                "-of", "csv=p=0", file.toString());
        return firstLine(r.stdout());
    }

    /** The first {@code name=value} of ffprobe's default output (side data lines come along). */
    private static String field(String out, String name) {
        return out.lines().map(String::strip).filter(l -> l.startsWith(name + "=")).findFirst()
                .map(l -> l.substring(name.length() + 1)).orElse("(no " + name + ")");
    }

    /** ffprobe prints a stream again under its program: the first non-blank line is the answer. */
    private static String firstLine(String out) {
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
    }

    private static Run probe(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(FFPROBE.toString(), "-hide_banner", "-v", "error"));
        cmd.addAll(List.of(args));
        Run r = run(dir, TOOL_TIMEOUT, cmd);
        assertEquals(0, r.exit(), "ffprobe failed: " + String.join(" ", cmd) + ": " + r.stderr());
        return r;
    }

    /** Starts a long-running ffmpeg; its stderr goes to {@code log}, stdout to the returned process's stream. */
    static Process startFfmpeg(Path log, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(FFMPEG.toString(), "-nostdin", "-hide_banner", "-loglevel", "warning"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectError(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    /**
     * A live H.264/AAC test source (testsrc2 320x240 at 25 fps + a 440 Hz tone, 1-s GOP) sent as
     * MPEG-TS over UDP to 127.0.0.1:{@code port}, paced at real time as ffmpeg/OBS send it.
     */
    static Process startUdpTestPattern(Path log, int port) throws IOException {
        return startFfmpeg(log, List.of("-re",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
                "-b:v", "300k", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0",
                "-c:a", "aac", "-b:a", "64k",
                "-f", "mpegts", "udp://127.0.0.1:" + port + "?pkt_size=1316"));
    }

    /** A free UDP port on 127.0.0.1 (free when asked: the broadcaster binds it right after). */
    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
