package org.minuteswarm.seeder;

import bt.metainfo.TorrentId;
import bt.tracker.Tracker;
import bt.tracker.TrackerRequestBuilder;
import bt.tracker.TrackerResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces to one HTTP tracker URL for any number of torrents, concurrently. Failures come back as failed
 * {@link TrackerResponse}s (bt retries later), never as exceptions that would end a torrent's processing.
 */
final class HttpTrackerClient implements Tracker {
    private static final Logger LOG = LoggerFactory.getLogger(HttpTrackerClient.class);

    private final String url;
    private final HttpClient http;
    private final AnnounceQuery.Source source;
    private final Duration timeout;
    private volatile byte[] trackerId;

    HttpTrackerClient(String url, HttpClient http, AnnounceQuery.Source source, Duration timeout) {
        this.url = url;
        this.http = http;
        this.source = source;
        this.timeout = timeout;
    }

    @Override
    public TrackerRequestBuilder request(TorrentId torrentId) {
        return new TrackerRequestBuilder(torrentId) {
            @Override
            public TrackerResponse start() {
                return announce(this, AnnounceQuery.Event.STARTED);
            }

            @Override
            public TrackerResponse stop() {
                return announce(this, AnnounceQuery.Event.STOPPED);
            }

            @Override
            public TrackerResponse complete() {
                return announce(this, AnnounceQuery.Event.COMPLETED);
            }

            @Override
            public TrackerResponse query() {
                return announce(this, AnnounceQuery.Event.NONE);
            }
        };
    }

    private TrackerResponse announce(TrackerRequestBuilder request, AnnounceQuery.Event event) {
        String query = AnnounceQuery.of(source, request.getTorrentId(), event, request.getNumWant(), trackerId);
        TrackerResponse response;
        try {
            URI uri = URI.create(url + (url.contains("?") ? "&" : "?") + query);
            HttpResponse<byte[]> reply = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            response = reply.statusCode() == 200
                    ? AnnounceResponse.parse(reply.body())
                    : TrackerResponse.failure("tracker answered HTTP " + reply.statusCode());
        } catch (IOException | IllegalArgumentException e) {
            response = TrackerResponse.failure("announce to " + url + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response = TrackerResponse.failure("announce to " + url + " interrupted");
        }
        SwarmTrace.announced(request.getTorrentId(), event.name(), response.isSuccess());
        if (response.isSuccess()) {
            response.getTrackerId().ifPresent(id -> trackerId = id);
        } else {
            LOG.debug("{} announce for {}: {}", event, request.getTorrentId(), response.getErrorMessage());
        }
        return response;
    }

    @Override
    public void close() {
        // The HttpClient is shared by the runtime and outlives any one tracker URL.
    }

    @Override
    public String toString() {
        return "HttpTrackerClient{" + url + "}";
    }
}
