package org.minuteswarm.segmenter.feed;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** The segment being written: a uniquely named file in the work dir, written through a buffer. */
final class SegmentFile {

    private static final int BUFFER_BYTES = 256 * 1024;

    private final Path file;
    private final OutputStream out;
    private final Instant startTime;
    private long size;

    private SegmentFile(Path file, OutputStream out, Instant startTime) {
        this.file = file;
        this.out = out;
        this.startTime = startTime;
    }

    static SegmentFile create(Path workDir, String suffix, Instant startTime) throws IOException {
        Path file = Files.createTempFile(workDir, "segment-", suffix);
        return new SegmentFile(file, new BufferedOutputStream(Files.newOutputStream(file), BUFFER_BYTES),
                startTime);
    }

    void write(byte[] buf, int off, int len) throws IOException {
        out.write(buf, off, len);
        size += len;
    }

    long size() {
        return size;
    }

    Instant startTime() {
        return startTime;
    }

    /**
     * Closes the file and hands it to the sink, which then owns it; an empty file is deleted
     * instead. If the sink fails, the file is deleted if it is still there.
     */
    void complete(Duration duration, SegmentSink sink) throws IOException {
        out.close();
        if (size == 0) {
            Files.deleteIfExists(file);
            return;
        }
        boolean handedOver = false;
        try {
            sink.accept(new CutSegment(file, size, duration, startTime));
            handedOver = true;
        } finally {
            if (!handedOver) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Closes and deletes the file (on failure paths). */
    void discard() {
        try {
            out.close();
        } catch (IOException ignored) {
            // being thrown away anyway
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: the work dir is scratch space
        }
    }
}
