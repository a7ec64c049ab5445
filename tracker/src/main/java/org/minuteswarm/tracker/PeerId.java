package org.minuteswarm.tracker;

import java.util.Arrays;
import java.util.HexFormat;

/** The 20-byte id a client picks for itself (BEP 3 {@code peer_id}); any bytes. Immutable. */
final class PeerId {
    static final int LENGTH = 20;
    private final byte[] bytes;

    private PeerId(byte[] bytes) {
        this.bytes = bytes;
    }

    static PeerId of(byte[] bytes) throws ClientError {
        if (bytes.length != LENGTH) {
            throw new ClientError("peer_id must be " + LENGTH + " bytes, got " + bytes.length);
        }
        return new PeerId(bytes.clone());
    }

    byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId p && Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
