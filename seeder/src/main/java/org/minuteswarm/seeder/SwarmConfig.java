package org.minuteswarm.seeder;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Every tunable of a {@link SwarmRuntime}, validated once here.
 *
 * @param bindAddress             where the peer acceptor listens and outgoing connections bind (bt would
 *                                otherwise pick the first non-loopback IPv4)
 * @param peerPort                TCP port for peers; 0 picks a free one
 * @param peerInactivityTimeout   idle connections are closed after this; bt 1.10 keeps a stopped torrent's
 *                                connections open until then (bt default 3 min), so it bounds the leak
 * @param networkBufferBytes      per-connection in and out buffer; bt's 1 MiB default exhausts direct memory
 *                                with a few dozen peers, 16 KiB broke sending pieces
 * @param maxUploadBytesPerSecond cap on piece data sent to peers, over all swarms; 0 = unlimited
 * @param announceAddress         sent to trackers as {@code ip=}; empty = let the tracker use the source address
 * @param originSpreading         torrents this runtime {@link SwarmRuntime#seed seeds} are spread piece by piece
 *                                (super-seeding, BEP 16): no piece is sent twice while another has not been sent
 *                                once. For the broadcaster, whose runtime is every segment's only first source;
 *                                a listener's runtime leaves it off
 * @param maxDialsPerTorrent      a torrent dials no more peers once it has this many connections (open or being
 *                                dialed, incoming ones included); 0 = dial every peer found. Peers still connect
 *                                to it: a swarm whose every member dials a few random peers is connected, with far
 *                                fewer connections than one where everybody dials everybody
 */
public record SwarmConfig(InetAddress bindAddress, int peerPort, Duration peerInactivityTimeout,
                          int networkBufferBytes, long maxUploadBytesPerSecond,
                          Optional<InetAddress> announceAddress, boolean originSpreading,
                          int maxDialsPerTorrent) {
    public static final Duration DEFAULT_PEER_INACTIVITY_TIMEOUT = Duration.ofSeconds(15);
    public static final int DEFAULT_NETWORK_BUFFER_BYTES = 64 * 1024;
    /** See {@link #maxDialsPerTorrent}: measured in the swarm benchmark (README). */
    public static final int DEFAULT_MAX_DIALS_PER_TORRENT = 5;
    /** bt's pipeline needs room for a whole 16 KiB block message plus headers. */
    static final int MIN_NETWORK_BUFFER_BYTES = 32 * 1024;

    public SwarmConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(peerInactivityTimeout, "peerInactivityTimeout");
        Objects.requireNonNull(announceAddress, "announceAddress");
        if (peerPort < 0 || peerPort > 65535) {
            throw new IllegalArgumentException("peerPort must be 0..65535, got " + peerPort);
        }
        if (peerInactivityTimeout.isNegative() || peerInactivityTimeout.isZero()) {
            throw new IllegalArgumentException("peerInactivityTimeout must be positive, got " + peerInactivityTimeout);
        }
        if (networkBufferBytes < MIN_NETWORK_BUFFER_BYTES) {
            throw new IllegalArgumentException("networkBufferBytes must be at least " + MIN_NETWORK_BUFFER_BYTES
                    + ", got " + networkBufferBytes);
        }
        if (maxUploadBytesPerSecond < 0) {
            throw new IllegalArgumentException("maxUploadBytesPerSecond must be >= 0, got " + maxUploadBytesPerSecond);
        }
        if (maxDialsPerTorrent < 0) {
            throw new IllegalArgumentException("maxDialsPerTorrent must be >= 0, got " + maxDialsPerTorrent);
        }
    }

    /** Without origin spreading. */
    public SwarmConfig(InetAddress bindAddress, int peerPort, Duration peerInactivityTimeout,
                       int networkBufferBytes, long maxUploadBytesPerSecond, Optional<InetAddress> announceAddress) {
        this(bindAddress, peerPort, peerInactivityTimeout, networkBufferBytes, maxUploadBytesPerSecond,
                announceAddress, false, DEFAULT_MAX_DIALS_PER_TORRENT);
    }

    /** Without an announce address: the tracker sees the connection's source address. */
    public SwarmConfig(InetAddress bindAddress, int peerPort, Duration peerInactivityTimeout,
                       int networkBufferBytes, long maxUploadBytesPerSecond) {
        this(bindAddress, peerPort, peerInactivityTimeout, networkBufferBytes, maxUploadBytesPerSecond,
                Optional.empty());
    }

    /** 127.0.0.1, any free port, defaults otherwise. */
    public static SwarmConfig loopback() {
        return defaults(InetAddress.getLoopbackAddress(), 0);
    }

    public static SwarmConfig defaults(InetAddress bind, int port) {
        return new SwarmConfig(bind, port, DEFAULT_PEER_INACTIVITY_TIMEOUT, DEFAULT_NETWORK_BUFFER_BYTES, 0);
    }

    public SwarmConfig withPeerPort(int port) {
        return new SwarmConfig(bindAddress, port, peerInactivityTimeout, networkBufferBytes,
                maxUploadBytesPerSecond, announceAddress, originSpreading, maxDialsPerTorrent);
    }

    public SwarmConfig withMaxUploadBytesPerSecond(long cap) {
        return new SwarmConfig(bindAddress, peerPort, peerInactivityTimeout, networkBufferBytes, cap, announceAddress,
                originSpreading, maxDialsPerTorrent);
    }

    public SwarmConfig withAnnounceAddress(InetAddress address) {
        return new SwarmConfig(bindAddress, peerPort, peerInactivityTimeout, networkBufferBytes,
                maxUploadBytesPerSecond, Optional.of(address), originSpreading, maxDialsPerTorrent);
    }

    /** The broadcaster's setting: spread each seeded segment's pieces across peers before sending any twice. */
    public SwarmConfig withOriginSpreading(boolean spreading) {
        return new SwarmConfig(bindAddress, peerPort, peerInactivityTimeout, networkBufferBytes,
                maxUploadBytesPerSecond, announceAddress, spreading, maxDialsPerTorrent);
    }

    /** See {@link #maxDialsPerTorrent}; 0 = no limit. */
    public SwarmConfig withMaxDialsPerTorrent(int limit) {
        return new SwarmConfig(bindAddress, peerPort, peerInactivityTimeout, networkBufferBytes,
                maxUploadBytesPerSecond, announceAddress, originSpreading, limit);
    }
}
