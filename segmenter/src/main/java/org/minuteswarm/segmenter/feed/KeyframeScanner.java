package org.minuteswarm.segmenter.feed;

/**
 * Tells from the elementary stream data at the start of a video PES whether it begins a
 * picture a decoder can start on, for streams whose muxer does not set the
 * random_access_indicator. It follows start codes (00 00 01) across packets up to the first
 * picture: an H.264 IDR slice (nal_unit_type 5, ITU-T H.264 7.4.1.2), an H.265 IRAP picture
 * (nal_unit_type 16..23, ITU-T H.265 7.4.2.2), or an MPEG-2 sequence header before the picture
 * (ISO/IEC 13818-2 6.2.2). Emulation prevention keeps start codes out of NAL payloads, so the
 * first start code after the PES header is a real one.
 */
final class KeyframeScanner {

    enum Verdict { KEYFRAME, NOT_KEYFRAME, UNKNOWN }

    /** Data scanned before giving up (large SEI or user data before the first slice). */
    static final int MAX_SCAN_BYTES = 64 * 1024;

    private ProgramMap.VideoCodec codec;
    private int zeros;
    private boolean afterStartCode;
    private int skip;
    private int scanned;
    private Verdict verdict = Verdict.UNKNOWN;

    /** Starts on a new PES; {@code skip} bytes of header still to come before the data. */
    void start(ProgramMap.VideoCodec codec, int skip) {
        this.codec = codec;
        this.skip = skip;
        zeros = 0;
        afterStartCode = false;
        scanned = 0;
        verdict = codec == ProgramMap.VideoCodec.OTHER ? Verdict.NOT_KEYFRAME : Verdict.UNKNOWN;
    }

    Verdict verdict() {
        return verdict;
    }

    /** Scans more data of the PES; returns the verdict so far. */
    Verdict scan(byte[] b, int from, int to) {
        for (int i = from; i < to && verdict == Verdict.UNKNOWN; i++) {
            if (skip > 0) {
                skip--;
                continue;
            }
            if (++scanned > MAX_SCAN_BYTES) {
                verdict = Verdict.NOT_KEYFRAME;
                break;
            }
            int v = b[i] & 0xFF;
            if (afterStartCode) {
                afterStartCode = false;
                verdict = classify(v);
                zeros = v == 0 ? 1 : 0;
                continue;
            }
            if (v == 0) {
                zeros++;
            } else {
                afterStartCode = v == 1 && zeros >= 2;
                zeros = 0;
            }
        }
        return verdict;
    }

    /** The first byte after a start code: a NAL unit header or an MPEG-2 start code value. */
    private Verdict classify(int v) {
        switch (codec) {
            case H264: {
                int type = v & 0x1F;
                if (type == 5) {
                    return Verdict.KEYFRAME;
                }
                return type >= 1 && type <= 4 ? Verdict.NOT_KEYFRAME : Verdict.UNKNOWN;
            }
            case H265: {
                int type = (v >>> 1) & 0x3F;
                if (type >= 16 && type <= 23) {
                    return Verdict.KEYFRAME;
                }
                return type <= 31 ? Verdict.NOT_KEYFRAME : Verdict.UNKNOWN;
            }
            case MPEG2:
                if (v == 0xB3) {
                    return Verdict.KEYFRAME; // sequence header: a GOP a decoder can start on
                }
                return v == 0x00 ? Verdict.NOT_KEYFRAME : Verdict.UNKNOWN; // picture_start_code
            default:
                return Verdict.NOT_KEYFRAME;
        }
    }
}
