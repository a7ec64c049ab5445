package org.minuteswarm.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.minuteswarm.channel.ChannelManifest;
import org.minuteswarm.channel.SegmentDescriptor;

/**
 * Where playback starts: the live edge (default), a time back from now ({@code --from -5m}), or a
 * segment number ({@code --from 1234}). A start older than the window starts at its oldest
 * segment: the back buffer is what the broadcaster and the audience still seed.
 */
public record StartPoint(Duration back, long sequence) {
    private static final Pattern BACK = Pattern.compile("-(\\d+)(s|m|h)?");

    public static final StartPoint LIVE = new StartPoint(Duration.ZERO, -1);

    public static StartPoint parse(String text) {
        if (text == null || text.isBlank() || text.equals("live")) {
            return LIVE;
        }
        Matcher m = BACK.matcher(text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            Duration d = switch (unit) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            };
            return new StartPoint(d, -1);
        }
        try {
            long seq = Long.parseLong(text.trim());
            if (seq >= 0) {
                return new StartPoint(Duration.ZERO, seq);
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error
        }
        throw new IllegalArgumentException("--from must be 'live', a time back such as -5m, -90s, -1h, "
                + "or a segment number: " + text);
    }

    /** The sequence to start at in {@code manifest} (whose window must not be empty), at time {@code now}. */
    public long resolve(ChannelManifest manifest, Instant now) {
        List<SegmentDescriptor> window = manifest.segments();
        SegmentDescriptor oldest = window.get(0);
        SegmentDescriptor newest = window.get(window.size() - 1);
        if (sequence >= 0) {
            return Math.min(Math.max(sequence, oldest.sequence()), newest.sequence());
        }
        if (back.isZero()) {
            return newest.sequence();
        }
        Instant target = now.minus(back);
        for (int i = window.size() - 1; i >= 0; i--) {
            if (!window.get(i).startTime().isAfter(target)) {
                return window.get(i).sequence();
            }
        }
        return oldest.sequence();
    }

    public boolean isLive() {
        return sequence < 0 && back.isZero();
    }
}
