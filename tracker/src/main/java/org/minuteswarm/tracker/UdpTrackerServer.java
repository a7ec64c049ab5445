package org.minuteswarm.tracker;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BEP 15 frontend's sockets: a few threads, each blocking in {@code receive} on its own
 * channel, handling a datagram with {@link UdpTrackerProtocol} and sending the answer from its
 * own buffers. Where the OS has {@code SO_REUSEPORT} (Linux) every thread binds its own socket to
 * the one port and the kernel spreads clients over them by address, so the threads never wait on
 * each other's channel lock; elsewhere they share one channel. No queue: under overload the
 * kernel's receive buffer drops datagrams, which UDP clients retry (BEP 15's 15 * 2^n s schedule),
 * rather than memory growing.
 */
final class UdpTrackerServer implements AutoCloseable {
    /** A datagram larger than a scrape of 74 hashes (1496 bytes) is cut here and refused as such. */
    static final int MAX_REQUEST_BYTES = 2048;
    static final int SOCKET_BUFFER_BYTES = 4 << 20;
    private static final Logger log = LoggerFactory.getLogger(UdpTrackerServer.class);

    private final List<DatagramChannel> channels = new ArrayList<>();
    private final UdpTrackerProtocol protocol;
    private final List<Thread> threads = new ArrayList<>();
    private int port;
    private volatile boolean closed;

    private UdpTrackerServer(UdpTrackerProtocol protocol) {
        this.protocol = protocol;
    }

    static UdpTrackerServer start(InetSocketAddress bind, UdpTrackerProtocol protocol, int threadCount) throws IOException {
        UdpTrackerServer server = new UdpTrackerServer(protocol);
        if (bind.getPort() != 0 && threadCount > 1) {
            // SO_REUSEPORT would let a second tracker of the same user share (and split) the port;
            // a plain bind first fails while anybody, including such a tracker, holds it.
            open(bind, false).close();
        }
        try {
            DatagramChannel first = open(bind, threadCount > 1);
            server.channels.add(first);
            server.port = ((InetSocketAddress) first.getLocalAddress()).getPort();
            boolean ownSockets = first.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
            InetSocketAddress bound = new InetSocketAddress(bind.getAddress(), server.port);
            for (int i = 1; i < threadCount && ownSockets; i++) {
                server.channels.add(open(bound, true));
            }
        } catch (IOException e) {
            server.close();
            throw e;
        }
        for (int i = 0; i < threadCount; i++) {
            DatagramChannel channel = server.channels.get(i % server.channels.size());
            Thread t = new Thread(() -> server.serve(channel), "tracker-udp-" + server.port + "-" + (i + 1));
            t.setDaemon(true);
            server.threads.add(t);
            t.start();
        }
        log.info("tracker listening on udp://{}:{}/announce", bind.getAddress().getHostAddress(), server.port);
        return server;
    }

    private static DatagramChannel open(InetSocketAddress bind, boolean reusePort) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            if (reusePort && channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            channel.bind(bind);
            return channel;
        } catch (BindException e) {
            channel.close();
            throw new IOException("UDP port " + bind.getPort() + " is in use or cannot be bound: " + e.getMessage(), e);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    int port() {
        return port;
    }

    UdpTrackerProtocol protocol() {
        return protocol;
    }

    private void serve(DatagramChannel channel) {
        ByteBuffer in = ByteBuffer.allocateDirect(MAX_REQUEST_BYTES);
        ByteBuffer out = ByteBuffer.allocateDirect(UdpTrackerProtocol.MAX_RESPONSE_BYTES);
        while (!closed) {
            try {
                in.clear();
                SocketAddress from = channel.receive(in);
                if (!(from instanceof InetSocketAddress client)) {
                    continue;
                }
                in.flip();
                boolean answer;
                try {
                    answer = protocol.handle(in, client, out);
                } catch (RuntimeException e) { // the last line of defence: a bug drops one datagram, not the thread
                    log.warn("UDP request from {} failed", client, e);
                    answer = false;
                }
                if (answer) {
                    channel.send(out, client);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    log.debug("UDP receive/send failed: {}", e.toString()); // e.g. ICMP unreachable from a previous send
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (DatagramChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing UDP channel: {}", e.toString());
            }
        }
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
