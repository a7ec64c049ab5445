package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.IMessageDispatcher;
import bt.net.IPeerConnectionPool;
import bt.net.PeerConnection;
import bt.torrent.TorrentRegistry;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener's dispatcher asks the suppliers of a connection on which nothing moves far less often than those
 * of a busy one in the same runtime, and a busy connection's on (nearly) every pass. Two plain BitTorrent
 * clients connect to a seed and one of them is kept busy: it sends a keep-alive every 5 ms, or the seed's
 * upload side signals a block ready for it every 5 ms (as for each block read); either keeps the dispatcher
 * passing every 10 ms. The other client sends nothing after its handshake.
 */
class QuietConnectionTest {
    private static final long WINDOW_NANOS = 2_000_000_000L;

    @Test
    @Timeout(30)
    void aQuietConnectionIsAskedAboutEveryHundredMillisecondsWhileABusyOneEveryPass(@TempDir Path dir)
            throws Exception {
        askCounts(dir, (busy, runtime, id) -> {
            OutputStream out = busy.getOutputStream();
            return () -> {
                out.write(new byte[4]); // keep-alive
                out.flush();
            };
        });
    }

    @Test
    @Timeout(30)
    void aSignalForOnePeerAsksOnlyThatPeersConnection(@TempDir Path dir) throws Exception {
        askCounts(dir, (busy, runtime, id) -> {
            DispatchSignal signal = runtime.bt().service(DispatchSignal.class);
            bt.net.Peer peer = connectionWith(runtime, id, busy).getRemotePeer();
            return () -> signal.wakeUp(id, peer);
        });
    }

    /** What keeps a connection busy: called every 5 ms. */
    private interface Activity {
        void run() throws Exception;
    }

    private interface BusyMaker {
        Activity start(Socket busy, SwarmRuntime runtime, TorrentId id) throws Exception;
    }

    private static void askCounts(Path dir, BusyMaker busyMaker) throws Exception {
        Path source = Segments.randomFile(dir, "seg-5.ts", 100_000, 5);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime seedRuntime = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            seedRuntime.seed(torrent, source);
            TorrentId id = TorrentId.fromBytes(torrent.infoHash().bytes());
            awaitRegistered(seedRuntime, id);
            try (Socket busy = handshake(seedRuntime, torrent); Socket quiet = handshake(seedRuntime, torrent)) {
                AtomicInteger busyAsks = countAsks(seedRuntime, id, busy);
                AtomicInteger quietAsks = countAsks(seedRuntime, id, quiet);
                Activity activity = busyMaker.start(busy, seedRuntime, id);
                busyAsks.set(0);
                quietAsks.set(0);
                for (long end = System.nanoTime() + WINDOW_NANOS; System.nanoTime() < end; ) {
                    activity.run();
                    Thread.sleep(5);
                }
                int b = busyAsks.get();
                int q = quietAsks.get();
                // 10-ms passes: up to 200 in 2 s; a quiet connection every 100 ms: about 20
                assertTrue(b >= 60, "the busy connection was asked only " + b + " times in 2 s");
                assertTrue(q <= 40, "the quiet connection was asked " + q + " times in 2 s (busy: " + b + ")");
                assertTrue(q >= 10, "the quiet connection was asked only " + q + " times in 2 s: its timers starve");
            }
        }
    }

    private static void awaitRegistered(SwarmRuntime runtime, TorrentId id) throws InterruptedException {
        TorrentRegistry torrents = runtime.bt().service(TorrentRegistry.class);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!torrents.isSupportedAndActive(id) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static Socket handshake(SwarmRuntime runtime, TorrentFile torrent) throws Exception {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), runtime.peerPort()), 2000);
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write(19);
        out.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[8]);
        out.write(torrent.infoHash().bytes());
        out.write(("-QT0001-" + System.nanoTime()).substring(0, 20).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] answer = new byte[68];
        new DataInputStream(socket.getInputStream()).readFully(answer);
        assertArrayEquals(torrent.infoHash().bytes(), Arrays.copyOfRange(answer, 28, 48));
        return socket;
    }

    /** Adds a supplier that counts how often the dispatcher asks it, to the seed's connection with {@code client}. */
    private static AtomicInteger countAsks(SwarmRuntime runtime, TorrentId id, Socket client) throws Exception {
        PeerConnection connection = connectionWith(runtime, id, client);
        AtomicInteger asks = new AtomicInteger();
        runtime.bt().service(IMessageDispatcher.class).addMessageSupplier(
                new ConnectionKey(connection.getRemotePeer(), connection.getRemotePort(), id), () -> {
                    asks.incrementAndGet();
                    return null;
                });
        return asks;
    }

    private static PeerConnection connectionWith(SwarmRuntime runtime, TorrentId id, Socket client)
            throws Exception {
        IPeerConnectionPool pool = runtime.bt().service(IPeerConnectionPool.class);
        List<PeerConnection> found = new ArrayList<>();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (found.isEmpty() && System.nanoTime() < deadline) {
            pool.visitConnections(id, c -> {
                if (c.getRemotePort() == client.getLocalPort()) {
                    found.add(c);
                }
            });
            Thread.sleep(10);
        }
        assertEquals(1, found.size(), "the seed has no connection with the client on port " + client.getLocalPort());
        return found.get(0);
    }
}
