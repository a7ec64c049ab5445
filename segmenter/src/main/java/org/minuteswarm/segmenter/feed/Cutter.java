package org.minuteswarm.segmenter.feed;

import java.io.IOException;
import java.time.Instant;

/** Decides where the feed is cut; one implementation per kind of feed. */
interface Cutter {

    /** Bytes that arrived at {@code arrival}. */
    void accept(byte[] buf, int off, int len, Instant arrival) throws IOException;

    /** End of feed: completes the last partial segment, if it holds any byte. */
    void finish(Instant now) throws IOException;

    /** Deletes the segment in progress (after a failure). */
    void abandon();

    /** Places where bytes were thrown away (sync losses, truncated packets). */
    default long dropRuns() {
        return 0;
    }

    default long bytesDropped() {
        return 0;
    }

    /** Packets the cutter added: PAT/PMT repeated at the start of a segment (MPEG-TS only). */
    default long packetsInserted() {
        return 0;
    }

    /** Packets missing by their continuity counters (MPEG-TS only). */
    default long continuityErrors() {
        return 0;
    }
}
