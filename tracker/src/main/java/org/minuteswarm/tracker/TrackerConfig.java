package org.minuteswarm.tracker;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Every tunable of the tracker, with its unit in its type or name. Validated once, here, so a
 * bad value fails at start-up with a message that names it.
 *
 * @param bindAddress         the address the HTTP server listens on
 * @param httpPort            TCP port, 0 for any free port
 * @param announceInterval    the {@code interval} clients are told to re-announce at (BEP 3)
 * @param minAnnounceInterval the {@code min interval} clients must not announce faster than
 * @param peerTimeout         a peer that has not announced for this long is dropped
 * @param defaultNumwant      peers returned when the client sends no {@code numwant}
 * @param maxNumwant          cap on {@code numwant} (opentracker: 200)
 * @param maxLongPoll         longest a {@code /channels/NAME?after=SEQ} request is held open
 * @param udpPort             BEP 15 UDP tracker port: -1 for none (the embedded default), 0 for
 *                            any free port
 * @param requestsPerSecondPerAddress per-address rate limit on announces and scrapes over both
 *                            transports (a burst of the same size is allowed); 0 for none
 * @param idleConnectionTimeout an HTTP connection that sends no complete request for this long
 *                            (idle between keep-alive requests, or trickling one in) is closed
 * @param channelPeers        top up a swarm short of peers with the channel's other recently
 *                            active peers, so a new segment's swarm forms at once
 */
public record TrackerConfig(InetAddress bindAddress, int httpPort, Duration announceInterval,
                            Duration minAnnounceInterval, Duration peerTimeout, int defaultNumwant,
                            int maxNumwant, Duration maxLongPoll, int udpPort, int requestsPerSecondPerAddress,
                            Duration idleConnectionTimeout, boolean channelPeers) {

    public static final Duration DEFAULT_ANNOUNCE_INTERVAL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_MIN_ANNOUNCE_INTERVAL = Duration.ofSeconds(5);
    /** 2.5 announce intervals: a peer may miss one announce (a lost request) and still be listed. */
    public static final double PEER_TIMEOUT_INTERVALS = 2.5;
    /** opentracker's default, and what BEP 3 clients expect when they send none. */
    public static final int DEFAULT_NUMWANT = 50;
    /** opentracker's cap. */
    public static final int DEFAULT_MAX_NUMWANT = 200;
    public static final Duration DEFAULT_MAX_LONG_POLL = Duration.ofSeconds(30);
    /** No UDP frontend unless asked for: the embedded tracker is HTTP only. */
    public static final int NO_UDP = -1;
    /**
     * A BEP 3 client announces each torrent once per interval; a busy NAT of a few hundred
     * listeners with ~5 live segments each stays far below this. 0 turns the limit off.
     */
    public static final int DEFAULT_REQUESTS_PER_SECOND_PER_ADDRESS = 500;
    /** Long enough for a keep-alive client between announces of several torrents, short enough to shed idle sockets. */
    public static final Duration DEFAULT_IDLE_CONNECTION_TIMEOUT = Duration.ofSeconds(30);

    /** The original eight tunables; the rest take their defaults. */
    public TrackerConfig(InetAddress bindAddress, int httpPort, Duration announceInterval,
                         Duration minAnnounceInterval, Duration peerTimeout, int defaultNumwant,
                         int maxNumwant, Duration maxLongPoll) {
        this(bindAddress, httpPort, announceInterval, minAnnounceInterval, peerTimeout, defaultNumwant, maxNumwant,
                maxLongPoll, NO_UDP, DEFAULT_REQUESTS_PER_SECOND_PER_ADDRESS, DEFAULT_IDLE_CONNECTION_TIMEOUT, true);
    }

    public TrackerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("httpPort must be 0..65535 (0 = any free port), got " + httpPort);
        }
        requireAtLeastOneSecond("announceInterval", announceInterval);
        requireAtLeastOneSecond("minAnnounceInterval", minAnnounceInterval);
        if (minAnnounceInterval.compareTo(announceInterval) > 0) {
            throw new IllegalArgumentException("minAnnounceInterval (" + minAnnounceInterval
                    + ") must not exceed announceInterval (" + announceInterval + ")");
        }
        Objects.requireNonNull(peerTimeout, "peerTimeout");
        if (peerTimeout.compareTo(announceInterval) <= 0) {
            throw new IllegalArgumentException("peerTimeout (" + peerTimeout
                    + ") must exceed announceInterval (" + announceInterval + "), or every peer expires between announces");
        }
        if (maxNumwant < 1) {
            throw new IllegalArgumentException("maxNumwant must be >= 1, got " + maxNumwant);
        }
        if (defaultNumwant < 0 || defaultNumwant > maxNumwant) {
            throw new IllegalArgumentException("defaultNumwant must be 0..maxNumwant (" + maxNumwant + "), got " + defaultNumwant);
        }
        Objects.requireNonNull(maxLongPoll, "maxLongPoll");
        if (maxLongPoll.isNegative()) {
            throw new IllegalArgumentException("maxLongPoll must be >= 0, got " + maxLongPoll);
        }
        if (udpPort < NO_UDP || udpPort > 65535) {
            throw new IllegalArgumentException("udpPort must be 0..65535 (0 = any free port) or -1 (none), got " + udpPort);
        }
        if (requestsPerSecondPerAddress < 0) {
            throw new IllegalArgumentException("requestsPerSecondPerAddress must be >= 0 (0 = unlimited), got "
                    + requestsPerSecondPerAddress);
        }
        Objects.requireNonNull(idleConnectionTimeout, "idleConnectionTimeout");
        if (idleConnectionTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("idleConnectionTimeout must be at least 100 ms, got " + idleConnectionTimeout);
        }
    }

    /** The defaults: announce every 15 s (at most every 5 s), peers expire after 37.5 s, numwant 50 capped at 200, long polls up to 30 s. */
    public static TrackerConfig defaults(InetAddress bind, int port) {
        return new TrackerConfig(bind, port, DEFAULT_ANNOUNCE_INTERVAL, DEFAULT_MIN_ANNOUNCE_INTERVAL,
                peerTimeoutFor(DEFAULT_ANNOUNCE_INTERVAL), DEFAULT_NUMWANT, DEFAULT_MAX_NUMWANT, DEFAULT_MAX_LONG_POLL);
    }

    /**
     * A copy with another announce interval, the peer timeout reset to 2.5 of it, and the min
     * interval lowered to it if it was longer. Set a custom peer timeout after this, not before.
     */
    public TrackerConfig withAnnounceInterval(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        Duration min = minAnnounceInterval.compareTo(interval) > 0 ? interval : minAnnounceInterval;
        return new TrackerConfig(bindAddress, httpPort, interval, min, peerTimeoutFor(interval), defaultNumwant,
                maxNumwant, maxLongPoll, udpPort, requestsPerSecondPerAddress, idleConnectionTimeout, channelPeers);
    }

    public TrackerConfig withPeerTimeout(Duration timeout) {
        return new TrackerConfig(bindAddress, httpPort, announceInterval, minAnnounceInterval, timeout,
                defaultNumwant, maxNumwant, maxLongPoll, udpPort, requestsPerSecondPerAddress, idleConnectionTimeout,
                channelPeers);
    }

    public TrackerConfig withMaxLongPoll(Duration maxLongPoll) {
        return new TrackerConfig(bindAddress, httpPort, announceInterval, minAnnounceInterval, peerTimeout,
                defaultNumwant, maxNumwant, maxLongPoll, udpPort, requestsPerSecondPerAddress, idleConnectionTimeout,
                channelPeers);
    }

    /** A copy with a BEP 15 UDP frontend on {@code port} (0: any free port; -1: none). */
    public TrackerConfig withUdpPort(int port) {
        return new TrackerConfig(bindAddress, httpPort, announceInterval, minAnnounceInterval, peerTimeout,
                defaultNumwant, maxNumwant, maxLongPoll, port, requestsPerSecondPerAddress, idleConnectionTimeout,
                channelPeers);
    }

    /** A copy with another per-address rate limit (0: unlimited, as for benchmarks). */
    public TrackerConfig withRequestsPerSecondPerAddress(int limit) {
        return new TrackerConfig(bindAddress, httpPort, announceInterval, minAnnounceInterval, peerTimeout,
                defaultNumwant, maxNumwant, maxLongPoll, udpPort, limit, idleConnectionTimeout, channelPeers);
    }

    public TrackerConfig withIdleConnectionTimeout(Duration timeout) {
        return new TrackerConfig(bindAddress, httpPort, announceInterval, minAnnounceInterval, peerTimeout,
                defaultNumwant, maxNumwant, maxLongPoll, udpPort, requestsPerSecondPerAddress, timeout, channelPeers);
    }

    public TrackerConfig withChannelPeers(boolean on) {
        return new TrackerConfig(bindAddress, httpPort, announceInterval, minAnnounceInterval, peerTimeout,
                defaultNumwant, maxNumwant, maxLongPoll, udpPort, requestsPerSecondPerAddress, idleConnectionTimeout, on);
    }

    static Duration peerTimeoutFor(Duration interval) {
        return Duration.ofMillis(Math.round(interval.toMillis() * PEER_TIMEOUT_INTERVALS));
    }

    private static void requireAtLeastOneSecond(String name, Duration d) {
        // BEP 3 intervals are whole seconds on the wire.
        if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(name + " must be at least 1 s (it is sent in whole seconds), got " + d);
        }
    }
}
