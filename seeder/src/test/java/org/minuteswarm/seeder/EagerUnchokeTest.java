package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
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
    @Test
    @Timeout(20)
    void aSeedUnchokesBeforeInterestAndServesTheRequest(@TempDir Path dir) throws Exception {
        Path source = Segments.randomFile(dir, "seg-3.ts", 100_000, 3);
        try (TestTracker tracker = TestTracker.start();
             SwarmRuntime seedRuntime = SwarmRuntime.start(SwarmConfig.loopback())) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            seedRuntime.seed(torrent, source);
            try (WireClient client = WireClient.connect(seedRuntime, torrent)) {
                boolean unchoked = false;
                long until = System.nanoTime() + 5_000_000_000L;
                while (!unchoked && System.nanoTime() < until) {
                    unchoked = client.readMessage(null) == WireClient.UNCHOKE; // we never send INTERESTED
                }
                assertTrue(unchoked, "the seed did not unchoke a peer that never said it was interested");

                int length = 16 * 1024;
                byte[] block = client.request(0, 0, length);
                byte[] expected = Arrays.copyOfRange(Files.readAllBytes(source), 0, length);
                assertEquals(length, block.length);
                assertArrayEquals(expected, block);
            }
        }
    }
}
