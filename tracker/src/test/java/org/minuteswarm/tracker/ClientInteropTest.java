package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.InfoHash;

/**
 * Conformance with real clients: python3-libtorrent (2.0) seeds a torrent announced to our
 * tracker, aria2c downloads it, over HTTP (BEP 3/23) and over UDP (BEP 15). With DHT, local peer
 * discovery and PEX out of the picture, aria2c can only find the seeder through the tracker, so
 * a completed, byte-identical download means both announced and were handed to each other.
 * Skipped only when a client is not installed; processes are stopped by their handles.
 */
class ClientInteropTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path ARIA2C = Path.of("/usr/bin/aria2c");
    private static final String SEEDER = String.join("\n",
            "import libtorrent as lt, sys, time",
            "ti = lt.torrent_info(sys.argv[1])",
            "s = lt.session({'listen_interfaces': '127.0.0.1:' + sys.argv[3], 'enable_dht': False, 'enable_lsd': False,",
            "    'enable_upnp': False, 'enable_natpmp': False, 'allow_multiple_connections_per_ip': True,",
            "    'alert_mask': lt.alert.category_t.tracker_notification | lt.alert.category_t.error_notification})",
            "h = s.add_torrent({'ti': ti, 'save_path': sys.argv[2]})",
            "while True:",
            "    for a in s.pop_alerts():",
            "        print('alert', type(a).__name__, a.message(), flush=True)",
            "    st = h.status()",
            "    print('state', st.state, 'seeding', st.is_seeding, 'peers', st.num_peers, flush=True)",
            "    time.sleep(0.25)");

    private static boolean libtorrent() {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        try {
            return new ProcessBuilder(PYTHON.toString(), "-c", "import libtorrent").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "udp"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void libtorrentSeedsAndAria2cFindsItThroughTheTracker(String transport, @TempDir Path dir) throws Exception {
        assumeTrue(libtorrent(), "python3-libtorrent is not installed");
        assumeTrue(Files.isExecutable(ARIA2C), "aria2c is not installed");
        byte[] payload = new byte[300_000];
        new Random(1).nextBytes(payload);
        Path seedDir = Files.createDirectories(dir.resolve("seed"));
        Path leechDir = Files.createDirectories(dir.resolve("leech"));
        Files.write(seedDir.resolve("payload.bin"), payload);

        TrackerConfig config = TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0).withUdpPort(0);
        List<Process> processes = new ArrayList<>();
        InMemoryChannelDirectory none = new InMemoryChannelDirectory(1);
        // the info-hash is known only after the torrent names the tracker's port: register it late
        Set<InfoHash> registered = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ChannelDirectory directory = new ChannelDirectory() {
            @Override
            public java.util.Optional<org.minuteswarm.channel.SignedManifest> manifest(String channel) {
                return none.manifest(channel);
            }

            @Override
            public java.util.Optional<byte[]> torrent(String channel, long sequence) {
                return none.torrent(channel, sequence);
            }

            @Override
            public java.util.Optional<String> channelOf(InfoHash infoHash) {
                return registered.contains(infoHash) ? java.util.Optional.of("interop") : java.util.Optional.empty();
            }

            @Override
            public java.util.Optional<org.minuteswarm.channel.SignedManifest> awaitNewer(String c, long a, java.time.Duration t) {
                return none.manifest(c);
            }
        };
        try (TrackerHttpServer server = TrackerHttpServer.start(config, directory, Clock.systemUTC())) {
            String announce = "http".equals(transport) ? "http://127.0.0.1:" + server.port() + "/announce"
                    : "udp://127.0.0.1:" + server.udpPort() + "/announce";
            byte[] torrent = torrent(payload, announce);
            Path torrentFile = dir.resolve("payload.torrent");
            Files.write(torrentFile, torrent);
            registered.add(TestBroadcast.infoHash(torrent));

            Process seeder = new ProcessBuilder(PYTHON.toString(), "-c", SEEDER, torrentFile.toString(), seedDir.toString(),
                    String.valueOf(freePort())).redirectErrorStream(true).redirectOutput(dir.resolve("libtorrent.log").toFile()).start();
            processes.add(seeder);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.stats().peers() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(server.stats().peers() >= 1, "libtorrent never announced over " + transport + ":\n"
                    + tail(dir.resolve("libtorrent.log")));

            List<String> aria = new ArrayList<>(List.of(ARIA2C.toString(), "--no-conf=true", "--dir=" + leechDir,
                    "--bt-enable-lpd=false", "--enable-peer-exchange=false", "--bt-require-crypto=false",
                    "--listen-port=" + freePort(), "--disable-ipv6=true", "--file-allocation=none", "--seed-time=0",
                    "--summary-interval=0", "--console-log-level=warn", "--log=" + dir.resolve("aria2c.log"),
                    "--log-level=info", "--bt-stop-timeout=40"));
            if ("udp".equals(transport)) {
                // aria2c talks to UDP trackers over its DHT socket: DHT on, with no node to bootstrap from
                aria.addAll(List.of("--enable-dht=true", "--dht-listen-port=" + freePort(),
                        "--dht-file-path=" + dir.resolve("dht.dat")));
            } else {
                aria.addAll(List.of("--enable-dht=false", "--enable-dht6=false"));
            }
            aria.add(torrentFile.toString());
            Process leecher = new ProcessBuilder(aria).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("aria2c.out").toFile()).start();
            processes.add(leecher);
            boolean exited = leecher.waitFor(45, TimeUnit.SECONDS);
            assertTrue(exited && leecher.exitValue() == 0, "aria2c did not complete over " + transport + ":\n"
                    + tail(dir.resolve("aria2c.log")) + "\n--- libtorrent:\n" + tail(dir.resolve("libtorrent.log")));
            assertArrayEquals(payload, Files.readAllBytes(leechDir.resolve("payload.bin")));
            assertTrue(server.stats().announces() >= 2, "both clients announced: " + server.stats());
        } finally {
            for (Process p : processes) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** A single-file v1 torrent (BEP 3) of {@code payload} in 16 KiB pieces. */
    private static byte[] torrent(byte[] payload, String announce) throws Exception {
        int pieceLength = 16384;
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        byte[] pieces = new byte[20 * ((payload.length + pieceLength - 1) / pieceLength)];
        for (int i = 0, p = 0; i < payload.length; i += pieceLength, p += 20) {
            sha1.update(payload, i, Math.min(pieceLength, payload.length - i));
            System.arraycopy(sha1.digest(), 0, pieces, p, 20);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("length", (long) payload.length);
        info.put("name", "payload.bin");
        info.put("piece length", (long) pieceLength);
        info.put("pieces", pieces);
        return Bencode.encode(Map.of("announce", announce, "info", info));
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.length() < 3000 ? s : "..." + s.substring(s.length() - 3000);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
