package org.minuteswarm.segmenter.feed;

import java.util.ArrayList;
import java.util.List;

/**
 * What the segmenter needs from the PSI of a single-program transport stream (ISO/IEC 13818-1,
 * 2.4.4.3 program_association_section, 2.4.4.8 TS_program_map_section): the PMT's PID from the
 * PAT, and from the PMT the PCR_PID and the elementary streams with their stream_type.
 *
 * @param pcrPid  the program's PCR_PID (0x1FFF: none)
 * @param streams elementary streams in PMT order
 */
record ProgramMap(int pcrPid, List<ElementaryStream> streams) {

    /** The kind of video coding, for finding keyframes in the PES payload. */
    enum VideoCodec { MPEG2, H264, H265, OTHER }

    /** One elementary stream of the program. */
    record ElementaryStream(int pid, int streamType, boolean video, boolean audio) {

        VideoCodec codec() {
            return switch (streamType) {
                case 0x01, 0x02 -> VideoCodec.MPEG2;
                case 0x1B -> VideoCodec.H264;
                case 0x24 -> VideoCodec.H265;
                default -> VideoCodec.OTHER;
            };
        }
    }

    ProgramMap {
        streams = List.copyOf(streams);
    }

    /** The first video stream, or null. */
    ElementaryStream video() {
        return streams.stream().filter(ElementaryStream::video).findFirst().orElse(null);
    }

    /** The first audio stream, or null. */
    ElementaryStream audio() {
        return streams.stream().filter(ElementaryStream::audio).findFirst().orElse(null);
    }

    /**
     * Offset of the section that starts in this packet (after the pointer_field), or -1 if the
     * packet starts no section or its section does not fit in the packet.
     */
    static int sectionStart(byte[] p, int off) {
        if (!TsPacket.payloadUnitStart(p, off)) {
            return -1;
        }
        int payload = TsPacket.payloadOffset(p, off);
        if (payload < 0) {
            return -1;
        }
        int s = payload + 1 + (p[payload] & 0xFF);
        if (s + 3 > off + TsPacket.SIZE) {
            return -1;
        }
        int length = ((p[s + 1] & 0x0F) << 8) | (p[s + 2] & 0xFF);
        return s + 3 + length <= off + TsPacket.SIZE && length >= 9 ? s : -1;
    }

    /** The PMT PID of the first program in a PAT packet, or -1. */
    static int pmtPid(byte[] p, int off) {
        int s = sectionStart(p, off);
        if (s < 0 || p[s] != 0x00) {
            return -1;
        }
        int end = s + 3 + (((p[s + 1] & 0x0F) << 8) | (p[s + 2] & 0xFF)) - 4;
        for (int i = s + 8; i + 4 <= end; i += 4) {
            int program = ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
            if (program != 0) { // program 0 points at the network PID
                return ((p[i + 2] & 0x1F) << 8) | (p[i + 3] & 0xFF);
            }
        }
        return -1;
    }

    /** The program map in a PMT packet, or null if the packet holds no whole PMT section. */
    static ProgramMap parsePmt(byte[] p, int off) {
        int s = sectionStart(p, off);
        if (s < 0 || p[s] != 0x02) {
            return null;
        }
        int end = s + 3 + (((p[s + 1] & 0x0F) << 8) | (p[s + 2] & 0xFF)) - 4;
        if (end < s + 12 || Mpeg2Crc32.of(p, s, end + 4 - s) != 0) {
            return null; // a damaged section: keep the map we have
        }
        int pcrPid = ((p[s + 8] & 0x1F) << 8) | (p[s + 9] & 0xFF);
        int i = s + 12 + (((p[s + 10] & 0x0F) << 8) | (p[s + 11] & 0xFF));
        List<ElementaryStream> streams = new ArrayList<>();
        while (i + 5 <= end) {
            int type = p[i] & 0xFF;
            int pid = ((p[i + 1] & 0x1F) << 8) | (p[i + 2] & 0xFF);
            int infoLength = ((p[i + 3] & 0x0F) << 8) | (p[i + 4] & 0xFF);
            boolean audioDescriptor = false;
            for (int d = i + 5; d + 2 <= Math.min(end, i + 5 + infoLength); d += 2 + (p[d + 1] & 0xFF)) {
                int tag = p[d] & 0xFF;
                // AC-3, enhanced AC-3, DTS, AAC descriptors (ETSI EN 300 468, annex D and H)
                audioDescriptor |= tag == 0x6A || tag == 0x7A || tag == 0x7B || tag == 0x7C;
            }
            streams.add(new ElementaryStream(pid, type, isVideo(type), isAudio(type) || type == 0x06 && audioDescriptor));
            i += 5 + infoLength;
        }
        return new ProgramMap(pcrPid, streams);
    }

    private static boolean isVideo(int type) {
        // MPEG-1/2 video, MPEG-4 part 2, H.264, H.265, AVS2, VC-1
        return type == 0x01 || type == 0x02 || type == 0x10 || type == 0x1B || type == 0x24 || type == 0xD2
                || type == 0xEA;
    }

    private static boolean isAudio(int type) {
        // MPEG-1/2 audio, AAC ADTS, AAC LATM, AC-3, DTS, E-AC-3 (ATSC)
        return type == 0x03 || type == 0x04 || type == 0x0F || type == 0x11 || type == 0x81 || type == 0x82
                || type == 0x87;
    }
}
