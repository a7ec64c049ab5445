package org.minuteswarm.segmenter.feed;

/**
 * The start of a PES packet in the payload of a transport packet (ISO/IEC 13818-1, 2.4.3.6):
 * its timestamps and where the elementary stream data begins. Parsed only from packets that
 * start a PES (payload_unit_start_indicator) on the PID that times the cut.
 */
final class PesHeader {

    /** Wrap of the 33-bit, 90 kHz PTS and DTS. */
    static final long TIMESTAMP_WRAP = 1L << 33;

    /** PTS, or -1 if none. */
    long pts = -1;
    /** DTS, or the PTS if none, or -1. */
    long dts = -1;
    /** PES_packet_length (0: unbounded, as for video). */
    int packetLength;
    /**
     * Bytes of PES header that lie beyond this packet (0 in practice): elementary stream data
     * starts that far into the next packet of the PID.
     */
    int headerBytesAfterPacket;
    /** Offset of the elementary stream data in this packet; off + 188 if none is in it. */
    int dataStart;

    /** Parses the PES start in this packet; false if it does not begin with a PES start code. */
    boolean parse(byte[] p, int off) {
        pts = -1;
        dts = -1;
        packetLength = 0;
        headerBytesAfterPacket = 0;
        int end = off + TsPacket.SIZE;
        int i = TsPacket.payloadOffset(p, off);
        if (i < 0 || i + 6 > end || p[i] != 0 || p[i + 1] != 0 || p[i + 2] != 1) {
            dataStart = end;
            return false;
        }
        int streamId = p[i + 3] & 0xFF;
        packetLength = ((p[i + 4] & 0xFF) << 8) | (p[i + 5] & 0xFF);
        boolean optionalHeader = streamId != 0xBC && streamId != 0xBE && streamId != 0xBF && streamId != 0xF0
                && streamId != 0xF1 && streamId != 0xFF && streamId != 0xF2 && streamId != 0xF8;
        if (!optionalHeader) {
            dataStart = i + 6;
            return true;
        }
        if (i + 9 > end) {
            dataStart = end;
            headerBytesAfterPacket = i + 9 - end; // too short to know: the data start is a guess
            return true;
        }
        int flags = (p[i + 7] & 0xC0) >>> 6;
        int headerEnd = i + 9 + (p[i + 8] & 0xFF);
        if ((flags & 0x2) != 0 && i + 14 <= end) {
            pts = timestamp(p, i + 9);
            dts = pts;
        }
        if (flags == 0x3 && i + 19 <= end) {
            dts = timestamp(p, i + 14);
        }
        dataStart = Math.min(headerEnd, end);
        headerBytesAfterPacket = Math.max(0, headerEnd - end);
        return true;
    }

    private static long timestamp(byte[] p, int i) {
        return ((long) (p[i] & 0x0E) << 29)
                | ((long) (p[i + 1] & 0xFF) << 22)
                | ((long) (p[i + 2] & 0xFE) << 14)
                | ((long) (p[i + 3] & 0xFF) << 7)
                | ((p[i + 4] & 0xFE) >>> 1);
    }
}
