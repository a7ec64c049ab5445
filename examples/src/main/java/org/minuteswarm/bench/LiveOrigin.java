package org.minuteswarm.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.minuteswarm.channel.ChannelUrl;
import org.minuteswarm.channel.ManifestException;
import org.minuteswarm.swarm.SwarmFixture;

/**
 * The broadcaster of one benchmark phase: a synthetic live feed at the run's bit rate, cut into
 * segments, seeded with the origin's upload cap, published through the embedded tracker. It is
 * the swarm fixture with no in-process listeners, so it records when each segment was published
 * and keeps a copy of its bytes.
 */
final class LiveOrigin implements AutoCloseable {
    private final SwarmFixture fixture;
    private final Object lock = new Object();
    private long latest = -1;

    private LiveOrigin(SwarmFixture fixture) {
        this.fixture = fixture;
    }

    static LiveOrigin start(BenchSettings s, Path dir) throws IOException, ManifestException {
        SwarmFixture f = SwarmFixture.builder(dir).listeners(0).segmentDuration(s.segmentDuration())
                .bitrate(s.bitsPerSecond()).originUpload(s.originUploadBytesPerSecond()).start();
        LiveOrigin origin = new LiveOrigin(f);
        f.broadcaster().onPublished(d -> origin.published(d.sequence()));
        return origin;
    }

    private void published(long sequence) {
        synchronized (lock) {
            latest = Math.max(latest, sequence);
            lock.notifyAll();
        }
    }

    /** The newest published segment, or -1. */
    long latest() {
        synchronized (lock) {
            return latest;
        }
    }

    /** Waits until a segment newer than {@code after} is published, and returns the newest. */
    long awaitNewer(long after, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (latest <= after) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new TimeoutException("no segment after " + after + " was published in " + timeout);
                }
                lock.wait(left);
            }
            return latest;
        }
    }

    /**
     * When segment {@code sequence} was published (epoch millis), or -1. Read after the
     * publication was seen through {@link #awaitNewer}: the fixture records it first.
     */
    long publishedAtMillis(long sequence) {
        var at = fixture.publishedAt(sequence);
        return at == null ? -1 : at.toEpochMilli();
    }

    /** A copy of segment {@code sequence}'s bytes, or null. */
    byte[] bytes(long sequence) {
        return fixture.publishedSegment(sequence);
    }

    long size(long sequence) {
        byte[] b = bytes(sequence);
        return b == null ? -1 : b.length;
    }

    long uploadedBytes() {
        return fixture.broadcaster().originUploadedBytes();
    }

    long releasedBytes() {
        return fixture.broadcaster().originReleasedBytes();
    }

    ChannelUrl channelUrl() {
        return fixture.broadcaster().channelUrl();
    }

    @Override
    public void close() {
        fixture.close();
    }
}
