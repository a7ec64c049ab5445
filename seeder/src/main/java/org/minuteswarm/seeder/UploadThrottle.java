package org.minuteswarm.seeder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A token bucket over piece data sent to peers: bt 1.10 has no rate limiting at all. The bucket holds
 * at most {@link #BURST} worth of tokens, so a capped seed cannot send a second's worth in a burst after an
 * idle spell (Guava's RateLimiter would store a full second). Callers may go into debt by one block: a block
 * is never split, and the debt is paid by waiting before the next one.
 */
final class UploadThrottle {
    /** Idle credit, as a fraction of a second of the rate. */
    private static final double BURST = 0.05;

    private final long bytesPerSecond;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private double tokens;
    private long lastRefill;

    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    UploadThrottle(long bytesPerSecond) {
        this(bytesPerSecond, System::nanoTime, UploadThrottle::park);
    }

    UploadThrottle(long bytesPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        this.bytesPerSecond = bytesPerSecond;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.lastRefill = nanoTime.getAsLong();
    }

    boolean isUnlimited() {
        return bytesPerSecond <= 0;
    }

    /** Blocks until {@code bytes} may be sent; returns at once when unlimited. */
    void acquire(int bytes) throws InterruptedException {
        if (isUnlimited()) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            refill();
            tokens -= bytes;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens * TimeUnit.SECONDS.toNanos(1) / bytesPerSecond);
        }
        if (waitNanos > 0) {
            sleeper.sleepNanos(waitNanos);
        }
    }

    /**
     * Blocks until the bucket is out of debt (tokens >= 0), without taking anything: the caller then picks
     * which block to send and {@link #take}s its size. Used by {@link UploadScheduler}, which chooses the most
     * urgent request only when it may actually send one.
     */
    void awaitCredit() throws InterruptedException {
        if (isUnlimited()) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            refill();
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens * TimeUnit.SECONDS.toNanos(1) / bytesPerSecond);
        }
        if (waitNanos > 0) {
            sleeper.sleepNanos(waitNanos);
        }
    }

    /** Takes {@code bytes} tokens, going into debt if need be; the next {@link #awaitCredit} pays it off. */
    synchronized void take(int bytes) {
        if (!isUnlimited()) {
            refill();
            tokens -= bytes;
        }
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(bytesPerSecond * BURST, tokens + (now - lastRefill) * bytesPerSecond / 1e9);
        lastRefill = now;
    }

    private static void park(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
