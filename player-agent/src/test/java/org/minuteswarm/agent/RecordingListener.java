package org.minuteswarm.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Records what an agent or playout reports, with the time of each event, and lets a test wait for it. */
final class RecordingListener implements AgentListener {
    /** One reported event: kind is "completed", "started" or "skipped". */
    record Event(String kind, long sequence, long nanos, Thread thread) {
    }

    private final List<Event> events = new ArrayList<>();

    @Override
    public void segmentCompleted(long sequence) {
        record("completed", sequence);
    }

    @Override
    public void segmentStarted(long sequence, Path file) {
        record("started", sequence);
    }

    @Override
    public void segmentSkipped(long sequence) {
        record("skipped", sequence);
    }

    private synchronized void record(String kind, long sequence) {
        events.add(new Event(kind, sequence, System.nanoTime(), Thread.currentThread()));
        notifyAll();
    }

    synchronized List<Long> sequences(String kind) {
        List<Long> out = new ArrayList<>();
        for (Event e : events) {
            if (e.kind().equals(kind)) {
                out.add(e.sequence());
            }
        }
        return out;
    }

    List<Long> started() {
        return sequences("started");
    }

    List<Long> skipped() {
        return sequences("skipped");
    }

    List<Long> completed() {
        return sequences("completed");
    }

    /** The event of this kind for this segment, or null. */
    synchronized Event find(String kind, long sequence) {
        for (Event e : events) {
            if (e.kind().equals(kind) && e.sequence() == sequence) {
                return e;
            }
        }
        return null;
    }

    /** Waits for the event; fails the test with what was seen if it does not come in time. */
    Event await(String kind, long sequence, long timeoutMillis) throws InterruptedException {
        awaitTrue(() -> find(kind, sequence) != null, timeoutMillis, kind + " " + sequence);
        return find(kind, sequence);
    }

    synchronized void awaitTrue(BooleanSupplier condition, long timeoutMillis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError("timed out waiting for " + what + "; events: " + events);
            }
            wait(Math.min(left, 50));
        }
    }

    @Override
    public synchronized String toString() {
        return events.toString();
    }
}
