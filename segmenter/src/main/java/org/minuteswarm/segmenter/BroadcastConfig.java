package org.minuteswarm.segmenter;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.minuteswarm.channel.ChannelName;
import org.minuteswarm.seeder.SwarmConfig;

/**
 * Everything a broadcast is told at start-up, validated once.
 *
 * @param host      the host name or address listeners reach this broadcaster at; it goes into
 *                  the channel URL and the torrents' announce URL
 * @param bind      the address the HTTP server listens on
 * @param announce  extra announce URLs; empty means the embedded tracker's {@code /announce}
 * @param linger    how long to keep seeding after the feed ends, so listeners get the last segments
 * @param tracker   a standalone tracker to publish the channel to ({@code minuteswarm tracker}), or
 *                  null to embed one on {@code httpPort}
 */
public record BroadcastConfig(String channel, Duration segmentDuration, int window, String host, InetAddress bind,
                              int httpPort, SwarmConfig swarm, Path dataDir, List<URI> announce, Duration linger,
                              URI tracker) {
    public static final int DEFAULT_HTTP_PORT = 7070;
    public static final int DEFAULT_PEER_PORT = 6881;
    public static final int DEFAULT_WINDOW = 10;
    public static final Duration DEFAULT_SEGMENT = Duration.ofSeconds(60);

    public BroadcastConfig {
        ChannelName.validate(channel);
        if (segmentDuration == null || segmentDuration.compareTo(Duration.ofSeconds(1)) < 0
                || segmentDuration.compareTo(Duration.ofSeconds(600)) > 0) {
            throw new IllegalArgumentException("--segment-seconds must be 1..600");
        }
        if (window < 1 || window > 1000) {
            throw new IllegalArgumentException("--window must be 1..1000: " + window);
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("--http-port must be 0..65535: " + httpPort);
        }
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(swarm, "swarm");
        Objects.requireNonNull(dataDir, "dataDir");
        announce = List.copyOf(announce);
        for (URI u : announce) {
            if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("--announce must be an http:// tracker URL: " + u);
            }
        }
        linger = linger == null ? segmentDuration.multipliedBy(2) : linger;
        if (tracker != null && (!"http".equalsIgnoreCase(tracker.getScheme()) || tracker.getHost() == null)) {
            throw new IllegalArgumentException("--tracker must be http://HOST:PORT of a 'minuteswarm tracker': " + tracker);
        }
    }

    /** With the embedded tracker. */
    public BroadcastConfig(String channel, Duration segmentDuration, int window, String host, InetAddress bind,
                           int httpPort, SwarmConfig swarm, Path dataDir, List<URI> announce, Duration linger) {
        this(channel, segmentDuration, window, host, bind, httpPort, swarm, dataDir, announce, linger, null);
    }

    public BroadcastConfig withTracker(URI standalone) {
        return new BroadcastConfig(channel, segmentDuration, window, host, bind, httpPort, swarm, dataDir, announce,
                linger, standalone);
    }

    /** For tests: 127.0.0.1 everywhere, ephemeral ports. */
    public static BroadcastConfig loopback(String channel, Duration segmentDuration, int window, Path dataDir) {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return new BroadcastConfig(channel, segmentDuration, window, "127.0.0.1", lo, 0, SwarmConfig.loopback(), dataDir,
                List.of(), null);
    }

    public BroadcastConfig withSwarm(SwarmConfig s) {
        return new BroadcastConfig(channel, segmentDuration, window, host, bind, httpPort, s, dataDir, announce, linger,
                tracker);
    }
}
