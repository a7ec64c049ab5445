package org.minuteswarm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Keeps {@code minuteswarm bench swarm} working: one run at a small size (3 agent processes joining
 * one per second, 3 segments of 2 s, capped, the middle one started from a compared classpath) must finish and
 * write its table, CSV files and chart. Nothing about the figures is asserted: this is a benchmark, not a timed
 * test.
 */
class SwarmBenchTest {

    @Test
    @Timeout(150)
    void aSmallRunPrintsItsTableAndWritesCsvAndChart(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SwarmBenchCommand command = new SwarmBenchCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        long started = System.nanoTime();
        int exit = new CommandLine(command).execute("--listeners", "3", "--segments", "3", "--segment-seconds", "2",
                "--bitrate", "1mbit", "--origin-upload", "1.5mbit", "--listener-upload", "3mbit", "--join-over", "2",
                "--compare-classpath", System.getProperty("java.class.path"), "--compare-agent-java-opts",
                SwarmBenchCommand.LISTEN_JAVA_OPTS + " -Xss1m", "--out", dir.toString());
        String table = out.toString(StandardCharsets.UTF_8);
        System.out.println(table);
        System.out.printf("bench smoke run: %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
        assertEquals(0, exit, "bench failed:\n" + err.toString(StandardCharsets.UTF_8));

        assertTrue(table.contains("started one by one over 2 s; odd-numbered agents with classpath "), table);
        assertTrue(table.contains(", JVM options " + SwarmBenchCommand.LISTEN_JAVA_OPTS + " -Xss1m"), table);
        assertTrue(table.contains("origin upload, highest 5-s average: "), table);
        assertTrue(table.contains("released by its scheduler: "), table);
        for (String row : List.of("== minuteswarm", "origin share", "distribution time", "physical floor", "continuity",
                "startup delay", "CPU per agent", "peak RSS per agent", "steady CPU by half")) {
            assertTrue(table.contains(row), "the table has no '" + row + "' row:\n" + table);
        }
        List<String> segments = Files.readAllLines(dir.resolve(BenchReport.SEGMENTS_CSV));
        assertEquals(1 + 3, segments.size(), "header and 3 segments: " + segments);
        List<String> listeners = Files.readAllLines(dir.resolve(BenchReport.LISTENERS_CSV));
        assertEquals(1 + 3, listeners.size(), "header and 3 listeners: " + listeners);
        byte[] png = Files.readAllBytes(dir.resolve(BenchReport.CHART));
        assertTrue(png.length > 1000 && Arrays.equals(Arrays.copyOf(png, 4), new byte[] {(byte) 0x89, 'P', 'N', 'G'}),
                "not a PNG: " + png.length + " bytes");
        assertTrue(Files.readString(dir.resolve(BenchReport.SUMMARY)).contains("origin share"));
    }

    @Test
    void aJoinSpanOutOfRangeIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
        assertRefused(dir, "--join-over must be 0..600 seconds", "--listeners", "3", "--origin-upload", "1.5mbit",
                "--join-over", "-1");
    }

    @Test
    void aComparisonNeedsTwoListeners(@TempDir Path dir) {
        assertRefused(dir, "--compare-classpath needs at least 2 listeners", "--listeners", "1", "--origin-upload",
                "1.5mbit", "--compare-classpath", "other.jar");
    }

    @Test
    void aJvmOptionsComparisonNeedsTwoListeners(@TempDir Path dir) {
        assertRefused(dir, "--compare-agent-java-opts needs at least 2 listeners", "--listeners", "1",
                "--origin-upload", "1.5mbit", "--compare-agent-java-opts", "-Xmx64m");
    }

    /** The command line is refused with {@code message}, and nothing is started. */
    private static void assertRefused(Path dir, String message, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SwarmBenchCommand command = new SwarmBenchCommand(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        CommandLine cli = new CommandLine(command).setErr(new java.io.PrintWriter(err, true));
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--out";
        all[args.length + 1] = dir.toString();
        int exit = cli.execute(all);
        assertTrue(exit != 0);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(message), err.toString());
        assertTrue(!Files.exists(dir.resolve("work")), "nothing was started");
    }

    @Test
    void agentsGetAnAbsoluteClasspath() {
        // agents run in their own directories: `java -jar examples/target/minuteswarm.jar bench swarm` must work
        String cp = SwarmPhase.absolute("examples/target/minuteswarm.jar" + java.io.File.pathSeparator + "/opt/x.jar");
        assertEquals(Path.of("examples/target/minuteswarm.jar").toAbsolutePath() + java.io.File.pathSeparator
                + "/opt/x.jar", cp);
    }

    @Test
    void onlyTheOddAgentsRunTheComparedBuildAndOptions() {
        BenchSettings s = new BenchSettings(4, 3, Duration.ofSeconds(5), 1_000_000, 187_500, 375_000,
                List.of(), Path.of("out"), List.of("-Xmx64m"), "python3", Duration.ZERO, "/opt/other.jar",
                List.of("-Xmx96m"));
        String own = System.getProperty("java.class.path");
        assertEquals(List.of(own, "/opt/other.jar", own, "/opt/other.jar"),
                IntStream.range(0, 4).mapToObj(s::classpathOf).toList());
        assertEquals(List.of(List.of("-Xmx64m"), List.of("-Xmx96m"), List.of("-Xmx64m"), List.of("-Xmx96m")),
                IntStream.range(0, 4).mapToObj(s::javaOptionsOf).toList());
    }
}
