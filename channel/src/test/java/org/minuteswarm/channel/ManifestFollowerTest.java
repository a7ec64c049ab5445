package org.minuteswarm.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.minuteswarm.channel.Fixtures.NAME;
import static org.minuteswarm.channel.Fixtures.T0;

import java.security.KeyPair;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ManifestFollowerTest {
    private final KeyPair keys = Fixtures.keyPair();
    private final ChannelKey key = Fixtures.key(keys);
    private final ManifestFollower follower = new ManifestFollower(Fixtures.url(NAME, key));

    private byte[] signed(Instant issuedAt, long first, long last) {
        return SignedManifest.sign(Fixtures.manifest(NAME, key, issuedAt, first, last), keys.getPrivate()).wire();
    }

    private void assertRejectedKeepsCurrent(byte[] wire) {
        SignedManifest before = follower.current();
        assertThrows(ManifestException.class, () -> follower.accept(wire));
        assertSame(before, follower.current(), "current manifest unchanged");
    }

    @Test
    void startsWithNothing() {
        assertNull(follower.current());
        assertEquals(Fixtures.url(NAME, key), follower.channel());
    }

    @Test
    void acceptsTheFirstAndThenNewerManifests() throws ManifestException {
        assertTrue(follower.accept(signed(T0, 0, 2)));
        assertEquals(2, follower.current().manifest().latestSequence());
        assertTrue(follower.accept(signed(T0.plusSeconds(60), 1, 3)));
        assertEquals(3, follower.current().manifest().latestSequence());
        assertTrue(follower.accept(signed(T0.plusSeconds(120), 2, 4)));
        assertEquals(4, follower.current().manifest().latestSequence());
    }

    @Test
    void sameLiveEdgeReissuedLaterIsAccepted() throws ManifestException {
        // e.g. the window shrank as an old segment retired, with no new segment yet
        follower.accept(signed(T0, 0, 4));
        assertTrue(follower.accept(signed(T0.plusMillis(1), 1, 4)));
        assertEquals(1, follower.current().manifest().segments().get(0).sequence());
    }

    @Test
    void theSameDocumentAgainReturnsFalse() throws ManifestException {
        byte[] wire = signed(T0, 0, 2);
        assertTrue(follower.accept(wire));
        SignedManifest current = follower.current();
        assertFalse(follower.accept(wire.clone()));
        assertFalse(follower.accept(wire));
        assertEquals(current, follower.current());
    }

    @Test
    void replayedOlderManifestIsRejected() throws ManifestException {
        byte[] old = signed(T0, 0, 2);
        follower.accept(old);
        follower.accept(signed(T0.plusSeconds(60), 1, 3));
        assertRejectedKeepsCurrent(old);
        assertEquals(3, follower.current().manifest().latestSequence());
    }

    @Test
    void lowerLiveEdgeIsRejectedEvenIfIssuedLater() throws ManifestException {
        follower.accept(signed(T0, 5, 9));
        assertRejectedKeepsCurrent(signed(T0.plusSeconds(600), 4, 8));
        assertRejectedKeepsCurrent(signed(T0.plusSeconds(600), 1, 0)); // empty window: live edge -1
    }

    @Test
    void sameLiveEdgeIssuedEarlierIsRejected() throws ManifestException {
        follower.accept(signed(T0.plusSeconds(10), 0, 3));
        assertRejectedKeepsCurrent(signed(T0.plusSeconds(9), 0, 3));
        assertRejectedKeepsCurrent(signed(T0.plusSeconds(9), 1, 3));
    }

    @Test
    void sameLiveEdgeSameIssuedAtButDifferentDocumentIsRejected() throws ManifestException {
        follower.accept(signed(T0, 0, 3));
        assertRejectedKeepsCurrent(signed(T0, 1, 3));
    }

    @Test
    void forgedManifestIsRejectedAndCurrentStays() throws ManifestException {
        follower.accept(signed(T0, 0, 2));
        KeyPair attacker = Fixtures.keyPair();
        byte[] forged = SignedManifest.sign(Fixtures.manifest(NAME, key, T0.plusSeconds(60), 1, 50),
                attacker.getPrivate()).wire();
        assertRejectedKeepsCurrent(forged);
        byte[] tampered = signed(T0.plusSeconds(60), 1, 3);
        tampered[tampered.length / 2] ^= 1;
        assertRejectedKeepsCurrent(tampered);
        assertRejectedKeepsCurrent(new byte[0]);
        assertEquals(2, follower.current().manifest().latestSequence());
    }

    @Test
    void forgedFirstManifestLeavesNothingCurrent() {
        KeyPair attacker = Fixtures.keyPair();
        byte[] forged = SignedManifest.sign(Fixtures.manifest(NAME, key, T0, 0, 1), attacker.getPrivate()).wire();
        assertThrows(ManifestException.class, () -> follower.accept(forged));
        assertNull(follower.current());
    }

    @Test
    void manifestForAnotherChannelIsRejected() throws ManifestException {
        follower.accept(signed(T0, 0, 2));
        byte[] otherChannel = SignedManifest.sign(Fixtures.manifest("other", key, T0.plusSeconds(60), 1, 3),
                keys.getPrivate()).wire();
        assertRejectedKeepsCurrent(otherChannel);
    }

    @Test
    void higherLiveEdgeIsAcceptedEvenIfTheClockSteppedBack() throws ManifestException {
        follower.accept(signed(T0.plusSeconds(60), 0, 2));
        assertTrue(follower.accept(signed(T0, 1, 3)));
        assertEquals(3, follower.current().manifest().latestSequence());
    }
}
