package org.minuteswarm.interop;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A third-party BitTorrent client running as a child process, its output in a file. It is only
 * ever stopped through its own {@link Process} handle ({@link #close()}), never by name.
 */
final class ExternalClient implements AutoCloseable {
    /**
     * When set (to anything), a missing client fails the test instead of skipping it, so a CI that
     * is meant to have the clients cannot pass by silently skipping the interop tests.
     */
    static final String REQUIRE_ENV = "MINUTESWARM_REQUIRE_INTEROP";
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final String name;
    private final Process process;
    private final Path output;
    private final long startedNanos = System.nanoTime();
    private long exitedNanos;

    private ExternalClient(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    static ExternalClient start(String name, List<String> command, Path workDir, Path output) throws IOException {
        Process p = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                .start();
        return new ExternalClient(name, p, output);
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** Waits for the client to exit by itself; false if it is still running after {@code timeout}. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (exited && exitedNanos == 0) {
            exitedNanos = System.nanoTime();
        }
        return exited;
    }

    /**
     * Waits until the client's output has a line starting with one of {@code prefixes} and returns
     * it; empty if the client exited or {@code timeout} passed first.
     */
    Optional<String> awaitLine(List<String> prefixes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean alive = process.isAlive();
            try {
                for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
                    for (String prefix : prefixes) {
                        if (line.startsWith(prefix)) {
                            return Optional.of(line);
                        }
                    }
                }
            } catch (IOException e) {
                // not written yet, or a partial UTF-8 sequence: look again
            }
            if (!alive || System.nanoTime() > deadline) {
                return Optional.empty();
            }
            Thread.sleep(20);
        }
    }

    /** Asks the client to stop (SIGTERM) and waits for it; false if it did not exit in {@code timeout}. */
    boolean terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    int exitValue() {
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** From start to exit (or to now, if still running). */
    Duration runTime() {
        return Duration.ofNanos((exitedNanos == 0 ? System.nanoTime() : exitedNanos) - startedNanos);
    }

    /** The client's output (stdout and stderr), at most the last {@code maxChars} characters. */
    String outputTail(int maxChars) {
        try {
            String s = Files.readString(output, StandardCharsets.UTF_8);
            return s.length() <= maxChars ? s : "..." + s.substring(s.length() - maxChars);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    String describe() {
        return name + " (pid " + process.pid() + ")";
    }

    /** Ends the process if it still runs: SIGTERM, then SIGKILL after a grace period. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** An executable by absolute path, else the first on PATH. */
    static Optional<Path> findExecutable(String preferred, String onPath) {
        Path p = Path.of(preferred);
        if (Files.isExecutable(p)) {
            return Optional.of(p);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, onPath);
                if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Skips the test (or fails it, under {@value #REQUIRE_ENV}) because a client is not installed. */
    static void assumeInstalled(boolean installed, String what) {
        if (!installed && System.getenv(REQUIRE_ENV) != null) {
            fail(what + " is not installed, and " + REQUIRE_ENV + " is set");
        }
        assumeTrue(installed, what + " is not installed: skipping this interop test");
    }

    /** A TCP port free on 127.0.0.1 at the time of asking (the client binds it moments later). */
    static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    /** Copies a classpath resource to {@code target} (it may sit inside a jar) and returns target. */
    static Path copyResource(String resource, Path target) throws IOException {
        try (InputStream in = ExternalClient.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("test resource " + resource + " is missing");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
