package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.net.IMessageDispatcher;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * bt 1.10 files a connection's message handlers under (peer address, remote port, torrent) and never removes
 * them (bt #255). When our runtime connects a second time to the same listen port for the same torrent, the
 * dead connection's handlers would still be there next to the new ones, and every Request from the peer
 * would be answered twice (three times on a third connection). {@link ConnectionMessageDispatcher} binds
 * handlers to their connection and drops them when it closes.
 */
class ReconnectTest {
    @TempDir
    Path dir;

    /**
     * The seed announces an address nobody listens on (127.0.0.2), so the leechers never connect to it: every
     * connection is one the seed opens to a leecher's listen port. The first leecher downloads everything and
     * leaves; a second one listens on the same port and downloads the same torrent, over a connection with
     * the same key as the first one's.
     */
    @Test
    @Timeout(60)
    void seedConnectingAgainToTheSameListenPortSendsEachBlockOnce() throws Exception {
        Path source = Segments.randomFile(dir, "seg-1.ts", 600_000, 11);
        SwarmConfig seedConfig = SwarmConfig.loopback().withAnnounceAddress(InetAddress.getByName("127.0.0.2"));
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime seedRuntime = SwarmRuntime.start(seedConfig)) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            SegmentSwarm seed = null;
            int port = 0;
            for (int leecher = 1; leecher <= 3; leecher++) {
                try (SwarmRuntime leechRuntime = SwarmRuntime.start(SwarmConfig.loopback().withPeerPort(port))) {
                    port = leechRuntime.peerPort();
                    Path target = dir.resolve("leecher-" + leecher + "/seg-1.ts");
                    SegmentSwarm leech = leechRuntime.download(torrent, target);
                    if (seed == null) {
                        seed = seedRuntime.seed(torrent, source);
                    }
                    assertEquals(target, leech.completion().get(30, TimeUnit.SECONDS));
                    assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(target));
                    assertEquals(torrent.length(), leech.downloadedBytes());
                    assertEquals(leecher * torrent.length(), seed.uploadedBytes(), "the seed sent blocks more than "
                            + "once to leecher " + leecher + " (same address, port and torrent as before)");
                    leech.stop();
                }
            }
            seed.stop();
        }
    }

    /** A closed connection's handlers do not stay in the dispatcher (bt 1.10 kept them for the runtime's life). */
    @Test
    @Timeout(60)
    void closedConnectionsLeaveNoHandlersBehind() throws Exception {
        Path source = Segments.randomFile(dir, "seg-2.ts", 300_000, 12);
        try (TestTracker tracker = TestTracker.start();
             // capped, so that the download lasts (about 2 s) long enough to see its connection's handlers:
             // once both ends are complete, RedundantConnections closes the connection at once
             SwarmRuntime seedRuntime = SwarmRuntime.start(SwarmConfig.loopback()
                     .withMaxUploadBytesPerSecond(150_000))) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            SegmentSwarm seed = seedRuntime.seed(torrent, source);
            ConnectionMessageDispatcher dispatcher =
                    (ConnectionMessageDispatcher) seedRuntime.bt().service(IMessageDispatcher.class);
            String btDispatcher = seedRuntime.peerPort() + ".bt.net.message-dispatcher";
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(btDispatcher)),
                    "bt's own message dispatcher runs too");
            try (SwarmRuntime leechRuntime = SwarmRuntime.start(SwarmConfig.loopback())) {
                SegmentSwarm leech = leechRuntime.download(torrent, dir.resolve("down/seg-2.ts"));
                boolean seen = false;
                while (!leech.completion().isDone() && !seen) {
                    seen = dispatcher.connectionCount() > 0;
                    Thread.sleep(10);
                }
                assertTrue(seen, "no handlers while connected");
                leech.completion().get(30, TimeUnit.SECONDS);
                leech.stop();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (dispatcher.connectionCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, dispatcher.connectionCount(), "handlers of closed connections are still kept");
            seed.stop();
        }
    }
}
