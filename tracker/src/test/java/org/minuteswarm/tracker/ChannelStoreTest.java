package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minuteswarm.channel.SignedManifest;

/** The standalone store's publish rules, without HTTP. */
class ChannelStoreTest {
    @TempDir
    Path dir;

    @Test
    void aManifestIsHeldUntilItsTorrentsArriveThenServed() throws Exception {
        ChannelStore store = ChannelStore.open(dir);
        TestBroadcast b = new TestBroadcast("news", 3);
        b.add(0);
        SignedManifest m = b.add(1);
        PublishOutcome pending = store.publishManifest("news", m.wire());
        assertEquals(new PublishOutcome(false, 1, List.of(0L, 1L)), pending);
        assertEquals(Optional.empty(), store.manifest("news"), "never served while a torrent would 404");
        assertEquals(Optional.empty(), store.channelOf(m.manifest().segments().get(0).infoHash()));

        assertFalse(store.publishTorrent("news", 0, b.torrents.get(0L)).live());
        PublishOutcome live = store.publishTorrent("news", 1, b.torrents.get(1L));
        assertEquals(new PublishOutcome(true, 1, List.of()), live);
        assertEquals(m, store.manifest("news").orElseThrow());
        assertArrayEquals(b.torrents.get(1L), store.torrent("news", 1).orElseThrow());
        assertEquals(Optional.of("news"), store.channelOf(m.manifest().segments().get(1).infoHash()));
        // idempotent republish
        assertTrue(store.publishManifest("news", m.wire()).live());
        assertTrue(store.publishTorrent("news", 1, b.torrents.get(1L)).live());
    }

    @Test
    void onlyTheBoundKeyMayPublishAndNeverBackwards() throws Exception {
        ChannelStore store = ChannelStore.open(dir);
        TestBroadcast b = new TestBroadcast("news", 3);
        SignedManifest m0 = b.add(0);
        store.publishManifest("news", m0.wire());
        store.publishTorrent("news", 0, b.torrents.get(0L));

        TestBroadcast thief = new TestBroadcast("news", 3);
        SignedManifest forged = thief.add(5);
        assertEquals(403, assertThrows(PublishRefused.class, () -> store.publishManifest("news", forged.wire())).status());
        assertEquals(400, assertThrows(PublishRefused.class, () -> store.publishManifest("sports", m0.wire())).status(),
                "a manifest names its channel");
        byte[] tampered = m0.wire();
        tampered[tampered.length - 5] ^= 1; // inside the signature
        assertEquals(403, assertThrows(PublishRefused.class, () -> store.publishManifest("news", tampered)).status());

        SignedManifest m1 = b.add(1);
        store.publishManifest("news", m1.wire());
        store.publishTorrent("news", 1, b.torrents.get(1L));
        assertEquals(409, assertThrows(PublishRefused.class, () -> store.publishManifest("news", m0.wire())).status(),
                "a replayed older manifest cannot rewind listeners");
        SignedManifest stale = b.signIssuedAt(1_600_000_000_000L);
        assertEquals(409, assertThrows(PublishRefused.class, () -> store.publishManifest("news", stale.wire())).status());
        assertEquals(m1, store.manifest("news").orElseThrow());

        // a torrent nobody signed for
        assertEquals(409, assertThrows(PublishRefused.class,
                () -> store.publishTorrent("news", 2, TestBroadcast.torrent("news", 2))).status());
        assertEquals(409, assertThrows(PublishRefused.class,
                () -> store.publishTorrent("news", 1, TestBroadcast.torrent("news", 7))).status(), "wrong info-hash");
        assertEquals(404, assertThrows(PublishRefused.class,
                () -> store.publishTorrent("nobody", 0, b.torrents.get(0L))).status());
        assertEquals(400, assertThrows(PublishRefused.class,
                () -> store.publishTorrent("news", 1, "not bencoding".getBytes())).status());
        assertEquals(400, assertThrows(PublishRefused.class, () -> store.publishManifest("news", "de".getBytes())).status());
    }

    @Test
    void aRestartKeepsChannelsKeysAndWindowsAndRetiredTorrentsGo() throws Exception {
        TestBroadcast b = new TestBroadcast("news", 2);
        SignedManifest last = null;
        ChannelStore store = ChannelStore.open(dir);
        for (long seq = 0; seq < 4; seq++) {
            last = b.add(seq);
            store.publishManifest("news", last.wire());
            store.publishTorrent("news", seq, b.torrents.get(seq));
        }
        assertEquals(Optional.empty(), store.torrent("news", 1), "retired with the window");
        try (var files = Files.list(dir.resolve("channels/news/torrents"))) {
            assertEquals(Set.of("2.torrent", "3.torrent"), files.map(p -> p.getFileName().toString())
                    .collect(java.util.stream.Collectors.toSet()));
        }

        ChannelStore again = ChannelStore.open(dir);
        assertEquals(Set.of("news"), again.channels());
        assertEquals(last, again.manifest("news").orElseThrow());
        assertArrayEquals(b.torrents.get(3L), again.torrent("news", 3).orElseThrow());
        assertEquals(Optional.of("news"), again.channelOf(last.manifest().segments().get(1).infoHash()));
        SignedManifest forged = new TestBroadcast("news", 2).add(9);
        assertEquals(403, assertThrows(PublishRefused.class, () -> again.publishManifest("news", forged.wire())).status(),
                "the binding survives the restart");
    }

    @Test
    void longPollsWakeWhenAManifestGoesLive() throws Exception {
        ChannelStore store = ChannelStore.open(dir);
        TestBroadcast b = new TestBroadcast("news", 3);
        store.publishManifest("news", b.add(0).wire());
        store.publishTorrent("news", 0, b.torrents.get(0L));
        Thread publisher = new Thread(() -> {
            try {
                Thread.sleep(100);
                store.publishManifest("news", b.add(1).wire());
                store.publishTorrent("news", 1, b.torrents.get(1L));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        publisher.start();
        long t0 = System.nanoTime();
        SignedManifest m = store.awaitNewer("news", 0, Duration.ofSeconds(10)).orElseThrow();
        assertEquals(1, m.manifest().latestSequence());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
        publisher.join();
    }

    @Test
    void theChannelCapHolds() throws Exception {
        ChannelStore store = ChannelStore.open(dir, 1);
        store.publishManifest("a", new TestBroadcast("a", 1).add(0).wire());
        assertEquals(507, assertThrows(PublishRefused.class,
                () -> store.publishManifest("b", new TestBroadcast("b", 1).add(0).wire())).status());
    }
}
