package org.minuteswarm.channel;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A manifest with its Ed25519 signature, as served at {@code /channels/NAME}: the bencoded
 * dictionary {@code {"manifest": <canonical manifest bytes>, "signature": <64 bytes>}}. The
 * signature covers the exact manifest bytes, so verification needs no re-encoding.
 */
public final class SignedManifest {
    public static final int SIGNATURE_LENGTH = 64;
    /** A manifest with a full window of a few hundred segments stays far below this. */
    public static final int MAX_BYTES = 1 << 20;

    private final ChannelManifest manifest;
    private final byte[] wire;

    private SignedManifest(ChannelManifest manifest, byte[] wire) {
        this.manifest = manifest;
        this.wire = wire;
    }

    public static SignedManifest sign(ChannelManifest manifest, PrivateKey key) {
        byte[] body = manifest.encode();
        byte[] signature;
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(body);
            signature = s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign manifest", e);
        }
        Map<String, Object> outer = new TreeMap<>();
        outer.put("manifest", body);
        outer.put("signature", signature);
        return new SignedManifest(manifest, Bencode.encode(outer));
    }

    /**
     * Parses and verifies a served manifest against the channel the listener was given: the
     * signature must verify with {@code expected.key()}, and the manifest must name that channel
     * and key. Anything else is a {@link ManifestException} whose message says why.
     */
    public static SignedManifest verify(byte[] wire, ChannelUrl expected) throws ManifestException {
        if (wire.length > MAX_BYTES) {
            throw new ManifestException("manifest larger than " + MAX_BYTES + " bytes");
        }
        Map<String, Object> outer;
        try {
            outer = Bencode.decodeDictionary(wire);
        } catch (BencodeException e) {
            throw new ManifestException("signed manifest is not valid bencoding: " + e.getMessage());
        }
        if (outer.size() != 2) {
            throw new ManifestException("signed manifest must hold exactly 'manifest' and 'signature'");
        }
        byte[] body = ChannelManifest.bytes(outer, "manifest");
        byte[] signature = ChannelManifest.bytes(outer, "signature");
        if (signature.length != SIGNATURE_LENGTH) {
            throw new ManifestException("signature must be " + SIGNATURE_LENGTH + " bytes");
        }
        boolean valid;
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(expected.key().toPublicKey());
            s.update(body);
            valid = s.verify(signature);
        } catch (GeneralSecurityException e) {
            valid = false;
        }
        if (!valid) {
            throw new ManifestException("manifest signature does not verify with the channel key " + expected.key());
        }
        ChannelManifest manifest = ChannelManifest.decode(body);
        if (!manifest.key().equals(expected.key())) {
            throw new ManifestException("manifest is for key " + manifest.key() + ", expected " + expected.key());
        }
        if (!manifest.name().equals(expected.name())) {
            throw new ManifestException("manifest is for channel '" + manifest.name() + "', expected '" + expected.name() + "'");
        }
        return new SignedManifest(manifest, wire.clone());
    }

    public ChannelManifest manifest() {
        return manifest;
    }

    /** The exact bytes to serve. */
    public byte[] wire() {
        return wire.clone();
    }

    public int wireLength() {
        return wire.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedManifest m && Arrays.equals(wire, m.wire);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(wire);
    }
}
