package org.minuteswarm.segmenter.feed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * A file as a feed: read once or replayed forever, optionally paced at its real-time rate.
 *
 * <p>Pacing: an MPEG-TS file is paced by its PCR (see {@link Pacer}); the feed hands out bytes
 * up to the next packet carrying a PCR, waits until that packet is due, and so on. An MP3 or AAC
 * (ADTS) file is paced frame by frame by its sample counts. A file with no timestamps has no
 * rate of its own; it is paced at {@link #UNTIMED_BITS_PER_SECOND}
 * (1 Mbit/s), a rate typical for a standard-definition stream. Each replay restarts the pacing
 * base, since the file's PCRs start over at the seam. A trailing partial packet is handed out
 * unchanged (the segmenter drops it).
 */
final class FileFeed implements Feed {

    /** Pace for files that are not MPEG-TS, whose duration is unknown. */
    static final long UNTIMED_BITS_PER_SECOND = 1_000_000;
    private static final int BUFFER_BYTES = 64 * 1024;
    /** Largest untimed chunk released at once: 16 KiB is ~130 ms at 1 Mbit/s. */
    private static final int UNTIMED_CHUNK_BYTES = 16 * 1024;
    /** Bytes kept ahead when pacing audio: the longest frame (ADTS: 13-bit length) and a header. */
    private static final int AUDIO_LOOKAHEAD_BYTES = 8192 + AudioFrame.ID3_HEADER_BYTES;

    private final Path path;
    private final FileChannel channel;
    private final boolean loop;
    private final Pacer pacer;
    private final boolean ts;
    private final int firstPacketOffset;
    /** MP3 or AAC (ADTS): paced frame by frame. */
    private final boolean audio;
    /** Media time of the next audio frame, in 27 MHz ticks (the pacer's unit). */
    private long audioTicks;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private volatile boolean closed;
    private long replays;

    /** Bytes in {@code buffer[pos, limit)} are unreleased; {@code [pos, releasable)} may go out now. */
    private int pos;
    private int releasable;
    /** Offset in the buffer of the next packet start to inspect (TS only). */
    private int nextPacket;
    private boolean eof;

    FileFeed(Path path, boolean loop, boolean paced, Clock clock, Sleeper sleeper) throws IOException {
        this.path = path;
        this.loop = loop;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.pacer = paced ? new Pacer(clock, sleeper, () -> closed) : null;
        byte[] head = new byte[Segmenter.DETECT_WINDOW_BYTES];
        int n = readFully(head);
        this.ts = Segmenter.looksLikeTs(head, n, n < head.length);
        this.audio = !ts && AudioFrame.looksLikeAudio(head, n, n < head.length, Segmenter.DETECT_AUDIO_FRAMES);
        this.firstPacketOffset = ts ? firstSync(head, n) : 0;
        channel.position(0);
        buffer.limit(0);
        nextPacket = firstPacketOffset;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!closed) {
            if (pos < releasable) {
                int n = Math.min(len, releasable - pos);
                buffer.get(pos, buf, off, n);
                pos += n;
                return n;
            }
            if (!advance()) {
                return -1;
            }
        }
        return -1;
    }

    /** Makes more bytes releasable, pacing as needed; false at the end of a non-looped file. */
    private boolean advance() throws IOException {
        int limit = buffer.limit();
        boolean short_ = ts ? limit - pos < TsPacket.SIZE : audio && limit - pos < AUDIO_LOOKAHEAD_BYTES;
        if (pos == limit || (pacer != null && short_ && !eof)) {
            if (eof && pos == limit) {
                if (!loop) {
                    return false;
                }
                seam();
                return true;
            }
            fill();
            return true;
        }
        if (pacer == null) {
            releasable = limit;
            return true;
        }
        if (audio) {
            releaseNextAudioFrame(limit);
            return true;
        }
        if (!ts) {
            int n = Math.min(limit - pos, UNTIMED_CHUNK_BYTES);
            pacer.awaitBytes(n, UNTIMED_BITS_PER_SECOND);
            releasable = pos + n;
            return true;
        }
        releaseUpToNextPcr(limit);
        return true;
    }

    /**
     * Makes {@code [pos, p)} releasable, where p is the next packet start after pos that
     * carries a PCR or is incomplete in the buffer; waits first if the packet at pos carries a
     * PCR.
     */
    private void releaseUpToNextPcr(int limit) throws IOException {
        byte[] a = buffer.array();
        if (nextPacket < pos) {
            nextPacket = pos; // should not happen; realign on what we have
        }
        if (nextPacket > pos) {
            releasable = Math.min(nextPacket, limit); // bytes before the next packet start (garbage)
            return;
        }
        if (limit - pos < TsPacket.SIZE) {
            releasable = limit; // trailing partial packet at end of file
            nextPacket = limit;
            return;
        }
        if (!TsPacket.isSync(a, pos)) {
            nextPacket = resync(a, pos + 1, limit);
            releasable = nextPacket;
            return;
        }
        if (TsPacket.hasPcr(a, pos)) {
            pacer.awaitPcr(TsPacket.pcr(a, pos));
        }
        int p = pos + TsPacket.SIZE;
        while (p + TsPacket.SIZE <= limit && TsPacket.isSync(a, p) && !TsPacket.hasPcr(a, p)) {
            p += TsPacket.SIZE;
        }
        nextPacket = p;
        releasable = p;
    }

    /**
     * Makes the next audio frame releasable once its media time is due: the frames before it
     * are paced by their sample counts (samples per frame / sample rate), the media's own clock.
     * Bytes that are not a frame (an ID3 tag, garbage, a partial last frame) go out at once.
     */
    private void releaseNextAudioFrame(int limit) throws IOException {
        byte[] a = buffer.array();
        int avail = limit - pos;
        if (avail >= AudioFrame.ID3_HEADER_BYTES && AudioFrame.isId3(a, pos)) {
            releasable = (int) Math.min(limit, (long) pos + AudioFrame.id3Length(a, pos));
            return;
        }
        if (avail >= AudioFrame.HEADER_BYTES && AudioFrame.signature(a, pos) >= 0) {
            int len = AudioFrame.frameLength(a, pos);
            if (len <= avail) {
                pacer.awaitPcr(audioTicks % TsPacket.PCR_WRAP);
                audioTicks += AudioFrame.samples(a, pos) * TsPacket.PCR_HZ / AudioFrame.sampleRate(a, pos);
                releasable = pos + len;
                return;
            }
        }
        int next = pos + 1;
        while (next + AudioFrame.HEADER_BYTES <= limit && AudioFrame.signature(a, next) < 0) {
            next++;
        }
        releasable = next + AudioFrame.HEADER_BYTES <= limit ? next : limit;
    }

    /** Next index at or after from that looks like a packet start; limit if none. */
    private static int resync(byte[] a, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (TsPacket.isSync(a, i) && (i + TsPacket.SIZE >= limit || TsPacket.isSync(a, i + TsPacket.SIZE))) {
                return i;
            }
        }
        return limit;
    }

    /** Moves unreleased bytes to the front of the buffer and reads more of the file. */
    private void fill() throws IOException {
        int shift = pos;
        buffer.position(pos);
        buffer.compact();
        int r = channel.read(buffer);
        buffer.flip();
        pos = 0;
        releasable = 0;
        nextPacket = Math.max(0, nextPacket - shift);
        if (r < 0) {
            eof = true;
        }
    }

    /** End of file in loop mode: start over, and restart the pacing base. */
    private void seam() throws IOException {
        channel.position(0);
        buffer.clear().limit(0);
        pos = 0;
        releasable = 0;
        nextPacket = firstPacketOffset;
        eof = false;
        replays++;
        if (pacer != null) {
            pacer.restart();
        }
    }

    long replays() {
        return replays;
    }

    boolean isTs() {
        return ts;
    }

    @Override
    public String describe() {
        return path + (loop ? " (loop)" : "");
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }

    private int readFully(byte[] head) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(head);
        while (b.hasRemaining() && channel.read(b) >= 0) {
            // keep reading
        }
        return b.position();
    }

    private static int firstSync(byte[] head, int n) {
        for (int i = 0; i < n; i++) {
            if (TsPacket.syncsFrom(head, i, n, Segmenter.DETECT_PACKETS_SHORT_FEED)) {
                return i;
            }
        }
        return 0;
    }
}
