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
 */
public record TrackerConfig(InetAddress bindAddress, int httpPort, Duration announceInterval,
                            Duration minAnnounceInterval, Duration peerTimeout, int defaultNumwant,
                            int maxNumwant, Duration maxLongPoll) {

    public static final Duration DEFAULT_ANNOUNCE_INTERVAL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_MIN_ANNOUNCE_INTERVAL = Duration.ofSeconds(5);
    /** 2.5 announce intervals: a peer may miss one announce (a lost request) and still be listed. */
    public static final double PEER_TIMEOUT_INTERVALS = 2.5;
    /** opentracker's default, and what BEP 3 clients expect when they send none. */
    public static final int DEFAULT_NUMWANT = 50;
    /** opentracker's cap. */
    public static final int DEFAULT_MAX_NUMWANT = 200;
    public static final Duration DEFAULT_MAX_LONG_POLL = Duration.ofSeconds(30);

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
                maxNumwant, maxLongPoll);
    }

    public TrackerConfig withPeerTimeout(Duration timeout) {
        return new TrackerConfig(bindAddress, httpPort, announceInterval, minAnnounceInterval, timeout,
                defaultNumwant, maxNumwant, maxLongPoll);
    }

    public TrackerConfig withMaxLongPoll(Duration maxLongPoll) {
        return new TrackerConfig(bindAddress, httpPort, announceInterval, minAnnounceInterval, peerTimeout,
                defaultNumwant, maxNumwant, maxLongPoll);
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
