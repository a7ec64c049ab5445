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

/** Fast swarm formation: a new segment's first announcers also get the channel's recently active peers. */
class ChannelPeersTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final InfoHash OLD = InfoHash.fromHex("aa00000000000000000000000000000000000000");
    private static final InfoHash NEW = InfoHash.fromHex("bb00000000000000000000000000000000000000");
    private static final InfoHash OTHER = InfoHash.fromHex("cc00000000000000000000000000000000000000");
    private final Instant now = Instant.parse("2024-01-01T00:00:00Z");

    private static AnnounceRequest request(InfoHash h, int n, int numwant) throws Exception {
        return new AnnounceRequest(h, PeerId.of(Queries.peerId(n)),
                new PeerEndpoint(InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) n}), 6881), 0, 0, 100,
                AnnounceEvent.NONE, numwant, true, false, Optional.empty());
    }

    private static Set<Integer> numbers(AnnounceResult r) {
        Set<Integer> out = new HashSet<>();
        for (Peer p : r.peers()) {
            out.add(p.endpoint().address().getAddress()[3] & 0xff);
        }
        return out;
    }

    @Test
    void aNewSwarmsFirstAnnouncerMeetsTheChannelsActivePeers() throws Exception {
        Swarms swarms = new Swarms(TIMEOUT);
        for (int n = 1; n <= 5; n++) {
            swarms.announce(request(OLD, n, 50), "news", now);
        }
        swarms.announce(request(OTHER, 9, 50), "sports", now);
        AnnounceResult first = swarms.announce(request(NEW, 1, 50), "news", now);
        assertEquals(Set.of(2, 3, 4, 5), numbers(first), "the other listeners of news, never sports, never itself");
        assertEquals(1, first.incomplete(), "counts are the swarm's own");
        assertEquals(3, swarms.announce(request(NEW, 2, 3), "news", now).peers().size(), "numwant still caps");
        AnnounceResult later = swarms.announce(request(NEW, 3, 2), "news", now);
        assertEquals(Set.of(1, 2), numbers(later), "a swarm that can fill numwant itself adds nobody");
        assertEquals(List.of(), swarms.announce(request(NEW, 4, 50), "news", now.plus(TIMEOUT).plusSeconds(1)).peers(),
                "peers past the timeout are not handed out");
    }

    @Test
    void theChannelsPeersComeInVaryingOrder() throws Exception {
        Set<Integer> firsts = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            Swarms fresh = new Swarms(TIMEOUT);
            for (int n = 1; n <= 10; n++) {
                fresh.announce(request(OLD, n, 50), "news", now);
            }
            List<Peer> peers = fresh.announce(request(NEW, 20, 50), "news", now).peers();
            assertEquals(10, peers.size());
            firsts.add(peers.get(0).endpoint().address().getAddress()[3] & 0xff);
        }
        // a new segment's first announcers all get this list, and clients dial in the order given
        assertTrue(firsts.size() > 3, "first peer over 40 answers: " + firsts);
    }

    @Test
    void itCanBeTurnedOff() throws Exception {
        Swarms swarms = new Swarms(TIMEOUT);
        swarms.channelPeers(false);
        swarms.announce(request(OLD, 1, 50), "news", now);
        assertEquals(List.of(), swarms.announce(request(NEW, 2, 50), "news", now).peers());
    }
}
