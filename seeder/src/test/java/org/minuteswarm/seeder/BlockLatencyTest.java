package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A block a plain client requests on an otherwise quiet connection is sent as soon as it is read, not on the
 * connection's next 100-ms turn: the block read names the connection for the message dispatcher's next pass.
 * Twenty requests, one at a time, each answered before the next is sent: 376-450 ms in all when the read
 * names the connection (the request itself waits for the dispatcher's next pass), 3.3-3.5 s when it does not.
 */
class BlockLatencyTest {
    private static final int BLOCK = 16 * 1024;
    private static final int REQUESTS = 20;
    /** About 3x the measured time, less than half the time without the signal. */
    private static final long MAX_TOTAL_MILLIS = 1500;

    @Test
    @Timeout(30)
    void aCappedSeedSendsEachRequestedBlockAtOnce(@TempDir Path dir) throws Exception {
        assertFastRoundTrips(dir, SwarmConfig.loopback().withMaxUploadBytesPerSecond(4_000_000));
    }

    @Test
    @Timeout(30)
    void anUncappedSeedSendsEachRequestedBlockAtOnce(@TempDir Path dir) throws Exception {
        assertFastRoundTrips(dir, SwarmConfig.loopback());
    }

    private static void assertFastRoundTrips(Path dir, SwarmConfig config) throws Exception {
        Path source = Segments.randomFile(dir, "seg-7.ts", REQUESTS * BLOCK, 7);
        byte[] data = Files.readAllBytes(source);
        try (TestTracker tracker = TestTracker.start(); SwarmRuntime seedRuntime = SwarmRuntime.start(config)) {
            TorrentFile torrent = TorrentFile.make(source, tracker.announceUri());
            seedRuntime.seed(torrent, source);
            try (WireClient client = WireClient.connect(seedRuntime, torrent)) {
                client.awaitUnchoke();
                Thread.sleep(300); // let the connection go quiet: no message in, nothing sent

                long start = System.nanoTime();
                for (int i = 0; i < REQUESTS; i++) {
                    int piece = (int) ((long) i * BLOCK / torrent.pieceLength());
                    byte[] block = client.request(piece, i * BLOCK - piece * torrent.pieceLength(), BLOCK);
                    assertArrayEquals(Arrays.copyOfRange(data, i * BLOCK, (i + 1) * BLOCK), block);
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis < MAX_TOTAL_MILLIS, REQUESTS + " request-to-block round trips took " + millis
                        + " ms: blocks wait for the connection's quiet turn");
            }
        }
    }
}
