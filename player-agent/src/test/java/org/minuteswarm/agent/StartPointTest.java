package org.minuteswarm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.minuteswarm.channel.ChannelIdentity;
import org.minuteswarm.channel.ChannelManifest;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.channel.SegmentDescriptor;

/** {@code --from}: parsing, and where in a window of 10..14 (one minute each, 14 started at T) it starts. */
@Timeout(10)
class StartPointTest {
    private static final Instant T = Instant.parse("2026-01-01T12:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final ChannelManifest WINDOW = window(10, 14);

    private static ChannelManifest window(long first, long last) {
        List<SegmentDescriptor> segments = new ArrayList<>();
        for (long s = first; s <= last; s++) {
            byte[] hash = new byte[InfoHash.LENGTH];
            hash[0] = (byte) s;
            segments.add(new SegmentDescriptor(s, InfoHash.of(hash), 1000, MINUTE, T.minus(MINUTE.multipliedBy(last - s))));
        }
        return new ChannelManifest("radio", ChannelIdentity.generate().key(), MINUTE, T, segments);
    }

    @Test
    void parsesLiveTimesBackAndSegmentNumbers() {
        assertTrue(StartPoint.parse("live").isLive());
        assertTrue(StartPoint.parse(null).isLive());
        assertEquals(new StartPoint(Duration.ofMinutes(5), -1), StartPoint.parse("-5m"));
        assertEquals(new StartPoint(Duration.ofSeconds(90), -1), StartPoint.parse("-90s"));
        assertEquals(new StartPoint(Duration.ofSeconds(90), -1), StartPoint.parse("-90"));
        assertEquals(new StartPoint(Duration.ofHours(1), -1), StartPoint.parse("-1h"));
        assertEquals(new StartPoint(Duration.ZERO, 1234), StartPoint.parse("1234"));
        assertFalse(StartPoint.parse("-5m").isLive());
        assertFalse(StartPoint.parse("0").isLive());
    }

    @Test
    void refusesAnythingElseWithTheUsage() {
        for (String bad : List.of("5m", "-5d", "yesterday", "-", "1.5", "-m")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StartPoint.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--from must be"), e.getMessage());
        }
    }

    @Test
    void liveStartsAtTheNewestSegment() {
        assertEquals(14, StartPoint.LIVE.resolve(WINDOW, T.plusSeconds(30)));
    }

    @Test
    void timeBackStartsAtTheSegmentPlayingThen() {
        // 90 s before T+30s is T-60s: segment 13 started then.
        assertEquals(13, StartPoint.parse("-90s").resolve(WINDOW, T.plusSeconds(30)));
        // T-61s falls inside 12 (T-120s .. T-60s)
        assertEquals(12, StartPoint.parse("-91s").resolve(WINDOW, T.plusSeconds(30)));
        assertEquals(14, StartPoint.parse("-10s").resolve(WINDOW, T.plusSeconds(30)));
    }

    @Test
    void startOlderThanTheWindowStartsAtItsOldestSegment() {
        assertEquals(10, StartPoint.parse("-1h").resolve(WINDOW, T));
        assertEquals(10, StartPoint.parse("3").resolve(WINDOW, T));
    }

    @Test
    void segmentNumberIsClampedToTheWindow() {
        assertEquals(12, StartPoint.parse("12").resolve(WINDOW, T));
        assertEquals(14, StartPoint.parse("99").resolve(WINDOW, T), "a number past the live edge starts at the live edge");
    }
}
