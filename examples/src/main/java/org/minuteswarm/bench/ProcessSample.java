package org.minuteswarm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says about one process at one moment (proc(5)): CPU time used (user + system,
 * {@code /proc/PID/stat} fields 14 and 15), peak resident set ({@code VmHWM}) and threads.
 *
 * @param cpuMillis      user + system CPU time so far
 * @param peakRssBytes   the resident set's high-water mark
 * @param threads        threads now
 */
record ProcessSample(long cpuMillis, long peakRssBytes, int threads) {
    /** USER_HZ: proc(5) reports CPU times in clock ticks, 100 per second on every Linux we run on. */
    private static final long TICKS_PER_SECOND = 100;

    static final ProcessSample NONE = new ProcessSample(0, 0, 0);

    /** The process's numbers now, or {@link #NONE} if it is gone (or this is not Linux). */
    static ProcessSample of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15, counted from field 3
            long hwm = 0;
            int threads = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.replaceAll("\\D", ""));
                }
            }
            return new ProcessSample(ticks * 1000 / TICKS_PER_SECOND, hwm, threads);
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** The larger of two samples' figures: CPU time only grows, a high-water mark only rises. */
    ProcessSample max(ProcessSample o) {
        return new ProcessSample(Math.max(cpuMillis, o.cpuMillis), Math.max(peakRssBytes, o.peakRssBytes),
                Math.max(threads, o.threads));
    }
}
