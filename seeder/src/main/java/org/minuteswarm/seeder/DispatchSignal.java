package org.minuteswarm.seeder;

import com.google.inject.Singleton;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells the {@link ConnectionMessageDispatcher} that there may be messages to send: a block read for a peer
 * completed, a piece was verified (its HAVE is queued), a connection got its handlers. One per runtime; cheap
 * to call often (it unparks the dispatcher at most once per pass).
 *
 * <p>Reads from peer channels do not signal: measured with CpuBench, waking a pass for each read cost about a
 * third more dispatcher CPU than bt's own loop (a pass calls every connection's suppliers), while the paced
 * passes below pick the data up within 10 ms when busy, and within bt's max message processing interval when idle,
 * as bt's loop does.
 *
 * <p>No wake-up is lost: a caller makes its work visible before calling {@link #wakeUp}; the dispatcher
 * {@link #clear clears} the flag before a pass and parks only if nobody set it since, and an unpark that
 * comes before the park makes the park return at once.
 */
@Singleton
final class DispatchSignal {
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile Thread waiter;

    /** There may be work for the dispatcher. */
    void wakeUp() {
        if (!pending.get() && pending.compareAndSet(false, true)) {
            Thread t = waiter;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** The dispatcher's thread registers itself before its first pass. */
    void bind(Thread thread) {
        waiter = thread;
    }

    /** Called by the dispatcher before a pass: returns whether a wake-up came since the last one. */
    boolean clear() {
        return pending.getAndSet(false);
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
}
