package org.minuteswarm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How busy the whole machine was between two samples ({@code /proc/stat}, proc(5)), so a table
 * says when its timings were taken on a machine shared with other work.
 *
 * @param busyTicks  user + nice + system + irq + softirq + steal, all CPUs
 * @param totalTicks the same plus idle and iowait
 */
record MachineLoad(long busyTicks, long totalTicks) {

    static MachineLoad sample() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0);
            String[] f = line.trim().split("\\s+");
            long user = Long.parseLong(f[1]);
            long nice = Long.parseLong(f[2]);
            long system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]);
            long iowait = Long.parseLong(f[5]);
            long irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            long busy = user + nice + system + irq + softirq + steal;
            return new MachineLoad(busy, busy + idle + iowait);
        } catch (IOException | RuntimeException e) {
            return new MachineLoad(0, 0);
        }
    }

    /**
     * One line: the machine's CPU use from {@code start} to now, and how much of it was the
     * benchmark's own processes ({@code ownCpuMillis}, measured by the caller over the same span).
     */
    static String describe(MachineLoad start, long ownCpuMillis) {
        MachineLoad end = sample();
        long total = end.totalTicks - start.totalTicks;
        if (total <= 0) {
            return "machine load unknown";
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        double busyCores = (double) (end.busyTicks - start.busyTicks) / total * cpus;
        double seconds = total / 100.0 / cpus; // USER_HZ 100
        double ownCores = ownCpuMillis / 1000.0 / seconds;
        return String.format(Locale.ROOT, "machine while measured: %.2f of %d cores busy, %.2f of them this "
                + "benchmark's processes, %.2f other work", busyCores, cpus, ownCores, Math.max(0, busyCores - ownCores));
    }
}
