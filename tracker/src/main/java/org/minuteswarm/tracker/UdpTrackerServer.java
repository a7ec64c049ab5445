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
 * The BEP 15 frontend's socket: a few threads, each blocking in {@code receive} on the one
 * channel, handling a datagram with {@link UdpTrackerProtocol} and sending the answer from its
 * own buffers. No queue: under overload the kernel's receive buffer drops datagrams, which UDP
 * clients retry (BEP 15's 15 * 2^n s schedule), rather than memory growing.
 */
final class UdpTrackerServer implements AutoCloseable {
    /** A datagram larger than a scrape of 74 hashes (1496 bytes) is cut here and refused as such. */
    static final int MAX_REQUEST_BYTES = 2048;
    static final int SOCKET_BUFFER_BYTES = 4 << 20;
    private static final Logger log = LoggerFactory.getLogger(UdpTrackerServer.class);

    private final DatagramChannel channel;
    private final UdpTrackerProtocol protocol;
    private final List<Thread> threads = new ArrayList<>();
    private final int port;
    private volatile boolean closed;

    private UdpTrackerServer(DatagramChannel channel, UdpTrackerProtocol protocol) throws IOException {
        this.channel = channel;
        this.protocol = protocol;
        this.port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    static UdpTrackerServer start(InetSocketAddress bind, UdpTrackerProtocol protocol, int threadCount) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.bind(bind);
        } catch (BindException e) {
            channel.close();
            throw new IOException("UDP port " + bind.getPort() + " is in use or cannot be bound: " + e.getMessage(), e);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        UdpTrackerServer server = new UdpTrackerServer(channel, protocol);
        for (int i = 1; i <= threadCount; i++) {
            Thread t = new Thread(server::serve, "tracker-udp-" + server.port + "-" + i);
            t.setDaemon(true);
            server.threads.add(t);
            t.start();
        }
        log.info("tracker listening on udp://{}:{}/announce", bind.getAddress().getHostAddress(), server.port);
        return server;
    }

    int port() {
        return port;
    }

    UdpTrackerProtocol protocol() {
        return protocol;
    }

    private void serve() {
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
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing UDP channel: {}", e.toString());
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
