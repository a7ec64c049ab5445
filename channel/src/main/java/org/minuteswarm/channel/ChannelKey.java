package org.minuteswarm.channel;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * A channel's identity: its raw 32-byte Ed25519 public key (RFC 8032). The channel URL carries it
 * in base64url, so a listener trusts the key it was given rather than any server.
 */
public final class ChannelKey {
    public static final int LENGTH = 32;
    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410); the raw key follows. */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private final byte[] raw;

    private ChannelKey(byte[] raw) {
        this.raw = raw;
    }

    public static ChannelKey ofRaw(byte[] raw) {
        if (raw == null || raw.length != LENGTH) {
            throw new IllegalArgumentException("channel key must be " + LENGTH + " bytes");
        }
        return new ChannelKey(raw.clone());
    }

    public static ChannelKey of(PublicKey key) {
        byte[] der = key.getEncoded();
        if (!"Ed25519".equals(key.getAlgorithm()) && !"EdDSA".equals(key.getAlgorithm())
                || der.length != X509_PREFIX.length + LENGTH
                || !Arrays.equals(der, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 public key");
        }
        return new ChannelKey(Arrays.copyOfRange(der, X509_PREFIX.length, der.length));
    }

    /** Parses the base64url text form used in channel URLs. */
    public static ChannelKey parse(String text) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("channel key is not base64url: " + text);
        }
        if (raw.length != LENGTH) {
            throw new IllegalArgumentException("channel key must decode to " + LENGTH + " bytes: " + text);
        }
        return new ChannelKey(raw);
    }

    public byte[] raw() {
        return raw.clone();
    }

    public PublicKey toPublicKey() {
        byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + LENGTH);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, LENGTH);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks Ed25519", e);
        }
    }

    /** base64url without padding: 43 characters. */
    public String text() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelKey k && Arrays.equals(raw, k.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return text();
    }
}
