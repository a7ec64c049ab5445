package org.minuteswarm.segmenter.feed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Takes each segment's bytes into memory and deletes its file, as a real sink moves it. */
final class CollectingSink implements SegmentSink {

    /** What a test compares: bytes, duration and start of one segment. */
    record Seg(byte[] bytes, Duration duration, Instant startTime) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Seg s && Arrays.equals(bytes, s.bytes) && duration.equals(s.duration)
                    && startTime.equals(s.startTime);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Seg[" + bytes.length + " bytes, " + duration + ", " + startTime + "]";
        }
    }

    final List<Seg> segments = new CopyOnWriteArrayList<>();

    @Override
    public void accept(CutSegment segment) throws IOException {
        byte[] b = Files.readAllBytes(segment.file());
        if (b.length != segment.sizeBytes()) {
            throw new AssertionError("size " + segment.sizeBytes() + " but file has " + b.length);
        }
        Files.delete(segment.file());
        segments.add(new Seg(b, segment.duration(), segment.startTime()));
    }

    byte[] concatenation() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Seg s : segments) {
            out.write(s.bytes, 0, s.bytes.length);
        }
        return out.toByteArray();
    }

    List<Seg> snapshot() {
        return new ArrayList<>(segments);
    }
}
