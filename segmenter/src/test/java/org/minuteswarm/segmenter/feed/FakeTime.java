package org.minuteswarm.segmenter.feed;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand, and a sleeper that moves it instead of sleeping. */
final class FakeTime extends Clock {

    static final Instant EPOCH = Instant.parse("2025-01-01T00:00:00Z");

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong slept = new AtomicLong();

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    /** Total time requested from {@link #sleeper()}. */
    Duration slept() {
        return Duration.ofNanos(slept.get());
    }

    Sleeper sleeper() {
        return d -> {
            slept.addAndGet(d.toNanos());
            advance(d);
        };
    }

    @Override
    public Instant instant() {
        return EPOCH.plusNanos(nanos.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
