package org.minuteswarm.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.minuteswarm.channel.JsonWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local playback server a media player talks to (127.0.0.1 only by default):
 * {@code /stream.ts} (the continuous played stream, paced at real time), {@code /playlist.m3u8}
 * (an HLS live playlist over the local segments), {@code /segments/SEQ.ts} and {@code /status}.
 */
final class PlaybackServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlaybackServer.class);
    /** Each /stream.ts client holds a thread; more than this many players on one agent is a mistake. */
    private static final int MAX_CLIENTS = 64;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Playout playout;
    private final SegmentLibrary library;
    private final Supplier<java.util.Map<String, Object>> status;
    /** Media sequence numbers of listed segments: stable across reloads, gaps never renumber them. */
    private final java.util.TreeMap<Long, Listed> numbering = new java.util.TreeMap<>();
    private long discontinuitiesRemoved;

    private PlaybackServer(HttpServer server, ExecutorService executor, Playout playout, SegmentLibrary library,
                           Supplier<java.util.Map<String, Object>> status) {
        this.server = server;
        this.executor = executor;
        this.playout = playout;
        this.library = library;
        this.status = status;
    }

    static PlaybackServer start(InetSocketAddress address, Playout playout, SegmentLibrary library,
                                Supplier<java.util.Map<String, Object>> status) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(address, 64);
        } catch (BindException e) {
            throw new IOException("play port " + address.getPort() + " is in use");
        }
        int port = server.getAddress().getPort();
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = new ThreadPoolExecutor(2, MAX_CLIENTS + 8, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "agent-play-" + port + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        server.setExecutor(executor);
        PlaybackServer s = new PlaybackServer(server, executor, playout, library, status);
        server.createContext("/", s::handle);
        server.start();
        return s;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "text/plain", "only GET\n");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/stream.ts") || path.equals("/stream.mp3") || path.equals("/stream.aac")) {
                stream(exchange);
            } else if (path.equals("/playlist.m3u8")) {
                send(exchange, 200, "application/vnd.apple.mpegurl", playlist());
            } else if (path.startsWith("/segments/") && path.lastIndexOf('.') > "/segments/".length()) {
                segment(exchange, path.substring("/segments/".length(), path.lastIndexOf('.')));
            } else if (path.equals("/status")) {
                send(exchange, 200, "application/json", JsonWriter.write(status.get()) + "\n");
            } else {
                send(exchange, 404, "text/plain", "not found\n");
            }
        } catch (IOException e) {
            log.debug("playback client went away: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("playback request failed", e);
        }
    }

    private void stream(HttpExchange exchange) throws IOException {
        List<LocalSegment> all = library.snapshot();
        exchange.getResponseHeaders().set("Content-Type", all.isEmpty() ? "video/mp2t" : all.get(all.size() - 1).contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream body = exchange.getResponseBody()) {
            new PlayoutReader(playout).copyTo(body, -1, Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * An HLS live playlist (RFC 8216) over the local segments in play order: complete segments up
     * to the first one still downloading (a live playlist only ever grows at its end), with
     * {@code #EXT-X-DISCONTINUITY} where playback skipped segments and the broadcast time of each.
     */
    synchronized String playlist() {
        StringBuilder entries = new StringBuilder();
        long firstNumber = -1;
        long target = 1;
        boolean gap = false;
        long firstListed = -1;
        for (LocalSegment s : library.snapshot()) {
            if (library.isSkipped(s.sequence()) || s.failed()) {
                gap = true; // never listed, even if it completes late: numbers must not shift
                continue;
            }
            if (!s.isComplete()) {
                break;
            }
            Listed listed = numbering.get(s.sequence());
            if (listed == null) {
                Map.Entry<Long, Listed> last = numbering.lastEntry();
                boolean discontinuity = last != null && (gap || s.sequence() != last.getKey() + 1);
                listed = new Listed(last == null ? s.sequence() : last.getValue().number() + 1, discontinuity);
                numbering.put(s.sequence(), listed);
            }
            if (firstListed < 0) {
                firstListed = s.sequence();
                firstNumber = listed.number();
            } else if (listed.discontinuity()) {
                entries.append("#EXT-X-DISCONTINUITY\n");
            }
            gap = false;
            double seconds = s.descriptor.duration().toMillis() / 1000.0;
            target = Math.max(target, (long) Math.ceil(seconds));
            entries.append("#EXT-X-PROGRAM-DATE-TIME:")
                    .append(java.time.format.DateTimeFormatter.ISO_INSTANT.format(
                            s.descriptor.startTime().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)))
                    .append('\n');
            entries.append(String.format(Locale.ROOT, "#EXTINF:%.3f,%nsegments/%d.%s%n", seconds, s.sequence(), s.media));
        }
        // Entries that left the playlist: their discontinuities still count (RFC 8216 4.3.3.3).
        while (!numbering.isEmpty() && firstListed >= 0 && numbering.firstKey() < firstListed) {
            if (numbering.pollFirstEntry().getValue().discontinuity()) {
                discontinuitiesRemoved++;
            }
        }
        StringBuilder out = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n");
        out.append("#EXT-X-TARGETDURATION:").append(target).append('\n');
        out.append("#EXT-X-MEDIA-SEQUENCE:").append(Math.max(firstNumber, 0)).append('\n');
        out.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitiesRemoved).append('\n');
        return out.append(entries).toString();
    }

    /** A segment's place in the playlist: its media sequence number, fixed once listed. */
    private record Listed(long number, boolean discontinuity) {
    }

    private void segment(HttpExchange exchange, String number) throws IOException {
        long sequence;
        try {
            sequence = Long.parseLong(number);
        } catch (NumberFormatException e) {
            send(exchange, 404, "text/plain", "not found\n");
            return;
        }
        LocalSegment s = library.get(sequence);
        if (s == null || !s.isComplete()) {
            send(exchange, 404, "text/plain", "segment " + sequence + " is not here\n");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", s.contentType());
        long size = Files.size(s.file);
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(size));
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, size);
        {
            try (OutputStream body = exchange.getResponseBody()) {
                Files.copy(s.file, body);
            }
        }
    }

    private static void send(HttpExchange exchange, int code, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
