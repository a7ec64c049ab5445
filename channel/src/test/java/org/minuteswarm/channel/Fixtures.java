package org.minuteswarm.channel;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Shared test data: keys, segments, manifests and byte helpers. Times are whole milliseconds. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
    static final Duration MINUTE = Duration.ofMinutes(1);
    static final String NAME = "radio-1";

    private Fixtures() {
    }

    static KeyPair keyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static ChannelKey key(KeyPair keys) {
        return ChannelKey.of(keys.getPublic());
    }

    /** A deterministic info-hash per sequence number: SHA-1 of "segment N". */
    static InfoHash hash(long sequence) {
        try {
            return InfoHash.of(MessageDigest.getInstance("SHA-1").digest(Bencode.utf8("segment " + sequence)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static SegmentDescriptor segment(long sequence) {
        return new SegmentDescriptor(sequence, hash(sequence), 1_000_000 + sequence, MINUTE,
                T0.plus(MINUTE.multipliedBy(sequence)));
    }

    /** A manifest whose window holds {@code first..last} inclusive (empty when last < first). */
    static ChannelManifest manifest(String name, ChannelKey key, Instant issuedAt, long first, long last) {
        List<SegmentDescriptor> segments = new ArrayList<>();
        for (long s = first; s <= last; s++) {
            segments.add(segment(s));
        }
        return new ChannelManifest(name, key, MINUTE, issuedAt, segments);
    }

    static ChannelUrl url(String name, ChannelKey key) {
        return ChannelUrl.parse("http://127.0.0.1:8080/channels/" + name + "?key=" + key.text());
    }

    /** The signed-manifest wire with any body and signature, as a hostile server might serve it. */
    static byte[] wire(byte[] body, byte[] signature) {
        Map<String, Object> outer = new TreeMap<>();
        outer.put("manifest", body);
        outer.put("signature", signature);
        return Bencode.encode(outer);
    }

    /** Signs arbitrary bytes, so tests can make validly signed but otherwise bad manifests. */
    static byte[] signRaw(byte[] body, PrivateKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(body);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One byte per char, so "\u00ff" in a literal is the byte 0xff. */
    static byte[] bytes(String latin1) {
        return latin1.getBytes(ISO_8859_1);
    }

    static String latin1(byte[] bytes) {
        return new String(bytes, ISO_8859_1);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * Writes a dictionary with entries in the given order, without sorting or de-duplicating, to
     * build non-canonical documents the encoder would never make.
     */
    static byte[] rawDictionary(List<Map.Entry<String, Object>> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('d');
        for (Map.Entry<String, Object> e : entries) {
            out.writeBytes(Bencode.encode(e.getKey()));
            out.writeBytes(Bencode.encode(e.getValue()));
        }
        out.write('e');
        return out.toByteArray();
    }

    /** A mutable deep copy of a decoded manifest document, to alter one field at a time. */
    static TreeMap<String, Object> mutableDocument(byte[] manifestBytes) throws BencodeException {
        TreeMap<String, Object> doc = new TreeMap<>(Bencode.decodeDictionary(manifestBytes));
        List<Object> segments = new ArrayList<>();
        for (Object o : (List<?>) doc.get("segments")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> seg = (Map<String, Object>) o;
            segments.add(new TreeMap<>(seg));
        }
        doc.put("segments", segments);
        return doc;
    }
}
