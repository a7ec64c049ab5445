package org.minuteswarm.seeder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** How many file descriptors of this JVM point at a path (Linux /proc). */
final class OpenFiles {
    private OpenFiles() {
    }

    static long descriptorsOpenOn(Path file) throws IOException {
        Path target = file.toAbsolutePath().normalize();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException | UnsupportedOperationException e) {
                    return false; // closed meanwhile, or not a link
                }
            }).count();
        }
    }
}
