package org.minuteswarm.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.segmenter.feed.SyntheticTs;
import org.minuteswarm.seeder.SegmentSwarm;
import org.minuteswarm.seeder.SwarmConfig;
import org.minuteswarm.seeder.SwarmRuntime;
import org.minuteswarm.seeder.TorrentFile;
import org.minuteswarm.tracker.TrackerConfig;
import org.minuteswarm.tracker.TrackerHttpServer;

/**
 * The reverse direction: a third-party client that has completed a segment seeds it to our
 * agents. The only source is the third-party client (given the segment's bytes, it checks them
 * and seeds); our side is a {@link SwarmRuntime} downloading as a listener agent does
 * ({@code runtime.download}), finding the client through our tracker, which runs standalone here
 * and tracks just this segment, so that no broadcaster seed can serve any of the bytes.
 */
class ExternalSeedServesAgentTest {
    private static final Duration SEED_READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(30);
    private static String libtorrentMissing;

    @BeforeAll
    static void probe() throws InterruptedException {
        libtorrentMissing = LibtorrentInteropTest.probeLibtorrent();
    }

    @ParameterizedTest(name = "{0} seeds")
    @ValueSource(strings = {"libtorrent", "aria2c"})
    @Timeout(90)
    void aThirdPartySeedServesOurAgentRuntime(String client, @TempDir Path dir) throws Exception {
        Path aria2c = Aria2cInteropTest.aria2c().orElse(null);
        if (client.equals("aria2c")) {
            ExternalClient.assumeInstalled(aria2c != null, "aria2c");
        } else {
            ExternalClient.assumeInstalled(libtorrentMissing == null, "python3-libtorrent (" + libtorrentMissing + ")");
        }
        HttpClient http = InteropBroadcast.httpClient();
        OneSegmentDirectory directory = new OneSegmentDirectory();
        try (TrackerHttpServer tracker = TrackerHttpServer.start(
                TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0), directory, Clock.systemUTC())) {
            URI announce = URI.create("http://127.0.0.1:" + tracker.port() + "/announce");
            Path seedDir = Files.createDirectories(dir.resolve(client));
            byte[] segment = SyntheticTs.generate(InteropBroadcast.BITS_PER_SECOND, InteropBroadcast.SEGMENT, 11);
            TorrentFile torrent = TorrentFile.make(Files.write(seedDir.resolve("7.ts"), segment), announce);
            directory.setLive(torrent.infoHash());
            Path torrentFile = Files.write(dir.resolve("7.torrent"), torrent.bytes());
            int port = ExternalClient.freeLoopbackPort();
            Path output = dir.resolve(client + ".out");
            Path log = dir.resolve("aria2c.log");

            List<String> command = client.equals("aria2c")
                    ? Aria2cInteropTest.command(aria2c, seedDir, port, log, torrentFile,
                            "--seed-ratio=0.0", "--seed-time=10", "--bt-seed-unverified=false",
                            "--enable-peer-exchange=true")
                    : List.of(LibtorrentInteropTest.PYTHON,
                            ExternalClient.copyResource("/interop/lt_seed.py", dir.resolve("lt_seed.py")).toString(),
                            torrentFile.toString(), seedDir.toString(), Integer.toString(port), "80", "enabled");
            try (ExternalClient seed = ExternalClient.start(client + " seed", command, dir, output)) {
                if (client.equals("libtorrent")) {
                    Optional<String> ready = seed.awaitLine(List.of("SEEDING", "FAIL"), SEED_READY_TIMEOUT);
                    assertTrue(ready.isPresent() && ready.get().startsWith("SEEDING"),
                            "libtorrent did not start seeding: " + ready + "; output:\n" + seed.outputTail(6000));
                }
                Map<String, Object> listed = awaitSeedListed(http, tracker.port(), torrent.infoHash());
                assertTrue(listed.get("complete") instanceof Long c && c >= 1, "the tracker never listed the "
                        + client + " seed: " + listed + "; output:\n" + seed.outputTail(4000)
                        + (client.equals("aria2c") ? "\nlog:\n" + Aria2cInteropTest.tail(log) : ""));

                Path target = dir.resolve("agent").resolve("7.ts");
                Files.createDirectories(target.getParent());
                long downloadMillis;
                long agentDownloaded;
                try (SwarmRuntime agent = SwarmRuntime.start(SwarmConfig.loopback())) {
                    long t0 = System.nanoTime();
                    SegmentSwarm swarm = agent.download(torrent, target);
                    try {
                        swarm.completion().get(DOWNLOAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        throw new AssertionError("our agent runtime got " + swarm.verifiedPieces() + " of "
                                + swarm.totalPieces() + " pieces from " + client + " in " + DOWNLOAD_TIMEOUT + " ("
                                + swarm.connectedPeers() + " peers connected); " + client + " output:\n"
                                + seed.outputTail(6000)
                                + (client.equals("aria2c") ? "\nlog:\n" + Aria2cInteropTest.tail(log) : ""), e);
                    }
                    downloadMillis = (System.nanoTime() - t0) / 1_000_000;
                    agentDownloaded = swarm.downloadedBytes();
                    swarm.stop();
                }
                assertArrayEquals(segment, Files.readAllBytes(target), "the agent's copy differs from the segment");
                assertEquals(torrent.length(), agentDownloaded, "the agent downloaded the segment exactly once");

                assertTrue(seed.terminate(Duration.ofSeconds(10)), client + " did not stop on SIGTERM");
                String result = "";
                if (client.equals("libtorrent")) {
                    result = LibtorrentInteropTest.resultLine(output);
                    assertEquals(0, seed.exitValue(), "libtorrent seed failed: " + result);
                    long uploaded = Long.parseLong(result.replaceAll(".*uploaded_bytes=(\\d+).*", "$1"));
                    assertTrue(uploaded >= torrent.length(), "libtorrent reports uploading only " + uploaded
                            + " of " + torrent.length() + " bytes: " + result);
                }
                System.out.printf(Locale.ROOT, "interop %s -> agent runtime: %d bytes (%d pieces of %d) in %d ms "
                                + "(download() -> complete)%s%n", client, torrent.length(), torrent.pieceCount(),
                        torrent.pieceLength(), downloadMillis, result.isEmpty() ? "" : "; libtorrent: " + result);
            }
        }
    }

    /** Scrapes until the tracker lists a seed of {@code hash} (up to 20 s); returns the last entry seen. */
    private static Map<String, Object> awaitSeedListed(HttpClient http, int port, InfoHash hash) throws Exception {
        return InteropBroadcast.awaitScrape(http, port, hash, "complete", SEED_READY_TIMEOUT);
    }
}
