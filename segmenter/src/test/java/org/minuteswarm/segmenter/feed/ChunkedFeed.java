package org.minuteswarm.segmenter.feed;

import java.time.Duration;

/** Bytes handed out at most {@code chunk} at a time, optionally moving a fake clock per read. */
final class ChunkedFeed implements Feed {

    private final byte[] data;
    private final int chunk;
    private final FakeTime time;
    private final Duration perRead;
    private int pos;
    private volatile boolean closed;

    ChunkedFeed(byte[] data, int chunk) {
        this(data, chunk, null, Duration.ZERO);
    }

    ChunkedFeed(byte[] data, int chunk, FakeTime time, Duration perRead) {
        this.data = data;
        this.chunk = chunk;
        this.time = time;
        this.perRead = perRead;
    }

    @Override
    public int read(byte[] buf, int off, int len) {
        if (closed || pos == data.length) {
            return -1;
        }
        int n = Math.min(Math.min(len, chunk), data.length - pos);
        System.arraycopy(data, pos, buf, off, n);
        pos += n;
        if (time != null) {
            time.advance(perRead);
        }
        return n;
    }

    @Override
    public String describe() {
        return "chunks of " + chunk;
    }

    @Override
    public void close() {
        closed = true;
    }
}
