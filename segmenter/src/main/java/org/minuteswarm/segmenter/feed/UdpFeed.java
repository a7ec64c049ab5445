package org.minuteswarm.segmenter.feed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Collections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MPEG-TS over UDP, as ffmpeg and OBS send it ({@code udp://HOST:PORT}, usually 7 packets =
 * 1316 bytes per datagram): binds HOST:PORT (any address if HOST is empty; joins the group if
 * HOST is multicast) and hands out each datagram's bytes in order. Datagrams lost on the way are
 * simply missing; the segmenter's packet aligner keeps the cut on packet boundaries.
 */
final class UdpFeed implements Feed {

    private static final Logger LOG = LoggerFactory.getLogger(UdpFeed.class);
    /** Largest UDP payload over IPv4. */
    private static final int MAX_DATAGRAM_BYTES = 65_507;
    /** Socket receive buffer: ~0.4 s of a 20 Mbit/s stream, so a GC pause does not drop data. */
    private static final int RECEIVE_BUFFER_BYTES = 1 << 20;

    private final DatagramChannel channel;
    private final InetSocketAddress local;
    private final ByteBuffer datagram = ByteBuffer.allocate(MAX_DATAGRAM_BYTES);
    private volatile boolean closed;
    private long datagrams;

    UdpFeed(String host, int port) throws IOException {
        InetAddress address;
        try {
            address = host.isEmpty() ? null : InetAddress.getByName(host);
        } catch (IOException e) {
            throw new IOException("cannot listen on udp://" + host + ":" + port + ": unknown host", e);
        }
        boolean multicast = address != null && address.isMulticastAddress();
        DatagramChannel ch = address == null
                ? DatagramChannel.open()
                : DatagramChannel.open(address instanceof java.net.Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            if (multicast) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(new InetSocketAddress(port));
                ch.join(address, multicastInterface());
            } else {
                ch.bind(address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port));
            }
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot listen on udp://" + host + ":" + port + ": " + e.getMessage(), e);
        }
        this.channel = ch;
        InetSocketAddress bound = (InetSocketAddress) ch.getLocalAddress();
        this.local = multicast ? new InetSocketAddress(address, bound.getPort()) : bound;
        datagram.limit(0);
    }

    private static NetworkInterface multicastInterface() throws SocketException {
        NetworkInterface loopback = null;
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (ni.isUp() && ni.supportsMulticast()) {
                if (!ni.isLoopback()) {
                    return ni;
                }
                loopback = ni;
            }
        }
        if (loopback == null) {
            throw new SocketException("no network interface supports multicast");
        }
        return loopback;
    }

    /** The bound address (its port, when 0 was asked for). */
    InetSocketAddress localAddress() {
        return local;
    }

    long datagrams() {
        return datagrams;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!datagram.hasRemaining()) {
            if (closed) {
                return -1;
            }
            datagram.clear();
            try {
                channel.receive(datagram);
            } catch (ClosedChannelException e) {
                datagram.limit(0);
                return -1; // closed by close(), possibly from another thread
            } catch (IOException e) {
                datagram.limit(0);
                throw new IOException("receiving from " + describe() + ": " + e.getMessage(), e);
            }
            datagram.flip();
            datagrams++;
        }
        int n = Math.min(len, datagram.remaining());
        datagram.get(buf, off, n);
        return n;
    }

    @Override
    public String describe() {
        return "udp://" + hostString() + ":" + local.getPort();
    }

    private String hostString() {
        String h = local.getAddress().getHostAddress();
        return h.contains(":") ? "[" + h + "]" : h;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        LOG.debug("closing {} after {} datagrams", describe(), datagrams);
        channel.close();
    }
}
