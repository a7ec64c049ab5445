package org.minuteswarm.tracker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sending answers on a JDK {@link HttpExchange}, and the guard that keeps every handler safe. */
final class HttpReplies {
    static final String TEXT_PLAIN = "text/plain";
    private static final Logger log = LoggerFactory.getLogger(HttpReplies.class);

    private HttpReplies() {
    }

    /** Sends a complete answer and closes the exchange; a client that went away is not an error. */
    static void send(HttpExchange exchange, int status, String contentType, byte[] body) {
        try {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length); // -1: no body
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            log.debug("client {} went away before its answer was sent: {}", exchange.getRemoteAddress(), e.toString());
        } finally {
            exchange.close();
        }
    }

    /**
     * Reads a request body of at most {@code limit} bytes; null if the client went away. A
     * longer body is refused as soon as it passes the limit, never buffered whole.
     */
    static byte[] readBody(HttpExchange exchange, int limit) throws ClientError {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > limit) {
                    throw new ClientError("body larger than " + limit + " bytes");
                }
            } catch (NumberFormatException e) {
                throw new ClientError("bad Content-Length");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw new ClientError("body larger than " + limit + " bytes");
            }
            return body;
        } catch (IOException e) {
            return null;
        }
    }

    /** A bencoded failure reason, which BEP 3 clients show to the user. */
    static void failure(HttpExchange exchange, int status, String reason) {
        send(exchange, status, TEXT_PLAIN, BencodedResponses.failure(reason));
    }

    /**
     * Wraps a handler so that nothing escapes it: a bug answers 500 (if no answer started) and
     * the exchange is closed rather than left hanging. Handlers that answer asynchronously (the
     * long poll) own their exchange and must close it themselves.
     */
    static HttpHandler guarded(HttpHandler handler) {
        return exchange -> {
            try {
                handler.handle(exchange);
            } catch (Throwable t) { // NOPMD: the last line of defence for a worker thread
                log.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), t);
                try {
                    failure(exchange, 500, "internal error");
                } catch (Throwable ignored) {
                    exchange.close();
                }
            }
        };
    }
}
