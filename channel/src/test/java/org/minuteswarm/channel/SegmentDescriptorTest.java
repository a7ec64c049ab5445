package org.minuteswarm.channel;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.minuteswarm.channel.Fixtures.MINUTE;
import static org.minuteswarm.channel.Fixtures.T0;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentDescriptorTest {
    private static final InfoHash H = Fixtures.hash(1);

    @Test
    void validates() {
        assertDoesNotThrow(() -> new SegmentDescriptor(0, H, 1, Duration.ofMillis(1), T0));
        assertThrows(IllegalArgumentException.class, () -> new SegmentDescriptor(-1, H, 1, MINUTE, T0));
        assertThrows(NullPointerException.class, () -> new SegmentDescriptor(0, null, 1, MINUTE, T0));
        assertThrows(IllegalArgumentException.class, () -> new SegmentDescriptor(0, H, 0, MINUTE, T0));
        assertThrows(IllegalArgumentException.class, () -> new SegmentDescriptor(0, H, -5, MINUTE, T0));
        assertThrows(IllegalArgumentException.class, () -> new SegmentDescriptor(0, H, 1, Duration.ZERO, T0));
        assertThrows(IllegalArgumentException.class, () -> new SegmentDescriptor(0, H, 1, MINUTE.negated(), T0));
        assertThrows(IllegalArgumentException.class, () -> new SegmentDescriptor(0, H, 1, null, T0));
        assertThrows(NullPointerException.class, () -> new SegmentDescriptor(0, H, 1, MINUTE, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "A", "0", "radio-1", "a.b_c-d", "9lives", "x..y"})
    void goodChannelNames(String name) {
        assertEquals(name, ChannelName.validate(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-a", ".a", "_a", "a b", "a/b", "a\\b", "a?b", "a#b", "a%b", "\u00e9t\u00e9",
            "a\n", "..", "a:b"})
    void badChannelNames(String name) {
        assertThrows(IllegalArgumentException.class, () -> ChannelName.validate(name));
    }

    @Test
    void channelNameLength() {
        assertEquals(64, ChannelName.validate("a".repeat(64)).length());
        assertThrows(IllegalArgumentException.class, () -> ChannelName.validate("a".repeat(65)));
        assertThrows(IllegalArgumentException.class, () -> ChannelName.validate(null));
    }
}
