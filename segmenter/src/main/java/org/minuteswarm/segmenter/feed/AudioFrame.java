package org.minuteswarm.segmenter.feed;

/**
 * Frame headers of the audio that internet radio sends: MPEG-1/2/2.5 audio layers I-III (ISO/IEC
 * 11172-3 2.4.2.3, ISO/IEC 13818-3; MP3 is layer III) and AAC in ADTS (ISO/IEC 13818-7 6.2, the
 * adts_fixed_header and adts_variable_header). Static helpers that look at a header in place:
 * the cutter reads every frame and must not allocate per frame.
 *
 * <p>A header is summed up in an int <em>signature</em> of the fields that stay the same for the
 * whole stream (format, version, layer, sample rate, channels): a sync pattern in the middle of
 * the data is a real frame only if its signature matches the stream's.
 */
final class AudioFrame {

    /** Bytes needed to read any header. */
    static final int HEADER_BYTES = 7;
    /** ID3v2 tag header (id3.org, ID3v2.4 structure, 3.1). */
    static final int ID3_HEADER_BYTES = 10;

    private static final int[][] MPEG_BITRATES_KBPS = {
        {32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448}, // V1 L1
        {32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384}, // V1 L2
        {32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}, // V1 L3
        {32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256}, // V2 L1
        {8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}, // V2 L2 and L3
    };
    private static final int[] MPEG1_RATES = {44100, 48000, 32000};
    private static final int[] ADTS_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
        11025, 8000, 7350};

    private AudioFrame() {
    }

    private static boolean isAdts(byte[] b, int i) {
        return (b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xF6) == 0xF0; // 12-bit sync, layer 00
    }

    private static boolean isMpeg(byte[] b, int i) {
        return (b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xE0) == 0xE0 && (b[i + 1] & 0x06) != 0;
    }

    /** The signature of a valid header at {@code i} (needs {@link #HEADER_BYTES}), or -1. */
    static int signature(byte[] b, int i) {
        if (isAdts(b, i)) {
            int profile = (b[i + 2] & 0xC0) >>> 6;
            int rate = (b[i + 2] & 0x3C) >>> 2;
            int channels = ((b[i + 2] & 0x01) << 2) | ((b[i + 3] & 0xC0) >>> 6);
            if (rate >= ADTS_RATES.length || frameLength(b, i) < ((b[i + 1] & 0x01) == 0 ? 9 : 7) + 1) {
                return -1;
            }
            return 0x10000 | (profile << 8) | (rate << 3) | channels;
        }
        if (isMpeg(b, i)) {
            int version = (b[i + 1] & 0x18) >>> 3;
            int layer = (b[i + 1] & 0x06) >>> 1;
            int bitrate = (b[i + 2] & 0xF0) >>> 4;
            int rate = (b[i + 2] & 0x0C) >>> 2;
            if (version == 1 || bitrate == 0 || bitrate == 15 || rate == 3 || (b[i + 3] & 0x03) == 2) {
                return -1; // reserved version, free format, bad bitrate or rate, reserved emphasis
            }
            return 0x20000 | (version << 6) | (layer << 4) | rate;
        }
        return -1;
    }

    static boolean isAdtsSignature(int signature) {
        return (signature & 0x10000) != 0;
    }

    /** Bytes in the frame whose valid header is at {@code i}. */
    static int frameLength(byte[] b, int i) {
        if (isAdts(b, i)) {
            return ((b[i + 3] & 0x03) << 11) | ((b[i + 4] & 0xFF) << 3) | ((b[i + 5] & 0xE0) >>> 5);
        }
        int version = (b[i + 1] & 0x18) >>> 3;
        int layer = (b[i + 1] & 0x06) >>> 1; // 3: layer I, 2: layer II, 1: layer III
        int kbps = MPEG_BITRATES_KBPS[version == 3 ? 3 - layer : layer == 3 ? 3 : 4][((b[i + 2] & 0xF0) >>> 4) - 1];
        int rate = sampleRate(b, i);
        int padding = (b[i + 2] & 0x02) >>> 1;
        if (layer == 3) {
            return (12 * kbps * 1000 / rate + padding) * 4;
        }
        int perSample = layer == 1 && version != 3 ? 72 : 144;
        return perSample * kbps * 1000 / rate + padding;
    }

    /** Samples per channel the frame decodes to. */
    static int samples(byte[] b, int i) {
        if (isAdts(b, i)) {
            return 1024 * ((b[i + 6] & 0x03) + 1);
        }
        int version = (b[i + 1] & 0x18) >>> 3;
        int layer = (b[i + 1] & 0x06) >>> 1;
        return layer == 3 ? 384 : layer == 1 && version != 3 ? 576 : 1152;
    }

    static int sampleRate(byte[] b, int i) {
        if (isAdts(b, i)) {
            return ADTS_RATES[(b[i + 2] & 0x3C) >>> 2];
        }
        int version = (b[i + 1] & 0x18) >>> 3;
        int base = MPEG1_RATES[(b[i + 2] & 0x0C) >>> 2];
        return version == 3 ? base : version == 2 ? base / 2 : base / 4;
    }

    /** Whether an ID3v2 tag starts at {@code i} (needs {@link #ID3_HEADER_BYTES}). */
    static boolean isId3(byte[] b, int i) {
        return b[i] == 'I' && b[i + 1] == 'D' && b[i + 2] == '3' && (b[i + 3] & 0xFF) < 0xFF
                && (b[i + 5] & 0x0F) == 0 && ((b[i + 6] | b[i + 7] | b[i + 8] | b[i + 9]) & 0x80) == 0;
    }

    /** Bytes in the ID3v2 tag at {@code i}: header, syncsafe size, footer if flagged. */
    static int id3Length(byte[] b, int i) {
        int size = ((b[i + 6] & 0x7F) << 21) | ((b[i + 7] & 0x7F) << 14) | ((b[i + 8] & 0x7F) << 7) | (b[i + 9] & 0x7F);
        return ID3_HEADER_BYTES + size + ((b[i + 5] & 0x10) != 0 ? 10 : 0);
    }

    /**
     * Whether {@code head} starts an MP3 or ADTS stream: an ID3v2 tag at its start, or, at some
     * offset, {@code frames} frames in a row with one signature (fewer if the whole feed is shorter).
     */
    static boolean looksLikeAudio(byte[] head, int len, boolean wholeFeed, int frames) {
        if (len >= ID3_HEADER_BYTES && isId3(head, 0)) {
            return true;
        }
        for (int off = 0; off + HEADER_BYTES <= len; off++) {
            int sig = signature(head, off);
            if (sig < 0) {
                continue;
            }
            int n = 1;
            int at = off + frameLength(head, off);
            while (n < frames && at + HEADER_BYTES <= len && signature(head, at) == sig) {
                n++;
                at += frameLength(head, at);
            }
            if (n >= frames || wholeFeed && at == len && n >= 2) {
                return true;
            }
        }
        return false;
    }
}
