package org.minuteswarm.segmenter.feed;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;

/** Opens feeds from the broadcaster's {@code --input} argument. */
public final class Feeds {

    private Feeds() {
    }

    /**
     * Opens a feed.
     *
     * <ul>
     *   <li>{@code -}: stdin (read on a daemon thread, so close() takes effect at once);
     *   <li>a file path or {@code file:} URI: read at the media's real-time rate (MPEG-TS by its
     *       PCR, MP3/AAC by their frame durations, other files at 1 Mbit/s); with {@code loop}
     *       replayed forever;
     *   <li>{@code http://...} or {@code https://...}: a live HTTP stream, pulled with a GET
     *       (an Icecast/SHOUTcast mount too: its ICY metadata is stripped);
     *   <li>{@code udp://HOST:PORT}: MPEG-TS datagrams as ffmpeg/OBS send them; binds HOST:PORT
     *       ({@code udp://:PORT} or {@code udp://@:PORT} for any address; a multicast HOST is
     *       joined). A query string ({@code ?pkt_size=1316}) is ignored.
     * </ul>
     *
     * @throws IOException with a one-line message naming the source if it cannot be opened, or
     *                     if {@code loop} is asked for anything but a file
     */
    public static Feed open(String src, boolean loop, Clock clock) throws IOException {
        return open(src, loop, clock, Sleeper.system());
    }

    /** {@link #open(String, boolean, Clock)} with the sleeper used for pacing files. */
    public static Feed open(String src, boolean loop, Clock clock, Sleeper sleeper) throws IOException {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        if (src == null || src.isBlank()) {
            throw new IOException("no feed given: use -, a file path, http://... or udp://HOST:PORT");
        }
        String lower = src.toLowerCase(Locale.ROOT);
        if (src.equals("-")) {
            requireNoLoop(src, loop);
            return new PumpedFeed(System.in, "stdin");
        }
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            requireNoLoop(src, loop);
            return new HttpFeed(src);
        }
        if (lower.startsWith("udp://")) {
            requireNoLoop(src, loop);
            return openUdp(src);
        }
        if (lower.startsWith("file:")) {
            try {
                return openFile(Path.of(URI.create(src)), loop, true, clock, sleeper);
            } catch (IllegalArgumentException e) {
                throw new IOException("bad feed URL " + src + ": " + e.getMessage(), e);
            }
        }
        if (lower.matches("^[a-z][a-z0-9+.-]*://.*")) {
            throw new IOException("unsupported feed " + src + ": use -, a file path, http://... or udp://HOST:PORT");
        }
        try {
            return openFile(Path.of(src), loop, true, clock, sleeper);
        } catch (InvalidPathException e) {
            throw new IOException("bad feed file name " + src + ": " + e.getMessage(), e);
        }
    }

    /**
     * A file as a feed. {@code paced}: released at the media's real-time rate (a stand-in for a
     * live source); unpaced, it is read at disk speed (the cut is still by the stream's PCR).
     */
    public static Feed openFile(Path file, boolean loop, boolean paced, Clock clock, Sleeper sleeper)
            throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("cannot read feed file " + file + ": it is a directory");
        }
        try {
            return new FileFeed(file, loop, paced, clock, sleeper);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot read feed file " + file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IOException("cannot read feed file " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new IOException("cannot read feed file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Any InputStream as a feed (stdin-like); closing the feed closes the stream. */
    public static Feed ofStream(InputStream in, String name) {
        return new StreamFeed(Objects.requireNonNull(in, "in"), Objects.requireNonNull(name, "name"));
    }

    private static void requireNoLoop(String src, boolean loop) throws IOException {
        if (loop) {
            throw new IOException("cannot loop " + src + ": only a file can be looped");
        }
    }

    private static Feed openUdp(String src) throws IOException {
        String rest = src.substring("udp://".length());
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.startsWith("@")) {
            rest = rest.substring(1);
        }
        int colon = rest.lastIndexOf(':');
        if (colon < 0) {
            throw new IOException("bad feed URL " + src + ": expected udp://HOST:PORT");
        }
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(rest.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IOException("bad feed URL " + src + ": port is not a number", e);
        }
        if (port < 0 || port > 65535) {
            throw new IOException("bad feed URL " + src + ": port out of range");
        }
        return new UdpFeed(host, port);
    }
}
