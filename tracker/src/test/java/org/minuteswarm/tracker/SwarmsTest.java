package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.minuteswarm.channel.InfoHash;

/** The decide/update step: the peer store alone, with time passed in. */
class SwarmsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final InfoHash H = InfoHash.fromHex("aa00000000000000000000000000000000000000");
    private static final InfoHash H2 = InfoHash.fromHex("bb00000000000000000000000000000000000000");
    private final Swarms swarms = new Swarms(TIMEOUT);
    private Instant now = Instant.parse("2024-01-01T00:00:00Z");

    private static AnnounceRequest request(InfoHash h, int n, long left, AnnounceEvent event, int numwant) {
        try {
            return new AnnounceRequest(h, PeerId.of(Queries.peerId(n)),
                    new PeerEndpoint(InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) n}), 6881), 0, 0, left,
                    event, numwant, true, false, Optional.empty());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private AnnounceResult announce(int n, long left) {
        return swarms.announce(request(H, n, left, AnnounceEvent.NONE, 50), "news", now);
    }

    private static Set<Integer> peerNumbers(AnnounceResult r) {
        Set<Integer> out = new HashSet<>();
        for (Peer p : r.peers()) {
            out.add(p.endpoint().address().getAddress()[3] & 0xff);
        }
        return out;
    }

    @Test
    void countsAndPeersExcludeNothingButTheRequester() {
        announce(1, 0);
        announce(2, 10);
        AnnounceResult r = announce(3, 10);
        assertEquals(1, r.complete());
        assertEquals(2, r.incomplete());
        assertEquals(Set.of(1, 2), peerNumbers(r));
    }

    @Test
    void seedersAreOnlyGivenLeechers() {
        announce(1, 0);
        announce(2, 10);
        assertEquals(Set.of(2), peerNumbers(announce(3, 0)));
    }

    @Test
    void leechersGetSeedersFirstAndTheLeechersInVaryingOrder() {
        announce(1, 0);
        announce(2, 0);
        for (int n = 10; n < 20; n++) {
            announce(n, 10);
        }
        Set<Integer> firstLeechers = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            List<Peer> peers = swarms.announce(request(H, 30, 10, AnnounceEvent.NONE, 50), "news", now).peers();
            assertEquals(12, peers.size());
            assertEquals(Set.of(1, 2), Set.of(number(peers.get(0)), number(peers.get(1))), "seeders first");
            firstLeechers.add(number(peers.get(2)));
        }
        // clients dial in the order given: a fixed order would have every newcomer dial the same few
        assertTrue(firstLeechers.size() > 3, "first leecher over 50 answers: " + firstLeechers);
    }

    private static int number(Peer p) {
        return p.endpoint().address().getAddress()[3] & 0xff;
    }

    @Test
    void reannouncingUpdatesInsteadOfDuplicating() {
        announce(1, 10);
        announce(1, 10);
        AnnounceResult r = announce(1, 0); // finished: now a seeder
        assertEquals(1, r.complete());
        assertEquals(0, r.incomplete());
        assertEquals(1, swarms.peerCount());
    }

    @Test
    void stoppedRemovesThePeerAndItsSwarmWhenEmpty() {
        announce(1, 0);
        announce(2, 10);
        AnnounceResult r = swarms.announce(request(H, 2, 10, AnnounceEvent.STOPPED, 50), "news", now);
        assertEquals(List.of(), r.peers());
        assertEquals(1, r.complete());
        assertEquals(0, r.incomplete());
        swarms.announce(request(H, 1, 0, AnnounceEvent.STOPPED, 50), "news", now);
        assertEquals(0, swarms.swarmCount());
        assertEquals(Optional.empty(), swarms.scrape(H));
    }

    @Test
    void completedIsCountedOncePerPeer() {
        announce(1, 10);
        swarms.announce(request(H, 1, 0, AnnounceEvent.COMPLETED, 50), "news", now);
        swarms.announce(request(H, 1, 0, AnnounceEvent.COMPLETED, 50), "news", now);
        swarms.announce(request(H, 2, 0, AnnounceEvent.COMPLETED, 50), "news", now);
        assertEquals(new ScrapeCounts(2, 2, 0), swarms.scrape(H).orElseThrow());
    }

    @Test
    void numwantIsARandomSampleOfTheRightSize() {
        for (int n = 1; n <= 100; n++) {
            announce(n, 10);
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            AnnounceResult r = swarms.announce(request(H, 1, 10, AnnounceEvent.NONE, 10), "news", now);
            assertEquals(10, r.peers().size());
            assertEquals(10, peerNumbers(r).size(), "no duplicates");
            assertTrue(!peerNumbers(r).contains(1), "never the requester");
            seen.addAll(peerNumbers(r));
        }
        assertTrue(seen.size() > 30, "samples spread over the swarm: " + seen.size());
        assertEquals(0, swarms.announce(request(H, 1, 10, AnnounceEvent.NONE, 0), "news", now).peers().size());
    }

    @Test
    void peersExpireAfterTheTimeout() {
        announce(1, 0);
        now = now.plus(Duration.ofSeconds(20));
        announce(2, 10);
        now = now.plus(Duration.ofSeconds(11)); // peer 1 is 31 s old, peer 2 is 11 s old
        assertEquals(1, swarms.sweep(now, h -> true));
        assertEquals(new ScrapeCounts(0, 0, 1), swarms.scrape(H).orElseThrow());
        now = now.plus(TIMEOUT);
        assertEquals(1, swarms.sweep(now, h -> true));
        assertEquals(0, swarms.swarmCount());
    }

    @Test
    void expiredPeersAreNotHandedOutEvenBeforeASweep() {
        announce(1, 0);
        now = now.plus(TIMEOUT).plusMillis(1);
        AnnounceResult r = announce(2, 10);
        assertEquals(List.of(), r.peers());
        assertEquals(0, r.complete());
        assertEquals(Set.of(), swarms.endpoints(Set.of(H), now.plus(TIMEOUT).plusMillis(1)));
    }

    @Test
    void sweepDropsSwarmsThatAreNoLongerLive() {
        announce(1, 0);
        swarms.announce(request(H2, 1, 0, AnnounceEvent.NONE, 50), "news", now);
        assertEquals(2, swarms.swarmCount());
        assertEquals(1, swarms.sweep(now, h -> !h.equals(H)));
        assertEquals(Optional.empty(), swarms.scrape(H));
        assertTrue(swarms.scrape(H2).isPresent());
    }

    @Test
    void distinctEndpointsAcrossAChannelsSwarms() {
        announce(1, 0);
        announce(2, 0);
        swarms.announce(request(H2, 1, 0, AnnounceEvent.NONE, 50), "news", now);
        swarms.announce(request(H2, 3, 0, AnnounceEvent.NONE, 50), "news", now);
        assertEquals(Set.of(H, H2), swarms.infoHashes("news"));
        assertEquals(3, swarms.endpoints(swarms.infoHashes("news"), now).size());
        assertEquals(Set.of(), swarms.infoHashes("sports"));
    }

    @Test
    void aFullSwarmStillAnswersButDoesNotGrow() {
        Swarms small = new Swarms(TIMEOUT, 2);
        small.announce(request(H, 1, 0, AnnounceEvent.NONE, 50), "news", now);
        small.announce(request(H, 2, 10, AnnounceEvent.NONE, 50), "news", now);
        AnnounceResult r = small.announce(request(H, 3, 10, AnnounceEvent.NONE, 50), "news", now);
        assertEquals(2, r.peers().size());
        assertEquals(2, small.peerCount());
    }

    @Test
    void concurrentAnnouncesAndSweepsLoseNothing() throws Exception {
        int threads = 8;
        int perThread = 200;
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int base = t;
            workers[t] = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    InfoHash h = i % 2 == 0 ? H : H2;
                    try {
                        swarms.announce(new AnnounceRequest(h, PeerId.of(Queries.peerId(i)),
                                new PeerEndpoint(InetAddress.getByAddress(new byte[] {10, 1, (byte) base, (byte) i}), 6881),
                                0, 0, i % 3, AnnounceEvent.NONE, 50, true, false, Optional.empty()), "news", now);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    swarms.sweep(now, h2 -> true);
                }
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(threads * perThread, swarms.peerCount());
        ScrapeCounts a = swarms.scrape(H).orElseThrow();
        ScrapeCounts b = swarms.scrape(H2).orElseThrow();
        assertEquals(threads * perThread, a.complete() + a.incomplete() + b.complete() + b.incomplete());
    }
}
