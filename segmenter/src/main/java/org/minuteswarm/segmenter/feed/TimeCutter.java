package org.minuteswarm.segmenter.feed;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Cuts a feed that is not MPEG-TS by elapsed clock time, at any byte: a segment is completed
 * when bytes arrive and the configured duration has passed since its first byte arrived. Its
 * duration is the clock time from its first byte to the cut.
 */
final class TimeCutter implements Cutter {

    private final Duration segmentDuration;
    private final Path workDir;
    private final SegmentSink sink;
    private SegmentFile current;

    TimeCutter(SegmenterConfig config, SegmentSink sink) {
        this.segmentDuration = config.segmentDuration();
        this.workDir = config.workDir();
        this.sink = sink;
    }

    @Override
    public void accept(byte[] buf, int off, int len, Instant arrival) throws IOException {
        if (len <= 0) {
            return;
        }
        if (current != null) {
            Duration elapsed = Duration.between(current.startTime(), arrival);
            if (elapsed.compareTo(segmentDuration) >= 0) {
                complete(elapsed);
            }
        }
        if (current == null) {
            current = SegmentFile.create(workDir, ".bin", arrival);
        }
        current.write(buf, off, len);
    }

    @Override
    public void finish(Instant now) throws IOException {
        if (current != null) {
            complete(Durations.atLeastMinimum(Duration.between(current.startTime(), now)));
        }
    }

    @Override
    public void abandon() {
        if (current != null) {
            current.discard();
            current = null;
        }
    }

    private void complete(Duration duration) throws IOException {
        SegmentFile done = current;
        current = null;
        done.complete(duration, sink);
    }
}
