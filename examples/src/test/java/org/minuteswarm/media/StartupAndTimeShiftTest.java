package org.minuteswarm.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.minuteswarm.agent.StartPoint;
import org.minuteswarm.segmenter.feed.Feeds;

/**
 * Startup delay and time-shift, measured the way a player sees them: a real ffmpeg live source
 * over {@code udp://} has been broadcasting for a few segments (the live edge is in the swarm,
 * seeded by the broadcaster); an agent is started and a player-like reader attaches to its
 * {@code /stream.ts} at once.
 */
class StartupAndTimeShiftTest {
    private static final long STARTUP_LIMIT_MILLIS = 1000;

    /**
     * Agent start -> first byte at the player, joining just after the live edge was published
     * (3-s segments, so that a startup bounded by the segment duration shows as such).
     */
    @Test
    @Timeout(90)
    void startupAtTheLiveEdge(@TempDir Path dir) throws Exception {
        Media.assumeTools();
        int port = Media.freeUdpPort();
        Process ffmpeg = null;
        LiveRig rig = null;
        try {
            rig = new LiveRig(dir, Feeds.open("udp://127.0.0.1:" + port, false, Clock.systemUTC()), Duration.ofSeconds(3));
            ffmpeg = Media.startUdpTestPattern(dir.resolve("ffmpeg.log"), port);
            rig.awaitPublished(3, Duration.ofSeconds(40));

            long edgeAtStart = rig.liveEdge.get();
            long t0 = System.nanoTime();
            LiveRig.Agent live = rig.startAgent("live", c -> c);
            long startedNanos = System.nanoTime();
            LiveRig.StreamReader player = rig.read(live.uri("/stream.ts"));
            LiveRig.await(() -> player.firstByteNanos > 0, Duration.ofSeconds(20),
                    () -> "no byte on /stream.ts of the live agent");
            long firstByteMillis = (player.firstByteNanos - t0) / 1_000_000;
            LiveRig.await(() -> live.started.size() >= 2, Duration.ofSeconds(20),
                    () -> "live agent did not play on: " + live.started);
            long firstLive = live.started.get(0);
            System.out.printf(Locale.ROOT, "startup: live edge %d when the agent started, it played %d first; "
                            + "agent start -> first byte at the player %d ms (start() returned after %d ms, "
                            + "agent's startupMillis %d)%n", edgeAtStart, firstLive, firstByteMillis,
                    (startedNanos - t0) / 1_000_000, live.agent.startupMillis());
            byte[] firstSegment = rig.published(firstLive);
            byte[] head = Arrays.copyOf(player.bytes(), firstSegment.length);
            assertArrayEquals(firstSegment, head, "the player's first bytes are not segment " + firstLive);
            Path stream = dir.resolve("live-start.ts");
            Files.write(stream, head);
            assertEquals(List.of(), Media.decodeErrors(dir, stream), "the first segment played does not decode");
            assertTrue(firstLive >= edgeAtStart - 1, "live agent started far behind the live edge: " + live.started);
            assertTrue(firstByteMillis < STARTUP_LIMIT_MILLIS, "first byte after " + firstByteMillis + " ms");
        } finally {
            if (rig != null) {
                rig.close();
            }
            Media.stop(ffmpeg);
        }
    }

    /**
     * {@code --from -6s}: the agent first plays a segment older than the live edge (from the swarm,
     * at once), then segment after segment on to the live edge it started at.
     */
    @Test
    @Timeout(90)
    void timeShiftPlaysBackThenOnToTheLiveEdge(@TempDir Path dir) throws Exception {
        Media.assumeTools();
        int port = Media.freeUdpPort();
        Process ffmpeg = null;
        LiveRig rig = null;
        try {
            rig = new LiveRig(dir, Feeds.open("udp://127.0.0.1:" + port, false, Clock.systemUTC()));
            ffmpeg = Media.startUdpTestPattern(dir.resolve("ffmpeg.log"), port);
            rig.awaitPublished(5, Duration.ofSeconds(40));

            long edge = rig.liveEdge.get();
            long t0 = System.nanoTime();
            LiveRig.Agent shifted = rig.startAgent("shifted", c -> c.withFrom(StartPoint.parse("-6s")));
            LiveRig.StreamReader player = rig.read(shifted.uri("/stream.ts"));
            LiveRig.await(() -> player.firstByteNanos > 0, Duration.ofSeconds(20),
                    () -> "no byte on /stream.ts of the time-shifted agent");
            long firstByteMillis = (player.firstByteNanos - t0) / 1_000_000;
            LiveRig.await(() -> shifted.started.contains(edge) || !shifted.skipped.isEmpty()
                            || (!shifted.started.isEmpty() && shifted.started.get(shifted.started.size() - 1) > edge),
                    Duration.ofSeconds(40), () -> "time-shifted agent did not reach the live edge " + edge
                            + " it started at: played " + shifted.started);
            List<Long> played = List.copyOf(shifted.started);
            long first = played.get(0);
            System.out.printf(Locale.ROOT, "time-shift: live edge %d at start; --from -6s played %s "
                            + "(first %d segments = %d s behind the edge); agent start -> first byte at the player "
                            + "%d ms (startupMillis %d); skipped %s%n", edge, played, edge - first,
                    (edge - first) * rig.segment.toSeconds(), firstByteMillis, shifted.agent.startupMillis(),
                    shifted.skipped);
            assertTrue(first < edge, "--from -6s started at " + first + ", not before the live edge " + edge);
            assertTrue(edge - first >= 2, "--from -6s with 2-s segments is >= 2 segments back: " + first
                    + " vs edge " + edge);
            assertEquals(List.of(), shifted.skipped, "time-shifted agent skipped segments");
            for (int i = 1; i < played.size(); i++) {
                assertEquals(played.get(i - 1) + 1, played.get(i), "time-shifted agent played " + played);
            }
            assertTrue(played.contains(edge), "time-shifted agent never played the live edge " + edge + ": " + played);

            // What the player got: the old segment first, whole, and it decodes.
            byte[] oldest = rig.published(first);
            byte[] head = Arrays.copyOf(player.bytes(), oldest.length);
            assertArrayEquals(oldest, head, "the time-shifted player's first bytes are not segment " + first);
            Path stream = dir.resolve("shifted-start.ts");
            Files.write(stream, head);
            assertEquals(List.of(), Media.decodeErrors(dir, stream), "the time-shifted segment does not decode");
            // An old segment is complete in the swarm: nothing to wait for, this is the fast start.
            assertTrue(firstByteMillis < STARTUP_LIMIT_MILLIS, "time-shifted first byte after " + firstByteMillis + " ms");
        } finally {
            if (rig != null) {
                rig.close();
            }
            Media.stop(ffmpeg);
        }
    }
}
