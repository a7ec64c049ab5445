package org.minuteswarm.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.minuteswarm.segmenter.feed.SyntheticTs;
import org.minuteswarm.seeder.SegmentSwarm;
import org.minuteswarm.seeder.SwarmConfig;
import org.minuteswarm.seeder.SwarmRuntime;
import org.minuteswarm.seeder.TorrentFile;
import org.minuteswarm.tracker.TrackerConfig;
import org.minuteswarm.tracker.TrackerHttpServer;

/**
 * Our runtime seeding to libtorrent over connections <em>our side opens</em>, as a broadcaster or
 * agent does with a third-party listener it learns of from the tracker (at each announce, and
 * when the tracker tops up a new segment's swarm with the channel's recent peers). libtorrent runs
 * with outgoing connections off, so every byte goes over a connection bt opened; the tracker
 * (standalone, tracking just this segment) asks for an announce every second, so bt finds a new
 * leecher within about a second.
 *
 * <p>Checked: bytes identical, and every block sent once (no redundant piece data at libtorrent,
 * our upload equal to the data delivered), both on a first connection and when bt connects to
 * the same listener (same address and port) a second time for the same torrent. bt 1.10 keys a
 * connection's message consumers by (address, remote port, torrent) and never removes them when a
 * connection closes (IMessageDispatcher has no removal; bt PR #255, merged after 1.10, cleans them
 * up), so a second outgoing connection to the same listen port gets each incoming message
 * handled twice: every Request is answered with two Piece messages.
 */
class AgentSeedsLibtorrentTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(25);
    private static String missing;

    @BeforeAll
    static void probe() throws InterruptedException {
        missing = LibtorrentInteropTest.probeLibtorrent();
    }

    /** One libtorrent leecher run against our seed; returns its result line. */
    private record LeecherRun(String result, long redundantBytes, long millis) {
    }

    @Test
    @Timeout(90)
    void ourSeedConnectsToALibtorrentListenerAndSendsEachBlockOnce(@TempDir Path dir) throws Exception {
        run(dir, 1);
    }

    @Test
    @Timeout(90)
    void ourSeedReconnectingToTheSameListenerStillSendsEachBlockOnce(@TempDir Path dir) throws Exception {
        run(dir, 2);
    }

    private void run(Path dir, int leechers) throws Exception {
        ExternalClient.assumeInstalled(missing == null, "python3-libtorrent (" + missing + ")");
        Path script = ExternalClient.copyResource("/interop/lt_download.py", dir.resolve("lt_download.py"));
        OneSegmentDirectory directory = new OneSegmentDirectory();
        TrackerConfig trackerConfig = TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0)
                .withAnnounceInterval(Duration.ofSeconds(1));
        try (TrackerHttpServer tracker = TrackerHttpServer.start(trackerConfig, directory, Clock.systemUTC());
             SwarmRuntime agent = SwarmRuntime.start(SwarmConfig.loopback())) {
            URI announce = URI.create("http://127.0.0.1:" + tracker.port() + "/announce");
            Path seedFile = Files.createDirectories(dir.resolve("seed")).resolve("9.ts");
            byte[] segment = SyntheticTs.generate(InteropBroadcast.BITS_PER_SECOND, InteropBroadcast.SEGMENT, 13);
            TorrentFile torrent = TorrentFile.make(Files.write(seedFile, segment), announce);
            directory.setLive(torrent.infoHash());
            Path torrentFile = Files.write(dir.resolve("9.torrent"), torrent.bytes());
            int port = ExternalClient.freeLoopbackPort(); // every leecher listens here, one after the other

            SegmentSwarm seed = agent.seed(torrent, seedFile);
            try {
                long delivered = 0;
                for (int i = 1; i <= leechers; i++) {
                    LeecherRun run = leech(dir, script, torrentFile, torrent, segment, port, i);
                    delivered += torrent.length();
                    System.out.printf(Locale.ROOT, "interop agent runtime -> libtorrent #%d (bt connects to "
                                    + "127.0.0.1:%d): %d bytes (%d pieces of %d) in %d ms (leecher start -> exit); "
                                    + "our seed uploaded %d bytes in all; libtorrent: %s%n", i, port, torrent.length(),
                            torrent.pieceCount(), torrent.pieceLength(), run.millis(), seed.uploadedBytes(),
                            run.result());
                    assertEquals(0, run.redundantBytes(), "libtorrent #" + i + " received piece data twice or "
                            + "unrequested: our seed answered its requests more than once" + (i > 1
                            ? " (bt reconnected to the same listener; see this class's comment)" : "") + ": "
                            + run.result());
                    assertEquals(delivered, seed.uploadedBytes(), "our seed uploaded more than it delivered after "
                            + "libtorrent #" + i + ": " + run.result());
                }
            } finally {
                seed.stop();
            }
        }
    }

    private LeecherRun leech(Path dir, Path script, Path torrentFile, TorrentFile torrent, byte[] segment, int port,
                             int index) throws IOException, InterruptedException {
        Path downloads = Files.createDirectories(dir.resolve("libtorrent-" + index));
        Path output = dir.resolve("lt-" + index + ".out");
        List<String> command = List.of(LibtorrentInteropTest.PYTHON, script.toString(), torrentFile.toString(),
                downloads.toString(), Integer.toString(port), Long.toString(CLIENT_TIMEOUT.toSeconds()), "disabled",
                "incoming");
        long t0 = System.nanoTime();
        try (ExternalClient leecher = ExternalClient.start("libtorrent #" + index, command, dir, output)) {
            boolean exited = leecher.awaitExit(CLIENT_TIMEOUT.plusSeconds(10));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(exited, "lt_download.py #" + index + " did not exit; output:\n" + leecher.outputTail(6000));
            String result = LibtorrentInteropTest.resultLine(output);
            assertEquals(0, leecher.exitValue(), "libtorrent #" + index + " failed: " + result + "\noutput:\n"
                    + leecher.outputTail(6000));
            assertArrayEquals(segment, Files.readAllBytes(downloads.resolve(torrent.name())),
                    "libtorrent #" + index + "'s copy differs from the segment");
            long redundant = Long.parseLong(result.replaceAll(".*redundant_bytes=(\\d+).*", "$1"));
            return new LeecherRun(result, redundant, millis);
        }
    }
}
