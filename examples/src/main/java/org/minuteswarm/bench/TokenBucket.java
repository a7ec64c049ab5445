package org.minuteswarm.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A total upload cap shared by every connection of the HTTP baseline's origin: a token bucket
 * refilled at the cap, at most one chunk deep, taken in FIFO order (a fair lock) so concurrent
 * downloads share the link evenly, as they would share a real uplink.
 */
final class TokenBucket {
    private final long bytesPerSecond;
    private final long depth;
    private final ReentrantLock lock = new ReentrantLock(true);
    private double tokens;
    private long lastNanos = System.nanoTime();

    TokenBucket(long bytesPerSecond, long depth) {
        if (bytesPerSecond <= 0 || depth <= 0) {
            throw new IllegalArgumentException("rate and depth must be positive");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.depth = depth;
    }

    /** Blocks until {@code n} bytes (at most the depth) may be sent. */
    void take(int n) throws InterruptedException {
        if (n > depth) {
            throw new IllegalArgumentException("chunk " + n + " is deeper than the bucket " + depth);
        }
        lock.lockInterruptibly();
        try {
            refill();
            while (tokens < n) {
                long nanos = (long) ((n - tokens) * 1e9 / bytesPerSecond);
                TimeUnit.NANOSECONDS.sleep(Math.max(nanos, 100_000));
                refill();
            }
            tokens -= n;
        } finally {
            lock.unlock();
        }
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(depth, tokens + (now - lastNanos) * bytesPerSecond / 1e9);
        lastNanos = now;
    }
}
