package org.minuteswarm.swarm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation working for real: a broadcaster cutting 2-second segments from a live MPEG-TS
 * feed and ten listener agents on loopback, for ten segments. Every agent's played stream must be
 * byte-identical to the broadcast segments, with nothing skipped.
 */
class EndToEndTest {
    private static final int LISTENERS = 10;
    private static final int SEGMENTS = 10;

    @Test
    @Timeout(240)
    void tenListenersPlayTenSegmentsByteIdentical(@TempDir Path dir) throws Exception {
        try (SwarmFixture swarm = SwarmFixture.builder(dir).listeners(LISTENERS).segmentDuration(Duration.ofSeconds(2))
                .bitrate(1_000_000).start()) {
            swarm.awaitPlayed(SEGMENTS, Duration.ofSeconds(150));

            long listenerUpload = 0;
            List<Long> startups = new ArrayList<>();
            for (SwarmFixture.Listener l : swarm.listeners()) {
                assertEquals(List.of(), l.skipped(), "listener " + l.index() + " skipped segments");
                List<Long> played = l.played();
                for (int i = 1; i < played.size(); i++) {
                    assertEquals(played.get(i - 1) + 1, played.get(i), "listener " + l.index() + " played " + played);
                }
                List<Long> whole = played.subList(0, played.size() - 1); // the last may still be playing
                byte[] expected = swarm.concatenation(whole);
                byte[] output = l.output();
                assertTrue(output.length >= expected.length, "listener " + l.index() + " output too short: "
                        + output.length + " < " + expected.length);
                assertArrayEquals(expected, Arrays.copyOf(output, expected.length),
                        "listener " + l.index() + " played stream differs from the broadcast");
                listenerUpload += l.agent().uploadedBytes();
                startups.add(l.agent().startupMillis());
            }

            long origin = swarm.broadcaster().originUploadedBytes();
            long delivered = swarm.deliveredBytes();
            assertTrue(delivered > 0 && origin > 0, "origin " + origin + " delivered " + delivered);
            assertTrue(listenerUpload > 0, "listeners uploaded nothing to each other: no swarming");

            List<Long> distributionMillis = new ArrayList<>();
            long first = swarm.listeners().stream().mapToLong(l -> l.played().get(0)).max().orElseThrow();
            for (long s = first + 1; s < first + SEGMENTS - 1; s++) {
                Duration d = swarm.distributionTime(s);
                assertNotNull(d, "segment " + s + " did not reach every listener");
                distributionMillis.add(d.toMillis());
            }
            distributionMillis.sort(null);
            startups.sort(null);
            System.out.printf(Locale.ROOT, "end-to-end: %d listeners, %d segments: origin uploaded %d bytes, "
                            + "listeners downloaded %d (origin share %.2f), listeners uploaded %d; "
                            + "publication->all listeners p50 %d ms max %d ms; startup p50 %d ms max %d ms%n",
                    LISTENERS, SEGMENTS, origin, delivered, (double) origin / delivered, listenerUpload,
                    distributionMillis.get(distributionMillis.size() / 2),
                    distributionMillis.get(distributionMillis.size() - 1),
                    startups.get(startups.size() / 2), startups.get(startups.size() - 1));
        }
    }
}
