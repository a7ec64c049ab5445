package org.minuteswarm.segmenter.feed;

import java.io.ByteArrayOutputStream;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * A valid, deterministic MPEG-TS stream at a constant bit rate, for tests, benchmarks and demos.
 *
 * <p>One program: PAT (PID 0) and PMT (PID {@value #PMT_PID}) every 100 ms, and one H.264
 * video PID ({@value #VIDEO_PID}, also the PCR_PID) carrying a PES packet per 40 ms "frame"
 * (25 fps). The first packet of each frame carries the PCR in its adaptation field and a PES
 * header with a PTS; every 25th frame (once per second) is flagged as a random access point,
 * as a keyframe would be. Payload bytes come from a PRNG seeded by the caller, so the same
 * arguments give the same bytes. Continuity counters count per PID.
 *
 * <p>Packet k goes out at exactly k * 1504 / bitrate seconds, and its PCR says so; "cut every
 * 2 s of PCR time" therefore gives segments of about bitrate * 2 / 8 bytes.
 */
public final class SyntheticTs {

    public static final int PMT_PID = 0x1000;
    public static final int VIDEO_PID = 0x0100;
    /** Lowest bit rate: enough packets for PSI and a PCR every ~100 ms. */
    public static final long MIN_BITS_PER_SECOND = 100_000;

    private static final long FRAME_NANOS = 40_000_000L;
    private static final long PSI_INTERVAL_NANOS = 100_000_000L;
    private static final int FRAMES_PER_KEYFRAME = 25;
    private static final int STREAM_TYPE_H264 = 0x1B;
    private static final int PROGRAM_NUMBER = 1;
    /** PTS runs ahead of the PCR by a typical decoder delay. */
    private static final long PTS_OFFSET_90K = 90_000 * 7 / 10;

    private final long bitsPerSecond;
    private final SplittableRandom random;
    private final byte[] pat = psiPacket(PidTables.pat());
    private final byte[] pmt = psiPacket(PidTables.pmt());
    private long packetIndex;
    private long lastFrame = -1;
    private long lastPsi = -1;
    private boolean pmtPending;
    private int patCc;
    private int pmtCc;
    private int videoCc;

    private SyntheticTs(long bitsPerSecond, long seed) {
        if (bitsPerSecond < MIN_BITS_PER_SECOND) {
            throw new IllegalArgumentException("bit rate must be >= " + MIN_BITS_PER_SECOND + ": " + bitsPerSecond);
        }
        this.bitsPerSecond = bitsPerSecond;
        this.random = new SplittableRandom(seed);
    }

    /** {@code length} of stream at {@code bitsPerSecond}: ceil(length * rate / 1504) packets. */
    public static byte[] generate(long bitsPerSecond, Duration length, long seed) {
        SyntheticTs ts = new SyntheticTs(bitsPerSecond, seed);
        long packets = packetsFor(bitsPerSecond, length);
        if (packets * TsPacket.SIZE > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too long for one array: " + length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) (packets * TsPacket.SIZE));
        byte[] p = new byte[TsPacket.SIZE];
        for (long i = 0; i < packets; i++) {
            ts.nextPacket(p);
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    /** An endless feed of this stream, released at real time (paced by its PCR) via the clock. */
    public static Feed liveFeed(long bitsPerSecond, long seed, Clock clock) {
        return liveFeed(bitsPerSecond, seed, clock, Sleeper.system());
    }

    /** {@link #liveFeed(long, long, Clock)} waiting through the given sleeper. */
    public static Feed liveFeed(long bitsPerSecond, long seed, Clock clock, Sleeper sleeper) {
        return new LiveFeed(new SyntheticTs(bitsPerSecond, seed), clock, sleeper);
    }

    static long packetsFor(long bitsPerSecond, Duration length) {
        long bits = Math.multiplyExact(length.toNanos(), bitsPerSecond);
        long denominator = 1_000_000_000L * TsPacket.SIZE * 8;
        return (bits + denominator - 1) / denominator;
    }

    /** Stream time of packet k in nanoseconds. */
    private long nanosOf(long k) {
        return (long) ((double) k * TsPacket.SIZE * 8 * 1e9 / bitsPerSecond);
    }

    /** Writes the next packet of the stream into {@code p} (188 bytes). */
    void nextPacket(byte[] p) {
        long t = nanosOf(packetIndex++);
        long psi = t / PSI_INTERVAL_NANOS;
        if (psi != lastPsi) {
            lastPsi = psi;
            pmtPending = true;
            System.arraycopy(pat, 0, p, 0, TsPacket.SIZE);
            p[3] = (byte) (0x10 | patCc);
            patCc = (patCc + 1) & 0x0F;
            return;
        }
        if (pmtPending) {
            pmtPending = false;
            System.arraycopy(pmt, 0, p, 0, TsPacket.SIZE);
            p[3] = (byte) (0x10 | pmtCc);
            pmtCc = (pmtCc + 1) & 0x0F;
            return;
        }
        long frame = t / FRAME_NANOS;
        if (frame != lastFrame) {
            lastFrame = frame;
            frameStart(p, t, frame % FRAMES_PER_KEYFRAME == 0);
        } else {
            p[0] = TsPacket.SYNC_BYTE;
            p[1] = (byte) (VIDEO_PID >>> 8);
            p[2] = (byte) VIDEO_PID;
            p[3] = (byte) (0x10 | videoCc);
            fillRandom(p, 4);
        }
        videoCc = (videoCc + 1) & 0x0F;
    }

    /** First packet of a frame: adaptation field with PCR, then a PES header with PTS. */
    private void frameStart(byte[] p, long t, boolean keyframe) {
        p[0] = TsPacket.SYNC_BYTE;
        p[1] = (byte) (0x40 | (VIDEO_PID >>> 8)); // payload_unit_start_indicator
        p[2] = (byte) VIDEO_PID;
        p[3] = (byte) (0x30 | videoCc); // adaptation field and payload
        p[4] = 7; // adaptation_field_length: flags + 6 PCR bytes
        p[5] = (byte) (0x10 | (keyframe ? 0x40 : 0)); // PCR_flag, random_access_indicator
        long pcr27 = t * 27 / 1000;
        TsPacket.writePcr(p, 6, pcr27);
        int i = 12;
        long pts = (pcr27 / 300 + PTS_OFFSET_90K) & ((1L << 33) - 1);
        // PES header (ISO/IEC 13818-1, 2.4.3.6): start code, stream_id 0xE0, length 0 (unbounded video)
        p[i++] = 0;
        p[i++] = 0;
        p[i++] = 1;
        p[i++] = (byte) 0xE0;
        p[i++] = 0;
        p[i++] = 0;
        p[i++] = (byte) 0x80; // '10' marker, no scrambling
        p[i++] = (byte) 0x80; // PTS only
        p[i++] = 5; // PES_header_data_length
        p[i++] = (byte) (0x21 | ((pts >>> 29) & 0x0E));
        p[i++] = (byte) (pts >>> 22);
        p[i++] = (byte) (0x01 | ((pts >>> 14) & 0xFE));
        p[i++] = (byte) (pts >>> 7);
        p[i++] = (byte) (0x01 | ((pts << 1) & 0xFE));
        // an access unit delimiter NAL, so H.264 parsers see frame starts
        p[i++] = 0;
        p[i++] = 0;
        p[i++] = 0;
        p[i++] = 1;
        p[i++] = 0x09;
        p[i++] = (byte) 0xF0;
        fillRandom(p, i);
    }

    /**
     * Payload bytes from the PRNG. Zero bytes are avoided so the payload holds no H.264 start
     * code (00 00 01) a parser would stumble on.
     */
    private void fillRandom(byte[] p, int from) {
        for (int i = from; i < TsPacket.SIZE; i++) {
            p[i] = (byte) (1 + random.nextInt(255));
        }
    }

    /** A PSI packet: pointer_field 0, the section, then 0xFF stuffing. Continuity counter set later. */
    private static byte[] psiPacket(byte[] section) {
        byte[] p = new byte[TsPacket.SIZE];
        java.util.Arrays.fill(p, (byte) 0xFF);
        int pid = section[0] == 0 ? TsPacket.PID_PAT : PMT_PID;
        p[0] = TsPacket.SYNC_BYTE;
        p[1] = (byte) (0x40 | (pid >>> 8));
        p[2] = (byte) pid;
        p[3] = 0x10;
        p[4] = 0; // pointer_field
        System.arraycopy(section, 0, p, 5, section.length);
        return p;
    }

    /** PAT and PMT sections (ISO/IEC 13818-1, 2.4.4.3 and 2.4.4.8) with their CRC_32. */
    private static final class PidTables {

        static byte[] pat() {
            byte[] s = {
                0x00, // table_id: program_association_section
                (byte) 0xB0, 13, // section_syntax_indicator, section_length
                0x00, 0x01, // transport_stream_id
                (byte) 0xC1, // version 0, current_next_indicator
                0x00, 0x00, // section_number, last_section_number
                0x00, PROGRAM_NUMBER,
                (byte) (0xE0 | (PMT_PID >>> 8)), (byte) PMT_PID,
                0, 0, 0, 0, // CRC_32
            };
            return withCrc(s);
        }

        static byte[] pmt() {
            byte[] s = {
                0x02, // table_id: TS_program_map_section
                (byte) 0xB0, 18, // section_length
                0x00, PROGRAM_NUMBER,
                (byte) 0xC1,
                0x00, 0x00,
                (byte) (0xE0 | (VIDEO_PID >>> 8)), (byte) VIDEO_PID, // PCR_PID
                (byte) 0xF0, 0x00, // program_info_length 0
                STREAM_TYPE_H264,
                (byte) (0xE0 | (VIDEO_PID >>> 8)), (byte) VIDEO_PID,
                (byte) 0xF0, 0x00, // ES_info_length 0
                0, 0, 0, 0,
            };
            return withCrc(s);
        }

        private static byte[] withCrc(byte[] s) {
            int crc = Mpeg2Crc32.of(s, 0, s.length - 4);
            s[s.length - 4] = (byte) (crc >>> 24);
            s[s.length - 3] = (byte) (crc >>> 16);
            s[s.length - 2] = (byte) (crc >>> 8);
            s[s.length - 1] = (byte) crc;
            return s;
        }
    }

    /** Endless, paced by PCR: a packet carrying a PCR is released when it is due. */
    private static final class LiveFeed implements Feed {
        private final SyntheticTs ts;
        private final Pacer pacer;
        private final byte[] packet = new byte[TsPacket.SIZE];
        private int packetPos = TsPacket.SIZE;
        private volatile boolean closed;

        LiveFeed(SyntheticTs ts, Clock clock, Sleeper sleeper) {
            this.ts = ts;
            this.pacer = new Pacer(clock, sleeper, () -> closed);
        }

        @Override
        public int read(byte[] buf, int off, int len) throws InterruptedIOException {
            int n = 0;
            while (n < len && !closed) {
                if (packetPos == TsPacket.SIZE) {
                    ts.nextPacket(packet);
                    packetPos = 0;
                    if (TsPacket.hasPcr(packet, 0)) {
                        if (n > 0) {
                            packetPos = -1; // due later: hand out what we have first
                            return n;
                        }
                        pacer.awaitPcr(TsPacket.pcr(packet, 0));
                    }
                } else if (packetPos < 0) {
                    packetPos = 0;
                    pacer.awaitPcr(TsPacket.pcr(packet, 0));
                    continue;
                }
                int c = Math.min(len - n, TsPacket.SIZE - packetPos);
                System.arraycopy(packet, packetPos, buf, off + n, c);
                packetPos += c;
                n += c;
            }
            return n == 0 && closed ? -1 : n;
        }

        @Override
        public String describe() {
            return "synthetic MPEG-TS at " + ts.bitsPerSecond + " bit/s";
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
