package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
}
