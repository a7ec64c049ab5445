package org.minuteswarm.bench;

import java.util.Locale;

/** Rates and sizes as the report prints them. */
final class Rates {
    private Rates() {
    }

    /** A bit rate: {@code 1 Mbit/s}, {@code 500 kbit/s}. */
    static String bits(long bitsPerSecond) {
        if (bitsPerSecond >= 1_000_000) {
            return trim(bitsPerSecond / 1e6) + " Mbit/s";
        }
        return trim(bitsPerSecond / 1e3) + " kbit/s";
    }

    /** A byte rate, with its bit rate: {@code 187.5 kB/s (1.5 Mbit/s)}. */
    static String bytes(long bytesPerSecond) {
        return trim(bytesPerSecond / 1e3) + " kB/s (" + bits(bytesPerSecond * 8) + ")";
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.replaceAll("\\.?0+$", "");
    }
}
