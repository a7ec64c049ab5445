package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.net.Peer;
import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The account of released blocks bt has not sent yet, which holds a capped scheduler back when sending lags. */
class UnsentBlocksTest {
    private static final int BLOCK = 16 * 1024;
    private static final TorrentId SEGMENT = TorrentId.fromBytes(new byte[20]);
    private static final Peer ALICE = peer(7001);
    private static final Peer BOB = peer(7002);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final UnsentBlocks unsent = new UnsentBlocks(2 * BLOCK, clock::get);

    @Test
    void theLimitIsAQuarterSecondOfTheCapAndAtLeastTwoBlocks() {
        assertEquals(46_875, UnsentBlocks.forRate(187_500).limitBytes()); // the benchmark's origin
        assertEquals(2 * BLOCK, UnsentBlocks.forRate(50_000).limitBytes());
    }

    @Test
    void aSentBlockLeavesTheAccountOnceForOneRelease() {
        unsent.released(SEGMENT, ALICE, 3, 0, BLOCK);
        unsent.released(SEGMENT, BOB, 3, 0, BLOCK); // the same block for two peers: two sends to come
        unsent.sent(SEGMENT, 3, 0);
        assertEquals(BLOCK, unsent.unsentBytes());
        unsent.sent(SEGMENT, 3, BLOCK); // another block of the piece, never released: nothing to take off
        unsent.sent(SEGMENT, 4, 0);
        assertEquals(BLOCK, unsent.unsentBytes());
        unsent.sent(SEGMENT, 3, 0);
        assertEquals(0, unsent.unsentBytes());
    }

    @Test
    void aReleaseThatIsNeverSentIsForgottenAfterTheExpiry() throws InterruptedException {
        unsent.released(SEGMENT, ALICE, 1, 0, BLOCK);
        clock.addAndGet(UnsentBlocks.EXPIRY_NANOS / 2);
        unsent.released(SEGMENT, ALICE, 2, 0, BLOCK);
        assertEquals(2 * BLOCK, unsent.unsentBytes());
        clock.addAndGet(UnsentBlocks.EXPIRY_NANOS / 2);
        assertEquals(BLOCK, unsent.unsentBytes()); // the first expired, the second has half its time left
        unsent.awaitRoom(); // returns at once: one block is under the limit
        clock.addAndGet(UnsentBlocks.EXPIRY_NANOS / 2);
        assertEquals(0, unsent.unsentBytes());
    }

    @Test
    void aPeerThatCancelledOrLeftTakesItsReleasesWithIt() {
        unsent.released(SEGMENT, ALICE, 1, 0, BLOCK);
        unsent.released(SEGMENT, ALICE, 2, 0, BLOCK);
        unsent.released(SEGMENT, BOB, 1, 0, BLOCK);
        unsent.dropped(SEGMENT, BOB, 2, 0); // Bob never had block 2 released
        assertEquals(3 * BLOCK, unsent.unsentBytes());
        unsent.dropped(SEGMENT, BOB, 1, 0);
        assertEquals(2 * BLOCK, unsent.unsentBytes());
        unsent.dropped(SEGMENT, ALICE);
        assertEquals(0, unsent.unsentBytes());
        unsent.released(SEGMENT, ALICE, 1, 0, BLOCK);
        unsent.released(SEGMENT, BOB, 1, 0, BLOCK);
        unsent.dropped(SEGMENT, null); // the torrent stopped
        assertEquals(0, unsent.unsentBytes());
    }

    @Test
    @Timeout(5)
    void atTheLimitWaitsUntilBtSendsABlock() throws InterruptedException {
        unsent.released(SEGMENT, ALICE, 1, 0, BLOCK);
        unsent.released(SEGMENT, BOB, 2, 0, BLOCK);
        CountDownLatch room = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try {
                unsent.awaitRoom();
                room.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        try {
            assertFalse(room.await(300, TimeUnit.MILLISECONDS), "two blocks unsent: no room");
            unsent.sent(SEGMENT, 2, 0);
            assertTrue(room.await(1, TimeUnit.SECONDS), "one sent: room for the next");
        } finally {
            waiter.interrupt();
            waiter.join(1000);
        }
    }

    private static Peer peer(int port) {
        return InetPeer.build(InetAddress.getLoopbackAddress(), port);
    }
}
