package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.torrent.TorrentRegistry;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over the wire, as a plain BitTorrent client sees it: a seed unchokes a peer right after the handshake,
 * without waiting for INTERESTED, and serves a REQUEST from it. Each new segment is a new swarm, and bt's
 * interest round trip (up to a second per pair of peers) held every hop of a piece through the swarm.
 */
class EagerUnchokeTest {
    private static final int UNCHOKE = 1;
    private static final int PIECE = 7;

    @Test
    @Timeout(20)
    void aSeedUnchokesBeforeInterestAndServesTheRequest(@TempDir Path dir) throws Exception {
        Path source = Segments.randomFile(dir, "seg-3.ts", 100_000, 3);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime seedRuntime = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            seedRuntime.seed(torrent, source);
            // bt registers the torrent on its own thread, and closes a handshake for a torrent it does not know yet
            TorrentRegistry torrents = seedRuntime.bt().service(TorrentRegistry.class);
            TorrentId id = TorrentId.fromBytes(torrent.infoHash().bytes());
            long registered = System.nanoTime() + 5_000_000_000L;
            while (!torrents.isSupportedAndActive(id) && System.nanoTime() < registered) {
                Thread.sleep(10);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), seedRuntime.peerPort()), 2000);
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                out.write(19);
                out.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[8]);
                out.write(torrent.infoHash().bytes());
                out.write("-WT0001-123456789012".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] handshake = new byte[68];
                in.readFully(handshake);
                assertArrayEquals(torrent.infoHash().bytes(), Arrays.copyOfRange(handshake, 28, 48));

                boolean unchoked = false;
                long until = System.nanoTime() + 5_000_000_000L;
                while (!unchoked && System.nanoTime() < until) {
                    unchoked = readMessage(in, null) == UNCHOKE; // we never send INTERESTED

                }
                assertTrue(unchoked, "the seed did not unchoke a peer that never said it was interested");

                int length = 16 * 1024;
                out.write(new byte[] {0, 0, 0, 13, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0}); // REQUEST piece 0, 0, 16 KiB
                out.flush();
                byte[][] block = new byte[1][];
                while (block[0] == null) {
                    readMessage(in, block);
                }
                byte[] expected = Arrays.copyOfRange(java.nio.file.Files.readAllBytes(source), 0, length);
                assertEquals(length, block[0].length);
                assertArrayEquals(expected, block[0]);
            }
        }
    }

    /** Reads one message; returns its id (-1 for keep-alive); a PIECE's block goes into {@code block[0]}. */
    private static int readMessage(DataInputStream in, byte[][] block) throws Exception {
        int length;
        try {
            length = in.readInt();
        } catch (SocketTimeoutException | EOFException e) {
            throw new AssertionError("no message from the seed: " + e);
        }
        if (length == 0) {
            return -1;
        }
        int id = in.readUnsignedByte();
        byte[] payload = new byte[length - 1];
        in.readFully(payload);
        if (id == PIECE && block != null) {
            block[0] = Arrays.copyOfRange(payload, 8, payload.length);
        }
        return id;
    }
}
