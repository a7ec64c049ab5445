package org.minuteswarm.agent;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.minuteswarm.channel.ChannelUrl;
import org.minuteswarm.seeder.SwarmConfig;

/**
 * Everything a listener agent is told at start-up, validated once.
 *
 * @param playBind       the local playback server's address (127.0.0.1: players on this machine)
 * @param playPort       the playback server's port, 0 for any free port
 * @param seedWindow     how many segments, counting the one playing, the agent keeps seeding
 * @param lateGrace      how long past its play time a segment may still arrive (a rebuffering
 *                       stall) before it is skipped; {@code null} means one segment duration
 * @param longPollWait   how long one manifest reload may block waiting for a new segment
 * @param from           where playback starts: the live edge, or back in the window (time-shift)
 */
public record AgentConfig(ChannelUrl channel, InetAddress playBind, int playPort, SwarmConfig swarm, Path dataDir,
                          int seedWindow, Duration lateGrace, Duration longPollWait, StartPoint from) {
    public static final int DEFAULT_PLAY_PORT = 7080;
    public static final int DEFAULT_SEED_WINDOW = 5;
    /**
     * Rebuffering (waiting for a late segment, which delays what follows) stops once the live edge is this
     * many segments further ahead of playback than when playback started; then a late segment is skipped.
     */
    public static final int MAX_SEGMENTS_BEHIND_LIVE = 3;

    public AgentConfig {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(playBind, "playBind");
        Objects.requireNonNull(swarm, "swarm");
        Objects.requireNonNull(dataDir, "dataDir");
        if (playPort < 0 || playPort > 65535) {
            throw new IllegalArgumentException("--play-port must be 0..65535: " + playPort);
        }
        if (seedWindow < 1 || seedWindow > 1000) {
            throw new IllegalArgumentException("--seed-window must be 1..1000: " + seedWindow);
        }
        if (lateGrace != null && lateGrace.isNegative()) {
            throw new IllegalArgumentException("late grace must not be negative");
        }
        if (longPollWait == null) {
            longPollWait = Duration.ofSeconds(25);
        }
        if (from == null) {
            from = StartPoint.LIVE;
        }
    }

    /** Starting at the live edge. */
    public AgentConfig(ChannelUrl channel, InetAddress playBind, int playPort, SwarmConfig swarm, Path dataDir,
                       int seedWindow, Duration lateGrace, Duration longPollWait) {
        this(channel, playBind, playPort, swarm, dataDir, seedWindow, lateGrace, longPollWait, StartPoint.LIVE);
    }

    /** For tests: everything on 127.0.0.1, ephemeral ports. */
    public static AgentConfig loopback(ChannelUrl channel, Path dataDir) {
        return new AgentConfig(channel, InetAddress.getLoopbackAddress(), 0, SwarmConfig.loopback(), dataDir,
                DEFAULT_SEED_WINDOW, null, Duration.ofSeconds(25));
    }

    public AgentConfig withSeedWindow(int n) {
        return new AgentConfig(channel, playBind, playPort, swarm, dataDir, n, lateGrace, longPollWait, from);
    }

    public AgentConfig withSwarm(SwarmConfig s) {
        return new AgentConfig(channel, playBind, playPort, s, dataDir, seedWindow, lateGrace, longPollWait, from);
    }

    public AgentConfig withLateGrace(Duration grace) {
        return new AgentConfig(channel, playBind, playPort, swarm, dataDir, seedWindow, grace, longPollWait, from);
    }

    public AgentConfig withFrom(StartPoint start) {
        return new AgentConfig(channel, playBind, playPort, swarm, dataDir, seedWindow, lateGrace, longPollWait, start);
    }
}
