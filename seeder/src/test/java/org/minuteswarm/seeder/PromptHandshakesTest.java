package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime answers a handshake as soon as it arrives ({@link PromptHandshakes}). A plain client connects, waits
 * 30 ms (so the runtime's first look finds nothing and it has to wait for the handshake), sends its handshake
 * and times the answer: a few milliseconds, five times. bt's own handlers look again only 100 ms after their
 * first look: 70 ms or more every time.
 */
class PromptHandshakesTest {
    @Test
    @Timeout(30)
    void aHandshakeThatComesLateIsAnsweredAtOnce(@TempDir Path dir) throws Exception {
        Path source = Segments.randomFile(dir, "seg-8.ts", 100_000, 8);
        try (TestTracker tracker = TestTracker.start(); SwarmRuntime seed = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            seed.seed(torrent, source);
            TestSwarms.awaitRunning(seed, torrent);
            long[] millis = new long[5];
            for (int i = 0; i < millis.length; i++) {
                millis[i] = answerMillis(seed, torrent, i);
            }
            Arrays.sort(millis);
            assertTrue(millis[2] < 40, "handshakes answered after " + Arrays.toString(millis) + " ms");
        }
    }

    private static long answerMillis(SwarmRuntime seed, TorrentFile torrent, int i) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), seed.peerPort()), 2000);
            socket.setSoTimeout(5000);
            socket.setTcpNoDelay(true);
            Thread.sleep(30);
            OutputStream out = socket.getOutputStream();
            byte[] handshake = new byte[68];
            handshake[0] = 19;
            System.arraycopy("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII), 0, handshake, 1, 19);
            System.arraycopy(torrent.infoHash().bytes(), 0, handshake, 28, 20);
            System.arraycopy(("-PH0001-00000000000" + i).getBytes(StandardCharsets.US_ASCII), 0, handshake, 48, 20);
            long start = System.nanoTime();
            out.write(handshake);
            out.flush();
            byte[] answer = new byte[68];
            new DataInputStream(socket.getInputStream()).readFully(answer);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertArrayEquals(torrent.infoHash().bytes(), Arrays.copyOfRange(answer, 28, 48));
            return millis;
        }
    }
}
