package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.InfoHash;

/** The tracker's rules on top of the store: registered torrents only, retirement, expiry. */
class TrackerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final InMemoryChannelDirectory directory = new InMemoryChannelDirectory(3);
    private final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
    private final TrackerConfig config = TrackerConfig.defaults(LOOPBACK, 0);
    private final Tracker tracker = new Tracker(config, directory, clock);

    TrackerTest() {
        directory.create("news");
        directory.create("sports");
    }

    private AnnounceResult announce(InfoHash h, int n, int port, long left) throws ClientError {
        return tracker.announce(AnnounceRequest.parse(QueryParameters.parse(Queries.announce(h, n, port, left, "")),
                LOOPBACK, config));
    }

    @Test
    void onlyLiveSegmentsAreTracked() throws ClientError {
        InfoHash live = directory.publish("news", 0);
        announce(live, 1, 6881, 0);
        ClientError e = assertThrows(ClientError.class,
                () -> announce(InfoHash.fromHex("1111111111111111111111111111111111111111"), 1, 6881, 0));
        assertEquals(Tracker.UNREGISTERED, e.reason());
        assertEquals(new TrackerStats(1, 1, 1, 0), tracker.stats());
    }

    @Test
    void aRetiredSegmentsSwarmIsDroppedOnAccess() throws ClientError {
        InfoHash first = directory.publish("news", 0);
        announce(first, 1, 6881, 0);
        announce(first, 2, 6882, 10);
        assertEquals(2, tracker.peers("news"));
        for (long s = 1; s <= 3; s++) {
            directory.publish("news", s); // window of 3: segment 0 retires
        }
        assertEquals(0, tracker.peers("news"), "peers() counts live swarms only");
        assertEquals(0, tracker.stats().swarms(), "and dropped the retired one");

        // an announce for the retired segment is refused and does not recreate it
        assertThrows(ClientError.class, () -> announce(first, 1, 6881, 0));
        assertEquals(0, tracker.stats().swarms());
        assertEquals(Map.of(), tracker.scrape(List.of(first)));
    }

    @Test
    void theSweepDropsRetiredSwarms() throws ClientError {
        InfoHash first = directory.publish("news", 0);
        InfoHash second = directory.publish("news", 1);
        announce(first, 1, 6881, 0);
        announce(second, 1, 6881, 0);
        assertEquals(2, tracker.stats().swarms());
        directory.publish("news", 2);
        directory.publish("news", 3); // retires 0
        assertEquals(1, tracker.sweep());
        assertEquals(1, tracker.stats().swarms());
        assertEquals(1, tracker.peers("news"));
    }

    @Test
    void peersExpireWhenTheClockPassesTheTimeout() throws ClientError {
        InfoHash h = directory.publish("news", 0);
        announce(h, 1, 6881, 0);
        clock.advance(Duration.ofSeconds(30));
        announce(h, 2, 6882, 10);
        assertEquals(2, tracker.peers("news"));
        clock.advance(Duration.ofSeconds(8)); // peer 1 is 38 s old: past 37.5 s
        assertEquals(1, tracker.peers("news"), "an expired peer is not counted even before a sweep");
        assertEquals(1, tracker.sweep());
        assertEquals(new TrackerStats(1, 1, 2, 0), tracker.stats());
        clock.advance(config.peerTimeout());
        assertEquals(1, tracker.sweep());
        assertEquals(0, tracker.stats().swarms());
    }

    @Test
    void peersCountsDistinctEndpointsPerChannel() throws ClientError {
        InfoHash a = directory.publish("news", 0);
        InfoHash b = directory.publish("news", 1);
        InfoHash c = directory.publish("sports", 0);
        announce(a, 1, 6881, 0);
        announce(b, 1, 6881, 0); // same listener, two segments
        announce(b, 2, 6882, 0);
        announce(c, 3, 6883, 0);
        assertEquals(2, tracker.peers("news"));
        assertEquals(1, tracker.peers("sports"));
        assertEquals(0, tracker.peers("nobody"));
    }

    @Test
    void scrapeOmitsUnknownHashesAndReportsLiveOnes() throws Exception {
        InfoHash a = directory.publish("news", 0);
        InfoHash idle = directory.publish("news", 1);
        announce(a, 1, 6881, 0);
        announce(a, 2, 6882, 5);
        InfoHash unknown = InfoHash.fromHex("2222222222222222222222222222222222222222");
        byte[] body = tracker.scrapeResponse(QueryParameters.parse("info_hash=" + Queries.escape(a.bytes())
                + "&info_hash=" + Queries.escape(unknown.bytes()) + "&info_hash=" + Queries.escape(idle.bytes())));
        Map<String, Object> files = Bencode.decodeDictionary(body);
        assertTrue(files.containsKey("files"));
        assertEquals(Map.of(a, new ScrapeCounts(1, 0, 1), idle, new ScrapeCounts(0, 0, 0)),
                tracker.scrape(List.of(a, unknown, idle)));
        assertEquals(2, tracker.stats().scrapes());
    }

    @Test
    void refusalsBecomeFailureReasons() throws Exception {
        assertEquals("d14:failure reason22:missing parameter porte",
                new String(tracker.announceResponse(QueryParameters.parse("info_hash=" + "a".repeat(20)
                        + "&peer_id=" + "b".repeat(20)), LOOPBACK), java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals("d14:failure reason", new String(tracker.scrapeResponse(QueryParameters.parse("")),
                java.nio.charset.StandardCharsets.ISO_8859_1).substring(0, 18));
    }
}
