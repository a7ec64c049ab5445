package org.minuteswarm.tracker;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's own HTTP/1.1 server on NIO, replacing the JDK's {@code HttpServer}, which can
 * neither bound header reads nor shed slow clients, and is slow for announces.
 *
 * <h2>Design</h2>
 * {@link #LOOPS} event loops (one per core), each a thread with its own selector and its share
 * of the connections; loop 0 also accepts. A connection's bytes go to its
 * {@link HttpRequestParser}; each complete request is routed by the {@link Router}: announce,
 * scrape, stats and metrics are answered right on the loop (they never block: a few
 * microseconds of map work), so keep-alive and pipelined announces cost no thread hand-off.
 * Anything else (channel API, long polls, embedder's mounts) runs on a worker pool through
 * {@link NioHttpExchange}; the connection reads nothing more until that answer is back, so
 * responses stay in request order. Bounds: head and body by the parser, pending output per
 * connection ({@link #MAX_PENDING_OUTPUT_BYTES}: past it the loop stops reading that client),
 * total connections ({@link #MAX_CONNECTIONS}), and time: a connection that completes no
 * request for {@code idleTimeout} (idle keep-alive, or trickling a request in) is closed.
 */
final class HttpFrontend implements AutoCloseable {
    static final int LOOPS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    static final int MAX_CONNECTIONS = 16_384;
    static final int MAX_PENDING_OUTPUT_BYTES = 256 * 1024;
    static final int BACKLOG = 1024;
    /** How often each loop looks for timed-out connections. */
    static final long TIMEOUT_CHECK_NANOS = 250_000_000L;
    private static final Logger log = LoggerFactory.getLogger(HttpFrontend.class);
    private static final byte[] OK_TEXT_PREFIX = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
            .getBytes(StandardCharsets.US_ASCII);

    /** An answer made on the loop. */
    record Response(int status, String contentType, byte[] body) {
    }

    /** Decides what each request gets. */
    interface Router {
        /** An immediate answer for a fast route, or null to {@link #dispatch} it. Must not block. */
        Response inline(HttpRequestHead request, InetSocketAddress remote);

        /** Runs a slow route on a worker; must eventually close the exchange. */
        void dispatch(HttpRequestHead request, InetSocketAddress remote, InetSocketAddress local, Completion completion);
    }

    /** Where a dispatched request's answer goes: bytes of a whole response, or null to close. */
    interface Completion {
        void complete(byte[] response, boolean keepAlive);
    }

    private final ServerSocketChannel server;
    private final Router router;
    private final int maxBodyBytes;
    private final long idleTimeoutNanos;
    private final Loop[] loops;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;
    private final int port;

    private HttpFrontend(ServerSocketChannel server, Router router, int maxBodyBytes, Duration idleTimeout) throws IOException {
        this.server = server;
        this.router = router;
        this.maxBodyBytes = maxBodyBytes;
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        this.loops = new Loop[LOOPS];
        for (int i = 0; i < LOOPS; i++) {
            loops[i] = new Loop(i);
        }
    }

    static HttpFrontend start(InetSocketAddress bind, Router router, int maxBodyBytes, Duration idleTimeout) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(bind, BACKLOG);
            server.configureBlocking(false);
        } catch (BindException e) {
            server.close();
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("in use")) {
                throw new IOException("HTTP port " + bind.getPort() + " is in use", e);
            }
            throw new IOException("cannot bind HTTP port " + bind.getPort() + " on " + bind.getAddress().getHostAddress()
                    + ": " + msg, e);
        }
        HttpFrontend f = new HttpFrontend(server, router, maxBodyBytes, idleTimeout);
        f.loops[0].selector.wakeup();
        server.register(f.loops[0].selector, SelectionKey.OP_ACCEPT);
        for (Loop l : f.loops) {
            l.thread.start();
        }
        return f;
    }

    int port() {
        return port;
    }

    int connections() {
        return connections.get();
    }

    static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 202: return "Accepted";
            case 400: return "Bad Request";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 409: return "Conflict";
            case 413: return "Content Too Large";
            case 429: return "Too Many Requests";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 501: return "Not Implemented";
            case 503: return "Service Unavailable";
            case 505: return "HTTP Version Not Supported";
            case 507: return "Insufficient Storage";
            default: return "Status";
        }
    }

    static byte[] encode(Response r, boolean keepAlive) {
        byte[] len = Integer.toString(r.body().length).getBytes(StandardCharsets.US_ASCII);
        if (r.status() == 200 && HttpReplies.TEXT_PLAIN.equals(r.contentType()) && keepAlive) {
            byte[] out = new byte[OK_TEXT_PREFIX.length + len.length + 4 + r.body().length];
            int p = 0;
            System.arraycopy(OK_TEXT_PREFIX, 0, out, p, OK_TEXT_PREFIX.length);
            p += OK_TEXT_PREFIX.length;
            System.arraycopy(len, 0, out, p, len.length);
            p += len.length;
            out[p++] = '\r';
            out[p++] = '\n';
            out[p++] = '\r';
            out[p++] = '\n';
            System.arraycopy(r.body(), 0, out, p, r.body().length);
            return out;
        }
        String head = "HTTP/1.1 " + r.status() + " " + reason(r.status()) + "\r\nContent-Type: " + r.contentType()
                + "\r\nCache-Control: no-cache\r\nContent-Length: " + r.body().length + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + r.body().length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(r.body(), 0, out, h.length, r.body().length);
        return out;
    }

    private final class Conn {
        final SocketChannel channel;
        final Loop loop;
        final InetSocketAddress remote;
        final InetSocketAddress local;
        final HttpRequestParser parser = new HttpRequestParser(maxBodyBytes);
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        SelectionKey key;
        long pendingBytes;
        boolean busy;
        boolean heldBack; // stopped parsing pipelined requests because output was over its bound
        boolean closeAfterWrite;
        boolean closed;
        long lastProgress = System.nanoTime();

        Conn(SocketChannel channel, Loop loop) throws IOException {
            this.channel = channel;
            this.loop = loop;
            this.remote = (InetSocketAddress) channel.getRemoteAddress();
            this.local = (InetSocketAddress) channel.getLocalAddress();
        }
    }

    private final class Loop implements Runnable {
        final Selector selector;
        final Thread thread;
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final Set<Conn> conns = new HashSet<>();
        final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
        int nextLoop;
        long lastTimeoutCheck = System.nanoTime();

        Loop(int index) throws IOException {
            this.selector = Selector.open();
            this.thread = new Thread(this, "tracker-http-" + port + "-loop-" + index);
            this.thread.setDaemon(true);
        }

        void execute(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (!closed) {
                    selector.select(TIMEOUT_CHECK_NANOS / 1_000_000);
                    Runnable task;
                    while ((task = tasks.poll()) != null) {
                        try {
                            task.run();
                        } catch (RuntimeException e) { // a bug must not stop the loop
                            log.warn("HTTP loop task failed", e);
                        }
                    }
                    for (SelectionKey k : selector.selectedKeys()) {
                        try {
                            handle(k);
                        } catch (CancelledKeyException e) {
                            // closed meanwhile
                        } catch (RuntimeException e) { // the last line of defence: drop one connection, keep the loop
                            log.warn("HTTP connection failed", e);
                            if (k.attachment() instanceof Conn c) {
                                close(c);
                            }
                        }
                    }
                    selector.selectedKeys().clear();
                    long now = System.nanoTime();
                    if (now - lastTimeoutCheck >= TIMEOUT_CHECK_NANOS) {
                        lastTimeoutCheck = now;
                        expire(now);
                    }
                }
            } catch (ClosedSelectorException e) {
                // closing
            } catch (IOException e) {
                log.error("HTTP loop on port {} stopped", port, e);
            } finally {
                for (Conn c : new ArrayList<>(conns)) {
                    close(c);
                }
            }
        }

        private void handle(SelectionKey k) throws IOException {
            if (k.isAcceptable()) {
                accept();
                return;
            }
            Conn c = (Conn) k.attachment();
            if (k.isWritable()) {
                flush(c);
            }
            if (!c.closed && k.isReadable()) {
                read(c);
            }
        }

        private void accept() throws IOException {
            SocketChannel ch;
            while ((ch = server.accept()) != null) {
                if (connections.incrementAndGet() > MAX_CONNECTIONS) {
                    connections.decrementAndGet();
                    ch.close(); // shed load rather than grow: clients retry
                    continue;
                }
                SocketChannel accepted = ch;
                Loop target = loops[nextLoop++ % loops.length];
                if (target == this) {
                    target.register(accepted);
                } else {
                    target.execute(() -> target.register(accepted));
                }
            }
        }

        void register(SocketChannel ch) {
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Conn c = new Conn(ch, this);
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
                conns.add(c);
            } catch (IOException e) {
                connections.decrementAndGet();
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }

        private void read(Conn c) {
            int total = 0;
            while (total < readBuffer.capacity()) {
                readBuffer.clear();
                int n;
                try {
                    n = c.channel.read(readBuffer);
                } catch (IOException e) {
                    close(c);
                    return;
                }
                if (n < 0) {
                    // half-close: answer what was asked, then close
                    c.closeAfterWrite = true;
                    break;
                }
                if (n == 0) {
                    break;
                }
                total += n;
                readBuffer.flip();
                c.parser.offer(readBuffer);
            }
            process(c);
            if (c.closeAfterWrite && c.out.isEmpty() && !c.busy) {
                close(c);
            }
        }

        /** Answers every complete request in order, until one goes to a worker. */
        private void process(Conn c) {
            c.heldBack = false;
            while (!c.busy && !c.closed) {
                if (c.pendingBytes >= MAX_PENDING_OUTPUT_BYTES) {
                    c.heldBack = true;
                    break;
                }
                HttpRequestHead req;
                try {
                    req = c.parser.next();
                } catch (HttpRequestParser.HttpParseError e) {
                    enqueue(c, encode(new Response(e.status, HttpReplies.TEXT_PLAIN, BencodedResponses.failure(e.getMessage())), false));
                    c.closeAfterWrite = true;
                    break;
                }
                if (req == null) {
                    break;
                }
                c.lastProgress = System.nanoTime();
                boolean keepAlive = req.keepAlive();
                Response inline;
                try {
                    inline = router.inline(req, c.remote);
                } catch (RuntimeException e) {
                    log.warn("{} {} failed", req.method(), req.rawPath(), e);
                    inline = new Response(500, HttpReplies.TEXT_PLAIN, BencodedResponses.failure("internal error"));
                }
                if (inline != null) {
                    enqueue(c, encode(inline, keepAlive));
                    if (!keepAlive) {
                        c.closeAfterWrite = true;
                        break;
                    }
                    continue;
                }
                c.busy = true;
                router.dispatch(req, c.remote, c.local, (bytes, alive) -> execute(() -> completed(c, bytes, alive)));
            }
            flush(c);
        }

        private void completed(Conn c, byte[] response, boolean keepAlive) {
            if (c.closed) {
                return;
            }
            c.busy = false;
            c.lastProgress = System.nanoTime();
            if (response == null) {
                close(c);
                return;
            }
            enqueue(c, response);
            if (!keepAlive) {
                c.closeAfterWrite = true;
            } else {
                process(c);
            }
            flush(c);
        }

        private void enqueue(Conn c, byte[] bytes) {
            c.out.add(ByteBuffer.wrap(bytes));
            c.pendingBytes += bytes.length;
        }

        private void flush(Conn c) {
            if (c.closed) {
                return;
            }
            try {
                while (!c.out.isEmpty()) {
                    ByteBuffer[] bufs = c.out.toArray(new ByteBuffer[0]);
                    long n = c.channel.write(bufs);
                    c.pendingBytes -= n;
                    while (!c.out.isEmpty() && !c.out.peek().hasRemaining()) {
                        c.out.poll();
                    }
                    if (n == 0) {
                        break;
                    }
                }
            } catch (IOException e) {
                close(c);
                return;
            }
            if (c.out.isEmpty() && c.closeAfterWrite && !c.busy) {
                close(c);
                return;
            }
            int ops = 0;
            if (!c.out.isEmpty()) {
                ops |= SelectionKey.OP_WRITE;
            }
            if (!c.busy && !c.closeAfterWrite && c.pendingBytes < MAX_PENDING_OUTPUT_BYTES) {
                ops |= SelectionKey.OP_READ;
            }
            try {
                if (c.key.interestOps() != ops) {
                    c.key.interestOps(ops);
                }
            } catch (CancelledKeyException e) {
                close(c);
                return;
            }
            if (c.heldBack && c.out.isEmpty() && !c.busy && !c.closeAfterWrite) {
                // pipelined requests were held back by the output bound: go on now that it drained
                execute(() -> process(c));
            }
        }

        private void expire(long now) {
            for (Conn c : new ArrayList<>(conns)) {
                if (!c.busy && now - c.lastProgress > idleTimeoutNanos) {
                    close(c);
                }
            }
        }

        void close(Conn c) {
            if (c.closed) {
                return;
            }
            c.closed = true;
            conns.remove(c);
            connections.decrementAndGet();
            if (c.key != null) {
                c.key.cancel();
            }
            try {
                c.channel.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing HTTP socket: {}", e.toString());
        }
        for (Loop l : loops) {
            l.selector.wakeup();
        }
        for (Loop l : loops) {
            try {
                l.thread.join(2000);
                l.selector.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                log.debug("closing selector: {}", e.toString());
            }
        }
    }
}
