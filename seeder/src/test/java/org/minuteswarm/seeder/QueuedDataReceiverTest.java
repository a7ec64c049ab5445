package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.net.pipeline.ChannelHandlerContext;
import bt.net.pipeline.ChannelPipeline;
import bt.runtime.Config;
import bt.service.RuntimeLifecycleBinder;
import bt.service.IRuntimeLifecycleBinder.LifecycleEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The receiver's backlog round with keys that stand in for the race it must survive: a connection closed by
 * another thread after its key was found valid, whose next key access throws {@link CancelledKeyException}.
 * And, with a real receiver on loopback sockets: what it sets on each peer channel, and whom it wakes.
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
    private record Context(AtomicInteger reads, boolean drains) implements Reads {
        @Override
        public boolean readFromChannel() {
            reads.incrementAndGet();
            return drains;
        }
    }

    /**
     * Without TCP_NODELAY, a small message (a HAVE, a REQUEST) written while an earlier one is unacknowledged waits
     * for the peer's delayed ACK, 40 ms on Linux: traced with two capped listeners, the origin's blocks were verified
     * by a listener 54 ms (p50) after their release, 16 ms with TCP_NODELAY. bt never sets it; every channel goes
     * through here.
     */
    @Test
    @Timeout(20)
    void everyPeerChannelGoesWithoutNagleDelays() throws Exception {
        try (Running receiver = new Running(); Pair pair = new Pair()) {
            assertFalse(pair.accepted.getOption(StandardSocketOptions.TCP_NODELAY), "the default: Nagle's algorithm on");
            receiver.receiver.registerChannel(pair.accepted, new Reading(pair.accepted));
            assertTrue(pair.accepted.getOption(StandardSocketOptions.TCP_NODELAY));
        }
    }

    /**
     * An idle message dispatcher waits up to 100 ms between passes; data from a peer ends the wait, so a request or
     * a block is taken at once. Without the wake-up the waiter sleeps its whole 5 s.
     */
    @Test
    @Timeout(20)
    void dataFromAPeerEndsAnIdleDispatcherWait() throws Exception {
        try (Running receiver = new Running(); Pair pair = new Pair()) {
            receiver.receiver.registerChannel(pair.accepted, new Reading(pair.accepted));
            CompletableFuture<Long> waited = new CompletableFuture<>();
            Thread dispatcher = new Thread(() -> {
                long start = System.nanoTime();
                receiver.signal.awaitIdle(TimeUnit.SECONDS.toNanos(5));
                waited.complete((System.nanoTime() - start) / 1_000_000);
            });
            receiver.signal.bind(dispatcher);
            receiver.signal.clear();
            dispatcher.start();
            Thread.sleep(200); // parked by now
            pair.client.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0})); // a keep-alive
            long millis = waited.get(10, TimeUnit.SECONDS);
            assertTrue(millis < 2000, "the idle wait lasted " + millis + " ms after data came in at 200 ms");
        }
    }

    /**
     * A channel whose inbound buffer stays full is selected again on every round while its peer has data; it told the
     * dispatcher once. Waking an idle dispatcher on every such round would keep it passing every 10 ms for nothing.
     */
    @Test
    @Timeout(20)
    void aChannelWithAFullBufferDoesNotKeepWakingTheDispatcher() throws Exception {
        try (Running receiver = new Running(); Pair pair = new Pair()) {
            AtomicInteger reads = new AtomicInteger();
            receiver.receiver.registerChannel(pair.accepted, new Context(reads, false));
            pair.client.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0}));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (reads.get() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(reads.get() >= 20, "the full channel was retried only " + reads.get() + " times");
            receiver.signal.clear();
            long start = System.nanoTime();
            receiver.signal.bind(Thread.currentThread());
            receiver.signal.awaitIdle(TimeUnit.MILLISECONDS.toNanos(500));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 400, "the idle wait lasted " + millis + " ms of 500 while nothing new came in");
        }
    }

    /** A receiver with its thread running, shut down on close. */
    private static final class Running implements AutoCloseable {
        final RuntimeLifecycleBinder lifecycle = new RuntimeLifecycleBinder();
        final DispatchSignal signal = new DispatchSignal();
        final QueuedDataReceiver receiver = new QueuedDataReceiver(lifecycle, new Config(), signal);

        Running() {
            lifecycle.visitBindings(LifecycleEvent.STARTUP, binding -> binding.getRunnable().run());
        }

        @Override
        public void close() {
            lifecycle.visitBindings(LifecycleEvent.SHUTDOWN, binding -> binding.getRunnable().run());
        }
    }

    /** A connected pair of loopback sockets; the accepted end is non-blocking, as bt's peer channels are. */
    private static final class Pair implements AutoCloseable {
        final ServerSocketChannel server;
        final SocketChannel client;
        final SocketChannel accepted;

        Pair() throws IOException {
            server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client = SocketChannel.open(server.getLocalAddress());
            accepted = server.accept();
            accepted.configureBlocking(false);
        }

        @Override
        public void close() throws IOException {
            accepted.close();
            client.close();
            server.close();
        }
    }

    /** Reads and drops whatever the channel has. */
    private record Reading(SocketChannel channel) implements Reads {
        @Override
        public boolean readFromChannel() {
            try {
                ByteBuffer buffer = ByteBuffer.allocate(1024);
                while (channel.read(buffer) > 0) {
                    buffer.clear();
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A channel context that only reads: no pipeline, events ignored. */
    private interface Reads extends ChannelHandlerContext {
        @Override
        default ChannelPipeline pipeline() {
            throw new UnsupportedOperationException();
        }

        @Override
        default void fireChannelRegistered() {
        }

        @Override
        default void fireChannelUnregistered() {
        }

        @Override
        default void fireChannelActive() {
        }

        @Override
        default void fireChannelInactive() {
        }

        @Override
        default void fireDataReceived() {
        }
    }
}
