package org.minuteswarm.channel;

import com.google.common.io.BaseEncoding;
import java.util.Arrays;

/** The 20-byte SHA-1 of a torrent's bencoded info dictionary (BEP 3). Immutable. */
public final class InfoHash implements Comparable<InfoHash> {
    public static final int LENGTH = 20;
    private final byte[] bytes;

    private InfoHash(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps a copy of {@code bytes}; rejects anything that is not exactly 20 bytes. */
    public static InfoHash of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("info-hash must be " + LENGTH + " bytes, got "
                    + (bytes == null ? "none" : bytes.length));
        }
        return new InfoHash(bytes.clone());
    }

    /** Parses 40 hex digits (either case). */
    public static InfoHash fromHex(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("info-hash must be 40 hex digits: " + hex);
        }
        try {
            return new InfoHash(BaseEncoding.base16().decode(hex.toUpperCase()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("info-hash must be 40 hex digits: " + hex);
        }
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return BaseEncoding.base16().lowerCase().encode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InfoHash other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(InfoHash o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
