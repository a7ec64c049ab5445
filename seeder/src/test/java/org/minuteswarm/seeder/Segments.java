package org.minuteswarm.seeder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Test data: files of pseudo-random bytes standing in for media segments. */
final class Segments {
    private Segments() {
    }

    static Path randomFile(Path dir, String name, int length, long seed) throws IOException {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }
}
