package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrackerConfigTest {
    private static final InetAddress BIND = InetAddress.getLoopbackAddress();

    @Test
    void defaults() {
        TrackerConfig c = TrackerConfig.defaults(BIND, 7070);
        assertEquals(7070, c.httpPort());
        assertEquals(Duration.ofSeconds(15), c.announceInterval());
        assertEquals(Duration.ofSeconds(5), c.minAnnounceInterval());
        assertEquals(Duration.ofMillis(37_500), c.peerTimeout());
        assertEquals(50, c.defaultNumwant());
        assertEquals(200, c.maxNumwant());
        assertEquals(Duration.ofSeconds(30), c.maxLongPoll());
        assertEquals(Duration.ofMillis(9_375), TrackerHttpServer.sweepPeriod(c));
    }

    @Test
    void withersKeepTheConfigValid() {
        TrackerConfig c = TrackerConfig.defaults(BIND, 0).withAnnounceInterval(Duration.ofSeconds(2));
        assertEquals(Duration.ofSeconds(2), c.minAnnounceInterval());
        assertEquals(Duration.ofSeconds(5), c.peerTimeout());
        assertEquals(Duration.ofMillis(1250), TrackerHttpServer.sweepPeriod(c));
        TrackerConfig fast = c.withAnnounceInterval(Duration.ofSeconds(1));
        assertEquals(Duration.ofSeconds(1), TrackerHttpServer.sweepPeriod(fast), "never more often than every second");
        TrackerConfig slow = TrackerConfig.defaults(BIND, 0).withAnnounceInterval(Duration.ofMinutes(30));
        assertEquals(Duration.ofMinutes(75), slow.peerTimeout());
        assertEquals(Duration.ofSeconds(30), TrackerHttpServer.sweepPeriod(slow));
    }

    @Test
    void badValuesAreRefusedByName() {
        Duration s15 = Duration.ofSeconds(15);
        Duration s5 = Duration.ofSeconds(5);
        Duration s40 = Duration.ofSeconds(40);
        assertMessage("httpPort", () -> new TrackerConfig(BIND, 70000, s15, s5, s40, 50, 200, s15));
        assertMessage("announceInterval", () -> new TrackerConfig(BIND, 0, Duration.ofMillis(500), s5, s40, 50, 200, s15));
        assertMessage("minAnnounceInterval", () -> new TrackerConfig(BIND, 0, s5, s15, s40, 50, 200, s15));
        assertMessage("peerTimeout", () -> new TrackerConfig(BIND, 0, s15, s5, s15, 50, 200, s15));
        assertMessage("maxNumwant", () -> new TrackerConfig(BIND, 0, s15, s5, s40, 0, 0, s15));
        assertMessage("defaultNumwant", () -> new TrackerConfig(BIND, 0, s15, s5, s40, 300, 200, s15));
        assertMessage("maxLongPoll", () -> new TrackerConfig(BIND, 0, s15, s5, s40, 50, 200, Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> new TrackerConfig(null, 0, s15, s5, s40, 50, 200, s15));
    }

    private static void assertMessage(String name, org.junit.jupiter.api.function.Executable e) {
        String message = assertThrows(IllegalArgumentException.class, e).getMessage();
        assertTrue(message.startsWith(name + " "), message);
    }
}
