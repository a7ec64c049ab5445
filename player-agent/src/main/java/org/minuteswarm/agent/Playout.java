package org.minuteswarm.agent;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The playback clock. It starts at the first segment it is given (the live edge), waits for it to
 * complete (the startup delay), then plays segment after segment at real time: each segment's
 * bytes are "released" to readers in proportion to the time elapsed in it, so a player reading
 * {@code /stream.ts} is fed at the media's rate.
 *
 * <p>Fast start: the first segment starts as soon as its first {@value #FAST_START_BYTES} bytes are
 * verified (the agent fetches it in play order); its bytes are released no faster than they
 * arrive, so playback stalls rather than run past the verified data.
 *
 * <p>Deadlines: segment k is due when segment k-1 has finished playing. If it is not complete
 * then, playback rebuffers: it waits up to {@code lateGrace} (a stall, counted) and plays k when
 * it completes, so everything after k plays that much later and has that much longer to spread
 * through the swarm (the lead grows, as a player's buffer does after a rebuffer). If k is still
 * incomplete after the grace, it is skipped (counted, logged, announced to listeners) and its
 * duration passes as if played, so the stream keeps going and the agent stays near the live
 * edge. Rebuffering is bounded: once the live edge is {@link AgentConfig#MAX_SEGMENTS_BEHIND_LIVE} or
 * more segments further ahead of k than it was of the segment playback started with (when it
 * started playing), playback does not wait past k's deadline: a late k is skipped at once, so the
 * lag stops growing, and the next segment, if it is there, plays at once, which shortens it.
 * Playback never waits on a segment forever; it only waits for the broadcaster to publish the
 * next one.
 */
final class Playout implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Playout.class);
    /** How often released bytes advance within a segment. */
    private static final long STEP_MILLIS = 50;
    /** Fast start: the first segment may start playing once this much of it (or all of it) is verified. */
    static final long FAST_START_BYTES = 64 * 1024;
    private static final int HISTORY = 64;

    /** A segment that playback reached, with how many of its bytes are released so far. */
    record Played(long sequence, Path file, long size, long released, boolean finished) {
    }

    private final SegmentLibrary library;
    private final Clock clock;
    private final Duration lateGrace;
    private volatile Duration minLead = Duration.ZERO;
    private final LongConsumer afterSegment;
    /**
     * Runs {@link #afterSegment} in order, off the playback thread: the agent's hook stops the torrent of a segment
     * that left the seed window, which waits for bt, and on the playback thread it made the next segment that much
     * late (counted as stalls: about 4 ms per segment at 20 benchmark listeners, 20-50 ms at 40).
     */
    private final ExecutorService hooks;
    private final List<AgentListener> listeners = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Played> history = new ArrayDeque<>();
    private final Thread thread;
    private final Instant started;

    private volatile long startSequence = -1;
    /**
     * How far behind the live edge playback was when it started (or resumed after a pause in
     * publication): a time-shift starts back in the window, and a slow start falls behind.
     */
    private volatile long startBehindLive;
    private volatile long segmentsPlayed;
    private volatile long segmentsSkipped;
    private volatile long stallMillis;
    private volatile long startupMillis = -1;
    private volatile long playingSequence = -1;
    private volatile Instant playingSince;
    private volatile Duration playingDuration = Duration.ZERO;
    private volatile boolean closed;

    Playout(SegmentLibrary library, Clock clock, Duration lateGrace, LongConsumer afterSegment) {
        this.library = library;
        this.clock = clock;
        this.lateGrace = lateGrace;
        this.afterSegment = afterSegment;
        this.hooks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "agent-after-segment");
            t.setDaemon(true);
            return t;
        });
        this.started = clock.instant();
        this.thread = new Thread(this::run, "agent-playout");
        this.thread.setDaemon(true);
    }

    /**
     * The first segment plays no earlier than this long after its publication, so that the next
     * segment has that long to spread through the swarm before it is due. A segment published
     * longer ago than this (already in the swarm) starts at once: that is the fast start.
     */
    void setMinimumLead(Duration lead) {
        this.minLead = lead;
    }

    void addListener(AgentListener listener) {
        listeners.add(listener);
    }

    /** Starts playback at {@code sequence} (normally the live edge when the agent started). */
    void start(long sequence) {
        startSequence = sequence;
        thread.start();
    }

    long startSequence() {
        return startSequence;
    }

    long segmentsPlayed() {
        return segmentsPlayed;
    }

    long segmentsSkipped() {
        return segmentsSkipped;
    }

    long stallMillis() {
        return stallMillis;
    }

    /** From agent start to the first playable byte, or -1 before that. */
    long startupMillis() {
        return startupMillis;
    }

    long playingSequence() {
        return playingSequence;
    }

    /** Media time left in the segment playing now. */
    Duration remainingInCurrent() {
        Instant since = playingSince;
        if (since == null) {
            return Duration.ZERO;
        }
        Duration left = playingDuration.minus(Duration.between(since, clock.instant()));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private void run() {
        long next = startSequence;
        Instant due = null; // null until the first segment plays: startup waits without a deadline
        try {
            while (!closed) {
                boolean known = library.get(next) != null || library.nextAfter(next) >= 0;
                LocalSegment segment = awaitKnown(next);
                if (segment == null) {
                    return;
                }
                if (!known && due != null && clock.instant().isAfter(due)) {
                    // Publication paused (a feed hiccup, a restart) and the buffer ran dry: start
                    // again as at startup, with a lead behind publication, rather than hold the new
                    // segment to a deadline that passed while there was nothing to play.
                    log.info("publication paused; playback resumes at segment {} as it arrives", segment.sequence());
                    due = null;
                }
                if (segment.sequence() != next) {
                    next = segment.sequence(); // the broadcaster skipped numbers (e.g. a restart)
                }
                boolean ready = due == null ? awaitPlayable(segment) : awaitComplete(segment, due);
                if (closed) {
                    return;
                }
                if (ready) {
                    Instant now = clock.instant();
                    if (due == null) {
                        holdForLead(segment);
                        now = clock.instant();
                        startBehindLive = Math.max(0, library.liveEdge() - segment.sequence());
                        if (startupMillis < 0) {
                            startupMillis = Duration.between(started, now).toMillis();
                            log.info("playback starts at segment {} after {} ms", segment.sequence(), startupMillis);
                        }
                    } else if (now.isAfter(due)) {
                        stallMillis += Duration.between(due, now).toMillis();
                    }
                    play(segment);
                    due = clock.instant();
                } else {
                    segmentsSkipped++;
                    library.markSkipped(segment.sequence());
                    log.warn("segment {} missed its deadline: skipped", segment.sequence());
                    for (AgentListener l : listeners) {
                        l.segmentSkipped(segment.sequence());
                    }
                    if (due != null) { // a refused first segment: the next one is the start
                        due = due.plus(segment.descriptor.duration());
                    }
                }
                runAfterSegment(segment.sequence());
                next = segment.sequence() + 1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The segment numbered {@code sequence}, or the first known one after it; waits for publication. */
    private LocalSegment awaitKnown(long sequence) throws InterruptedException {
        while (!closed) {
            LocalSegment s = library.get(sequence);
            if (s != null) {
                return s;
            }
            long after = library.nextAfter(sequence);
            if (after >= 0) {
                return library.get(after);
            }
            library.awaitChange(500);
        }
        return null;
    }

    /** See {@link #setMinimumLead}: bounded by the lead itself, whatever the clocks say. */
    private void holdForLead(LocalSegment segment) throws InterruptedException {
        Instant published = segment.descriptor.startTime().plus(segment.descriptor.duration());
        Instant until = published.plus(minLead);
        Instant latest = clock.instant().plus(minLead);
        if (until.isAfter(latest)) {
            until = latest;
        }
        while (!closed) {
            long left = Duration.between(clock.instant(), until).toMillis();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.min(left, 100));
        }
    }

    /** Startup: waits, without a deadline, until the segment can start playing. */
    private boolean awaitPlayable(LocalSegment segment) throws InterruptedException {
        while (!closed) {
            long playable = segment.playableBytes();
            if (segment.isComplete() || playable >= Math.min(FAST_START_BYTES, segment.descriptor.sizeBytes())) {
                return true;
            }
            if (segment.failed() && library.nextAfter(segment.sequence()) >= 0) {
                return false;
            }
            library.awaitChange(20);
        }
        return false;
    }

    /** Waits until the segment is complete; false if its deadline (plus grace) passed first. */
    private boolean awaitComplete(LocalSegment segment, Instant due) throws InterruptedException {
        Instant giveUp = due == null ? null : due.plus(lateGrace);
        while (!closed) {
            if (giveUp != null
                    && library.liveEdge() - segment.sequence() >= startBehindLive + AgentConfig.MAX_SEGMENTS_BEHIND_LIVE) {
                giveUp = due; // far enough behind: no more rebuffering, catch up instead
            }
            if (segment.isComplete()) {
                return true;
            }
            if (segment.failed() && (due != null || library.nextAfter(segment.sequence()) >= 0)) {
                return false;
            }
            if (giveUp == null) {
                library.awaitChange(200);
                continue;
            }
            long left = Duration.between(clock.instant(), giveUp).toMillis();
            if (left <= 0) {
                return segment.isComplete();
            }
            library.awaitChange(Math.min(left, 200));
        }
        return false;
    }

    private void play(LocalSegment segment) throws InterruptedException {
        long size = segment.descriptor.sizeBytes();
        Duration duration = segment.descriptor.duration();
        Instant since = clock.instant();
        playingSince = since;
        playingDuration = duration;
        playingSequence = segment.sequence();
        for (AgentListener l : listeners) {
            l.segmentStarted(segment.sequence(), segment.file);
        }
        long durationMillis = Math.max(1, duration.toMillis());
        long released = 0;
        long stalledSince = -1;
        long lastAvailable = -1;
        while (!closed) {
            Instant now = clock.instant();
            long elapsed = Duration.between(since, now).toMillis();
            long paced = elapsed >= durationMillis ? size : size * elapsed / durationMillis;
            long available = segment.playableBytes();
            if (paced > available) {
                // Still arriving (fast start): hold the media clock at the last verified byte, however long the
                // thread slept, and give up on the rest only when nothing more came for the grace.
                if (stalledSince < 0 || available > lastAvailable) {
                    stalledSince = now.toEpochMilli();
                } else if (now.toEpochMilli() - stalledSince > lateGrace.toMillis()) {
                    log.warn("segment {} stopped arriving at byte {} of {}: playing on", segment.sequence(), available, size);
                    publish(new Played(segment.sequence(), segment.file, available, available, true));
                    break;
                }
                released = available;
                Instant held = now.minusMillis(available * durationMillis / size);
                stallMillis += Duration.between(since, held).toMillis();
                since = held;
            } else {
                stalledSince = -1;
                released = paced;
            }
            lastAvailable = available;
            publish(new Played(segment.sequence(), segment.file, size, released, released == size));
            if (released == size) {
                break;
            }
            Thread.sleep(Math.max(1, Math.min(STEP_MILLIS, durationMillis - elapsed)));
        }
        playingSince = since;
        segmentsPlayed++;
    }

    private synchronized void publish(Played p) {
        if (!history.isEmpty() && history.peekLast().sequence() == p.sequence()) {
            history.pollLast();
        }
        history.addLast(p);
        while (history.size() > HISTORY) {
            history.pollFirst();
        }
        notifyAll();
    }

    /**
     * Blocks a reader until there is something new after (sequence, offset): more released bytes
     * of that segment, or the next played segment. Returns the progress of {@code sequence}
     * itself if still in history and not exhausted, else the next played entry; null on timeout.
     * With {@code sequence} = -1 it returns the segment playing now.
     */
    synchronized Played awaitAfter(long sequence, long offset, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!closed) {
            if (!history.isEmpty()) {
                if (sequence < 0) {
                    return history.peekLast();
                }
                Played mine = null;
                Played next = null;
                for (Played p : history) {
                    if (p.sequence() == sequence) {
                        mine = p;
                    } else if (p.sequence() > sequence && next == null) {
                        next = p;
                    }
                }
                if (mine != null && mine.released() > offset) {
                    return mine;
                }
                boolean exhausted = mine == null || (mine.finished() && offset >= mine.size());
                if (exhausted && next != null) {
                    return next;
                }
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
        return null;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        synchronized (this) {
            notifyAll();
        }
        hooks.shutdown(); // what was handed over still runs, before the agent closes its runtime
        try {
            if (!hooks.awaitTermination(2, TimeUnit.SECONDS)) {
                log.warn("after-segment work still running at close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runAfterSegment(long sequence) {
        try {
            hooks.execute(() -> {
                try {
                    afterSegment.accept(sequence);
                } catch (RuntimeException e) {
                    log.warn("after segment {}: {}", sequence, e.toString());
                }
            });
        } catch (RejectedExecutionException closing) {
            // closed meanwhile: nothing more to retire
        }
    }
}
