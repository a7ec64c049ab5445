package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.net.pipeline.ChannelHandlerContext;
import bt.net.pipeline.ChannelPipeline;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The receiver's backlog round with keys that stand in for the race it must survive: a connection closed by
 * another thread after its key was found valid, whose next key access throws {@link CancelledKeyException}.
 */
class QueuedDataReceiverTest {
    @Test
    void aKeyCancelledMidRoundIsDroppedAndTheOthersAreStillRead() {
        AtomicInteger reads = new AtomicInteger();
        Set<SelectionKey> backlog = new LinkedHashSet<>();
        backlog.add(new Key(true, null)); // valid when asked, cancelled by the time its interest is read
        Key full = new Key(false, new Context(reads, false));
        Key drained = new Key(false, new Context(reads, true));
        backlog.add(full);
        backlog.add(drained);

        QueuedDataReceiver.readBacklog(backlog);

        assertEquals(2, reads.get(), "both live channels were read");
        assertEquals(Set.of(full), backlog, "only the channel whose buffer is full waits for the next round");
    }

    @Test
    void aChannelWithoutInterestLeavesTheBacklogUnread() {
        AtomicInteger reads = new AtomicInteger();
        Key idle = new Key(false, new Context(reads, true));
        idle.ops = 0;
        Set<SelectionKey> backlog = new LinkedHashSet<>(Set.of(idle));
        QueuedDataReceiver.readBacklog(backlog);
        assertEquals(0, reads.get());
        assertTrue(backlog.isEmpty());
    }

    /** A selection key; {@code cancelledUnderfoot} makes interestOps() throw as a concurrently closed key does. */
    private static final class Key extends SelectionKey {
        private final boolean cancelledUnderfoot;
        int ops = OP_READ;

        Key(boolean cancelledUnderfoot, ChannelHandlerContext context) {
            this.cancelledUnderfoot = cancelledUnderfoot;
            attach(context);
        }

        @Override
        public SelectableChannel channel() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Selector selector() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isValid() {
            return true;
        }

        @Override
        public void cancel() {
        }

        @Override
        public int interestOps() {
            if (cancelledUnderfoot) {
                throw new CancelledKeyException();
            }
            return ops;
        }

        @Override
        public SelectionKey interestOps(int ops) {
            this.ops = ops;
            return this;
        }

        @Override
        public int readyOps() {
            return OP_READ;
        }
    }

    /** Counts reads; {@code drains} says whether a read empties the channel (false: inbound buffer full). */
    private record Context(AtomicInteger reads, boolean drains) implements ChannelHandlerContext {
        @Override
        public boolean readFromChannel() {
            reads.incrementAndGet();
            return drains;
        }

        @Override
        public ChannelPipeline pipeline() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void fireChannelRegistered() {
        }

        @Override
        public void fireChannelUnregistered() {
        }

        @Override
        public void fireChannelActive() {
        }

        @Override
        public void fireChannelInactive() {
        }

        @Override
        public void fireDataReceived() {
        }
    }
}
