package org.minuteswarm.tracker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.BencodeException;
import org.minuteswarm.channel.SignedManifest;

/**
 * The broadcaster's side of a standalone tracker's publish API ({@link ChannelStore}).
 *
 * <p>{@link #publish} sends the signed manifest first: the tracker verifies it and holds it
 * unserved while it lacks torrents, answering with their sequence numbers; then it uploads just
 * those torrents, and the last one makes the manifest live. So a listener never sees a manifest
 * whose torrents 404, every torrent is checked against a signed manifest when it arrives, and
 * torrents the tracker already has are not sent again. Pass every torrent of the window each
 * time (they are a few KiB and only the missing ones travel): after a tracker restart or a
 * failed publish it may need more than the newest.
 *
 * <p>Thread-safe; one instance per tracker. Failures are {@link IOException}s with a one-line
 * message naming the tracker and the reason it gave.
 */
public final class TrackerPublisher {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    /** {@code trackerBase}: {@code http://HOST:PORT} (a trailing {@code /} or {@code /announce} is ignored). */
    public TrackerPublisher(URI trackerBase) {
        this(trackerBase, DEFAULT_TIMEOUT);
    }

    public TrackerPublisher(URI trackerBase, Duration timeout) {
        Objects.requireNonNull(trackerBase, "trackerBase");
        if (!"http".equalsIgnoreCase(trackerBase.getScheme()) || trackerBase.getHost() == null) {
            throw new IllegalArgumentException("tracker URL must be http://HOST:PORT, got " + trackerBase);
        }
        String s = trackerBase.toString();
        if (s.endsWith("/announce")) {
            s = s.substring(0, s.length() - "/announce".length());
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        this.base = URI.create(s);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The tracker's base URL, e.g. for the channel URL {@code BASE/channels/NAME?key=...}. */
    public URI base() {
        return base;
    }

    /** The announce URL to put in segment torrents. */
    public URI announceUri() {
        return URI.create(base + "/announce");
    }

    /**
     * Publishes {@code manifest} and whichever of {@code torrents} (sequence -> .torrent bytes)
     * the tracker lacks; returns once the manifest is live there.
     *
     * @throws IOException the tracker is unreachable, refused (wrong key, going backwards, ...),
     *                     or needs a torrent not in {@code torrents}
     */
    public PublishOutcome publish(SignedManifest manifest, Map<Long, byte[]> torrents) throws IOException, InterruptedException {
        String name = manifest.manifest().name();
        PublishOutcome outcome = put("/channels/" + name, manifest.wire(), "manifest of channel " + name);
        List<Long> absent = new ArrayList<>();
        for (long seq : outcome.missingTorrents()) {
            byte[] torrent = torrents.get(seq);
            if (torrent == null) {
                absent.add(seq);
                continue;
            }
            outcome = put("/channels/" + name + "/" + seq + ".torrent", torrent, "torrent " + seq + " of channel " + name);
        }
        if (!absent.isEmpty()) {
            throw new IOException("tracker " + base + " needs torrents of segments " + absent + " of channel " + name
                    + " that were not given");
        }
        if (!outcome.live()) {
            throw new IOException("tracker " + base + " has not made channel " + name + " live (still missing "
                    + outcome.missingTorrents() + ")");
        }
        return outcome;
    }

    private PublishOutcome put(String path, byte[] body, String what) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Content-Type", path.endsWith(".torrent") ? ChannelHttpHandler.TORRENT_TYPE : ChannelHttpHandler.MANIFEST_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IOException("tracker " + base + " unreachable publishing " + what + ": " + e, e);
        }
        Map<String, Object> d;
        try {
            d = Bencode.decodeDictionary(response.body());
        } catch (BencodeException e) {
            throw new IOException("tracker " + base + " answered publishing " + what + " with HTTP "
                    + response.statusCode() + " and no bencoded body");
        }
        if (d.get("failure reason") instanceof byte[] reason) {
            throw new IOException("tracker " + base + " refused " + what + " (HTTP " + response.statusCode() + "): "
                    + new String(reason, StandardCharsets.UTF_8).replace('\n', ' '));
        }
        if (response.statusCode() != 200 && response.statusCode() != 202
                || !(d.get("live") instanceof Long live) || !(d.get("sequence") instanceof Long seq)
                || !(d.get("missing") instanceof List<?> missing)) {
            throw new IOException("tracker " + base + " gave an unexpected answer publishing " + what
                    + " (HTTP " + response.statusCode() + ")");
        }
        List<Long> missingSeqs = new ArrayList<>();
        for (Object o : missing) {
            if (o instanceof Long l) {
                missingSeqs.add(l);
            }
        }
        return new PublishOutcome(live == 1, seq, missingSeqs);
    }
}
