package org.minuteswarm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A live HLS media playlist (RFC 8216) as a player reads it: the tags the playback server writes,
 * checked for the rules a player relies on as it parses.
 */
record HlsPlaylist(long targetDuration, long mediaSequence, long discontinuitySequence, List<Entry> entries) {
    /** One media segment: its URI, EXTINF seconds, and the tags before it. */
    record Entry(String uri, double seconds, boolean discontinuity, Instant programDateTime) {
    }

    private static final Pattern EXTINF = Pattern.compile("#EXTINF:([0-9]+(?:\\.[0-9]+)?),.*");

    static HlsPlaylist parse(String text) {
        String[] lines = text.split("\n");
        assertEquals("#EXTM3U", lines[0], "RFC 8216 4.3.1.1: the first line");
        long target = -1;
        long mediaSequence = 0;
        long discontinuitySequence = 0;
        boolean discontinuity = false;
        Instant dateTime = null;
        Double seconds = null;
        List<Entry> entries = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            } else if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                target = Long.parseLong(value(line));
            } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                assertTrue(entries.isEmpty(), "4.3.3.2: MEDIA-SEQUENCE before the first segment");
                mediaSequence = Long.parseLong(value(line));
            } else if (line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
                assertTrue(entries.isEmpty(), "4.3.3.3: DISCONTINUITY-SEQUENCE before the first segment");
                discontinuitySequence = Long.parseLong(value(line));
            } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                discontinuity = true;
            } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                dateTime = Instant.parse(value(line));
            } else if (line.startsWith("#EXTINF:")) {
                Matcher m = EXTINF.matcher(line);
                assertTrue(m.matches(), "bad EXTINF: " + line);
                seconds = Double.parseDouble(m.group(1));
            } else if (line.startsWith("#EXT-X-ENDLIST")) {
                throw new AssertionError("a live playlist has no ENDLIST");
            } else if (line.startsWith("#")) {
                assertTrue(line.startsWith("#EXT-X-VERSION:"), "unexpected tag " + line);
            } else {
                assertTrue(seconds != null, "4.3.2.1: every media segment URI has an EXTINF: " + line);
                entries.add(new Entry(line, seconds, discontinuity, dateTime));
                seconds = null;
                discontinuity = false;
                dateTime = null;
            }
        }
        assertTrue(target >= 0, "4.3.3.1: EXT-X-TARGETDURATION is required");
        for (Entry e : entries) {
            assertTrue(Math.round(e.seconds()) <= target, "4.3.3.1: " + e + " longer than the target " + target);
        }
        return new HlsPlaylist(target, mediaSequence, discontinuitySequence, entries);
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1);
    }

    List<String> uris() {
        return entries.stream().map(Entry::uri).toList();
    }

    /** The URI of the segment with this media sequence number, or null. */
    String uriOf(long msn) {
        long i = msn - mediaSequence;
        return i >= 0 && i < entries.size() ? entries.get((int) i).uri() : null;
    }

    /**
     * RFC 8216 6.2.2: a reload may only remove segments from the front (raising MEDIA-SEQUENCE by one
     * for each) and append at the end, so every media sequence number names the same segment in both.
     */
    static void assertReloadContinues(HlsPlaylist before, HlsPlaylist after) {
        String both = before.uris() + " @" + before.mediaSequence() + " then " + after.uris() + " @" + after.mediaSequence();
        for (int i = 0; i < after.entries().size(); i++) {
            int was = before.uris().indexOf(after.uris().get(i));
            if (was >= 0) {
                assertEquals(before.mediaSequence() + was, after.mediaSequence() + i,
                        after.uris().get(i) + " changed media sequence number between reloads: " + both);
            }
        }
        for (long msn = after.mediaSequence(); msn < after.mediaSequence() + after.entries().size(); msn++) {
            String was = before.uriOf(msn);
            if (was != null) {
                assertEquals(was, after.uriOf(msn), "media sequence number " + msn + " changed segment: " + both);
            }
        }
        assertTrue(after.mediaSequence() >= before.mediaSequence(), "6.2.2: MEDIA-SEQUENCE never decreases: " + both);
    }
}
