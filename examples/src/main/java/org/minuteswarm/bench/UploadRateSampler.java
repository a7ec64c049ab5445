package org.minuteswarm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Samples a byte counter (the origin's upload) on a thread of its own, and tells the highest average rate over any
 * window of a given length: what a capped origin really sent at its busiest, against its cap. Timed with the
 * sampler's own clock, so a late sample does not inflate the rate as a fixed-interval status line would.
 */
final class UploadRateSampler implements AutoCloseable {
    static final long SAMPLE_EVERY_MILLIS = 250;

    private record Sample(long nanos, long bytes) {
    }

    private final LongSupplier bytes;
    private final List<Sample> samples = new ArrayList<>(); // guarded by this
    private final Thread thread;
    private volatile boolean running = true;

    /** Not started: {@link #start} starts one; tests feed {@link #record} by hand. */
    UploadRateSampler(LongSupplier bytes) {
        this.bytes = bytes;
        this.thread = new Thread(this::run, "bench-origin-rate");
        thread.setDaemon(true);
    }

    static UploadRateSampler start(LongSupplier bytes) {
        UploadRateSampler sampler = new UploadRateSampler(bytes);
        sampler.sample();
        sampler.thread.start();
        return sampler;
    }

    /** Now, on the sampler's clock: pass it to {@link #peakBytesPerSecond} as a window's start or end. */
    long now() {
        return sample();
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(SAMPLE_EVERY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            sample();
        }
    }

    /**
     * Takes a sample and returns its time. The clock is read under the lock, so the bench thread's samples
     * ({@link #now}) and the sampler thread's go into the list in time order.
     */
    private synchronized long sample() {
        long nanos = System.nanoTime();
        record(nanos, bytes.getAsLong());
        return nanos;
    }

    /** Adds a sample taken at {@code nanos}; samples come in time order. Package-private for tests. */
    synchronized void record(long nanos, long bytes) {
        samples.add(new Sample(nanos, bytes));
    }

    /**
     * The highest average rate over {@code window} (or more: from one sample to the first at least that much later)
     * between {@code fromNanos} and {@code toNanos}, in bytes per second; 0 if that span is shorter than the window.
     */
    synchronized double peakBytesPerSecond(long window, TimeUnit unit, long fromNanos, long toNanos) {
        long w = unit.toNanos(window);
        double peak = 0;
        int j = 0;
        for (int i = 0; i < samples.size(); i++) {
            Sample a = samples.get(i);
            if (a.nanos() < fromNanos) {
                continue;
            }
            j = Math.max(j, i + 1);
            while (j < samples.size() && samples.get(j).nanos() - a.nanos() < w) {
                j++;
            }
            if (j >= samples.size() || samples.get(j).nanos() > toNanos) {
                break;
            }
            Sample b = samples.get(j);
            peak = Math.max(peak, (b.bytes() - a.bytes()) * 1e9 / (b.nanos() - a.nanos()));
        }
        return peak;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
