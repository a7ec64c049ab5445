package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.net.ConnectionResult;
import bt.net.IConnectionSource;
import bt.net.InetPeer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@link SwarmConfig#maxDialsPerTorrent} set on the leechers, a swarm whose members all learn of each
 * other (the test tracker lists everyone to everyone, every second) is not a full mesh: each leecher dials at
 * most that many peers and the seed, unlimited and not spreading, dials each leecher once, so a swarm
 * of eight leechers holds at most 8 x 2 + 8 connections instead of 36. Everyone still completes, which the
 * capped origin makes take seconds, long enough for a full mesh to form if the limit did not hold.
 */
class DialLimitTest {
    private static final int LEECHERS = 8;
    private static final int DIALS = 2;
    private static final int LENGTH = 1024 * 1024;

    @Test
    @Timeout(60)
    void membersDialNoMoreThanTheLimitAndAllComplete(@TempDir Path dir) throws Exception {
        Path source = Segments.randomFile(dir, "seg-5.ts", LENGTH, 5);
        byte[] expected = Files.readAllBytes(source);
        SwarmConfig config = SwarmConfig.loopback().withMaxDialsPerTorrent(DIALS);
        try (TestTracker tracker = TestTracker.start(); TestSwarms test = new TestSwarms()) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            test.seed(config.withMaxUploadBytesPerSecond(256 * 1024).withMaxDialsPerTorrent(0), torrent, source);
            List<CompletableFuture<Path>> downloads = new ArrayList<>();
            for (int i = 0; i < LEECHERS; i++) {
                downloads.add(test.download(config, torrent, dir.resolve("l" + i + "/seg-5.ts")).completion());
            }
            List<SegmentSwarm> swarms = test.swarms;
            CompletableFuture<Void> all = CompletableFuture.allOf(downloads.toArray(CompletableFuture[]::new));
            int most = 0;
            while (!all.isDone()) {
                // every connection is counted at both of its ends
                int connections = swarms.stream().mapToInt(SegmentSwarm::connectedPeers).sum() / 2;
                most = Math.max(most, connections);
                Thread.sleep(20);
            }
            all.get(30, TimeUnit.SECONDS);
            for (CompletableFuture<Path> d : downloads) {
                assertArrayEquals(expected, Files.readAllBytes(d.get()));
            }
            int bound = LEECHERS * DIALS + LEECHERS;
            assertTrue(most <= bound, "at most " + bound + " connections, saw " + most);
            assertTrue(most >= LEECHERS, "the swarm was connected: " + most + " connections at most");
        }
    }

    /**
     * The origin ({@link SwarmConfig#originSpreading}) dials nobody: listeners dial it. A dial from the origin's
     * runtime to a listener that runs the torrent fails without a connection at either end.
     */
    @Test
    @Timeout(30)
    void theOriginDialsNobody(@TempDir Path dir) throws Exception {
        Path source = Segments.randomFile(dir, "seg-6.ts", 64 * 1024, 6);
        try (SwarmRuntime origin = SwarmRuntime.start(SwarmConfig.loopback().withOriginSpreading(true));
             SwarmRuntime listener = SwarmRuntime.start(SwarmConfig.loopback())) {
            // no tracker: the listener learns of no peer, and does not dial the origin itself
            TorrentFile torrent = TorrentFile.make(source, URI.create("http://127.0.0.1:9/announce"));
            SegmentSwarm seeded = origin.seed(torrent, source);
            SegmentSwarm downloading = listener.download(torrent, dir.resolve("download.ts"));
            TestSwarms.awaitRunning(origin, torrent);
            TestSwarms.awaitRunning(listener, torrent);
            TorrentId id = TorrentId.fromBytes(torrent.infoHash().bytes());

            ConnectionResult dial = origin.bt().service(IConnectionSource.class)
                    .getConnectionAsync(InetPeer.build(InetAddress.getLoopbackAddress(), listener.peerPort()), id)
                    .get(5, TimeUnit.SECONDS);

            assertFalse(dial.isSuccess(), "the origin dialed a listener");
            assertEquals("the origin waits to be dialed", dial.getMessage().orElse(""));
            Thread.sleep(300); // a dial under way would connect by now
            assertEquals(0, seeded.connectedPeers());
            assertEquals(0, downloading.connectedPeers());
        }
    }

    /**
     * The channel's origin is dialed whatever the count ({@link DialFilter}): it dials nobody, so a listener that
     * left it out for having enough peers would go without the segment's first source. Here the listener's
     * {@link #DIALS} connections are taken by plain clients that dialed it and hold no piece, and the tracker is
     * unreachable. A dial of the origin's address is refused while it is just another peer; once the listener
     * is told it is the channel's origin, bt dials it from {@link ChannelPeers} at its next peer poll (about a
     * second) and the download completes from it.
     */
    @Test
    @Timeout(30)
    void aListenerWithItsDialsUsedUpStillDialsTheOrigin(@TempDir Path dir) throws Exception {
        Path source = Segments.randomFile(dir, "seg-7.ts", 256 * 1024, 7);
        try (SwarmRuntime origin = SwarmRuntime.start(SwarmConfig.loopback().withOriginSpreading(true));
             SwarmRuntime listener = SwarmRuntime.start(SwarmConfig.loopback().withMaxDialsPerTorrent(DIALS))) {
            TorrentFile torrent = TorrentFile.make(source, URI.create("http://127.0.0.1:9/announce"));
            TorrentId id = TorrentId.fromBytes(torrent.infoHash().bytes());
            origin.seed(torrent, source);
            SegmentSwarm download = listener.download(torrent, dir.resolve("download.ts"));
            TestSwarms.awaitRunning(origin, torrent);
            List<WireClient> others = new ArrayList<>();
            try {
                for (int i = 0; i < DIALS; i++) {
                    others.add(WireClient.connect(listener, torrent));
                }
                TestSwarms.awaitTrue(() -> download.connectedPeers() >= DIALS, 2_000);
                assertEquals(DIALS, download.connectedPeers(), "the plain clients' connections to the listener");

                InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), origin.peerPort());
                ConnectionResult dial = listener.bt().service(IConnectionSource.class)
                        .getConnectionAsync(InetPeer.build(address.getAddress(), address.getPort()), id)
                        .get(5, TimeUnit.SECONDS);
                assertFalse(dial.isSuccess(), "the listener dialed a peer beyond its limit");
                assertEquals("enough peers for this torrent", dial.getMessage().orElse(""),
                        "why the listener refused to dial the origin's address before it was named the origin");

                listener.channelOrigin(address);
                TestSwarms.awaitTrue(() -> download.completion().isDone(), 5_000);
                assertTrue(download.completion().isDone(),
                        "the download did not complete within 5 s: the listener did not dial the origin");
                assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(download.file()),
                        "the listener's copy differs from the origin's");
            } finally {
                for (WireClient client : others) {
                    client.close();
                }
            }
        }
    }
}
