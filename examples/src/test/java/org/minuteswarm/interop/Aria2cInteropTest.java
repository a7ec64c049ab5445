package org.minuteswarm.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.minuteswarm.seeder.TorrentFile;

/**
 * aria2c downloads a live segment from the broadcaster. aria2c gets the .torrent from the channel
 * API, finds the broadcaster only through the embedded tracker (DHT and LPD are off, the torrent
 * has no web seeds), downloads every piece from our bt seeder, checks it, and exits. Run with PEX
 * off, and with PEX on as aria2c has it by default: aria2c's empty ut_pex message used to make bt
 * drop the connection (BT-NOTES.md), which must not come back.
 *
 * <p>Where the time goes (aria2c 1.36 log, ~4 s from process start to exit): about 1 s until
 * aria2c's first announce, 1 s until it connects, 1 s lost to its MSE handshake attempt (bt has
 * MSE off, so aria2c falls back to a plaintext handshake on its next tick), ~70 ms for the
 * pieces, and 1 s until its {@code stopped} announce.
 */
class Aria2cInteropTest {
    static final String ARIA2C = "/usr/bin/aria2c";
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(45);

    static Optional<Path> aria2c() {
        return ExternalClient.findExecutable(ARIA2C, "aria2c");
    }

    /** aria2c on 127.0.0.1 only, no DHT/LPD, plaintext handshakes allowed, an info log for diagnostics. */
    static List<String> command(Path aria2c, Path downloadDir, int listenPort, Path log, Path torrentFile,
                                String... extra) {
        List<String> command = new ArrayList<>(List.of(aria2c.toString(),
                "--no-conf=true",
                "--dir=" + downloadDir,
                "--bt-enable-lpd=false",
                "--enable-dht=false",
                "--enable-dht6=false",
                "--bt-require-crypto=false",
                "--listen-port=" + listenPort,
                "--disable-ipv6=true",
                "--check-integrity=true",
                "--file-allocation=none",
                "--summary-interval=0",
                "--console-log-level=warn",
                "--log=" + log,
                "--log-level=info"));
        command.addAll(List.of(extra));
        command.add(torrentFile.toString());
        return command;
    }

    @ParameterizedTest(name = "peer exchange {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(90)
    void aria2cDownloadsALiveSegmentThroughTheEmbeddedTracker(boolean peerExchange, @TempDir Path dir)
            throws Exception {
        Path aria2c = aria2c().orElse(null);
        ExternalClient.assumeInstalled(aria2c != null, "aria2c");

        try (InteropBroadcast broadcast = InteropBroadcast.start(dir.resolve("broadcaster"))) {
            InteropBroadcast.Segment segment = broadcast.nextSegment(Duration.ofSeconds(15));
            TorrentFile torrent = broadcast.torrent(segment);
            Path torrentFile = Files.write(dir.resolve(segment.sequence() + ".torrent"), torrent.bytes());
            Path downloads = Files.createDirectories(dir.resolve("aria2c"));
            Path log = dir.resolve("aria2c.log");
            List<String> command = command(aria2c, downloads, ExternalClient.freeLoopbackPort(), log, torrentFile,
                    "--seed-time=0",
                    "--enable-peer-exchange=" + peerExchange,
                    "--bt-stop-timeout=" + CLIENT_TIMEOUT.toSeconds());

            Instant started = Instant.now();
            try (InteropBroadcast.TrackerWatch tracker = broadcast.watch(torrent.infoHash());
                 ExternalClient client = ExternalClient.start("aria2c", command, dir, dir.resolve("aria2c.out"))) {
                boolean exited = client.awaitExit(CLIENT_TIMEOUT);
                Instant finished = Instant.now();
                assertTrue(exited, "aria2c did not finish " + torrent + " within " + CLIENT_TIMEOUT
                        + diagnostics(client, log));
                assertEquals(0, client.exitValue(), "aria2c failed" + diagnostics(client, log));

                Path downloaded = downloads.resolve(torrent.name());
                assertTrue(Files.isRegularFile(downloaded), "aria2c wrote no " + downloaded + diagnostics(client, log));
                assertArrayEquals(segment.bytes(), Files.readAllBytes(downloaded),
                        "aria2c's copy of segment " + segment.sequence() + " differs from the broadcast");

                // The tracker listed aria2c (as a leecher, between its started and stopped announces).
                // aria2c with --seed-time=0 never sends event=completed, so scrape's "downloaded" stays 0.
                tracker.close();
                assertTrue(tracker.sawPeer(), "the tracker never listed aria2c in the swarm of " + torrent
                        + " (" + tracker + ")" + diagnostics(client, log));

                System.out.printf(Locale.ROOT, "interop aria2c (peer exchange %s): segment %d (%d bytes, %d pieces "
                                + "of %d) downloaded from the broadcaster in %d ms (aria2c process start -> exit), "
                                + "publication -> done %d ms; tracker %s; broadcaster uploaded %d bytes%n",
                        peerExchange ? "on" : "off", segment.sequence(), torrent.length(), torrent.pieceCount(),
                        torrent.pieceLength(), Duration.between(started, finished).toMillis(),
                        Duration.between(segment.publishedAt(), finished).toMillis(), tracker,
                        broadcast.broadcaster().originUploadedBytes());
            }
        }
    }

    static String diagnostics(ExternalClient client, Path log) {
        return "; output of " + client.describe() + ":\n" + client.outputTail(4000) + "\naria2c log tail:\n"
                + tail(log);
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
