package org.minuteswarm.segmenter.feed;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link Feed} to its end and cuts it into segment files, handing each to a
 * {@link SegmentSink} as soon as it is complete.
 *
 * <p>The first {@link #DETECT_WINDOW_BYTES} bytes decide how the feed is cut. If they hold
 * MPEG-TS (a 0x47 sync byte at {@link #DETECT_PACKETS} consecutive 188-byte packet starts), the
 * feed is cut before keyframes by the stream's timestamps ({@link TsCutter}); if they hold MP3 or
 * AAC in ADTS (an ID3v2 tag, or {@link #DETECT_AUDIO_FRAMES} frame headers in a row), at frame
 * boundaries by the sample count ({@link AudioCutter}); otherwise by the injected clock at any
 * byte ({@link TimeCutter}). {@link #run()} runs on the caller's thread;
 * {@link #close()} stops it from any other thread.
 */
public final class Segmenter {

    private static final Logger LOG = LoggerFactory.getLogger(Segmenter.class);

    /** Bytes looked at to decide whether the feed is MPEG-TS. */
    static final int DETECT_WINDOW_BYTES = 4096;
    /** Consecutive sync bytes that make a feed MPEG-TS. */
    static final int DETECT_PACKETS = 5;
    /** A feed shorter than the window is TS with this many packets in sync. */
    static final int DETECT_PACKETS_SHORT_FEED = 2;
    /** Frames in a row, one format and rate, that make a feed MP3 or AAC (ADTS). */
    static final int DETECT_AUDIO_FRAMES = 3;
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** Damage in the feed is logged at most this often. */
    static final Duration DAMAGE_LOG_INTERVAL = Duration.ofSeconds(10);

    private final SegmenterConfig config;
    private final Feed feed;
    private final SegmentSink sink;
    private final Clock clock;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;
    private volatile long bytesRead;
    private volatile Cutter cutter;
    private Instant lastDamageLog;
    private long loggedDropRuns;
    private long loggedContinuityErrors;

    public Segmenter(SegmenterConfig config, Feed feed, SegmentSink sink, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.feed = Objects.requireNonNull(feed, "feed");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Reads the feed until its end or until {@link #close()}, writing segments. The final
     * partial segment is flushed to the sink if it holds any byte (also after close()). May be
     * called once.
     *
     * @throws IOException if the feed fails (other than by close()), the work dir cannot be
     *                     written, or the sink throws
     */
    public void run() throws IOException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("Segmenter.run() may be called once");
        }
        Files.createDirectories(config.workDir());
        LOG.info("cutting {} into {} segments in {}", feed.describe(), config.segmentDuration(),
                config.workDir());
        byte[] buf = new byte[READ_BUFFER_BYTES];
        byte[] detect = new byte[DETECT_WINDOW_BYTES];
        int detected = 0;
        Instant firstArrival = null;
        boolean ok = false;
        try {
            while (!closed) {
                int n;
                try {
                    n = feed.read(buf, 0, buf.length);
                } catch (IOException e) {
                    if (closed) {
                        break;
                    }
                    throw e;
                }
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    continue;
                }
                bytesRead += n;
                Instant now = clock.instant();
                if (cutter != null) {
                    cutter.accept(buf, 0, n, now);
                    logDamage(now);
                    continue;
                }
                if (firstArrival == null) {
                    firstArrival = now;
                }
                int take = Math.min(n, detect.length - detected);
                System.arraycopy(buf, 0, detect, detected, take);
                detected += take;
                if (detected == detect.length) {
                    cutter = chooseCutter(detect, detected, false);
                    cutter.accept(detect, 0, detected, firstArrival);
                    cutter.accept(buf, take, n - take, now);
                }
            }
            if (cutter == null && detected > 0) {
                cutter = chooseCutter(detect, detected, true);
                cutter.accept(detect, 0, detected, firstArrival);
            }
            if (cutter != null) {
                cutter.finish(clock.instant());
            }
            ok = true;
        } finally {
            if (!ok && cutter != null) {
                cutter.abandon();
            }
            Cutter c = cutter;
            LOG.info("feed {} ended after {} bytes ({} dropped in {} places, {} continuity gaps)",
                    feed.describe(), bytesRead, c == null ? 0 : c.bytesDropped(), c == null ? 0 : c.dropRuns(),
                    c == null ? 0 : c.continuityErrors());
        }
    }

    /** Stops {@link #run()} promptly from another thread by closing the feed. Idempotent. */
    public void close() {
        closed = true;
        try {
            feed.close();
        } catch (IOException e) {
            LOG.debug("closing feed {}: {}", feed.describe(), e.toString());
        }
    }

    /**
     * Places where the feed lost MPEG-TS packet sync and bytes were thrown away (garbage, lost
     * or truncated packets, a partial final packet); each counts once however many bytes it
     * spans. See {@link #bytesDropped()}.
     */
    public long packetsDropped() {
        Cutter c = cutter;
        return c == null ? 0 : c.dropRuns();
    }

    /** Bytes read from the feed but not written to any segment. */
    public long bytesDropped() {
        Cutter c = cutter;
        return c == null ? 0 : c.bytesDropped();
    }

    /**
     * MPEG-TS packets found missing by their continuity counters, e.g. UDP datagrams lost on
     * the way: whole packets that leave no gap in the byte stream and so are not counted by
     * {@link #packetsDropped()}. Each gap counts once.
     */
    public long continuityErrors() {
        Cutter c = cutter;
        return c == null ? 0 : c.continuityErrors();
    }

    /**
     * MPEG-TS packets the segmenter added: the last PAT and PMT, repeated at the start of a
     * segment whose cut point was not preceded by them. Each segment's bytes are the feed's
     * minus {@link #bytesDropped()} plus 188 times this.
     */
    public long packetsInserted() {
        Cutter c = cutter;
        return c == null ? 0 : c.packetsInserted();
    }

    /** Bytes read from the feed so far. */
    public long bytesRead() {
        return bytesRead;
    }

    private void logDamage(Instant now) {
        long drops = cutter.dropRuns();
        long gaps = cutter.continuityErrors();
        if ((drops == loggedDropRuns && gaps == loggedContinuityErrors)
                || (lastDamageLog != null && Duration.between(lastDamageLog, now).compareTo(DAMAGE_LOG_INTERVAL) < 0)) {
            return;
        }
        LOG.warn("feed {} is damaged: {} more sync losses ({} bytes dropped in all), {} more continuity gaps",
                feed.describe(), drops - loggedDropRuns, cutter.bytesDropped(), gaps - loggedContinuityErrors);
        lastDamageLog = now;
        loggedDropRuns = drops;
        loggedContinuityErrors = gaps;
    }

    private Cutter chooseCutter(byte[] head, int len, boolean wholeFeed) {
        if (looksLikeTs(head, len, wholeFeed)) {
            LOG.info("feed {} is MPEG-TS: cutting before keyframes by its timestamps", feed.describe());
            return new TsCutter(config, sink);
        }
        if (AudioFrame.looksLikeAudio(head, len, wholeFeed, DETECT_AUDIO_FRAMES)) {
            LOG.info("feed {} is MP3 or AAC: cutting at frame boundaries by its sample count", feed.describe());
            return new AudioCutter(config, sink);
        }
        LOG.info("feed {} is neither MPEG-TS nor MP3/AAC: cutting by clock", feed.describe());
        return new TimeCutter(config, sink);
    }

    /**
     * Whether the head of a feed is MPEG-TS: some offset with sync bytes at
     * {@link #DETECT_PACKETS} consecutive packet starts, or, when the whole feed is shorter
     * than the window, at every packet start from the offset on (at least
     * {@link #DETECT_PACKETS_SHORT_FEED}).
     */
    static boolean looksLikeTs(byte[] head, int len, boolean wholeFeed) {
        for (int off = 0; off < len; off++) {
            int packets = (len - off) / TsPacket.SIZE;
            int needed = wholeFeed ? Math.min(packets, DETECT_PACKETS) : DETECT_PACKETS;
            if (packets < needed || needed < (wholeFeed ? DETECT_PACKETS_SHORT_FEED : DETECT_PACKETS)) {
                return false; // later offsets have even fewer packets
            }
            if (TsPacket.syncsFrom(head, off, len, needed)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Segmenter[" + feed.describe() + ", " + config.segmentDuration() + "]";
    }
}
