package org.minuteswarm.tracker;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.ChannelIdentity;
import org.minuteswarm.channel.ChannelManifest;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.channel.SegmentDescriptor;
import org.minuteswarm.channel.SignedManifest;

/** A broadcaster's side for publish tests: a key, a rolling window of real (tiny) torrents, signed manifests. */
final class TestBroadcast {
    final String name;
    final ChannelIdentity identity;
    final int windowSize;
    final List<SegmentDescriptor> window = new ArrayList<>();
    final Map<Long, byte[]> torrents = new TreeMap<>();
    private long issued = 1_700_000_000_000L;

    TestBroadcast(String name, int windowSize) {
        this(name, ChannelIdentity.generate(), windowSize);
    }

    TestBroadcast(String name, ChannelIdentity identity, int windowSize) {
        this.name = name;
        this.identity = identity;
        this.windowSize = windowSize;
    }

    /** A torrent as bt makes them: {@code announce} and an {@code info} dict with binary piece hashes. */
    static byte[] torrent(String name, long seq) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", name + "-" + seq + ".ts");
        info.put("length", 1000L + seq);
        info.put("piece length", 16384L);
        byte[] pieces = new byte[20];
        for (int i = 0; i < 20; i++) {
            pieces[i] = (byte) (seq * 31 + i * 7 + 0x80);
        }
        info.put("pieces", pieces);
        return Bencode.encode(Map.of("announce", "http://127.0.0.1/announce", "info", info));
    }

    static InfoHash infoHash(byte[] torrent) throws Exception {
        byte[] info = Bencode.encode(Bencode.decodeDictionary(torrent).get("info"));
        return InfoHash.of(MessageDigest.getInstance("SHA-1").digest(info));
    }

    /** Adds segment {@code seq} (dropping the oldest past the window) and returns the new signed manifest. */
    SignedManifest add(long seq) throws Exception {
        byte[] t = torrent(name, seq);
        torrents.put(seq, t);
        window.add(new SegmentDescriptor(seq, infoHash(t), 1000 + seq, Duration.ofSeconds(2),
                Instant.ofEpochSecond(1_700_000_000L + 2 * seq)));
        while (window.size() > windowSize) {
            torrents.remove(window.remove(0).sequence());
        }
        return sign();
    }

    SignedManifest sign() {
        issued += 1000;
        return identity.sign(new ChannelManifest(name, identity.key(), Duration.ofSeconds(2), Instant.ofEpochMilli(issued), window));
    }

    /** A manifest with the given issue time, over the current window (for staleness tests). */
    SignedManifest signIssuedAt(long epochMillis) {
        return identity.sign(new ChannelManifest(name, identity.key(), Duration.ofSeconds(2), Instant.ofEpochMilli(epochMillis), window));
    }
}
