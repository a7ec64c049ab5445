package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.IMessageDispatcher;
import bt.net.IPeerConnectionPool;
import bt.net.PeerConnection;
import bt.protocol.Have;
import bt.protocol.Interested;
import bt.protocol.Message;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener's dispatcher asks the suppliers of a connection on which nothing moves far less often than those
 * of a busy one in the same runtime, and a busy connection's on (nearly) every pass. Two plain BitTorrent
 * clients connect to a seed and one of them is kept busy: it sends a keep-alive every 5 ms, or the seed's
 * upload side signals a block ready for it every 5 ms (as for each block read); either keeps the dispatcher
 * passing every 10 ms. The other client sends nothing after its handshake. A client that sends a HAVE of a
 * piece the seed holds every 5 ms is asked no more often than the quiet one.
 */
class QuietConnectionTest {
    private static final long WINDOW_NANOS = 2_000_000_000L;

    @Test
    @Timeout(30)
    void aQuietConnectionIsAskedAboutEveryHundredMillisecondsWhileABusyOneEveryPass(@TempDir Path dir)
            throws Exception {
        assertBusyAndQuiet(askCounts(dir, (busy, runtime, id) -> busy::keepAlive));
    }

    @Test
    @Timeout(30)
    void aSignalForOnePeerAsksOnlyThatPeersConnection(@TempDir Path dir) throws Exception {
        assertBusyAndQuiet(askCounts(dir, (busy, runtime, id) -> {
            DispatchSignal signal = runtime.bt().service(DispatchSignal.class);
            bt.net.Peer peer = connectionWith(runtime, id, busy.socket).getRemotePeer();
            return () -> signal.wakeUp(id, peer);
        }));
    }

    /** A HAVE of a piece the seed holds calls for no answer: that connection is asked as a quiet one. */
    @Test
    @Timeout(30)
    void haveOfAPieceWeHoldLeavesTheConnectionQuiet(@TempDir Path dir) throws Exception {
        int[] asks = askCounts(dir, (haves, runtime, id) -> () -> haves.sendHave(0));
        assertTrue(asks[0] <= 40, "the connection sending HAVEs was asked " + asks[0] + " times in 2 s");
        assertTrue(asks[0] >= 10, "the connection sending HAVEs was asked only " + asks[0] + " times in 2 s");
    }

    /**
     * After its suppliers sent a HAVE, a connection is not asked again on the next pass: the next HAVE comes with
     * its own signal. After a message that may lead to more (here INTERESTED, standing for bt's requests), it is.
     * A supplier of our own gives one message per signal, signals come every 50 ms, and an ask after the message
     * (other than the one that ends the same ask) and before the next signal counts as a follow-up.
     */
    @Test
    @Timeout(30)
    void aConnectionThatSentAHaveIsNotAskedAgainOnTheNextPass(@TempDir Path dir) throws Exception {
        int afterHave = followUpAsks(dir, new Have(0));
        int afterInterested = followUpAsks(dir, Interested.instance());
        assertTrue(afterHave <= 8, afterHave + " of 30 HAVEs were followed by another ask before the next signal");
        assertTrue(afterInterested >= 22, "only " + afterInterested + " of 30 INTERESTED were followed by another "
                + "ask before the next signal");
    }

    /** How many of 30 messages {@code message}, each given on a signal 50 ms apart, were followed by an ask. */
    private static int followUpAsks(Path dir, Message message) throws Exception {
        Path source = Segments.randomFile(dir, "seg-7.ts", 100_000, 7);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime seedRuntime = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            seedRuntime.seed(torrent, source);
            TorrentId id = TorrentId.fromBytes(torrent.infoHash().bytes());
            try (WireClient client = WireClient.connect(seedRuntime, torrent)) {
                PeerConnection connection = connectionWith(seedRuntime, id, client.socket);
                AtomicBoolean give = new AtomicBoolean();
                AtomicBoolean justGave = new AtomicBoolean();
                List<Long> asks = new CopyOnWriteArrayList<>();
                List<Long> given = new CopyOnWriteArrayList<>();
                seedRuntime.bt().service(IMessageDispatcher.class).addMessageSupplier(
                        new ConnectionKey(connection.getRemotePeer(), connection.getRemotePort(), id), () -> {
                            if (give.compareAndSet(true, false)) {
                                given.add(System.nanoTime());
                                justGave.set(true);
                                return message;
                            }
                            if (!justGave.getAndSet(false)) { // not the call that ends the giving ask
                                asks.add(System.nanoTime());
                            }
                            return null;
                        });
                DispatchSignal signal = seedRuntime.bt().service(DispatchSignal.class);
                Thread.sleep(300); // the connection's first messages (bitfield, unchoke) are sent
                List<Long> signals = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    signals.add(System.nanoTime());
                    give.set(true);
                    signal.wakeUp(id, connection.getRemotePeer());
                    Thread.sleep(50);
                }
                signals.add(System.nanoTime());
                assertEquals(30, given.size(), "messages given");
                int followed = 0;
                for (long t : given) {
                    long next = signals.stream().filter(x -> x > t).findFirst().orElseThrow();
                    if (asks.stream().anyMatch(a -> a > t && a < next)) {
                        followed++;
                    }
                }
                return followed;
            }
        }
    }

    /**
     * A HAVE of a piece the torrent does not have (an index out of range) does not stop the loop: another client
     * that asks for blocks one at a time meanwhile gets ten of them within a second. Before, bt's bitfield threw
     * in the check of whether the HAVE called for an answer, and each such HAVE cost the whole pass.
     */
    @Test
    @Timeout(30)
    void aHaveOutOfRangeDoesNotStopTheLoop(@TempDir Path dir) throws Exception {
        Path source = Segments.randomFile(dir, "seg-8.ts", 10 * 16 * 1024, 8);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime seedRuntime = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            seedRuntime.seed(torrent, source);
            try (WireClient bad = WireClient.connect(seedRuntime, torrent);
                 WireClient good = WireClient.connect(seedRuntime, torrent)) {
                good.awaitUnchoke();
                AtomicBoolean running = new AtomicBoolean(true);
                Thread haves = new Thread(() -> {
                    while (running.get()) {
                        try {
                            bad.sendHave(1000);
                            Thread.sleep(2);
                        } catch (Exception e) {
                            return; // closed
                        }
                    }
                });
                haves.start();
                try {
                    Thread.sleep(100);
                    long start = System.nanoTime();
                    for (int piece = 0; piece < 10; piece++) {
                        good.request(piece, 0, torrent.pieceLength());
                    }
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(millis < 1000, "ten blocks took " + millis + " ms while another peer sent bad HAVEs");
                } finally {
                    running.set(false);
                    haves.join(1000);
                }
            }
        }
    }

    /**
     * Once a torrent is stopped, no pass asks the suppliers of its connections, though bt 1.10 leaves them open (it
     * only stops reading them) and a signal names them. A retired segment's storage closes as it stops.
     */
    @Test
    @Timeout(30)
    void aStoppedTorrentsConnectionIsNoLongerAsked(@TempDir Path dir) throws Exception {
        Path source = Segments.randomFile(dir, "seg-9.ts", 100_000, 9);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime seedRuntime = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            SegmentSwarm seed = seedRuntime.seed(torrent, source);
            TorrentId id = TorrentId.fromBytes(torrent.infoHash().bytes());
            try (WireClient client = WireClient.connect(seedRuntime, torrent)) {
                PeerConnection connection = connectionWith(seedRuntime, id, client.socket);
                AtomicInteger asks = countAsks(seedRuntime, id, client.socket);
                DispatchSignal signal = seedRuntime.bt().service(DispatchSignal.class);
                Thread.sleep(200);
                assertTrue(asks.get() > 0, "the connection was never asked while the torrent ran");
                seed.stop();
                Thread.sleep(15); // a pass that began before the stop may still ask
                asks.set(0);
                for (int i = 0; i < 40; i++) {
                    signal.wakeUp(id, connection.getRemotePeer());
                    Thread.sleep(5);
                }
                assertFalse(connection.isClosed(), "the connection closed: nothing left to show");
                assertEquals(0, asks.get(), "a stopped torrent's connection was asked");
            }
        }
    }

    private static void assertBusyAndQuiet(int[] asks) {
        int b = asks[0];
        int q = asks[1];
        // 10-ms passes: up to 200 in 2 s; a quiet connection every 100 ms: about 20
        assertTrue(b >= 60, "the busy connection was asked only " + b + " times in 2 s");
        assertTrue(q <= 40, "the quiet connection was asked " + q + " times in 2 s (busy: " + b + ")");
        assertTrue(q >= 10, "the quiet connection was asked only " + q + " times in 2 s: its timers starve");
    }

    /** What keeps a connection busy: called every 5 ms. */
    private interface Activity {
        void run() throws Exception;
    }

    private interface BusyMaker {
        Activity start(WireClient busy, SwarmRuntime runtime, TorrentId id) throws Exception;
    }

    /** How often the suppliers of the busy and of the quiet connection were asked in 2 s. */
    private static int[] askCounts(Path dir, BusyMaker busyMaker) throws Exception {
        Path source = Segments.randomFile(dir, "seg-5.ts", 100_000, 5);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime seedRuntime = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            seedRuntime.seed(torrent, source);
            TorrentId id = TorrentId.fromBytes(torrent.infoHash().bytes());
            try (WireClient busy = WireClient.connect(seedRuntime, torrent);
                 WireClient quiet = WireClient.connect(seedRuntime, torrent)) {
                AtomicInteger busyAsks = countAsks(seedRuntime, id, busy.socket);
                AtomicInteger quietAsks = countAsks(seedRuntime, id, quiet.socket);
                Activity activity = busyMaker.start(busy, seedRuntime, id);
                busyAsks.set(0);
                quietAsks.set(0);
                for (long end = System.nanoTime() + WINDOW_NANOS; System.nanoTime() < end; ) {
                    activity.run();
                    Thread.sleep(5);
                }
                return new int[] {busyAsks.get(), quietAsks.get()};
            }
        }
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
