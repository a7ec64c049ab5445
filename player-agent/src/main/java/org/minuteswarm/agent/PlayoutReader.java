package org.minuteswarm.agent;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;

/**
 * Copies the played stream to one output (a {@code /stream.ts} client, {@code --output}) as
 * playback releases it: from the start of the segment playing when it attaches, then each played
 * segment whole and in order. Skipped segments are simply absent, so the output keeps going.
 */
final class PlayoutReader {
    private static final int BUFFER = 64 * 1024;
    private final Playout playout;

    PlayoutReader(Playout playout) {
        this.playout = playout;
    }

    /**
     * Copies until the output fails, playback ends or {@code maxSegments} segments are written.
     *
     * @param fromSequence the first segment to write, or -1 for the one playing now
     */
    void copyTo(OutputStream out, long fromSequence, long maxSegments) throws IOException, InterruptedException {
        byte[] buf = new byte[BUFFER];
        long sequence = fromSequence;
        long offset = 0;
        long segments = 0;
        if (sequence >= 0) {
            sequence = sequence - 1; // make the first await return fromSequence (or the first after it)
            offset = Long.MAX_VALUE;
        }
        RandomAccessFile file = null;
        long fileSequence = Long.MIN_VALUE;
        try {
            while (true) {
                Playout.Played p = playout.awaitAfter(sequence, offset, 1000);
                if (p == null) {
                    if (playout.isClosed()) {
                        return;
                    }
                    out.flush(); // keeps a dead client from going unnoticed for long
                    continue;
                }
                if (p.sequence() != sequence) {
                    if (segments == maxSegments) {
                        return;
                    }
                    segments++;
                    sequence = p.sequence();
                    offset = 0;
                }
                if (fileSequence != sequence) {
                    if (file != null) {
                        file.close();
                    }
                    file = new RandomAccessFile(p.file().toFile(), "r");
                    fileSequence = sequence;
                }
                file.seek(offset);
                while (offset < p.released()) {
                    int n = file.read(buf, 0, (int) Math.min(buf.length, p.released() - offset));
                    if (n < 0) {
                        throw new IOException("segment " + sequence + " is shorter than its manifest size");
                    }
                    out.write(buf, 0, n);
                    offset += n;
                }
                out.flush();
            }
        } finally {
            if (file != null) {
                file.close();
            }
        }
    }
}
