package org.minuteswarm.segmenter.feed;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts an MPEG-TS feed into segments a player can start on: each begins with the PAT and PMT
 * and then a video keyframe (or, with no video, an audio PES), and lasts the configured
 * duration by the stream's own timestamps, within one GOP.
 *
 * <p>Design. Bytes go through a {@link TsPacketAligner}, so only whole packets arrive here. The
 * PAT and PMT are parsed ({@link ProgramMap}) to find the <em>timing PID</em>: the first video
 * stream, else the first audio stream. Every PES start on it is a <em>candidate</em>: its
 * DTS/PTS gives the media time ({@link PtsClock}); it is a cut point if it is a keyframe (the
 * random_access_indicator, else the NAL units at the start of its data: {@link
 * KeyframeScanner}) or, for audio, always. Boundaries are due at whole multiples of the segment
 * duration after the first candidate, so cuts do not drift; the cut falls before the first cut
 * point at or past the due time. A segment's duration is the media time from its first
 * candidate to the next segment's first one.
 *
 * <p>Packets are held, not written, from the last PES start of the timing PID on (one frame of
 * video), so a cut can still be placed before the PAT and PMT that a muxer writes just ahead
 * of a keyframe (ffmpeg does), and so a frame can be taken back when it turns out damaged. If
 * no PAT and PMT lead into the cut, the last ones seen are re-emitted at the start of the new
 * segment with their continuity_counter unchanged: ISO/IEC 13818-1 2.4.3.3 allows a packet to
 * be sent twice in a row, so the counters stay valid both in the segment alone and in the
 * segments played back to back.
 *
 * <p>Damage: video is dropped until the first keyframe (a feed joined mid-GOP) and again after
 * a continuity gap on the video PID, from the start of the damaged frame to the next keyframe.
 * A feed that ends inside a packet has its last frame dropped, as it is likely cut short. A
 * timestamp jump (a loop seam, a restarted encoder) starts a new segment at the next cut point,
 * whose PCR packet gets the discontinuity_indicator. All drops count in {@link #bytesDropped()}.
 *
 * <p>A stream without PAT/PMT, or with neither video nor audio in its PMT, is cut as before
 * keyframe-aware cutting: just before a PCR packet, by the PCR ({@link PcrClock}).
 */
final class TsCutter implements Cutter {

    private static final Logger LOG = LoggerFactory.getLogger(TsCutter.class);
    private static final int P = TsPacket.SIZE;
    /** Most bytes held back before they are written anyway (a stream with no PES starts). */
    static final int MAX_HELD_BYTES = 8 * 1024 * 1024;

    private final Duration segmentDuration;
    private final long segmentNanos;
    private final Path workDir;
    private final SegmentSink sink;
    private final TsPacketAligner aligner = new TsPacketAligner();
    private final PcrClock pcrClock = new PcrClock();
    private final PtsClock ptsClock = new PtsClock();
    private final PesHeader pes = new PesHeader();
    private final KeyframeScanner scanner = new KeyframeScanner();
    private final TsPacketAligner.PacketConsumer onPacket = this::packet;

    private int pcrPid = -1;
    /** Last continuity_counter per PID, -1 before its first packet (ISO/IEC 13818-1, 2.4.3.3). */
    private final byte[] lastCc = new byte[TsPacket.PID_NULL + 1];
    private volatile long continuityErrors;
    private SegmentFile current;
    private Instant arrival;

    // Program-specific information
    private int pmtPid = -1;
    private byte[] patPacket;
    private byte[] pmtPacket;
    private ProgramMap programMap;
    private int timingPid = -1;
    private boolean timingVideo;
    private ProgramMap.VideoCodec codec;

    // Packets not yet written: from the lead-in or the last candidate on
    private byte[] held = new byte[256 * P];
    private int heldCount;
    /** Index in held of the PAT that leads into the next candidate, or -1. */
    private int leadIn = -1;
    /** Index in held of the last candidate, or -1. */
    private int candidate = -1;
    private long candidateMedia = -1;
    private boolean pending;
    private boolean awaitingKeyframe = true;
    private boolean discontinuity;

    // The segment in progress (keyframe-aware cutting)
    private boolean segmentStarted;
    private long segmentStartMedia;
    private long nextCutMedia;
    private long lastMedia = -1;

    // Cutting before a PMT is known: by PCR at any PCR packet
    private long legacyStartMedia = -1;
    private long legacyLastMedia = -1;
    private long legacyNextCutMedia = -1;

    private volatile long bytesSkipped;
    private volatile long skipRuns;
    /** Whether the last packet of the timing PID was dropped (one run of drops so far). */
    private boolean skipping;
    private volatile long packetsInserted;

    TsCutter(SegmenterConfig config, SegmentSink sink) {
        Arrays.fill(lastCc, (byte) -1);
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
        long before = aligner.bytesDropped();
        aligner.finish(onPacket);
        boolean truncated = aligner.bytesDropped() > before;
        if (timingPid < 0) {
            if (current != null) {
                Duration d = legacyStartMedia >= 0 && legacyLastMedia > legacyStartMedia
                        ? Duration.ofNanos(legacyLastMedia - legacyStartMedia)
                        : Duration.between(current.startTime(), now);
                complete(Durations.atLeastMinimum(d));
            }
            return;
        }
        if (pending) {
            resolve(false);
        }
        long end = lastMedia + ptsClock.lastStepNanos();
        if (truncated && candidate >= 0) {
            LOG.info("feed ended inside a packet: dropping its last, likely incomplete, frame");
            end = candidateMedia;
            skipping = false;
            dropTimingPackets(candidate);
        }
        commit(heldCount);
        if (current != null) {
            Duration d = segmentStarted ? Duration.ofNanos(end - segmentStartMedia)
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
        return aligner.dropRuns() + skipRuns;
    }

    @Override
    public long bytesDropped() {
        return aligner.bytesDropped() + bytesSkipped;
    }

    @Override
    public long packetsInserted() {
        return packetsInserted;
    }

    long pcrDiscontinuities() {
        return pcrClock.discontinuities();
    }

    long timestampJumps() {
        return ptsClock.jumps();
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
     *
     * @return whether packets of this PID are missing just before this one
     */
    private boolean checkContinuity(byte[] p, int off) {
        int pid = TsPacket.pid(p, off);
        if (pid == TsPacket.PID_NULL) {
            return false;
        }
        int cc = TsPacket.continuityCounter(p, off);
        int last = lastCc[pid];
        lastCc[pid] = (byte) cc;
        if (last < 0 || TsPacket.discontinuity(p, off)) {
            return false;
        }
        int expected = TsPacket.hasPayload(p, off) ? (last + 1) & 0x0F : last;
        if (cc != expected && cc != last) {
            continuityErrors++;
            return true;
        }
        return false;
    }

    private void packet(byte[] p, int off) throws IOException {
        boolean gap = checkContinuity(p, off);
        int pid = TsPacket.pid(p, off);
        if (pid == TsPacket.PID_PAT) {
            int pm = ProgramMap.pmtPid(p, off);
            if (pm >= 0) {
                pmtPid = pm;
                patPacket = Arrays.copyOfRange(p, off, off + P);
            }
        } else if (pid == pmtPid) {
            ProgramMap map = ProgramMap.parsePmt(p, off);
            if (map != null) {
                pmtPacket = Arrays.copyOfRange(p, off, off + P);
                if (!map.equals(programMap)) {
                    onProgramMap(map);
                }
            }
        }
        long pcrMedia = -1;
        if (TsPacket.hasPcr(p, off)) {
            if (pcrPid < 0) {
                pcrPid = pid;
            }
            if (pid == pcrPid) {
                pcrMedia = pcrClock.onPcr(TsPacket.pcr(p, off), TsPacket.discontinuity(p, off), arrival);
            }
        }
        if (timingPid < 0) {
            legacyPacket(p, off, pcrMedia);
        } else {
            mediaPacket(p, off, pid, gap);
        }
    }

    private void onProgramMap(ProgramMap map) throws IOException {
        programMap = map;
        ProgramMap.ElementaryStream video = map.video();
        ProgramMap.ElementaryStream timing = video != null ? video : map.audio();
        int pid = timing == null ? -1 : timing.pid();
        if (pid == timingPid) {
            return;
        }
        LOG.info("program map: {}; cutting {}", map.streams(), timing == null
                ? "by PCR (no audio or video stream)"
                : (video != null ? "before keyframes of video PID " : "at PES starts of audio PID ") + pid);
        if (pending) {
            resolve(false);
        }
        commit(heldCount);
        leadIn = -1;
        candidate = -1;
        timingPid = pid;
        timingVideo = video != null;
        codec = video != null ? video.codec() : null;
        awaitingKeyframe = timingVideo;
        segmentStarted = false;
    }

    // ---- keyframe-aware cutting

    private void mediaPacket(byte[] p, int off, int pid, boolean gap) throws IOException {
        if (pid == timingPid) {
            if (gap && !(TsPacket.payloadUnitStart(p, off) && splice(p, off))) {
                damaged();
            }
            if (TsPacket.discontinuity(p, off)) {
                discontinuity = true;
            }
            if (TsPacket.payloadUnitStart(p, off)) {
                candidate(p, off);
                return;
            }
            if (TsPacket.hasPayload(p, off)) {
                if (timingVideo && awaitingKeyframe && !pending) {
                    skip(P);
                    return;
                }
                append(p, off);
                leadIn = -1;
                if (pending) {
                    int from = TsPacket.payloadOffset(p, off);
                    if (from >= 0) {
                        KeyframeScanner.Verdict v = scanner.scan(p, from, off + P);
                        if (v != KeyframeScanner.Verdict.UNKNOWN) {
                            resolve(v == KeyframeScanner.Verdict.KEYFRAME);
                        }
                    }
                }
                return;
            }
            append(p, off);
            return;
        }
        if (pid == TsPacket.PID_PAT && leadIn < 0) {
            leadIn = heldCount;
        }
        append(p, off);
    }

    /** A PES starts on the timing PID: the previous frame is complete, and this may be a cut point. */
    private void candidate(byte[] p, int off) throws IOException {
        if (pending) {
            resolve(false);
        }
        commit(leadIn < 0 ? heldCount : leadIn);
        leadIn = -1;
        append(p, off);
        candidate = heldCount - 1;
        candidateMedia = -1;
        pes.parse(p, off);
        if (pes.dts >= 0) {
            long jumps = ptsClock.jumps();
            candidateMedia = ptsClock.onTimestamp(pes.dts);
            if (ptsClock.jumps() != jumps) {
                discontinuity = true;
            }
            lastMedia = candidateMedia;
        }
        if (!timingVideo || TsPacket.randomAccess(p, off)) {
            resolve(true);
            return;
        }
        scanner.start(codec, pes.headerBytesAfterPacket);
        KeyframeScanner.Verdict v = scanner.scan(p, pes.dataStart, off + P);
        if (v == KeyframeScanner.Verdict.UNKNOWN) {
            pending = true;
        } else {
            resolve(v == KeyframeScanner.Verdict.KEYFRAME);
        }
    }

    /** The candidate is, or is not, a point a decoder can start on. */
    private void resolve(boolean startable) throws IOException {
        pending = false;
        if (!startable) {
            if (timingVideo && awaitingKeyframe) {
                dropTimingPackets(candidate);
            }
            return;
        }
        if (candidateMedia < 0) {
            return; // no timestamp: cannot be timed, so not a cut point
        }
        awaitingKeyframe = false;
        skipping = false;
        if (!segmentStarted) {
            segmentStarted = true;
            segmentStartMedia = candidateMedia;
            nextCutMedia = candidateMedia + segmentNanos;
            discontinuity = false;
            return;
        }
        if (discontinuity || candidateMedia >= nextCutMedia) {
            cutBeforeCandidate();
        }
    }

    /** Ends the segment just before the candidate's lead-in; the next one starts with the PSI. */
    private void cutBeforeCandidate() throws IOException {
        complete(Durations.atLeastMinimum(Duration.ofNanos(candidateMedia - segmentStartMedia)));
        boolean pat = false;
        boolean pmt = false;
        for (int i = 0; i < candidate; i++) {
            int pid = TsPacket.pid(held, i * P);
            pat |= pid == TsPacket.PID_PAT;
            pmt |= pat && pid == pmtPid;
        }
        if (!pmt) {
            for (byte[] psi : new byte[][] {patPacket, pmtPacket}) {
                if (psi != null) {
                    ensureSegment().write(psi, 0, P);
                    packetsInserted++;
                }
            }
        }
        segmentStartMedia = candidateMedia;
        if (discontinuity) {
            discontinuity = false;
            nextCutMedia = candidateMedia + segmentNanos;
            if (TsPacket.hasPcr(held, candidate * P)) {
                TsPacket.markDiscontinuity(held, candidate * P); // the PCR starts over here
            }
            LOG.info("timestamps jumped: new segment at the next keyframe");
        } else {
            while (nextCutMedia <= candidateMedia) {
                nextCutMedia += segmentNanos;
            }
        }
    }

    /**
     * Whether a continuity gap at this PES start is a splice (a loop seam, a switched source),
     * not loss: its timestamp jumps too. The frame before it is then complete.
     */
    private boolean splice(byte[] p, int off) {
        return pes.parse(p, off) && pes.dts >= 0 && ptsClock.wouldJump(pes.dts);
    }

    /** Packets of the timing PID went missing: its current frame is broken. */
    private void damaged() throws IOException {
        if (!timingVideo) {
            return; // an audio decoder resynchronises on the next frame by itself
        }
        if (pending) {
            pending = false;
        }
        dropTimingPackets(candidate);
        awaitingKeyframe = true;
    }

    /** Removes the timing PID's packets from held, from index {@code from} on (none if < 0). */
    private void dropTimingPackets(int from) {
        if (from < 0) {
            return;
        }
        int kept = from;
        int newLeadIn = leadIn < from ? leadIn : -1;
        long dropped = 0;
        for (int i = from; i < heldCount; i++) {
            if (TsPacket.pid(held, i * P) == timingPid) {
                dropped += P;
            } else {
                if (i == leadIn) {
                    newLeadIn = kept;
                }
                if (kept != i) {
                    System.arraycopy(held, i * P, held, kept * P, P);
                }
                kept++;
            }
        }
        heldCount = kept;
        candidate = -1;
        leadIn = newLeadIn;
        skip(dropped);
    }

    private void skip(long bytes) {
        if (bytes > 0) {
            bytesSkipped += bytes;
            if (!skipping) {
                skipRuns++;
                skipping = true;
            }
        }
    }

    private void append(byte[] p, int off) throws IOException {
        if ((heldCount + 1) * P > MAX_HELD_BYTES) {
            if (pending) {
                resolve(false);
            }
            commit(heldCount);
            leadIn = -1;
        }
        if ((heldCount + 1) * P > held.length) {
            held = Arrays.copyOf(held, held.length * 2);
        }
        System.arraycopy(p, off, held, heldCount * P, P);
        heldCount++;
    }

    /** Writes held[0, n) to the segment in progress and keeps the rest. */
    private void commit(int n) throws IOException {
        if (n <= 0) {
            return;
        }
        ensureSegment().write(held, 0, n * P);
        System.arraycopy(held, n * P, held, 0, (heldCount - n) * P);
        heldCount -= n;
        candidate = candidate >= n ? candidate - n : -1;
        leadIn = leadIn >= n ? leadIn - n : -1;
    }

    private SegmentFile ensureSegment() throws IOException {
        if (current == null) {
            current = SegmentFile.create(workDir, ".ts", arrival);
        }
        return current;
    }

    // ---- before a program map: by PCR at any PCR packet

    private void legacyPacket(byte[] p, int off, long media) throws IOException {
        if (current != null) {
            if (media >= 0 && legacyStartMedia >= 0) {
                if (media >= legacyNextCutMedia) {
                    complete(Duration.ofNanos(media - legacyStartMedia));
                    while (legacyNextCutMedia <= media) {
                        legacyNextCutMedia += segmentNanos; // skips boundaries a clock fallback jumped over
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
            legacyStartMedia = -1;
        }
        if (media >= 0) {
            if (legacyStartMedia < 0) {
                legacyStartMedia = media;
            }
            if (legacyNextCutMedia < 0) {
                legacyNextCutMedia = media + segmentNanos;
            }
            legacyLastMedia = media;
        }
        current.write(p, off, P);
    }

    private void complete(Duration duration) throws IOException {
        SegmentFile done = current;
        current = null;
        if (done != null) {
            done.complete(duration, sink);
        }
    }
}
