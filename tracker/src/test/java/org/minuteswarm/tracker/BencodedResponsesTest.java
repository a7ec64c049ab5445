package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.minuteswarm.channel.InfoHash;

/** Golden bytes: what goes on the wire, exactly. */
class BencodedResponsesTest {
    private static final TrackerConfig CONFIG = TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0);
    private static final Instant T = Instant.parse("2024-01-01T00:00:00Z");

    private static Peer peer(String ip, int port, int n, boolean seeder) throws Exception {
        return new Peer(PeerId.of(Queries.peerId(n)), new PeerEndpoint(InetAddress.getByName(ip), port), seeder, T);
    }

    /** Concatenates ASCII text and raw byte arrays. */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : p.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    @Test
    void compactAnnounce() throws Exception {
        AnnounceResult r = new AnnounceResult(1, 2, List.of(peer("127.0.0.1", 6881, 1, true), peer("10.0.0.2", 80, 2, false)));
        assertArrayEquals(bytes("d8:completei1e10:incompletei2e8:intervali15e12:min intervali5e5:peers12:",
                new byte[] {127, 0, 0, 1, 0x1a, (byte) 0xe1, 10, 0, 0, 2, 0, 80}, "e"),
                BencodedResponses.announce(r, CONFIG, true, false));
    }

    @Test
    void compactAnnounceWithoutPeers() {
        assertArrayEquals(bytes("d8:completei0e10:incompletei1e8:intervali15e12:min intervali5e5:peers0:e"),
                BencodedResponses.announce(new AnnounceResult(0, 1, List.of()), CONFIG, true, false));
    }

    @Test
    void compactAnnounceSendsIpv6PeersInPeers6() throws Exception {
        AnnounceResult r = new AnnounceResult(0, 2, List.of(peer("::1", 258, 1, false), peer("127.0.0.1", 1, 2, false)));
        byte[] v6 = new byte[18];
        v6[15] = 1;
        v6[16] = 1;
        v6[17] = 2;
        assertArrayEquals(bytes("d8:completei0e10:incompletei2e8:intervali15e12:min intervali5e5:peers6:",
                new byte[] {127, 0, 0, 1, 0, 1}, "6:peers618:", v6, "e"),
                BencodedResponses.announce(r, CONFIG, true, false));
    }

    @Test
    void dictionaryModelAnnounce() throws Exception {
        AnnounceResult r = new AnnounceResult(1, 0, List.of(peer("127.0.0.1", 6881, 1, true)));
        assertArrayEquals(bytes("d8:completei1e10:incompletei0e8:intervali15e12:min intervali5e5:peersl",
                "d2:ip9:127.0.0.17:peer id20:", Queries.peerId(1), "4:porti6881ee", "ee"),
                BencodedResponses.announce(r, CONFIG, false, false));
        assertArrayEquals(bytes("d8:completei1e10:incompletei0e8:intervali15e12:min intervali5e5:peersl",
                "d2:ip9:127.0.0.14:porti6881ee", "ee"),
                BencodedResponses.announce(r, CONFIG, false, true));
    }

    @Test
    void dictionaryModelWritesIpv6AsALiteral() throws Exception {
        AnnounceResult r = new AnnounceResult(0, 1, List.of(peer("2001:db8:0:0:0:0:0:1", 7, 1, false)));
        assertArrayEquals(bytes("d8:completei0e10:incompletei1e8:intervali15e12:min intervali5e5:peersl",
                "d2:ip11:2001:db8::14:porti7ee", "ee"),
                BencodedResponses.announce(r, CONFIG, false, true));
    }

    @Test
    void failure() {
        assertArrayEquals(bytes("d14:failure reason20:unregistered torrente"),
                BencodedResponses.failure("unregistered torrent"));
    }

    @Test
    void scrapeListsFilesInRawByteOrder() throws UnknownHostException {
        InfoHash high = InfoHash.fromHex("ff00000000000000000000000000000000000000");
        InfoHash low = InfoHash.fromHex("0100000000000000000000000000000000000000");
        TreeMap<InfoHash, ScrapeCounts> files = new TreeMap<>();
        files.put(high, new ScrapeCounts(3, 7, 1));
        files.put(low, new ScrapeCounts(0, 0, 2));
        assertArrayEquals(bytes("d5:filesd20:", low.bytes(), "d8:completei0e10:downloadedi0e10:incompletei2ee",
                "20:", high.bytes(), "d8:completei3e10:downloadedi7e10:incompletei1ee", "ee"),
                BencodedResponses.scrape(files));
        assertArrayEquals(bytes("d5:filesdee"), BencodedResponses.scrape(new TreeMap<>()));
    }
}
