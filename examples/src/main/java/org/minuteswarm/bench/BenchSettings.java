package org.minuteswarm.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One benchmark run's parameters, validated once.
 *
 * @param listeners                 listeners per phase
 * @param segments                  segments measured (after every listener is playing)
 * @param segmentDuration           the broadcaster's segment duration
 * @param bitsPerSecond             the synthetic feed's bit rate
 * @param originUploadBytesPerSecond the broadcaster's upload cap (BitTorrent, or the HTTP server's total)
 * @param listenerUploadBytesPerSecond each listener's upload cap
 * @param baselines                 which baselines run after the minuteswarm phase
 * @param out                       where the table, CSV, PNG and per-process logs go
 * @param agentJavaOptions          JVM options of each listener agent process
 * @param python                    the interpreter that imports libtorrent
 * @param joinOver                  the listener agents start one by one, evenly over this span (zero: all at once)
 * @param compareClasspath          if not empty, the odd-numbered agents run this classpath instead of the bench's own:
 *                                  two builds compared in one swarm, under the same machine conditions
 * @param compareJavaOptions        if not empty, the odd-numbered agents run with these JVM options instead of
 *                                  {@code agentJavaOptions}: two JVM settings compared the same way
 */
record BenchSettings(int listeners, int segments, Duration segmentDuration, long bitsPerSecond,
                     long originUploadBytesPerSecond, long listenerUploadBytesPerSecond, List<Baseline> baselines,
                     Path out, List<String> agentJavaOptions, String python, Duration joinOver,
                     String compareClasspath, List<String> compareJavaOptions) {

    /** What the minuteswarm swarm is compared with. */
    enum Baseline {
        /** Every listener fetches every segment from one origin HTTP server capped at the origin rate. */
        HTTP,
        /** The listeners are libtorrent 2.0 sessions on the same segment torrents and tracker. */
        LIBTORRENT;

        static Baseline parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    BenchSettings {
        if (listeners < 1 || listeners > 200) {
            throw new IllegalArgumentException("--listeners must be 1..200: " + listeners);
        }
        if (segments < 1 || segments > 1000) {
            throw new IllegalArgumentException("--segments must be 1..1000: " + segments);
        }
        Objects.requireNonNull(segmentDuration, "segmentDuration");
        if (segmentDuration.compareTo(Duration.ofSeconds(1)) < 0 || segmentDuration.compareTo(Duration.ofSeconds(600)) > 0) {
            throw new IllegalArgumentException("--segment-seconds must be 1..600");
        }
        if (bitsPerSecond < 100_000) {
            throw new IllegalArgumentException("--bitrate must be at least 100kbit");
        }
        if (originUploadBytesPerSecond <= 0) {
            throw new IllegalArgumentException("--origin-upload must be a cap (e.g. 1.5mbit): the benchmark is about "
                    + "capped upload");
        }
        if (listenerUploadBytesPerSecond < 0) {
            throw new IllegalArgumentException("--listener-upload must be >= 0");
        }
        baselines = List.copyOf(baselines);
        Objects.requireNonNull(out, "out");
        agentJavaOptions = List.copyOf(agentJavaOptions);
        Objects.requireNonNull(python, "python");
        Objects.requireNonNull(joinOver, "joinOver");
        if (joinOver.isNegative() || joinOver.compareTo(Duration.ofSeconds(600)) > 0) {
            throw new IllegalArgumentException("--join-over must be 0..600 seconds");
        }
        Objects.requireNonNull(compareClasspath, "compareClasspath");
        compareJavaOptions = List.copyOf(compareJavaOptions);
        if (!compareClasspath.isEmpty() && listeners < 2) {
            throw new IllegalArgumentException("--compare-classpath needs at least 2 listeners");
        }
        if (!compareJavaOptions.isEmpty() && listeners < 2) {
            throw new IllegalArgumentException("--compare-agent-java-opts needs at least 2 listeners");
        }
    }

    /** Whether the odd-numbered agents run another build ({@link #compareClasspath}) or other JVM options. */
    boolean compares() {
        return !compareClasspath.isEmpty() || !compareJavaOptions.isEmpty();
    }

    /** The JVM options of agent {@code index}. */
    List<String> javaOptionsOf(int index) {
        return index % 2 == 1 && !compareJavaOptions.isEmpty() ? compareJavaOptions : agentJavaOptions;
    }

    /** The classpath agent {@code index} runs, as given ({@link SwarmPhase#absolute} makes it absolute). */
    String classpathOf(int index) {
        return index % 2 == 1 && !compareClasspath.isEmpty() ? compareClasspath : System.getProperty("java.class.path");
    }

    /** What the odd-numbered agents run differently, for the table; empty if nothing. */
    String comparedWith() {
        List<String> what = new ArrayList<>();
        if (!compareClasspath.isEmpty()) {
            what.add("classpath " + compareClasspath);
        }
        if (!compareJavaOptions.isEmpty()) {
            what.add("JVM options " + String.join(" ", compareJavaOptions));
        }
        return String.join(", ", what);
    }

    /** Time between two agents' starts. */
    Duration joinInterval() {
        return listeners <= 1 ? Duration.ZERO : joinOver.dividedBy(listeners - 1);
    }

    /** Bytes of one segment at the feed's bit rate. */
    long segmentBytesNominal() {
        return bitsPerSecond * segmentDuration.toMillis() / 8000;
    }

    /** The run's parameters, as one line. */
    String describe() {
        return String.format(Locale.ROOT, "%d listeners, %d segments of %d s at %s, origin upload %s, listener upload %s",
                listeners, segments, segmentDuration.toSeconds(), Rates.bits(bitsPerSecond),
                Rates.bytes(originUploadBytesPerSecond), listenerUploadBytesPerSecond == 0 ? "unlimited"
                        : Rates.bytes(listenerUploadBytesPerSecond));
    }
}
