package org.minuteswarm.segmenter.feed;

import java.time.Duration;

/**
 * Waits. Pacing decides <em>how long</em> to wait from the injected {@link java.time.Clock}
 * and waits through a Sleeper, so tests pass a sleeper that advances a fake clock instead of
 * sleeping.
 */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration duration) throws InterruptedException;

    /** Sleeps for real with {@link Thread#sleep}. */
    static Sleeper system() {
        return d -> {
            long nanos = d.toNanos();
            if (nanos > 0) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        };
    }
}
