package org.minuteswarm.tracker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.InfoHash;

/** The respond step: tracker answers as bencoded dictionaries (BEP 3, 7, 23, 48). */
final class BencodedResponses {
    private BencodedResponses() {
    }

    /** BEP 3: a failure is a dictionary holding only {@code failure reason}. */
    static byte[] failure(String reason) {
        return Bencode.encode(Map.of("failure reason", reason));
    }

    /**
     * BEP 3 announce answer. Compact (BEP 23): IPv4 peers as 6-byte strings in {@code peers},
     * IPv6 peers as 18-byte strings in {@code peers6} (BEP 7, sent only when there are any).
     * Otherwise BEP 3's list of {@code {ip, peer id, port}} dictionaries ({@code peer id}
     * left out on {@code no_peer_id=1}).
     */
    static byte[] announce(AnnounceResult result, TrackerConfig config, boolean compact, boolean noPeerId) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("interval", config.announceInterval().toSeconds());
        d.put("min interval", config.minAnnounceInterval().toSeconds());
        d.put("complete", (long) result.complete());
        d.put("incomplete", (long) result.incomplete());
        if (compact) {
            ByteArrayOutputStream v4 = new ByteArrayOutputStream();
            ByteArrayOutputStream v6 = new ByteArrayOutputStream();
            for (Peer p : result.peers()) {
                long c = p.compactV4;
                if (c >= 0) {
                    v4.write((int) (c >>> 40));
                    v4.write((int) (c >>> 32));
                    v4.write((int) (c >>> 24));
                    v4.write((int) (c >>> 16));
                    v4.write((int) (c >>> 8));
                    v4.write((int) c);
                } else {
                    v6.writeBytes(p.endpoint().compact());
                }
            }
            d.put("peers", v4.toByteArray());
            if (v6.size() > 0) {
                d.put("peers6", v6.toByteArray());
            }
        } else {
            List<Object> peers = new ArrayList<>(result.peers().size());
            for (Peer p : result.peers()) {
                Map<String, Object> peer = new LinkedHashMap<>();
                peer.put("ip", p.endpoint().ipText());
                if (!noPeerId) {
                    peer.put("peer id", p.id().bytes());
                }
                peer.put("port", (long) p.endpoint().port());
                peers.add(peer);
            }
            d.put("peers", peers);
        }
        return Bencode.encode(d);
    }

    /**
     * BEP 48 scrape answer: {@code {files: {<20-byte info-hash>: {complete, downloaded, incomplete}}}}.
     * Written by hand around {@link Bencode} because the keys of {@code files} are raw binary
     * info-hashes, which the channel encoder's String-keyed maps cannot carry. BEP 3 wants keys
     * in raw byte order, which is {@link InfoHash}'s (unsigned) natural order.
     */
    static byte[] scrape(SortedMap<InfoHash, ScrapeCounts> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("d5:filesd".getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<InfoHash, ScrapeCounts> e : files.entrySet()) {
            out.writeBytes(Bencode.encode(e.getKey().bytes()));
            ScrapeCounts c = e.getValue();
            out.writeBytes(Bencode.encode(Map.of("complete", (long) c.complete(), "downloaded", c.downloaded(),
                    "incomplete", (long) c.incomplete())));
        }
        out.writeBytes("ee".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
