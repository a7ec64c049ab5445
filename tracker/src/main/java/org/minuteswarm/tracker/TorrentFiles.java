package org.minuteswarm.tracker;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.BencodeException;
import org.minuteswarm.channel.InfoHash;

/** What the tracker needs to know of a {@code .torrent}: its v1 info-hash (BEP 3). */
final class TorrentFiles {
    private TorrentFiles() {
    }

    /**
     * BEP 3: the info-hash is the SHA-1 of the bencoded {@code info} dictionary as it appears in
     * the file. {@link Bencode#decode} is strict (canonical only), so re-encoding the decoded
     * dictionary gives back exactly those bytes; its keys are ISO-8859-1 byte strings, so binary
     * keys survive the round trip.
     */
    static InfoHash infoHash(byte[] torrent) throws ClientError {
        Map<String, Object> d;
        try {
            d = Bencode.decodeDictionary(torrent);
        } catch (BencodeException e) {
            throw new ClientError("torrent is not valid canonical bencoding: " + e.getMessage());
        }
        if (!(d.get("info") instanceof Map<?, ?> info)) {
            throw new ClientError("torrent has no info dictionary");
        }
        try {
            return InfoHash.of(MessageDigest.getInstance("SHA-1").digest(Bencode.encode(info)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-1", e);
        }
    }
}
