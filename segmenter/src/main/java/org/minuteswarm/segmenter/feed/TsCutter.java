package org.minuteswarm.segmenter.feed;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Cuts an MPEG-TS feed at packet boundaries by the stream's own clock.
 *
 * <p>Bytes go through a {@link TsPacketAligner}, so every segment holds only whole packets.
 * Media time comes from the PCR of the first PID seen carrying one (the program's PCR_PID in a
 * single-program stream) through a {@link PcrClock}. Boundaries are due at whole multiples of
 * the segment duration after the stream's first PCR, and the cut falls just before the first
 * PCR packet at or past the due time. Cuts therefore do not drift: each segment is within one
 * PCR interval (at most 100 ms by the standard) of the configured duration and they average
 * exactly to it. A segment's duration is the PCR distance between its first PCR and the next
 * segment's first PCR. Until the stream has shown any PCR, segments are cut by the clock at any
 * packet boundary.
 *
 * <p>The cut point is chosen in {@link #isCutPoint}; keyframe-aware cutting (before a packet
 * with the random_access_indicator, with PAT/PMT repeated first) belongs there.
 */
final class TsCutter implements Cutter {

    private final Duration segmentDuration;
    private final long segmentNanos;
    private final Path workDir;
    private final SegmentSink sink;
    private final TsPacketAligner aligner = new TsPacketAligner();
    private final PcrClock pcrClock = new PcrClock();
    private final TsPacketAligner.PacketConsumer onPacket = this::packet;

    private int pcrPid = -1;
    /** Last continuity_counter per PID, -1 before its first packet (ISO/IEC 13818-1, 2.4.3.3). */
    private final byte[] lastCc = new byte[TsPacket.PID_NULL + 1];
    private volatile long continuityErrors;
    private SegmentFile current;
    /** Media time of the current segment's first PCR, or -1 before it. */
    private long segmentStartMedia = -1;
    private long lastMedia = -1;
    /** Media time at which the next cut is due, or -1 before the first PCR. */
    private long nextCutMedia = -1;
    private Instant arrival;

    TsCutter(SegmenterConfig config, SegmentSink sink) {
        java.util.Arrays.fill(lastCc, (byte) -1);
        this.segmentDuration = config.segmentDuration();
        this.segmentNanos = segmentDuration.toNanos();
        this.workDir = config.workDir();
        this.sink = sink;
    }

    @Override
    public void accept(byte[] buf, int off, int len, Instant arrival) throws IOException {
        this.arrival = arrival;
        aligner.push(buf, off, len, onPacket);
    }

    @Override
    public void finish(Instant now) throws IOException {
        arrival = now;
        aligner.finish(onPacket);
        if (current != null) {
            Duration d = segmentStartMedia >= 0 && lastMedia > segmentStartMedia
                    ? Duration.ofNanos(lastMedia - segmentStartMedia)
                    : Duration.between(current.startTime(), now);
            complete(Durations.atLeastMinimum(d));
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
        return aligner.dropRuns();
    }

    @Override
    public long bytesDropped() {
        return aligner.bytesDropped();
    }

    long pcrDiscontinuities() {
        return pcrClock.discontinuities();
    }

    @Override
    public long continuityErrors() {
        return continuityErrors;
    }

    /**
     * Counts gaps in a PID's continuity_counter: packets lost before the feed (a UDP datagram
     * dropped in the network loses 7 whole packets, which keeps the byte stream aligned and
     * is visible only here). The counter steps by one on packets with payload; a repeated
     * packet (same counter) is allowed; the discontinuity_indicator and null packets are exempt.
     */
    private void checkContinuity(byte[] p, int off) {
        int pid = TsPacket.pid(p, off);
        if (pid == TsPacket.PID_NULL) {
            return;
        }
        int cc = TsPacket.continuityCounter(p, off);
        int last = lastCc[pid];
        lastCc[pid] = (byte) cc;
        if (last < 0 || TsPacket.discontinuity(p, off)) {
            return;
        }
        int expected = TsPacket.hasPayload(p, off) ? (last + 1) & 0x0F : last;
        if (cc != expected && cc != last) {
            continuityErrors++;
        }
    }

    private void packet(byte[] p, int off) throws IOException {
        checkContinuity(p, off);
        long media = -1;
        if (TsPacket.hasPcr(p, off)) {
            int pid = TsPacket.pid(p, off);
            if (pcrPid < 0) {
                pcrPid = pid;
            }
            if (pid == pcrPid) {
                media = pcrClock.onPcr(TsPacket.pcr(p, off), TsPacket.discontinuity(p, off), arrival);
            }
        }
        if (current != null) {
            if (media >= 0 && segmentStartMedia >= 0) {
                if (media >= nextCutMedia && isCutPoint(p, off)) {
                    complete(Duration.ofNanos(media - segmentStartMedia));
                    while (nextCutMedia <= media) {
                        nextCutMedia += segmentNanos; // skips boundaries a clock fallback jumped over
                    }
                }
            } else if (pcrPid < 0) {
                Duration elapsed = Duration.between(current.startTime(), arrival);
                if (elapsed.compareTo(segmentDuration) >= 0) {
                    complete(elapsed);
                }
            }
        }
        if (current == null) {
            current = SegmentFile.create(workDir, ".ts", arrival);
            segmentStartMedia = -1;
        }
        if (media >= 0) {
            if (segmentStartMedia < 0) {
                segmentStartMedia = media;
            }
            if (nextCutMedia < 0) {
                nextCutMedia = media + segmentNanos;
            }
            lastMedia = media;
        }
        current.write(p, off, TsPacket.SIZE);
    }

    /**
     * Whether the segment may end just before this packet, which carries the PCR. Today every
     * PCR packet qualifies; keyframe-aware cutting narrows this.
     */
    private boolean isCutPoint(byte[] p, int off) {
        return true;
    }

    private void complete(Duration duration) throws IOException {
        SegmentFile done = current;
        current = null;
        done.complete(duration, sink);
    }
}
