package org.minuteswarm.channel;

import java.util.regex.Pattern;

/** Channel names appear in URLs and file names, so they are kept to a safe alphabet. */
public final class ChannelName {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private ChannelName() {
    }

    public static String validate(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("channel name must be 1-64 characters of A-Z a-z 0-9 . _ - "
                    + "starting with a letter or digit: " + name);
        }
        return name;
    }
}
