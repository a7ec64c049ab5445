package org.minuteswarm.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.BencodeException;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.channel.ManifestException;
import org.minuteswarm.channel.SegmentDescriptor;
import org.minuteswarm.channel.SignedManifest;
import org.minuteswarm.segmenter.BroadcastConfig;
import org.minuteswarm.segmenter.Broadcaster;
import org.minuteswarm.segmenter.feed.SyntheticTs;
import org.minuteswarm.seeder.TorrentFile;

/**
 * A broadcaster on 127.0.0.1 (ephemeral ports, 2-second segments of a synthetic 1 Mbit/s MPEG-TS
 * feed) plus what an outside client needs of it: the published segments' bytes (copied at
 * publication, since the broadcaster deletes retired segments), the channel API over real HTTP,
 * and the embedded tracker's scrape.
 */
final class InteropBroadcast implements AutoCloseable {
    static final String CHANNEL = "interop";
    static final Duration SEGMENT = Duration.ofSeconds(2);
    static final long BITS_PER_SECOND = 1_000_000;
    /** 30 x 2 s: a segment stays seeded and tracked for ~60 s, longer than any client is given here. */
    static final int WINDOW = 30;
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);

    /** A published segment as the broadcaster made it, and its torrent as the channel API serves it. */
    record Segment(SegmentDescriptor descriptor, byte[] bytes, Instant publishedAt) {
        long sequence() {
            return descriptor.sequence();
        }
    }

    private final Clock clock = Clock.systemUTC();
    private final BlockingQueue<Segment> published = new LinkedBlockingQueue<>();
    private final HttpClient http = httpClient();
    private final Broadcaster broadcaster;

    private InteropBroadcast(Path dir) throws IOException {
        BroadcastConfig config = BroadcastConfig.loopback(CHANNEL, SEGMENT, WINDOW, dir);
        broadcaster = Broadcaster.start(config, SyntheticTs.liveFeed(BITS_PER_SECOND, 7, clock), clock);
        broadcaster.onPublished(d -> {
            try {
                published.add(new Segment(d, Files.readAllBytes(broadcaster.segmentFile(d.sequence())), clock.instant()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot copy published segment " + d.sequence(), e);
            }
        });
    }

    static HttpClient httpClient() {
        return HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
    }

    static InteropBroadcast start(Path dir) throws IOException {
        return new InteropBroadcast(dir);
    }

    Broadcaster broadcaster() {
        return broadcaster;
    }

    /** The next segment published from now on (the first one ~2 s after start). */
    Segment nextSegment(Duration timeout) throws InterruptedException, TimeoutException {
        Segment s = published.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (s == null) {
            throw new TimeoutException("no segment published within " + timeout);
        }
        return s;
    }

    /** The signed manifest from {@code GET /channels/NAME}, verified against the channel URL's key. */
    SignedManifest manifest() throws IOException, InterruptedException, ManifestException {
        return SignedManifest.verify(get(broadcaster.channelUrl().manifestUri()), broadcaster.channelUrl());
    }

    /**
     * Fetches {@code GET /channels/NAME/SEQ.torrent} and checks it against the signed manifest: the
     * torrent an outside client gets is the one the channel vouches for, announcing to our tracker.
     */
    TorrentFile torrent(Segment segment) throws IOException, InterruptedException, ManifestException {
        SegmentDescriptor listed = manifest().manifest().segment(segment.sequence()).orElseThrow(
                () -> new AssertionError("segment " + segment.sequence() + " is not in the served manifest"));
        // The manifest carries times in milliseconds: compare what identifies the segment's bytes.
        assertEquals(segment.descriptor().infoHash(), listed.infoHash(), "manifest info-hash vs the published one");
        assertEquals(segment.descriptor().sizeBytes(), listed.sizeBytes(), "manifest size vs the published one");
        TorrentFile torrent = TorrentFile.parse(get(broadcaster.channelUrl().torrentUri(segment.sequence())));
        assertEquals(listed.infoHash(), torrent.infoHash(), "served torrent's info-hash vs the signed manifest's");
        assertEquals(segment.bytes().length, torrent.length(), "torrent length vs the segment file");
        assertEquals(announceUri(), torrent.announce(), "torrent announces to the embedded tracker");
        return torrent;
    }

    URI announceUri() {
        return URI.create("http://127.0.0.1:" + broadcaster.httpPort() + "/announce");
    }

    /** BEP 48 scrape of one info-hash at the embedded tracker; empty if the tracker left it out (retired). */
    Optional<Map<String, Object>> scrape(InfoHash hash) throws IOException, InterruptedException {
        return scrape(http, broadcaster.httpPort(), hash);
    }

    /** BEP 48 scrape of one info-hash at the tracker on 127.0.0.1:{@code port}; empty if it is not tracked. */
    static Optional<Map<String, Object>> scrape(HttpClient http, int port, InfoHash hash)
            throws IOException, InterruptedException {
        StringBuilder escaped = new StringBuilder();
        for (byte b : hash.bytes()) {
            escaped.append('%').append(String.format("%02X", b & 0xff));
        }
        URI uri = URI.create("http://127.0.0.1:" + port + "/scrape?info_hash=" + escaped);
        try {
            Map<String, Object> root = Bencode.decodeDictionary(get(http, uri));
            assertTrue(root.get("files") instanceof Map, "scrape answer has no files: " + root.keySet());
            @SuppressWarnings("unchecked")
            Map<String, Object> files = (Map<String, Object>) root.get("files");
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = (Map<String, Object>) files.get(Bencode.key(hash.bytes()));
            return Optional.ofNullable(entry);
        } catch (BencodeException e) {
            throw new IOException("bad scrape answer: " + e.getMessage(), e);
        }
    }

    /**
     * Scrapes {@code hash} at the tracker on 127.0.0.1:{@code port} until its {@code key} count
     * ({@code complete}, {@code incomplete} or {@code downloaded}) is at least 1, or {@code timeout}
     * passes; returns the last scrape entry seen.
     */
    static Map<String, Object> awaitScrape(HttpClient http, int port, InfoHash hash, String key, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> last = Map.of();
        while (true) {
            Optional<Map<String, Object>> entry = scrape(http, port, hash);
            if (entry.isPresent()) {
                last = entry.get();
                if (last.get(key) instanceof Long n && n >= 1) {
                    return last;
                }
            }
            if (System.nanoTime() > deadline) {
                return last;
            }
            Thread.sleep(50);
        }
    }

    /**
     * Scrapes {@code hash} every 20 ms until closed, keeping the highest counts seen: a client that
     * announces {@code started} and later {@code stopped} shows up as a leecher in between, even when
     * it never sends {@code completed} (aria2c with {@code --seed-time=0} goes straight to stopped).
     */
    TrackerWatch watch(InfoHash hash) {
        return new TrackerWatch(hash);
    }

    final class TrackerWatch implements AutoCloseable {
        private final InfoHash hash;
        private final Thread thread;
        private volatile long maxSeeders;
        private volatile long maxLeechers;
        private volatile long maxCompletions;
        private volatile long scrapes;
        private volatile String lastError;

        private TrackerWatch(InfoHash hash) {
            this.hash = hash;
            this.thread = new Thread(this::run, "interop-scrape-watch");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    scrape(hash).ifPresent(e -> {
                        maxSeeders = Math.max(maxSeeders, count(e, "complete"));
                        maxLeechers = Math.max(maxLeechers, count(e, "incomplete"));
                        maxCompletions = Math.max(maxCompletions, count(e, "downloaded"));
                    });
                    scrapes++;
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    lastError = e.toString();
                }
            }
        }

        private long count(Map<String, Object> entry, String key) {
            return entry.get(key) instanceof Long l ? l : 0;
        }

        /** The most peers the tracker listed at once as leeching {@code hash}. */
        long maxLeechers() {
            return maxLeechers;
        }

        long maxCompletions() {
            return maxCompletions;
        }

        /** Whether the tracker ever listed a peer besides the broadcaster's seed, or counted a completion. */
        boolean sawPeer() {
            return maxLeechers >= 1 || maxSeeders >= 2 || maxCompletions >= 1;
        }

        @Override
        public String toString() {
            return "scrapes " + scrapes + ": max seeders " + maxSeeders + ", max leechers " + maxLeechers
                    + ", completions " + maxCompletions + (lastError == null ? "" : ", last error " + lastError);
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join(5000);
        }
    }

    byte[] get(URI uri) throws IOException, InterruptedException {
        return get(http, uri);
    }

    static byte[] get(HttpClient http, URI uri) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered " + response.statusCode());
        }
        return response.body();
    }

    @Override
    public void close() {
        broadcaster.close();
    }
}
