package org.minuteswarm.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The benchmark's output: per phase a table (origin share, distribution time against the physical
 * floor, continuity, startup, CPU and RSS per listener), and for all phases together the
 * per-segment and per-listener CSV files and the chart.
 */
final class BenchReport {
    static final String SEGMENTS_CSV = "bench-segments.csv";
    static final String LISTENERS_CSV = "bench-listeners.csv";
    static final String SUMMARY = "bench-summary.txt";
    static final String CHART = "bench-distribution.png";

    private BenchReport() {
    }

    /** The table of one phase. */
    static String table(BenchSettings s, RunResult r) {
        StringWriter text = new StringWriter();
        PrintWriter o = new PrintWriter(text);
        long cap = s.originUploadBytesPerSecond();
        long[] dist = r.sortedDistributionMillis();
        long[] floors = r.segments().stream().mapToLong(g -> g.floorMillis(cap)).sorted().toArray();
        long floor = RunResult.percentile(floors, 50);
        long segBytes = r.segments().stream().mapToLong(RunResult.Segment::bytes).sorted()
                .skip(r.segments().size() / 2).findFirst().orElse(s.segmentBytesNominal());
        o.printf(Locale.ROOT, "== %s: %s%n", r.name(), s.describe());
        o.printf(Locale.ROOT, "  %-22s %.3f  (origin sent %s, listeners received %s); P2P share %.3f%s%n", "origin share",
                r.originShare(), Rates.megabytes(r.originBytes()), Rates.megabytes(r.deliveredBytes()), 1 - r.originShare(),
                r.originShare() > 1 ? " (origin sent more than was received: blocks sent twice, or to peers that left)" : "");
        o.printf(Locale.ROOT, "  %-22s p50 %s  p95 %s  max %s  (%d of %d segments reached every listener)%n",
                "distribution time", secs(RunResult.percentile(dist, 50)), secs(RunResult.percentile(dist, 95)),
                secs(dist.length == 0 ? Long.MAX_VALUE : dist[dist.length - 1]),
                r.segments().size() - r.incompleteSegments(), r.segments().size());
        o.printf(Locale.ROOT, "  %-22s %s (segment %d kB / origin cap %s); p50 %s  p95 %s  max %s the floor%n",
                "physical floor", secs(floor), segBytes / 1000, Rates.bytes(cap),
                ratio(RunResult.percentile(dist, 50), floor), ratio(RunResult.percentile(dist, 95), floor),
                ratio(dist.length == 0 ? Long.MAX_VALUE : dist[dist.length - 1], floor));
        double[] cont = r.listeners().stream().mapToDouble(RunResult.Listener::continuity).toArray();
        long stalls = r.listeners().stream().mapToLong(RunResult.Listener::stallMillis).sum();
        o.printf(Locale.ROOT, "  %-22s min %.3f  mean %.3f  (listeners with every due segment played, no stall: %d of %d; "
                        + "stalls %d ms in all)%n", "continuity",
                Arrays.stream(cont).min().orElse(Double.NaN), Arrays.stream(cont).average().orElse(Double.NaN),
                r.listenersServedOnTime(), r.listeners().size(), stalls);
        long[] startup = r.listeners().stream().mapToLong(RunResult.Listener::startupMillis).filter(v -> v >= 0)
                .sorted().toArray();
        long neverStarted = r.listeners().size() - startup.length;
        o.printf(Locale.ROOT, "  %-22s p50 %s  max %s%s%n", "startup delay", secs(RunResult.percentile(startup, 50)),
                secs(startup.length == 0 ? Long.MAX_VALUE : startup[startup.length - 1]),
                neverStarted == 0 ? "" : "  (" + neverStarted + " of " + r.listeners().size() + " never started playing)");
        if (r.listeners().stream().anyMatch(l -> l.peakRssBytes() > 0)) {
            String per = r.perProcess() ? "per agent" : "per listener (one process / N)";
            long[] cpu = r.listeners().stream().mapToLong(RunResult.Listener::cpuMillis).sorted().toArray();
            double[] steady = r.listeners().stream().mapToDouble(RunResult.Listener::steadyCoreShare).sorted().toArray();
            long[] rss = r.listeners().stream().mapToLong(RunResult.Listener::peakRssBytes).sorted().toArray();
            o.printf(Locale.ROOT, "  %-22s %.1f s p50, %.1f s max over the run; steady %.1f%% p50, %.1f%% max of one core%n",
                    "CPU " + per, RunResult.percentile(cpu, 50) / 1000.0, cpu[cpu.length - 1] / 1000.0,
                    steady[(steady.length - 1) / 2] * 100, steady[steady.length - 1] * 100);
            o.printf(Locale.ROOT, "  %-22s %d MB p50, %d MB max%n", "peak RSS " + per,
                    RunResult.percentile(rss, 50) / 1_000_000, rss[rss.length - 1] / 1_000_000);
            if (s.compares() && r.name().equals("minuteswarm")) {
                o.printf(Locale.ROOT, "  %-22s even agents (this build) %.2f%% p50, odd agents (compared) %.2f%% p50%n",
                        "steady CPU by half", steadyMedian(r, 0) * 100, steadyMedian(r, 1) * 100);
            }
        }
        for (String note : r.notes()) {
            o.println("  note: " + note);
        }
        o.flush();
        return text.toString();
    }

    /** Median steady CPU share of the agents whose index has the given parity. */
    private static double steadyMedian(RunResult r, int parity) {
        double[] v = r.listeners().stream().filter(l -> l.index() % 2 == parity)
                .mapToDouble(RunResult.Listener::steadyCoreShare).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Writes the CSV files, the chart and the summary text into {@code dir}. */
    static void write(Path dir, BenchSettings s, List<RunResult> runs, String summary) throws IOException {
        Files.createDirectories(dir);
        StringBuilder seg = new StringBuilder("run,index,sequence,bytes,published_at_ms,floor_ms,distribution_ms,"
                + "median_listener_ms,listeners_holding,listeners\n");
        StringBuilder lis = new StringBuilder("run,listener,due,played,stall_ms,startup_ms,cpu_ms,steady_cpu_ms,"
                + "measured_ms,peak_rss_bytes,threads,per_process\n");
        for (RunResult r : runs) {
            int i = 0;
            for (RunResult.Segment g : r.segments()) {
                seg.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%d,%s,%s,%d,%d%n", r.name(), ++i, g.sequence(),
                        g.bytes(), g.publishedAtMillis(), g.floorMillis(s.originUploadBytesPerSecond()),
                        csv(g.distributionMillis()), csv(g.medianListenerMillis()), g.listenersHolding(),
                        g.completedAtMillis().length));
            }
            for (RunResult.Listener l : r.listeners()) {
                lis.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%s%n", r.name(), l.index(), l.due(),
                        l.played(), l.stallMillis(), l.startupMillis(), l.cpuMillis(), l.steadyCpuMillis(),
                        l.measuredMillis(), l.peakRssBytes(), l.threads(), r.perProcess()));
            }
        }
        Files.writeString(dir.resolve(SEGMENTS_CSV), seg, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(LISTENERS_CSV), lis, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(SUMMARY), summary, StandardCharsets.UTF_8);
        DistributionChart.write(dir.resolve(CHART), s, runs);
    }

    private static String csv(OptionalLong v) {
        return v.isPresent() ? Long.toString(v.getAsLong()) : "";
    }

    static String secs(long millis) {
        return millis == Long.MAX_VALUE ? "never" : String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
    }

    private static String ratio(long millis, long floor) {
        return millis == Long.MAX_VALUE || floor <= 0 ? "inf" : String.format(Locale.ROOT, "%.2fx", (double) millis / floor);
    }
}
