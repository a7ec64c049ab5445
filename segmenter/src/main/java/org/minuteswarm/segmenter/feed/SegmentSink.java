package org.minuteswarm.segmenter.feed;

import java.io.IOException;

/**
 * Receives each segment as soon as it is cut, on the segmenter's thread. The sink takes
 * ownership of {@link CutSegment#file()} (moves or deletes it). An exception stops
 * {@link Segmenter#run()}.
 */
@FunctionalInterface
public interface SegmentSink {
    void accept(CutSegment segment) throws IOException;
}
