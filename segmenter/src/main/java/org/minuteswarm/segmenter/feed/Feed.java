package org.minuteswarm.segmenter.feed;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where the broadcast's bytes come from: stdin, a file (optionally looped and paced), an HTTP
 * stream or UDP datagrams. Made by {@link Feeds}.
 *
 * <p>{@link #close()} may be called from another thread to stop a blocked {@link #read}; the
 * read then returns -1 or throws, and later reads return -1.
 */
public interface Feed extends Closeable {

    /** Reads up to {@code len} bytes, blocking; -1 at end of feed. Like {@code InputStream.read}. */
    int read(byte[] buf, int off, int len) throws IOException;

    /** For logs, e.g. {@code udp://127.0.0.1:5000}. */
    String describe();
}
