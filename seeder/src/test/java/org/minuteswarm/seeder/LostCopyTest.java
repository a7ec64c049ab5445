package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.event.EventBus;
import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.InetPeer;
import bt.net.Peer;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The spreading origin counts a piece as having left only when the copy arrives: a copy whose connection
 * closes first, or that its peer never announces, leaves the piece unsent, so the piece is offered again
 * while other pieces are still unsent instead of waiting for the whole swarm to miss it.
 */
class LostCopyTest {
    private static final int PIECE = 16 * 1024;
    private static final int PIECES = 4;
    private static final TorrentId SEGMENT = TorrentId.fromBytes(new byte[20]);

    private final EventBus events = new EventBus();

    private OriginSpreading capped(long confirmTimeoutNanos) {
        OriginSpreading spreading = new OriginSpreading(events, new UploadThrottle(100_000), confirmTimeoutNanos);
        spreading.enable(SEGMENT, PIECES, PIECE, (long) PIECES * PIECE);
        return spreading;
    }

    private static Peer peer(int port) {
        return InetPeer.build(InetAddress.getLoopbackAddress(), port);
    }

    /** Offers {@code peer} one piece and sends it all of it; returns the piece. */
    private static int sendOffered(OriginSpreading spreading, Peer peer) {
        List<Integer> offers = spreading.newOffers(SEGMENT, peer);
        assertEquals(1, offers.size(), "a capped origin offers one piece at a time");
        int piece = offers.get(0);
        spreading.requested(SEGMENT, peer, piece);
        spreading.served(SEGMENT, peer, piece, PIECE);
        assertFalse(spreading.isUnsent(SEGMENT, piece));
        return piece;
    }

    @Test
    @Timeout(10)
    void aCopyOnAConnectionThatClosesBeforeItIsAnnouncedIsLost() {
        OriginSpreading spreading = capped(TimeUnit.SECONDS.toNanos(60));
        Peer a = peer(7001);
        Peer b = peer(7002);
        int lost = sendOffered(spreading, a);
        int kept = sendOffered(spreading, b);
        spreading.peerHas(SEGMENT, b, kept); // b's copy arrived

        events.firePeerDisconnected(new ConnectionKey(a, a.getPort(), SEGMENT));
        events.firePeerDisconnected(new ConnectionKey(b, b.getPort(), SEGMENT));

        assertTrue(spreading.isUnsent(SEGMENT, lost), "a's copy never arrived: the piece has not left");
        assertFalse(spreading.isUnsent(SEGMENT, kept), "b announced its copy: that piece has left");
        assertEquals(List.of(kept), spreading.sendOrder(SEGMENT));
        // the lost piece is offered again, to the next peer, while pieces are unsent
        Peer c = peer(7003);
        int next = -1;
        for (int i = 0; i < PIECES && next != lost; i++) {
            next = sendOffered(spreading, c);
            spreading.peerHas(SEGMENT, c, next);
        }
        assertEquals(lost, next, "the lost piece was never offered again");
    }

    @Test
    @Timeout(10)
    void aLostCopyThatArrivesAfterAllCountsAsSent() {
        OriginSpreading spreading = capped(0); // every unannounced copy is lost at the next offer
        Peer a = peer(7001);
        int late = sendOffered(spreading, a);
        spreading.newOffers(SEGMENT, a);
        assertTrue(spreading.isUnsent(SEGMENT, late));
        spreading.peerHas(SEGMENT, a, late); // its HAVE comes after all
        assertFalse(spreading.isUnsent(SEGMENT, late), "a piece a peer announced is out, whatever we counted");
    }

    @Test
    @Timeout(10)
    void aCopyItsPeerNeverAnnouncesIsLostAfterTheTimeout() throws Exception {
        OriginSpreading spreading = capped(TimeUnit.SECONDS.toNanos(1));
        Peer a = peer(7001);
        int announced = sendOffered(spreading, a);
        spreading.peerHas(SEGMENT, a, announced);
        int silent = sendOffered(spreading, a);

        spreading.newOffers(SEGMENT, a); // within the timeout: still counted as sent
        assertFalse(spreading.isUnsent(SEGMENT, silent));
        Thread.sleep(1300);
        spreading.newOffers(SEGMENT, a); // the origin looks at a's copies whenever it offers a something

        assertTrue(spreading.isUnsent(SEGMENT, silent), "the unannounced copy still counts as sent");
        assertFalse(spreading.isUnsent(SEGMENT, announced));
    }
}
