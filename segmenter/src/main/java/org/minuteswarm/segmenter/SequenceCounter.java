package org.minuteswarm.segmenter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Hands out segment sequence numbers that only grow, across restarts too: the next number is
 * written to {@code DATA-DIR/next-sequence} (atomically) before a segment with it is published.
 */
final class SequenceCounter {
    private final Path file;
    private long next;

    SequenceCounter(Path dataDir) throws IOException {
        this.file = dataDir.resolve("next-sequence");
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            try {
                next = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IOException("corrupt " + file + ": '" + text + "' (delete it only if you start a new channel)");
            }
            if (next < 0) {
                throw new IOException("corrupt " + file + ": negative sequence");
            }
        }
    }

    /** Reserves and returns the next sequence number. */
    synchronized long take() throws IOException {
        long n = next;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Long.toString(n + 1) + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        next = n + 1;
        return n;
    }

    synchronized long peek() {
        return next;
    }
}
