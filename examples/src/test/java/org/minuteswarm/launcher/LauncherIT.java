package org.minuteswarm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command, as a user runs it: the packaged jar broadcasting the bundled sample
 * clip with --loop, and a listener writing the played stream to stdout ({@code --output -}).
 */
@Timeout(90)
class LauncherIT {
    private static final Path JAR = Path.of("target", "minuteswarm.jar");
    private final List<Process> started = new ArrayList<>();

    private Process java(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(dir.resolve("stderr-" + started.size() + ".log").toFile()).start();
        started.add(p);
        return p;
    }

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void broadcastTheSampleAndListenToStdout(@TempDir Path dir) throws Exception {
        Path sample = Path.of("media", "sample.ts").toAbsolutePath();
        Process broadcast = java(dir, "broadcast", "--input", sample.toString(), "--loop", "--segment-seconds", "2",
                "--http-port", "0", "--peer-port", "0", "--data-dir", "b");
        BufferedReader out = new BufferedReader(new InputStreamReader(broadcast.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertTrue(line != null && line.startsWith("channel: http://127.0.0.1:"), "first line: " + line);
        String url = line.substring("channel: ".length());
        assertEquals(url, Files.readString(dir.resolve("b/channel.url")).strip());

        Process listen = java(dir, "listen", url, "--play-port", "0", "--output", "-", "--data-dir", "l");
        byte[] media = readAtLeast(listen.getInputStream(), 188 * 1000);
        for (int i = 0; i < media.length; i += 188) {
            assertEquals(0x47, media[i] & 0xff, "stdout is not a clean MPEG-TS stream at byte " + i);
        }
        String listenErr = Files.readString(dir.resolve("stderr-1.log"));
        assertTrue(listenErr.contains("play: http://127.0.0.1:"), "no play line on stderr: " + listenErr);

        listen.destroy();
        broadcast.destroy();
        assertTrue(listen.waitFor(15, TimeUnit.SECONDS), "listen did not stop on SIGTERM");
        assertTrue(broadcast.waitFor(15, TimeUnit.SECONDS), "broadcast did not stop on SIGTERM");
    }

    private static byte[] readAtLeast(InputStream in, int n) throws IOException {
        byte[] buf = new byte[n];
        int off = 0;
        while (off < n) {
            int r = in.read(buf, off, n - off);
            if (r < 0) {
                throw new IOException("stream ended after " + off + " bytes");
            }
            off += r;
        }
        return buf;
    }
}
