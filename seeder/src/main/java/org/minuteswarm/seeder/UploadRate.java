package org.minuteswarm.seeder;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a bandwidth as users write it: {@code 2mbit}, {@code 500kbit}, {@code 1.5mbit} (bits per
 * second, SI: 1 kbit = 1000 bit), or {@code 500k}, {@code 2m}, {@code 250000} (bytes per second,
 * SI). {@code 0} or {@code unlimited} means no cap.
 */
public final class UploadRate {
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(|b|k|kb|m|mb|g|gb|bit|kbit|mbit|gbit)(?:/s|ps)?");

    private UploadRate() {
    }

    /** Bytes per second; 0 for unlimited. */
    public static long parseBytesPerSecond(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("unlimited") || t.equals("0")) {
            return 0;
        }
        Matcher m = RATE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad rate '" + text + "': use e.g. 2mbit, 500kbit, 500k (bytes/s) or 0");
        }
        double n = Double.parseDouble(m.group(1));
        double bytes = switch (m.group(2)) {
            case "", "b" -> n;
            case "k", "kb" -> n * 1e3;
            case "m", "mb" -> n * 1e6;
            case "g", "gb" -> n * 1e9;
            case "bit" -> n / 8;
            case "kbit" -> n * 1e3 / 8;
            case "mbit" -> n * 1e6 / 8;
            case "gbit" -> n * 1e9 / 8;
            default -> throw new IllegalArgumentException("bad rate unit in '" + text + "'");
        };
        if (bytes > 0 && bytes < 1024) {
            throw new IllegalArgumentException("rate '" + text + "' is below 1 kB/s: one block would take seconds");
        }
        return Math.round(bytes);
    }
}
