package org.minuteswarm.seeder;

import bt.net.DataReceiver;
import bt.net.pipeline.ChannelHandlerContext;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import com.google.inject.Inject;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every peer connection of a runtime on one selector thread, replacing bt 1.10's
 * DataReceivingLoop (bt issue #252).
 *
 * <p>In 1.10 a thread that registers a channel spins on {@code tryLock} while the loop holds the lock for
 * up to a second inside {@code select}; under load most CPU went into that spin. Here, as in upstream's
 * fix, a registration or interest change is queued, the selector is woken, and the selector thread itself
 * performs it between selects, so nobody contends for the selector. The registering thread waits for its
 * registration to be done, as bt expects the channel to be live when {@code register()} returns.
 *
 * <p>A channel whose inbound buffer is full ({@code readFromChannel} returns false) is kept in a backlog
 * and retried; while the backlog is not empty the loop selects with a 1 ms timeout instead of 1.10's
 * unconditional 1 ms sleep, so it stays responsive to other channels and to registrations.
 *
 * <p>Every peer channel is registered here, so here each gets TCP_NODELAY, which bt never sets: with Nagle's
 * algorithm a small message (HAVE, REQUEST, INTERESTED) written while an earlier one is unacknowledged waits for
 * the peer's delayed ACK, 40 ms on Linux. Traced with two capped listeners: the origin's blocks were verified by a
 * listener 54 ms (p50) after their release with Nagle's algorithm on, 16 ms with TCP_NODELAY; libtorrent sets it on
 * its peer sockets too. After a round that selected a channel new to the backlog, an idle message dispatcher is
 * woken ({@link DispatchSignal#dataArrived}): with that as well, 10 ms.
 *
 * <p>This selector is our own: bt's shared selector is only used by the acceptor and connection factory
 * for {@code provider()}, never for selection.
 */
final class QueuedDataReceiver implements DataReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedDataReceiver.class);
    private static final long IDLE_SELECT_MILLIS = 1000;
    private static final long BACKLOG_SELECT_MILLIS = 1;
    private static final long REGISTRATION_TIMEOUT_SECONDS = 10;

    private final Selector selector;
    private final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
    private final Set<SelectionKey> backlog = new HashSet<>();
    private final Thread thread;
    private final DispatchSignal signal;
    private volatile boolean shutdown;

    @Inject
    QueuedDataReceiver(IRuntimeLifecycleBinder lifecycle, Config config, DispatchSignal signal) {
        this.signal = signal;
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        thread = new Thread(this::run, "seeder.data-receiver-" + config.getAcceptorPort());
        thread.setDaemon(true);
        lifecycle.onStartup("Start minuteswarm data receiver", thread::start);
        lifecycle.onShutdown("Stop minuteswarm data receiver", this::shutdown);
    }

    @Override
    public void registerChannel(SelectableChannel channel, ChannelHandlerContext context) {
        if (Thread.currentThread() == thread) {
            register(channel, context);
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(() -> {
            try {
                register(channel, context);
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(REGISTRATION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering a peer channel", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot register a peer channel"
                    + (shutdown ? " (receiver shut down)" : ""), e);
        }
    }

    private void register(SelectableChannel channel, ChannelHandlerContext context) {
        if (channel instanceof SocketChannel socket) {
            try {
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                LOG.debug("cannot set TCP_NODELAY on {}: {}", channel, e.toString()); // slower, but it works
            }
        }
        try {
            channel.register(selector, SelectionKey.OP_READ, context);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot register " + channel, e);
        }
    }

    @Override
    public void unregisterChannel(SelectableChannel channel) {
        SelectionKey key = channel.keyFor(selector);
        if (key != null) {
            key.cancel(); // thread-safe; takes effect at the next select
        }
    }

    @Override
    public void activateChannel(SelectableChannel channel) {
        setInterest(channel, SelectionKey.OP_READ);
    }

    @Override
    public void deactivateChannel(SelectableChannel channel) {
        setInterest(channel, 0);
    }

    private void setInterest(SelectableChannel channel, int ops) {
        if (shutdown) {
            return; // bt deactivates its channels as torrents stop during shutdown: nothing left to select
        }
        submit(() -> {
            SelectionKey key = channel.keyFor(selector);
            if (key != null && key.isValid()) {
                key.interestOps(ops);
            }
        });
    }

    private void submit(Runnable task) {
        if (shutdown) {
            throw new IllegalStateException("data receiver is shut down");
        }
        pending.add(task);
        selector.wakeup();
    }

    private void run() {
        try {
            while (!shutdown) {
                runPending();
                selector.select(backlog.isEmpty() ? IDLE_SELECT_MILLIS : BACKLOG_SELECT_MILLIS);
                // A key still in the backlog (its inbound buffer full) is selected again while its peer has more to
                // send: only a key new to the backlog brings data the dispatcher has not been told of.
                boolean fresh = backlog.addAll(selector.selectedKeys());
                selector.selectedKeys().clear();
                readBacklog(backlog); // one connection's trouble drops that connection, never this thread
                if (fresh) {
                    signal.dataArrived(); // an idle message dispatcher takes it now, not in up to 100 ms
                }
            }
        } catch (ClosedSelectorException e) {
            LOG.debug("selector closed, data receiver stops");
        } catch (IOException | RuntimeException e) {
            LOG.error("data receiver failed; peer connections of this runtime no longer receive", e);
        } finally {
            closeSelector();
        }
    }

    private void runPending() {
        for (Runnable task; (task = pending.poll()) != null; ) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("peer channel update failed", e);
            }
        }
    }

    /** Reads each key's channel; keeps the keys whose inbound buffer is full, for the next round. */
    static void readBacklog(Set<SelectionKey> backlog) {
        for (Iterator<SelectionKey> it = backlog.iterator(); it.hasNext(); ) {
            SelectionKey key = it.next();
            try {
                if (!key.isValid() || key.interestOps() == 0 || read(key)) {
                    it.remove();
                }
            } catch (CancelledKeyException e) {
                // Another thread closed the connection between isValid() and interestOps(): it killed this
                // thread once, and with it every peer connection of a listener (seen in the 20-listener bench).
                it.remove();
            } catch (RuntimeException e) {
                LOG.warn("dropping a peer channel that cannot be read: {}", e.toString());
                it.remove();
            }
        }
    }

    /** Returns true when the channel was drained (or is gone), false when its inbound buffer is full. */
    private static boolean read(SelectionKey key) {
        try {
            return ((ChannelHandlerContext) key.attachment()).readFromChannel();
        } catch (EOFException e) {
            LOG.debug("peer channel closed by remote");
        } catch (IOException | RuntimeException e) {
            LOG.debug("peer channel read failed: {}", e.toString());
        }
        return true;
    }

    private void shutdown() {
        shutdown = true;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeSelector();
    }

    private void closeSelector() {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing selector failed", e);
        }
    }
}
