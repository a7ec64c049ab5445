package org.minuteswarm.tracker;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/** Where a peer accepts BitTorrent connections: an IP address and a TCP port (1..65535). */
record PeerEndpoint(InetAddress address, int port) {
    PeerEndpoint {
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }

    boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** BEP 23 compact form: 4 address bytes (BEP 7: 16 for IPv6) then the port, big-endian. */
    byte[] compact() {
        byte[] ip = address.getAddress();
        return ByteBuffer.allocate(ip.length + 2).put(ip).putShort((short) port).array();
    }

    /** The address as BEP 3's dictionary model sends it: a literal, never a host name. */
    String ipText() {
        return InetAddresses.toAddrString(address);
    }

    /** Port first: the cheap comparison that differs most often. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PeerEndpoint e && port == e.port && address.equals(e.address);
    }

    @Override
    public int hashCode() {
        return address.hashCode() * 31 + port;
    }

    @Override
    public String toString() {
        return isIpv4() ? ipText() + ":" + port : "[" + ipText() + "]:" + port;
    }
}
