package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.tracker.TrackerResponse;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.minuteswarm.channel.Bencode;

/** The announce query and response codecs, without sockets. */
class AnnounceWireTest {
    @Test
    void compactPeersAreDecoded() {
        byte[] peers = {127, 0, 0, 1, 0x1a, (byte) 0xe1, 10, 0, 0, 7, (byte) 0xc3, 0x50};
        TrackerResponse r = AnnounceResponse.parse(Bencode.encode(Map.of(
                "interval", 30L, "min interval", 10L, "complete", 2L, "incomplete", 5L, "peers", peers)));
        assertTrue(r.isSuccess());
        assertEquals(30, r.getInterval());
        assertEquals(10, r.getMinInterval());
        assertEquals(2, r.getSeederCount());
        assertEquals(5, r.getLeecherCount());
        List<String> got = new ArrayList<>();
        for (Peer p : r.getPeers()) {
            got.add(p.getInetAddress().getHostAddress() + ":" + p.getPort());
        }
        assertEquals(List.of("127.0.0.1:6881", "10.0.0.7:50000"), got);
    }

    @Test
    void dictionaryPeersAndPeers6AreDecoded() throws Exception {
        byte[] v6 = new byte[18];
        v6[15] = 1; // ::1
        v6[16] = 0x1a;
        v6[17] = (byte) 0xe2;
        TrackerResponse r = AnnounceResponse.parse(Bencode.encode(Map.of("interval", 5L,
                "peers", List.of(Map.of("ip", "127.0.0.2", "port", 7000L, "peer id", new byte[20])),
                "peers6", v6)));
        List<Peer> got = new ArrayList<>();
        r.getPeers().forEach(got::add);
        assertEquals(2, got.size());
        assertEquals(InetAddress.getByName("127.0.0.2"), got.get(0).getInetAddress());
        assertEquals(InetAddress.getByName("::1"), got.get(1).getInetAddress());
        assertEquals(6882, got.get(1).getPort());
    }

    @Test
    void failuresAndMalformedResponsesAreFailedResponses() {
        TrackerResponse refused = AnnounceResponse.parse(Bencode.encode(Map.of("failure reason", "unknown torrent")));
        assertFalse(refused.isSuccess());
        assertEquals("tracker refused: unknown torrent", refused.getErrorMessage());
        assertFalse(AnnounceResponse.parse("d5:peers5:abcdee".getBytes(StandardCharsets.US_ASCII)).isSuccess());
        assertFalse(AnnounceResponse.parse(Bencode.encode(Map.of("interval", -1L))).isSuccess());
        assertFalse(AnnounceResponse.parse(new byte[0]).isSuccess());
        // Every prefix of a valid response is rejected cleanly, never thrown.
        byte[] valid = Bencode.encode(Map.of("interval", 5L, "peers", new byte[6]));
        for (int n = 0; n < valid.length; n++) {
            assertFalse(AnnounceResponse.parse(java.util.Arrays.copyOf(valid, n)).isSuccess(), "prefix " + n);
        }
    }

    @Test
    void queryEscapesBinaryValuesAndCarriesOurCounts() {
        byte[] hash = new byte[20];
        hash[0] = (byte) 0xff;
        hash[1] = 'A';
        hash[2] = ' ';
        TorrentId id = TorrentId.fromBytes(hash);
        TransferLedger ledger = new TransferLedger();
        TransferLedger.Transfer transfer = ledger.open(id, () -> 1234);
        transfer.countDownloaded(100);
        ledger.countUploaded(id, 50);
        byte[] peerId = "-MS0001-abcdefghijkl".getBytes(StandardCharsets.US_ASCII);
        String q = AnnounceQuery.of(new AnnounceQuery.Source(peerId, 6881, Optional.empty(), 50, ledger),
                id, AnnounceQuery.Event.STARTED, null, null);
        assertTrue(q.startsWith("info_hash=%FFA%20%00%00"), q);
        assertTrue(q.contains("&peer_id=-MS0001-abcdefghijkl&port=6881&uploaded=50&downloaded=100&left=1234"
                + "&compact=1&numwant=50&event=started"), q);
        assertFalse(q.contains("ip="), q);
        String regular = AnnounceQuery.of(new AnnounceQuery.Source(peerId, 6881,
                Optional.of(InetAddress.getLoopbackAddress()), 50, ledger), id, AnnounceQuery.Event.NONE, 5, null);
        assertFalse(regular.contains("event="), regular);
        assertTrue(regular.contains("&numwant=5&ip=127.0.0.1"), regular);
    }
}
