package org.minuteswarm.tracker;

import com.sun.net.httpserver.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.minuteswarm.channel.SignedManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel API a listener needs besides the tracker itself:
 * <ul>
 * <li>{@code GET /channels/NAME}: the signed manifest's exact bytes. With {@code ?after=SEQ} it
 *     is a blocking reload, as in Low-Latency HLS: held until the live edge passes SEQ or
 *     {@code min(maxLongPoll, ?wait=SECONDS)} elapses, then answered with the current manifest,
 *     so a listener joins a new segment's swarm within milliseconds of its publication.</li>
 * <li>{@code GET /channels/NAME/SEQ.torrent}: a live segment's torrent.</li>
 * </ul>
 * A long poll is handed to its own pool so that waiting listeners never hold the workers that
 * answer announces. Errors are bencoded failure reasons with a 4xx status.
 */
final class ChannelHttpHandler {
    static final String PATH = "/channels/";
    static final String MANIFEST_TYPE = "application/x-bittorrent-manifest";
    static final String TORRENT_TYPE = "application/x-bittorrent";
    private static final Pattern MANIFEST = Pattern.compile("/channels/([A-Za-z0-9][A-Za-z0-9._-]{0,63})");
    private static final Pattern TORRENT = Pattern.compile("/channels/([A-Za-z0-9][A-Za-z0-9._-]{0,63})/(0|[1-9][0-9]{0,17})\\.torrent");
    private static final Logger log = LoggerFactory.getLogger(ChannelHttpHandler.class);

    private final ChannelDirectory directory;
    private final Duration maxLongPoll;
    private final Executor longPolls;

    ChannelHttpHandler(ChannelDirectory directory, Duration maxLongPoll, Executor longPolls) {
        this.directory = directory;
        this.maxLongPoll = maxLongPoll;
        this.longPolls = longPolls;
    }

    void handle(HttpExchange exchange) {
        String path = exchange.getRequestURI().getRawPath();
        if ("PUT".equals(exchange.getRequestMethod()) && directory instanceof ChannelStore store) {
            publish(exchange, store, path);
            return;
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", directory instanceof ChannelStore ? "GET, PUT" : "GET");
            HttpReplies.failure(exchange, 405, directory instanceof ChannelStore
                    ? "channel requests must be GET or PUT" : "channel requests must be GET");
            return;
        }
        Matcher torrent = TORRENT.matcher(path);
        if (torrent.matches()) {
            Optional<byte[]> bytes = directory.torrent(torrent.group(1), Long.parseLong(torrent.group(2)));
            if (bytes.isPresent()) {
                HttpReplies.send(exchange, 200, TORRENT_TYPE, bytes.get());
            } else {
                HttpReplies.failure(exchange, 404, "no live segment " + torrent.group(2) + " in channel " + torrent.group(1));
            }
            return;
        }
        Matcher manifest = MANIFEST.matcher(path);
        if (!manifest.matches()) {
            HttpReplies.failure(exchange, 404, "not found: use /channels/NAME or /channels/NAME/SEQ.torrent");
            return;
        }
        String channel = manifest.group(1);
        long after;
        Duration wait;
        try {
            QueryParameters query = QueryParameters.parse(exchange.getRequestURI().getRawQuery());
            Optional<byte[]> afterParam = query.single("after");
            if (afterParam.isEmpty()) {
                answer(exchange, channel, directory.manifest(channel));
                return;
            }
            // after=-1 is "anything": the live edge of an empty window is -1.
            after = "-1".equals(new String(afterParam.get(), StandardCharsets.ISO_8859_1)) ? -1
                    : QueryParameters.nonNegative("after", afterParam.get(), Long.MAX_VALUE);
            wait = maxLongPoll;
            Optional<byte[]> waitParam = query.single("wait");
            if (waitParam.isPresent()) {
                Duration asked = Duration.ofSeconds(QueryParameters.nonNegative("wait", waitParam.get(), Long.MAX_VALUE));
                if (asked.compareTo(maxLongPoll) < 0) {
                    wait = asked;
                }
            }
        } catch (ClientError e) {
            HttpReplies.failure(exchange, 400, e.reason());
            return;
        }
        Optional<SignedManifest> current = directory.manifest(channel);
        if (current.isEmpty() || current.get().manifest().latestSequence() > after || wait.isZero()) {
            answer(exchange, channel, current); // nothing to wait for: keep the long-poll threads free
            return;
        }
        Duration timeout = wait;
        try {
            longPolls.execute(() -> longPoll(exchange, channel, after, timeout));
        } catch (RejectedExecutionException e) {
            // Every long-poll thread is busy (or we are closing): answer at once with the current
            // manifest, which is always a correct answer, just not a blocking one.
            log.debug("long-poll pool full, answering {} at once", channel);
            answer(exchange, channel, directory.manifest(channel));
        }
    }

    /**
     * {@code PUT /channels/NAME} (a signed manifest) and {@code PUT /channels/NAME/SEQ.torrent}:
     * the standalone tracker's publish API. The store decides who may publish (the key that
     * signed the channel's first manifest); this only bounds and routes the body. Answers are
     * the bencoded {@link PublishOutcome}, 200 when live, 202 while torrents are missing.
     */
    private static void publish(HttpExchange exchange, ChannelStore store, String path) {
        Matcher torrent = TORRENT.matcher(path);
        Matcher manifest = MANIFEST.matcher(path);
        boolean isTorrent = torrent.matches();
        if (!isTorrent && !manifest.matches()) {
            HttpReplies.failure(exchange, 404, "not found: PUT /channels/NAME or /channels/NAME/SEQ.torrent");
            return;
        }
        int limit = isTorrent ? ChannelStore.MAX_TORRENT_BYTES : SignedManifest.MAX_BYTES;
        byte[] body;
        try {
            body = HttpReplies.readBody(exchange, limit);
        } catch (ClientError e) {
            HttpReplies.failure(exchange, 413, e.reason());
            return;
        }
        if (body == null) {
            exchange.close(); // the client went away mid-body
            return;
        }
        try {
            PublishOutcome outcome = isTorrent
                    ? store.publishTorrent(torrent.group(1), Long.parseLong(torrent.group(2)), body)
                    : store.publishManifest(manifest.group(1), body);
            HttpReplies.send(exchange, outcome.live() ? 200 : 202, HttpReplies.TEXT_PLAIN, outcome.encode());
        } catch (PublishRefused e) {
            log.info("publish {} from {} refused: {}", path, exchange.getRemoteAddress(), e.getMessage());
            HttpReplies.failure(exchange, e.status(), e.getMessage());
        }
    }

    private void longPoll(HttpExchange exchange, String channel, long after, Duration timeout) {
        try {
            answer(exchange, channel, directory.awaitNewer(channel, after, timeout));
        } catch (InterruptedException e) {
            exchange.close(); // the tracker is closing
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("long poll on channel {} failed", channel, e);
            HttpReplies.failure(exchange, 500, "internal error");
        }
    }

    private static void answer(HttpExchange exchange, String channel, Optional<SignedManifest> manifest) {
        if (manifest.isPresent()) {
            HttpReplies.send(exchange, 200, MANIFEST_TYPE, manifest.get().wire());
        } else {
            HttpReplies.failure(exchange, 404, "unknown channel " + channel);
        }
    }
}
