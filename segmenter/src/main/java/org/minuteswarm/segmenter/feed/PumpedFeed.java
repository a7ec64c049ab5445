package org.minuteswarm.segmenter.feed;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream read on its own daemon thread, for streams whose blocked read cannot be woken by
 * close() (stdin: a read on a pipe or terminal blocks in the kernel until data or EOF). The
 * reader thread hands chunks over a small bounded queue; {@link #close()} wakes the consumer at
 * once, and the daemon thread ends with the stream or the process. The thread starts on the
 * first read, so opening the feed takes nothing from the stream.
 */
final class PumpedFeed implements Feed {

    private static final Logger LOG = LoggerFactory.getLogger(PumpedFeed.class);
    private static final int CHUNK_BYTES = 64 * 1024;
    /** Chunks queued between reader and consumer: bounds memory at 1 MiB. */
    private static final int QUEUE_CHUNKS = 16;
    private static final byte[] END = new byte[0];

    private final String name;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS + 1);
    private volatile boolean closed;
    private volatile IOException failure;
    private byte[] current = new byte[0];
    private int currentPos;
    private boolean ended;
    private final InputStream in;
    private boolean pumping;

    PumpedFeed(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    private void startPump() {
        pumping = true;
        Thread t = new Thread(() -> pump(in), "feed-" + name);
        t.setDaemon(true);
        t.start();
    }

    private void pump(InputStream in) {
        byte[] buf = new byte[CHUNK_BYTES];
        try {
            while (!closed) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                if (n > 0) {
                    while (!closed && !queue.offer(Arrays.copyOf(buf, n), 100, TimeUnit.MILLISECONDS)) {
                        // consumer is behind: wait (backpressure)
                    }
                }
            }
        } catch (IOException e) {
            if (!closed) {
                failure = e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            offerEnd();
            LOG.debug("feed {} reader ended", name);
        }
    }

    /** Queues the end marker after the data still queued (dropping that data if closed). */
    private void offerEnd() {
        try {
            while (!closed) {
                if (queue.offer(END, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.clear();
        queue.offer(END);
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!pumping && !closed) {
            startPump();
        }
        while (currentPos == current.length) {
            if (closed || ended) {
                return -1;
            }
            try {
                current = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted reading " + name);
            }
            currentPos = 0;
            if (current == END) {
                ended = true;
                IOException f = failure;
                if (f != null && !closed) {
                    throw f;
                }
                return -1;
            }
        }
        int n = Math.min(len, current.length - currentPos);
        System.arraycopy(current, currentPos, buf, off, n);
        currentPos += n;
        return n;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() {
        closed = true;
        queue.offer(END); // wakes a blocked read; capacity has room for it unless already ending
    }
}
