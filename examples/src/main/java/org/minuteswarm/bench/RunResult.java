package org.minuteswarm.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What one phase of a benchmark run measured: per segment, when it was published and when each
 * listener held it; per listener, playback, CPU and memory; and the origin's upload against what
 * the listeners received. Summaries are computed here, formatting is {@link BenchReport}'s.
 *
 * @param name          minuteswarm, http or libtorrent
 * @param segments      the measured segments, in order
 * @param listeners     one entry per listener
 * @param originBytes   what the origin uploaded while the segments were measured
 * @param deliveredBytes what all listeners received in the same interval
 * @param perProcess    true if each listener is its own process (its CPU and RSS are its own);
 *                      false if listeners share one process and figures are that process's / N
 * @param notes         lines printed under the table
 */
record RunResult(String name, List<Segment> segments, List<Listener> listeners, long originBytes,
                 long deliveredBytes, boolean perProcess, List<String> notes) {

    RunResult {
        segments = List.copyOf(segments);
        listeners = List.copyOf(listeners);
        notes = List.copyOf(notes);
    }

    /**
     * One measured segment.
     *
     * @param completedAtMillis epoch millis at which each listener held the whole segment, -1 never
     */
    record Segment(long sequence, long bytes, long publishedAtMillis, long[] completedAtMillis) {
        /** Publication until the last listener held it; empty if some listener never did. */
        OptionalLong distributionMillis() {
            long last = publishedAtMillis;
            for (long c : completedAtMillis) {
                if (c < 0) {
                    return OptionalLong.empty();
                }
                last = Math.max(last, c);
            }
            return OptionalLong.of(last - publishedAtMillis);
        }

        /** Publication until the median listener held it; empty if half never did. */
        OptionalLong medianListenerMillis() {
            long[] d = Arrays.stream(completedAtMillis).map(c -> c < 0 ? Long.MAX_VALUE : c - publishedAtMillis)
                    .sorted().toArray();
            long m = d.length == 0 ? Long.MAX_VALUE : d[(d.length - 1) / 2];
            return m == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(m);
        }

        long listenersHolding() {
            return Arrays.stream(completedAtMillis).filter(c -> c >= 0).count();
        }

        /** Segment bytes / origin upload cap: no distribution can be faster. */
        long floorMillis(long originBytesPerSecond) {
            return bytes * 1000 / originBytesPerSecond;
        }
    }

    /**
     * One listener.
     *
     * @param due             segments whose play time came while measured
     * @param played          of those, played (possibly after a stall)
     * @param stallMillis     time playback waited for late segments while measured
     * @param startupMillis   listener start to first playable byte; -1 unknown
     * @param cpuMillis       CPU used over the whole run (start-up included)
     * @param steadyCpuMillis CPU used while measured
     * @param measuredMillis  how long the measurement lasted
     * @param peakRssBytes    resident set high-water mark; 0 unknown
     */
    record Listener(int index, long due, long played, long stallMillis, long startupMillis, long cpuMillis,
                    long steadyCpuMillis, long measuredMillis, long peakRssBytes, int threads) {
        double continuity() {
            return due == 0 ? 1.0 : (double) played / due;
        }

        /** Steady CPU as a share of one core. */
        double steadyCoreShare() {
            return measuredMillis == 0 ? 0 : (double) steadyCpuMillis / measuredMillis;
        }
    }

    double originShare() {
        return deliveredBytes == 0 ? Double.NaN : (double) originBytes / deliveredBytes;
    }

    /** Distribution times, never-completed segments as {@link Long#MAX_VALUE}, sorted. */
    long[] sortedDistributionMillis() {
        return segments.stream().mapToLong(s -> s.distributionMillis().orElse(Long.MAX_VALUE)).sorted().toArray();
    }

    long incompleteSegments() {
        return segments.stream().filter(s -> s.distributionMillis().isEmpty()).count();
    }

    /** Nearest-rank percentile (p in 0..100) of sorted values; Long.MAX_VALUE stands for "never". */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Long.MAX_VALUE;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Listeners whose every due segment played with no stall. */
    long listenersServedOnTime() {
        return listeners.stream().filter(l -> l.due() > 0 && l.played() == l.due() && l.stallMillis() == 0).count();
    }

    /** Completion times per listener, keyed by sequence, as the phases collect them. */
    static Segment segment(long sequence, long bytes, long publishedAt, List<Map<Long, Long>> completions) {
        long[] c = new long[completions.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = completions.get(i).getOrDefault(sequence, -1L);
        }
        return new Segment(sequence, bytes, publishedAt, c);
    }

    static List<String> notes(String... lines) {
        return new ArrayList<>(List.of(lines));
    }
}
