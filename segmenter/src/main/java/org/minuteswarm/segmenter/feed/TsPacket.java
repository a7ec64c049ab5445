package org.minuteswarm.segmenter.feed;

/**
 * Field access for one 188-byte MPEG-TS packet in a byte array (ISO/IEC 13818-1, 2.4.3.2
 * transport packet, 2.4.3.4 adaptation field). Static helpers: the segmenter looks at a few bits
 * of every packet and must not allocate per packet.
 */
final class TsPacket {

    static final int SIZE = 188;
    static final int SYNC_BYTE = 0x47;
    /** The PCR counts a 27 MHz clock in 33 bits of base (x300) plus a 9-bit extension. */
    static final long PCR_HZ = 27_000_000L;
    static final long PCR_WRAP = (1L << 33) * 300;
    static final int PID_PAT = 0x0000;
    static final int PID_NULL = 0x1FFF;

    private TsPacket() {
    }

    static boolean isSync(byte[] p, int off) {
        return (p[off] & 0xFF) == SYNC_BYTE;
    }

    static int pid(byte[] p, int off) {
        return ((p[off + 1] & 0x1F) << 8) | (p[off + 2] & 0xFF);
    }

    static boolean payloadUnitStart(byte[] p, int off) {
        return (p[off + 1] & 0x40) != 0;
    }

    static int continuityCounter(byte[] p, int off) {
        return p[off + 3] & 0x0F;
    }

    static boolean hasPayload(byte[] p, int off) {
        return (p[off + 3] & 0x10) != 0;
    }

    /** Offset of the payload in the array, or -1 if the packet carries none (or a bad adaptation field). */
    static int payloadOffset(byte[] p, int off) {
        if (!hasPayload(p, off)) {
            return -1;
        }
        int at = off + 4;
        if ((p[off + 3] & 0x20) != 0) {
            at += 1 + (p[off + 4] & 0xFF);
        }
        return at < off + SIZE ? at : -1;
    }

    /** Sets the discontinuity_indicator, if the packet has an adaptation field with flags. */
    static void markDiscontinuity(byte[] p, int off) {
        if (adaptationLength(p, off) >= 1) {
            p[off + 5] |= (byte) 0x80;
        }
    }

    /** Length of the adaptation field after its length byte, or -1 if the packet has none. */
    private static int adaptationLength(byte[] p, int off) {
        if ((p[off + 3] & 0x20) == 0) {
            return -1;
        }
        return p[off + 4] & 0xFF;
    }

    private static int adaptationFlags(byte[] p, int off) {
        int len = adaptationLength(p, off);
        return len < 1 ? 0 : p[off + 5] & 0xFF;
    }

    static boolean discontinuity(byte[] p, int off) {
        return (adaptationFlags(p, off) & 0x80) != 0;
    }

    /** random_access_indicator: the next PES starts a keyframe (for keyframe-aware cutting). */
    static boolean randomAccess(byte[] p, int off) {
        return (adaptationFlags(p, off) & 0x40) != 0;
    }

    static boolean hasPcr(byte[] p, int off) {
        return adaptationLength(p, off) >= 7 && (adaptationFlags(p, off) & 0x10) != 0;
    }

    /** The PCR in 27 MHz ticks (base * 300 + extension); only if {@link #hasPcr}. */
    static long pcr(byte[] p, int off) {
        int i = off + 6;
        long base = ((long) (p[i] & 0xFF) << 25)
                | ((long) (p[i + 1] & 0xFF) << 17)
                | ((long) (p[i + 2] & 0xFF) << 9)
                | ((long) (p[i + 3] & 0xFF) << 1)
                | ((p[i + 4] & 0x80) >>> 7);
        long ext = ((p[i + 4] & 0x01) << 8) | (p[i + 5] & 0xFF);
        return base * 300 + ext;
    }

    /** Writes a PCR (27 MHz ticks) into the 6 bytes at {@code i}. */
    static void writePcr(byte[] p, int i, long pcr27) {
        long base = (pcr27 / 300) & ((1L << 33) - 1);
        long ext = pcr27 % 300;
        p[i] = (byte) (base >>> 25);
        p[i + 1] = (byte) (base >>> 17);
        p[i + 2] = (byte) (base >>> 9);
        p[i + 3] = (byte) (base >>> 1);
        p[i + 4] = (byte) (((base & 1) << 7) | 0x7E | ((ext >>> 8) & 1));
        p[i + 5] = (byte) ext;
    }

    /** Forward distance from PCR {@code from} to {@code to}, modulo the 33-bit wrap. */
    static long pcrForward(long from, long to) {
        return Math.floorMod(to - from, PCR_WRAP);
    }

    static long pcrToNanos(long ticks) {
        // ticks < 2^33*300 ~ 2.6e12, * 1000 / 27 stays far below Long.MAX_VALUE
        return ticks * 1000 / 27;
    }

    /**
     * Whether {@code data} holds MPEG-TS aligned at {@code off}: a sync byte at {@code off} and
     * at each of the next {@code packets - 1} packet starts that lie before {@code end}.
     */
    static boolean syncsFrom(byte[] data, int off, int end, int packets) {
        for (int k = 0; k < packets; k++) {
            int i = off + k * SIZE;
            if (i >= end) {
                return true;
            }
            if (!isSync(data, i)) {
                return false;
            }
        }
        return true;
    }
}
