package org.minuteswarm.tracker;

import com.sun.net.httpserver.HttpExchange;
import java.net.InetAddress;

/**
 * {@code GET /announce} (BEP 3) and {@code GET /scrape} (BEP 48). As trackers do, refusals are
 * HTTP 200 with a bencoded {@code failure reason}: clients show the reason, not the status.
 */
final class TrackerHttpHandlers {
    static final String ANNOUNCE_PATH = "/announce";
    static final String SCRAPE_PATH = "/scrape";

    private final Tracker tracker;

    TrackerHttpHandlers(Tracker tracker) {
        this.tracker = tracker;
    }

    void announce(HttpExchange exchange) {
        if (!checkRequest(exchange, ANNOUNCE_PATH)) {
            return;
        }
        QueryParameters query;
        try {
            query = QueryParameters.parse(exchange.getRequestURI().getRawQuery());
        } catch (ClientError e) {
            HttpReplies.failure(exchange, 200, e.reason());
            return;
        }
        InetAddress remote = exchange.getRemoteAddress().getAddress();
        HttpReplies.send(exchange, 200, HttpReplies.TEXT_PLAIN, tracker.announceResponse(query, remote));
    }

    void scrape(HttpExchange exchange) {
        if (!checkRequest(exchange, SCRAPE_PATH)) {
            return;
        }
        QueryParameters query;
        try {
            query = QueryParameters.parse(exchange.getRequestURI().getRawQuery());
        } catch (ClientError e) {
            HttpReplies.failure(exchange, 200, e.reason());
            return;
        }
        HttpReplies.send(exchange, 200, HttpReplies.TEXT_PLAIN, tracker.scrapeResponse(query));
    }

    /** The JDK matches contexts by prefix; only the exact path, by GET, is a tracker request. */
    private static boolean checkRequest(HttpExchange exchange, String path) {
        if (!path.equals(exchange.getRequestURI().getRawPath())) {
            HttpReplies.failure(exchange, 404, "not found");
            return false;
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            HttpReplies.failure(exchange, 200, "tracker requests must be GET");
            return false;
        }
        return true;
    }
}
