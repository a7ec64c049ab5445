package org.minuteswarm.swarm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.minuteswarm.segmenter.BroadcastConfig;
import org.minuteswarm.segmenter.Broadcaster;
import org.minuteswarm.segmenter.feed.SyntheticTs;
import org.minuteswarm.tracker.ChannelStore;
import org.minuteswarm.tracker.TrackerConfig;
import org.minuteswarm.tracker.TrackerHttpServer;

/**
 * {@code broadcast --tracker URL}: the broadcaster publishes its signed manifest and torrents to a
 * standalone tracker, listeners tune in there, and nobody else can take the channel name.
 */
@Timeout(120)
class StandaloneTrackerTest {
    private final Clock clock = Clock.systemUTC();

    @Test
    void listenersFollowAChannelPublishedToAStandaloneTracker(@TempDir Path dir) throws Exception {
        try (TrackerHttpServer tracker = TrackerHttpServer.start(
                TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0), ChannelStore.open(dir.resolve("tracker")), clock)) {
            URI base = URI.create("http://127.0.0.1:" + tracker.port());
            try (SwarmFixture swarm = SwarmFixture.builder(dir).listeners(3).bitrate(500_000).tracker(base).start()) {
                assertEquals(tracker.port(), swarm.broadcaster().channelUrl().manifestUri().getPort(),
                        "the channel URL should point at the standalone tracker");
                swarm.awaitPlayed(4, Duration.ofSeconds(60));
                for (SwarmFixture.Listener l : swarm.listeners()) {
                    assertEquals(List.of(), l.skipped());
                    List<Long> played = l.played();
                    byte[] expected = swarm.concatenation(played.subList(0, played.size() - 1));
                    assertArrayEquals(expected, Arrays.copyOf(l.output(), expected.length));
                }

                // Another key cannot publish, overwrite or take over the same channel name.
                IOException refused = assertThrows(IOException.class, () -> Broadcaster.start(
                        BroadcastConfig.loopback("fixture", Duration.ofSeconds(2), 3, dir.resolve("impostor"))
                                .withTracker(base), SyntheticTs.liveFeed(300_000, 9, clock), clock));
                assertTrue(refused.getMessage().contains("tracker"), refused.getMessage());
                assertTrue(tracker.peers("fixture") >= 3, "the tracker tracks the channel's swarms");
            }
        }
    }
}
