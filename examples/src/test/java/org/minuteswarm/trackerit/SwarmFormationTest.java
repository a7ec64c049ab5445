package org.minuteswarm.trackerit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.minuteswarm.swarm.SwarmFixture;

/**
 * Fast swarm formation (issue 4): each new segment is a new swarm, and the tracker answers an
 * announce for it with the channel's other recently active peers too, so the swarm forms at
 * once. Measures, for 20 agents, the time from a segment's publication until every agent has at
 * least 3 connected peers in that segment's swarm, and prints it. Asserts only what is robust on
 * a loaded 2-core machine: every agent gets there within the segment's time on air.
 */
class SwarmFormationTest {
    private static final int LISTENERS = 20;
    private static final int MIN_PEERS = 3;
    private static final int MEASURED_SEGMENTS = 4;
    private static final Duration SEGMENT = Duration.ofSeconds(4);

    @Test
    @Timeout(240)
    void twentyAgentsFormEachNewSwarmAtOnce(@TempDir Path dir) throws Exception {
        try (SwarmFixture swarm = SwarmFixture.builder(dir).listeners(LISTENERS).segmentDuration(SEGMENT)
                .bitrate(500_000).start()) {
            swarm.awaitPlayed(1, Duration.ofSeconds(90)); // every agent is running and following the channel
            long first = -1;
            for (long s = 0; first < 0; s++) {
                if (swarm.publishedAt(s) == null) {
                    first = s; // the next segment not yet published
                }
            }
            List<Long> everyAgentMillis = new ArrayList<>();
            List<Long> perAgentMillis = new ArrayList<>();
            for (long seq = first; seq < first + MEASURED_SEGMENTS; seq++) {
                Instant deadline = Instant.now().plus(SEGMENT.multipliedBy(6));
                while (swarm.publishedAt(seq) == null && Instant.now().isBefore(deadline)) {
                    Thread.sleep(5);
                }
                Instant published = swarm.publishedAt(seq);
                assertTrue(published != null, "segment " + seq + " was not published");
                long[] reached = new long[LISTENERS];
                java.util.Arrays.fill(reached, -1);
                int done = 0;
                Instant giveUp = published.plus(SEGMENT.multipliedBy(3));
                while (done < LISTENERS && Instant.now().isBefore(giveUp)) {
                    for (SwarmFixture.Listener l : swarm.listeners()) {
                        int i = l.index();
                        if (reached[i] < 0 && l.agent().swarmPeers(seq) >= MIN_PEERS) {
                            reached[i] = Duration.between(published, Instant.now()).toMillis();
                            done++;
                        }
                    }
                    Thread.sleep(10);
                }
                long worst = 0;
                for (long r : reached) {
                    assertTrue(r >= 0, "segment " + seq + ": some agent never had " + MIN_PEERS
                            + " peers in its swarm within 3 segment durations: " + java.util.Arrays.toString(reached));
                    worst = Math.max(worst, r);
                    perAgentMillis.add(r);
                }
                everyAgentMillis.add(worst);
            }
            perAgentMillis.sort(null);
            everyAgentMillis.sort(null);
            System.out.printf(Locale.ROOT, "swarm formation: %d agents, %d segments of %d s: publication -> every agent "
                            + ">= %d peers in the new swarm: median %d ms, max %d ms (per agent p50 %d ms, p90 %d ms)%n",
                    LISTENERS, MEASURED_SEGMENTS, SEGMENT.toSeconds(), MIN_PEERS,
                    everyAgentMillis.get(everyAgentMillis.size() / 2), everyAgentMillis.get(everyAgentMillis.size() - 1),
                    perAgentMillis.get(perAgentMillis.size() / 2), perAgentMillis.get(perAgentMillis.size() * 9 / 10));
        }
    }
}
