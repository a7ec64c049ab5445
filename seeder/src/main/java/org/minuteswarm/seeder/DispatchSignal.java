package org.minuteswarm.seeder;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import com.google.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells the {@link ConnectionMessageDispatcher} that there may be messages to send, and for whom: a block read
 * for one peer completed ({@link #wakeUp(TorrentId, Peer)}), a piece of one torrent was verified, its HAVE
 * queued for all of that torrent's peers ({@link #wakeUp(TorrentId)}), a connection got its handlers. The
 * dispatcher's next pass asks the suppliers of those connections, besides those on which something moved.
 * One per runtime; cheap to call often (it unparks the dispatcher at most once per pass).
 *
 * <p>Reads from peer channels wake the dispatcher only while it is idle ({@link #awaitIdle}): measured with CpuBench
 * (when every pass still asked every connection's suppliers), waking a pass for each read cost about a third more
 * dispatcher CPU than bt's own loop, and a busy dispatcher's paced passes pick the data up within 10 ms anyway.
 * An idle one backs off to bt's max message processing interval (100 ms), and data that waited for it held up
 * every hop that starts a segment's swarm or ends it: traced with two capped listeners, the origin's first blocks
 * were taken in 40-80 ms after they left the origin, a listener's blocks to the other in about 13 ms. Not the
 * origin's dispatcher: its passes ask every connection of every listener, and woken by every HAVE between
 * segments it took so much of a 2-core machine that 40 joining listeners needed two minutes to all play (one run;
 * 40 s without).
 *
 * <p>No wake-up is lost: a caller makes its work visible, then names its target, then unparks; the dispatcher
 * {@link #clear clears} the flag and takes the targets before a pass, and parks only if nobody set it since; an
 * unpark that comes before the park makes the park return at once.
 */
@Singleton
final class DispatchSignal {
    /** Whom a wake-up is for: one peer's connection with one torrent ({@code peer} set), or all of a torrent's. */
    record Target(TorrentId torrent, Peer peer) {
        /** Whether a connection with {@code peer} (the peer object of its key) for {@code id} is meant. */
        boolean covers(TorrentId id, Peer peer) {
            return torrent.equals(id) && (this.peer == null || this.peer == peer);
        }
    }

    private final AtomicBoolean pending = new AtomicBoolean();
    private final Queue<Target> targets = new ConcurrentLinkedQueue<>();
    private volatile Thread waiter;
    /** Whether data came in from a peer since the last {@link #clear}. */
    private volatile boolean dataIn;
    /** Whether the dispatcher is in an idle wait, which data coming in cuts short. */
    private volatile boolean idle;

    /** There may be something to send to every peer of {@code torrent}. */
    void wakeUp(TorrentId torrent) {
        wakeUp(new Target(torrent, null));
    }

    /** There may be something to send to {@code peer} (the peer object of the connection's key) for {@code torrent}. */
    void wakeUp(TorrentId torrent, Peer peer) {
        wakeUp(new Target(torrent, peer));
    }

    /**
     * Has the dispatcher's next pass ask the connection with {@code peer} for {@code torrent}, without waking it:
     * for a supplier that has more to do on its connection in a while, not at once ({@link AssignmentRefresh}).
     * The pass comes when it would anyway, as when every pass asked every connection.
     */
    void askOnNextPass(TorrentId torrent, Peer peer) {
        targets.add(new Target(torrent, peer));
    }

    private void wakeUp(Target target) {
        targets.add(target);
        unparkOnce();
    }

    /** Unparks the dispatcher unless a wake-up already came since its last {@link #clear}. */
    private void unparkOnce() {
        if (!pending.get() && pending.compareAndSet(false, true)) {
            Thread t = waiter;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /**
     * Data came in from a peer (the receiving thread read it): wakes the dispatcher if it waits idle. Cheap when it
     * does not: two volatile accesses.
     */
    void dataArrived() {
        dataIn = true;
        if (idle) {
            unparkOnce();
        }
    }

    /** The dispatcher's thread registers itself before its first pass. */
    void bind(Thread thread) {
        waiter = thread;
    }

    /** Called by the dispatcher before a pass: clears the flag, and returns the targets named since the last call. */
    List<Target> clear() {
        pending.set(false);
        dataIn = false;
        Target first = targets.poll();
        if (first == null) {
            return List.of(); // most passes: nothing named, nothing allocated
        }
        List<Target> taken = new ArrayList<>();
        for (Target t = first; t != null; t = targets.poll()) {
            taken.add(t);
        }
        return taken;
    }

    /** Whether a wake-up came since the last {@link #clear}. */
    boolean isPending() {
        return pending.get();
    }

    /** Parks the dispatcher for at most {@code nanos}, unless a wake-up already came. */
    void await(long nanos) {
        if (!pending.get()) {
            LockSupport.parkNanos(this, nanos);
        }
    }

    /**
     * As {@link #await}, after a pass that moved nothing: data coming in from a peer ends the wait too, and data that
     * came in since the pass began makes it no wait at all. (The receiving thread sets its flag, then reads ours;
     * we set ours, then read its: one of the two sees the other.)
     */
    void awaitIdle(long nanos) {
        idle = true;
        try {
            if (!dataIn) {
                await(nanos);
            }
        } finally {
            idle = false;
        }
    }
}
