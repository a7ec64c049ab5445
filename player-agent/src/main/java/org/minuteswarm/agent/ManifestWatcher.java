package org.minuteswarm.agent;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.function.Consumer;
import org.minuteswarm.channel.ChannelManifest;
import org.minuteswarm.channel.ManifestException;
import org.minuteswarm.channel.ManifestFollower;
import org.minuteswarm.channel.SignedManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the channel manifest with blocking reloads ({@code ?after=LIVE-EDGE}, as in
 * Low-Latency HLS): the server answers the moment a newer segment is published, so a new swarm
 * forms within milliseconds of publication instead of one poll interval later. Every document is
 * verified against the key in the channel URL; forged or rewound manifests are logged and dropped.
 */
final class ManifestWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ManifestWatcher.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final ManifestFollower follower;
    private final HttpClient http;
    private final Duration wait;
    private final Consumer<ChannelManifest> onNewManifest;
    private final Thread thread;
    private volatile boolean closed;
    private volatile long rejected;

    ManifestWatcher(ManifestFollower follower, HttpClient http, Duration wait, Consumer<ChannelManifest> onNewManifest) {
        this.follower = follower;
        this.http = http;
        this.wait = wait;
        this.onNewManifest = onNewManifest;
        this.thread = new Thread(this::run, "agent-manifest-" + follower.channel().name());
        this.thread.setDaemon(true);
    }

    /**
     * Fetches and verifies the manifest once, without waiting: the start-up check that the
     * channel is reachable and genuine. Errors carry a one-line message for the user.
     */
    ChannelManifest fetchNow() throws IOException, ManifestException {
        byte[] body = get(follower.channel().manifestUri(), Duration.ofSeconds(10));
        follower.accept(body);
        return follower.current().manifest();
    }

    void start() {
        thread.start();
    }

    long rejectedManifests() {
        return rejected;
    }

    private void run() {
        boolean failing = false;
        while (!closed) {
            try {
                long edge = follower.current() == null ? -1 : follower.current().manifest().latestSequence();
                URI uri = URI.create(follower.channel().manifestUri() + "?after=" + edge + "&wait=" + wait.toSeconds());
                byte[] body = get(uri, wait.plusSeconds(10));
                if (follower.accept(body)) {
                    onNewManifest.accept(follower.current().manifest());
                }
                if (failing) {
                    log.info("channel {} reachable again", follower.channel().manifestUri());
                    failing = false;
                }
            } catch (ManifestException e) {
                rejected++;
                log.warn("rejected manifest from {}: {}", follower.channel().manifestUri(), e.getMessage());
                pause();
            } catch (IOException e) {
                if (!failing && !closed) {
                    log.warn("cannot reload manifest from {}: {} (retrying)", follower.channel().manifestUri(), describe(e));
                }
                failing = true;
                pause();
            } catch (RuntimeException e) {
                log.error("manifest watcher error (retrying)", e);
                pause();
            }
        }
    }

    private byte[] get(URI uri, Duration timeout) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " for " + uri);
            }
            if (response.body().length > SignedManifest.MAX_BYTES) {
                throw new IOException("manifest too large from " + uri);
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedExceptionUnchecked();
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    /** Lets an interrupt end the loop without a checked exception through {@link #fetchNow()}. */
    static final class InterruptedExceptionUnchecked extends IOException {
        InterruptedExceptionUnchecked() {
            super("interrupted");
        }
    }
}
