package org.minuteswarm.segmenter.feed;

import java.io.IOException;
import java.util.Arrays;

/**
 * Turns a byte stream that should be MPEG-TS into whole 188-byte packets, whatever the read
 * boundaries, dropping what is not a packet.
 *
 * <p>Design. Bytes are appended to one growable buffer and packets are handed out in place (no
 * copy per packet). While in sync, a packet is emitted only once the byte after it is known to
 * be the next sync byte (one byte of look-ahead), so a packet cut short by loss is caught before
 * it reaches a segment. When the look-ahead fails, the aligner searches for the next position
 * with a sync byte at {@link #RESYNC_CONFIRM_PACKETS} consecutive packet starts (a single 0x47
 * occurs in payload once every 256 bytes; three in a row by chance once in 16 million) and then
 * decides: if that position lies a whole packet or more ahead, the held packet was intact and
 * only the bytes in between are garbage; otherwise the held packet was truncated and is dropped.
 * Every decision waits for the bytes it needs, so the output does not depend on how the input
 * was split; at end of feed the checks use whatever bytes remain, and a final partial packet is
 * dropped.
 *
 * <p>{@link #bytesDropped()} counts every byte not emitted; {@link #dropRuns()} counts contiguous
 * dropped regions (one per sync loss, leading garbage or truncated tail).
 */
final class TsPacketAligner {

    /** Sync bytes in a row needed to (re)gain sync mid-stream. */
    static final int RESYNC_CONFIRM_PACKETS = 3;

    @FunctionalInterface
    interface PacketConsumer {
        /** One whole packet at {@code buf[off..off+188)}; valid only during the call. */
        void packet(byte[] buf, int off) throws IOException;
    }

    private static final int NONE = Integer.MIN_VALUE;

    private byte[] data = new byte[64 * 1024];
    private int start;
    private int end;
    private boolean synced;
    private boolean inDropRun;
    // volatile: read by stats getters on other threads; written only by the segmenter's thread
    private volatile long bytesDropped;
    private volatile long dropRuns;

    /** Appends bytes and emits every packet that can now be decided. */
    void push(byte[] buf, int off, int len, PacketConsumer out) throws IOException {
        append(buf, off, len);
        process(false, out);
    }

    /** End of feed: emits what remains decidable and drops the rest. */
    void finish(PacketConsumer out) throws IOException {
        process(true, out);
        if (end > start) {
            drop(end);
        }
    }

    long bytesDropped() {
        return bytesDropped;
    }

    long dropRuns() {
        return dropRuns;
    }

    private void append(byte[] buf, int off, int len) {
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
    }

    private void process(boolean eof, PacketConsumer out) throws IOException {
        final int size = TsPacket.SIZE;
        while (end > start) {
            int avail = end - start;
            if (!synced) {
                int found = findCandidate(start, eof);
                if (found == NONE) {
                    drop(end);
                    return;
                }
                int at = candidateIndex(found);
                drop(at);
                if (!confirmed(found)) {
                    return; // need more bytes to confirm
                }
                synced = true;
                continue;
            }
            if (avail < size) {
                return; // at eof, finish() drops the truncated tail
            }
            if (!TsPacket.isSync(data, start)) {
                synced = false;
                continue;
            }
            if (avail == size) {
                if (eof) {
                    emit(out);
                }
                return;
            }
            if (TsPacket.isSync(data, start + size)) {
                emit(out);
                continue;
            }
            // Look-ahead failed: was the held packet intact (garbage after it) or truncated?
            int found = findCandidate(start + 1, eof);
            if (found == NONE) {
                // no sync byte anywhere after it: the next packet starts beyond end
                emit(out);
                drop(end);
                synced = false;
                return;
            }
            int at = candidateIndex(found);
            if (at >= start + size) {
                emit(out);
                drop(at);
                synced = confirmed(found);
                if (!synced) {
                    return;
                }
            } else if (confirmed(found)) {
                drop(at);
            } else {
                return; // cannot tell yet
            }
        }
    }

    /**
     * First index >= from holding a sync byte that is confirmed by the following packet
     * starts, encoded as {@code index} if confirmed, {@code -index - 1} if more bytes are needed
     * to tell; {@link #NONE} if no index can be a packet start.
     */
    private int findCandidate(int from, boolean eof) {
        for (int i = from; i < end; i++) {
            if (!TsPacket.isSync(data, i)) {
                continue;
            }
            boolean ok = true;
            for (int k = 1; k < RESYNC_CONFIRM_PACKETS; k++) {
                int j = i + k * TsPacket.SIZE;
                if (j >= end) {
                    return eof ? i : -i - 1;
                }
                if (!TsPacket.isSync(data, j)) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                return i;
            }
        }
        return NONE;
    }

    private static int candidateIndex(int found) {
        return found >= 0 ? found : -found - 1;
    }

    private static boolean confirmed(int found) {
        return found >= 0;
    }

    private void emit(PacketConsumer out) throws IOException {
        inDropRun = false;
        int at = start;
        start += TsPacket.SIZE;
        out.packet(data, at);
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
}
