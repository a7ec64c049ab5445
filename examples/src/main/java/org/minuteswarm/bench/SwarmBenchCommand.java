package org.minuteswarm.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.minuteswarm.seeder.UploadRate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code minuteswarm bench swarm}: a broadcaster with a synthetic feed and N listeners on
 * loopback under upload caps, M segments measured, then the same with each baseline; prints a
 * table per phase and writes CSV, PNG and the tables to {@code --out}.
 */
@Command(name = "swarm", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure a capped swarm on loopback: a broadcaster with a synthetic live feed and N listener "
                + "agents (one process each), M segments, then the baselines with the same caps.",
                "Prints origin share, distribution time against the physical floor, continuity, startup, CPU and "
                        + "peak RSS per listener; writes " + BenchReport.SEGMENTS_CSV + ", " + BenchReport.LISTENERS_CSV
                        + ", " + BenchReport.CHART + " and " + BenchReport.SUMMARY + " to --out."})
public final class SwarmBenchCommand implements Callable<Integer> {
    @Option(names = "--listeners", paramLabel = "N", defaultValue = "20", description = "listeners (default: ${DEFAULT-VALUE}).")
    int listeners;

    @Option(names = "--segments", paramLabel = "M", defaultValue = "10",
            description = "segments measured once every listener plays (default: ${DEFAULT-VALUE}).")
    int segments;

    @Option(names = "--segment-seconds", paramLabel = "D", defaultValue = "5",
            description = "segment duration (default: ${DEFAULT-VALUE}).")
    int segmentSeconds;

    @Option(names = "--bitrate", paramLabel = "B", defaultValue = "1mbit",
            description = "the synthetic feed's bit rate, e.g. 1mbit (default: ${DEFAULT-VALUE}).")
    String bitrate;

    @Option(names = "--origin-upload", paramLabel = "X", required = true,
            description = "the broadcaster's upload cap, e.g. 1.5mbit; the HTTP baseline's server gets the same in total.")
    String originUpload;

    @Option(names = "--listener-upload", paramLabel = "Y", defaultValue = "0",
            description = "each listener's upload cap, e.g. 3mbit; 0 = unlimited (default: ${DEFAULT-VALUE}).")
    String listenerUpload;

    @Option(names = "--baseline", paramLabel = "http|libtorrent|none", split = ",", defaultValue = "none",
            description = "baselines to run after the minuteswarm phase, comma-separated or repeated (default: ${DEFAULT-VALUE}).")
    List<String> baselines;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "minuteswarm-data/bench",
            description = "where the tables, CSV, PNG and per-listener logs go (default: ${DEFAULT-VALUE}).")
    Path out;

    /**
     * What {@code ./minuteswarm listen} runs with: a small heap and direct-memory cap, a 4 MB young generation
     * (an agent allocates ~0.5 MB/s, and every page of a larger eden becomes resident), the serial collector
     * (no collector threads of its own), the C1 compiler only (a listener's hot loop needs no C2, whose
     * compile threads cost 20 JVMs starting on two cores seconds each), smaller thread stacks.
     */
    static final String LISTEN_JAVA_OPTS =
            "-Xmx64m -Xmn4m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k";

    @Option(names = "--agent-java-opts", paramLabel = "OPTS", defaultValue = LISTEN_JAVA_OPTS,
            description = "JVM options of each listener agent process (default: ${DEFAULT-VALUE}).")
    String agentJavaOpts;

    @Option(names = "--join-over", paramLabel = "S", defaultValue = "0",
            description = "start the listener agents one by one, evenly over S seconds, as an audience tunes in; "
                    + "0 = all at once, with the broadcast (default: ${DEFAULT-VALUE}).")
    int joinOverSeconds;

    @Option(names = "--compare-classpath", paramLabel = "CP", defaultValue = "",
            description = "run every odd-numbered agent from this classpath (e.g. another build's minuteswarm.jar) "
                    + "instead of this one: two builds compared in one swarm, under the same machine conditions; the "
                    + "table adds each half's steady CPU.")
    String compareClasspath;

    @Option(names = "--compare-agent-java-opts", paramLabel = "OPTS", defaultValue = "",
            description = "run every odd-numbered agent with these JVM options instead of --agent-java-opts: two JVM "
                    + "settings compared in one swarm; the table adds each half's steady CPU.")
    String compareAgentJavaOpts;

    @Option(names = "--python", paramLabel = "PATH", defaultValue = "/usr/bin/python3",
            description = "the interpreter that imports libtorrent (default: ${DEFAULT-VALUE}).")
    String python;

    private final PrintStream stdout;
    private final PrintStream stderr;

    public SwarmBenchCommand() {
        this(System.out, System.err);
    }

    SwarmBenchCommand(PrintStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    @Override
    public Integer call() throws Exception {
        List<BenchSettings.Baseline> chosen = new ArrayList<>();
        for (String b : baselines) {
            if (!b.isBlank() && !b.trim().equalsIgnoreCase("none")) {
                try {
                    chosen.add(BenchSettings.Baseline.parse(b));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--baseline must be http, libtorrent or none: " + b);
                }
            }
        }
        long bits = UploadRate.parseBytesPerSecond(bitrate) * 8;
        BenchSettings s = new BenchSettings(listeners, segments, Duration.ofSeconds(segmentSeconds), bits,
                UploadRate.parseBytesPerSecond(originUpload), UploadRate.parseBytesPerSecond(listenerUpload), chosen,
                out.toAbsolutePath(), options(agentJavaOpts), python,
                Duration.ofSeconds(joinOverSeconds), compareClasspath.trim(), options(compareAgentJavaOpts));
        return run(s);
    }

    /** JVM options as given on the command line, split at white space. */
    private static List<String> options(String opts) {
        return opts.isBlank() ? List.of() : Arrays.asList(opts.trim().split("\\s+"));
    }

    int run(BenchSettings s) throws Exception {
        stderr.println("bench: " + s.describe() + "; output in " + s.out());
        List<RunResult> runs = new ArrayList<>();
        StringBuilder summary = new StringBuilder();
        runs.add(new SwarmPhase(s, s.out().resolve("work/minuteswarm"), stderr).run());
        print(s, runs.get(runs.size() - 1), summary);
        for (BenchSettings.Baseline b : s.baselines()) {
            RunResult r = switch (b) {
                case HTTP -> new HttpPhase(s, s.out().resolve("work/http"), stderr).run();
                case LIBTORRENT -> new LibtorrentPhase(s, s.out().resolve("work/libtorrent"), stderr).run();
            };
            runs.add(r);
            print(s, r, summary);
        }
        BenchReport.write(s.out(), s, runs, summary.toString());
        stdout.println("wrote " + s.out().resolve(BenchReport.SEGMENTS_CSV) + ", " + BenchReport.LISTENERS_CSV + ", "
                + BenchReport.CHART + ", " + BenchReport.SUMMARY);
        stdout.flush();
        return 0;
    }

    private void print(BenchSettings s, RunResult r, StringBuilder summary) {
        String table = BenchReport.table(s, r);
        summary.append(table).append('\n');
        stdout.println(table);
        stdout.flush();
    }
}
