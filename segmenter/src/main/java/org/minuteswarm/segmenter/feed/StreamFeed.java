package org.minuteswarm.segmenter.feed;

import java.io.IOException;
import java.io.InputStream;

/**
 * An InputStream as a feed. {@link #close()} closes the stream; whether that wakes a blocked
 * read depends on the stream (it does for sockets, not for a terminal or pipe: stdin goes
 * through {@link PumpedFeed}).
 */
final class StreamFeed implements Feed {

    private final InputStream in;
    private final String name;
    private volatile boolean closed;

    StreamFeed(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            return -1;
        }
        try {
            return in.read(buf, off, len);
        } catch (IOException e) {
            if (closed) {
                return -1;
            }
            throw e;
        }
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        in.close();
    }
}
