package org.minuteswarm.segmenter.feed;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts an MP3 or AAC (ADTS) stream, as internet radio sends it, at frame boundaries by its own
 * clock: the samples in the frames (samples per frame / sample rate). Every frame stands alone
 * (ADTS frames fully; MP3 frames but for the bit reservoir, which decoders tolerate at a start),
 * so every segment plays alone.
 *
 * <p>Design, as {@link TsPacketAligner} for packets: bytes go into one buffer and frames are
 * handed out in place. While in sync, a frame goes out once the header after it is seen and has
 * the stream's signature ({@link AudioFrame#signature}), so a frame cut short is caught before it
 * reaches a segment; at end of feed a last frame goes out if it is whole. On a mismatch the cutter
 * searches for the next header followed by two more of the same signature, and drops the
 * bytes in between: garbage, a broken frame, or ID3v2 tags (sent before the audio and, by a
 * looped file, at every seam), which are not audio. Every decision waits for the bytes it needs,
 * so the output does not depend on how the input was split.
 *
 * <p>Boundaries are due at whole multiples of the segment duration of media time, so cuts do not
 * drift: each segment is within one frame (about 26 ms) of the target.
 */
final class AudioCutter implements Cutter {

    private static final Logger LOG = LoggerFactory.getLogger(AudioCutter.class);
    /** Largest ID3v2 tag skipped whole (cover art included); a bigger one is treated as garbage. */
    static final int MAX_TAG_BYTES = 4 * 1024 * 1024;
    private static final int NONE = Integer.MIN_VALUE;
    /** Frame headers in a row needed to (re)gain sync. */
    static final int RESYNC_CONFIRM_FRAMES = 3;

    private final long segmentNanos;
    private final Path workDir;
    private final SegmentSink sink;

    private byte[] data = new byte[64 * 1024];
    private int start;
    private int end;
    private boolean synced;
    /** The stream's signature, fixed by its first frames; -1 before. */
    private int signature = -1;
    private boolean inDropRun;
    private volatile long bytesDropped;
    private volatile long dropRuns;
    private long tags;

    private SegmentFile current;
    private Instant arrival;
    private int sampleRate;
    /** Samples since the first frame: media time without rounding drift. */
    private long samples;
    private long segmentStartSamples;
    private long nextCutNanos;

    AudioCutter(SegmenterConfig config, SegmentSink sink) {
        this.segmentNanos = config.segmentDuration().toNanos();
        this.workDir = config.workDir();
        this.sink = sink;
        this.nextCutNanos = segmentNanos;
    }

    @Override
    public void accept(byte[] buf, int off, int len, Instant arrival) throws IOException {
        this.arrival = arrival;
        if (end + len > data.length) {
            int live = end - start;
            if (live + len > data.length) {
                data = Arrays.copyOfRange(data, start, start + Math.max(2 * data.length, live + len));
            } else {
                System.arraycopy(data, start, data, 0, live);
            }
            start = 0;
            end = live;
        }
        System.arraycopy(buf, off, data, end, len);
        end += len;
        process(false);
    }

    @Override
    public void finish(Instant now) throws IOException {
        arrival = now;
        process(true);
        if (end > start) {
            drop(end); // a partial last frame or trailing garbage
        }
        if (current != null) {
            complete(Durations.atLeastMinimum(Duration.ofNanos(nanos(samples - segmentStartSamples))));
        }
    }

    @Override
    public void abandon() {
        if (current != null) {
            current.discard();
            current = null;
        }
    }

    @Override
    public long dropRuns() {
        return dropRuns;
    }

    @Override
    public long bytesDropped() {
        return bytesDropped;
    }

    private void process(boolean eof) throws IOException {
        while (end > start) {
            int avail = end - start;
            if (avail < AudioFrame.ID3_HEADER_BYTES && !eof) {
                return;
            }
            if (avail >= AudioFrame.ID3_HEADER_BYTES && AudioFrame.isId3(data, start)) {
                int tag = AudioFrame.id3Length(data, start);
                if (tag <= MAX_TAG_BYTES) {
                    if (avail < tag && !eof) {
                        return;
                    }
                    if (tags++ == 0) {
                        LOG.info("skipping ID3v2 tags in the feed ({} bytes the first): they are not audio", tag);
                    }
                    drop(Math.min(end, start + tag));
                    continue;
                }
            }
            if (!synced) {
                int found = findFrame(start, eof);
                if (found == NONE) {
                    drop(Math.max(start, end - AudioFrame.ID3_HEADER_BYTES + 1)); // a header may straddle
                    if (eof) {
                        drop(end);
                    }
                    return;
                }
                drop(found >= 0 ? found : -found - 1);
                if (found < 0) {
                    return; // need more bytes to confirm
                }
                synced = true;
                continue;
            }
            int sig = avail >= AudioFrame.HEADER_BYTES ? AudioFrame.signature(data, start) : -1;
            if (sig < 0 || sig != signature) {
                synced = false;
                continue;
            }
            int len = AudioFrame.frameLength(data, start);
            int next = start + len;
            if (next + AudioFrame.ID3_HEADER_BYTES > end) {
                if (!eof) {
                    return;
                }
                if (next <= end && (next == end || followedByFrame(next))) {
                    emit(len);
                    continue;
                }
            } else if (followedByFrame(next)) {
                emit(len);
                continue;
            }
            // the next header is wrong: garbage after this frame, or this frame was cut short?
            int found = findFrame(start + 1, eof);
            if (found != NONE && found < 0) {
                return; // cannot tell yet
            }
            if (found == NONE || found >= next) {
                if (next <= end) {
                    emit(len);
                }
                synced = false;
                continue;
            }
            drop(found); // a frame starts inside this one: this one is broken
        }
    }

    private boolean followedByFrame(int at) {
        return end - at >= AudioFrame.ID3_HEADER_BYTES && AudioFrame.isId3(data, at)
                || end - at >= AudioFrame.HEADER_BYTES && AudioFrame.signature(data, at) == signature;
    }

    /**
     * First index >= from holding a header confirmed by the next one (same signature, or an
     * ID3v2 tag), encoded as the index if confirmed, {@code -index - 1} if more bytes are
     * needed, {@link #NONE} if none can be found in the buffer.
     */
    private int findFrame(int from, boolean eof) {
        for (int i = from; i + AudioFrame.HEADER_BYTES <= end; i++) {
            int sig = AudioFrame.signature(data, i);
            if (sig < 0 || signature >= 0 && sig != signature) {
                continue;
            }
            int confirmed = confirm(i, sig, eof);
            if (confirmed == 0) {
                continue;
            }
            if (confirmed < 0) {
                return -i - 1;
            }
            if (signature < 0) {
                signature = sig;
                sampleRate = AudioFrame.sampleRate(data, i);
                LOG.info("feed is {} at {} Hz: cutting at frame boundaries",
                        AudioFrame.isAdtsSignature(sig) ? "AAC (ADTS)" : "MPEG audio", sampleRate);
            }
            return i;
        }
        return NONE;
    }

    /**
     * Whether the frame at {@code i} is followed by {@link #RESYNC_CONFIRM_FRAMES} - 1 more of
     * the same signature (an 11-bit MP3 sync occurs by chance in data): 1 yes, 0 no, -1 more bytes
     * needed. An ID3v2 tag, or at end of feed the end, also confirms.
     */
    private int confirm(int i, int sig, boolean eof) {
        int at = i;
        for (int k = 1; k < RESYNC_CONFIRM_FRAMES; k++) {
            at += AudioFrame.frameLength(data, at);
            if (at + AudioFrame.ID3_HEADER_BYTES > end) {
                if (!eof) {
                    return -1;
                }
                if (at == end && signature >= 0) {
                    return 1;
                }
                if (at + AudioFrame.HEADER_BYTES > end) {
                    return 0;
                }
            }
            if (at + AudioFrame.ID3_HEADER_BYTES <= end && AudioFrame.isId3(data, at)) {
                return 1;
            }
            if (AudioFrame.signature(data, at) != sig) {
                return 0;
            }
        }
        return 1;
    }

    private void emit(int len) throws IOException {
        inDropRun = false;
        long media = nanos(samples);
        if (current != null && media >= nextCutNanos) {
            complete(Duration.ofNanos(media - nanos(segmentStartSamples)));
            while (nextCutNanos <= media) {
                nextCutNanos += segmentNanos;
            }
        }
        if (current == null) {
            current = SegmentFile.create(workDir, AudioFrame.isAdtsSignature(signature) ? ".aac" : ".mp3", arrival);
            segmentStartSamples = samples;
        }
        current.write(data, start, len);
        samples += AudioFrame.samples(data, start);
        start += len;
    }

    private long nanos(long s) {
        return sampleRate == 0 ? 0 : s * 1_000_000_000L / sampleRate;
    }

    private void drop(int to) {
        if (to > start) {
            bytesDropped += to - start;
            if (!inDropRun) {
                dropRuns++;
                inDropRun = true;
            }
            start = to;
        }
    }

    private void complete(Duration duration) throws IOException {
        SegmentFile done = current;
        current = null;
        done.complete(duration, sink);
    }
}
