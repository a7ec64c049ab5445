package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections reused across a channel's swarms: a peer met on one segment is tried for the next at once,
 * without the tracker. The next segment's announce URL here leads nowhere, so only that can find the seed.
 */
class ChannelPeersTest {
    @Test
    @Timeout(30)
    void theNextSegmentFindsPeersKnownFromTheLastOneWithoutATracker(@TempDir Path dir) throws Exception {
        Path first = Segments.randomFile(dir, "seg-1.ts", 300_000, 51);
        Path next = Segments.randomFile(dir, "seg-2.ts", 300_000, 52);
        URI deadTracker;
        try (ServerSocket closed = new ServerSocket(0)) {
            deadTracker = URI.create("http://127.0.0.1:" + closed.getLocalPort() + "/announce");
        }
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime origin = SwarmRuntime.start(SwarmConfig.loopback());
             SwarmRuntime listener = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile firstTorrent = TorrentFile.make(first, tracker.announceUri());
            origin.seed(firstTorrent, first);
            listener.download(firstTorrent, dir.resolve("down/seg-1.ts")).completion().get(15, TimeUnit.SECONDS);

            TorrentFile nextTorrent = TorrentFile.make(next, deadTracker);
            origin.seed(nextTorrent, next);
            SegmentSwarm download = listener.download(nextTorrent, dir.resolve("down/seg-2.ts"));
            download.completion().get(5, TimeUnit.SECONDS);
            assertArrayEquals(Files.readAllBytes(next), Files.readAllBytes(download.file()));
        }
    }

    /**
     * A listener told where the channel's origin listens dials it as its download starts, without waiting for
     * the tracker: here a tracker that accepts the announce and never answers (bt would wait for it for its
     * tracker timeout, 10 s ({@link HttpTrackerFactory#DEFAULT_TIMEOUT}), before asking any other peer source). The
     * download also completes when its last piece is verified, not once bt's "completed" announce has been
     * answered (or timed out).
     */
    @Test
    @Timeout(30)
    void aDownloadDialsTheChannelOriginAtOnce(@TempDir Path dir) throws Exception {
        Path segment = Segments.randomFile(dir, "seg-3.ts", 300_000, 53);
        try (ServerSocket silentTracker = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             SwarmRuntime origin = SwarmRuntime.start(SwarmConfig.loopback());
             SwarmRuntime listener = SwarmRuntime.start(SwarmConfig.loopback())) {
            URI announce = URI.create("http://127.0.0.1:" + silentTracker.getLocalPort() + "/announce");
            TorrentFile torrent = TorrentFile.make(segment, announce);
            origin.seed(torrent, segment);
            TestSwarms.awaitRunning(origin, torrent); // as a broadcaster publishes a segment once it seeds it
            listener.channelOrigin(new InetSocketAddress(InetAddress.getLoopbackAddress(), origin.peerPort()));
            SegmentSwarm download = listener.download(torrent, dir.resolve("down/seg-3.ts"));
            download.completion().get(3, TimeUnit.SECONDS);
            assertArrayEquals(Files.readAllBytes(segment), Files.readAllBytes(download.file()));
        }
    }

    /**
     * The origin dials nobody, so a listener whose first dial of it fails must dial it again
     * ({@link ChannelPeers#ORIGIN_DIALS} times in all, {@link ChannelPeers#ORIGIN_REDIAL_MILLIS} apart). Here the
     * origin's runtime listens but does not run the segment when the download starts: it closes the listener's
     * handshake, as a runtime does for a torrent it does not know. It starts seeding once the listener's first
     * two dials have failed. The tracker accepts the announce and never answers, and bt asks no other peer source
     * before its first tracker query has timed out ({@link HttpTrackerFactory#DEFAULT_TIMEOUT}, 10 s), so only a
     * redial can complete the download within 8 s of its start (it takes about 2.3 s).
     */
    @Test
    @Timeout(30)
    void aListenerRedialsTheOriginUntilItRunsTheSegment(@TempDir Path dir) throws Exception {
        Path segment = Segments.randomFile(dir, "seg-4.ts", 300_000, 54);
        try (SwarmRuntime origin = SwarmRuntime.start(SwarmConfig.loopback().withOriginSpreading(true));
             SwarmRuntime listener = SwarmRuntime.start(SwarmConfig.loopback());
             // closed first: the origin's torrent would not stop before its announce to it had timed out
             ServerSocket silentTracker = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI announce = URI.create("http://127.0.0.1:" + silentTracker.getLocalPort() + "/announce");
            TorrentFile torrent = TorrentFile.make(segment, announce);
            listener.channelOrigin(new InetSocketAddress(InetAddress.getLoopbackAddress(), origin.peerPort()));
            long started = System.nanoTime();
            SegmentSwarm download = listener.download(torrent, dir.resolve("down/seg-4.ts"));
            TestSwarms.awaitRunning(listener, torrent); // its first dial of the origin goes out as it starts running
            Thread.sleep(ChannelPeers.ORIGIN_REDIAL_MILLIS * 3 / 2); // the second has gone out (and failed) too
            assertEquals(0, download.connectedPeers(), "the listener connected before the origin ran the segment");

            origin.seed(torrent, segment);
            TestSwarms.awaitRunning(origin, torrent);
            // before the tracker query can time out (10 s after the start, at the earliest), with room for a loaded machine
            long deadlineMillis = HttpTrackerFactory.DEFAULT_TIMEOUT.toMillis() * 8 / 10;
            TestSwarms.awaitTrue(() -> download.completion().isDone(),
                    deadlineMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertTrue(download.completion().isDone(), "the download did not complete within " + deadlineMillis
                    + " ms of its start: the listener did not dial the origin again once it ran the segment");
            assertArrayEquals(Files.readAllBytes(segment), Files.readAllBytes(download.file()),
                    "the listener's copy differs from the origin's");
        }
    }
}
