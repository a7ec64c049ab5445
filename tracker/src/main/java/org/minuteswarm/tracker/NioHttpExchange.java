package org.minuteswarm.tracker;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The JDK's {@link HttpExchange} over one request of our own frontend, so the channel API and
 * whatever an embedder {@code mount}s run unchanged on the worker pool. The response is
 * buffered and handed back whole, with its length, when the exchange is closed; closing
 * without a response closes the connection (as the JDK does).
 */
final class NioHttpExchange extends HttpExchange {
    /** Receives the complete response bytes, or null to close the connection without one. */
    private final Consumer<byte[]> completion;
    private final HttpRequestHead request;
    private final URI uri;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new HashMap<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private InputStream in;
    private OutputStream out;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status = -1;
    private boolean keepAlive;

    NioHttpExchange(HttpRequestHead request, URI uri, InetSocketAddress remote, InetSocketAddress local,
                    Consumer<byte[]> completion) {
        this.request = request;
        this.uri = uri;
        this.remote = remote;
        this.local = local;
        this.completion = completion;
        this.keepAlive = request.keepAlive();
        for (Map.Entry<String, List<String>> e : request.headers().entrySet()) {
            requestHeaders.put(e.getKey(), e.getValue());
        }
        this.in = new ByteArrayInputStream(request.body());
        this.out = new OutputStream() {
            @Override
            public void write(int b) {
                body.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                body.write(b, off, len);
            }

            @Override
            public void close() {
                NioHttpExchange.this.close();
            }
        };
    }

    boolean keepAlive() {
        return keepAlive;
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public String getRequestMethod() {
        return request.method();
    }

    @Override
    public HttpContext getHttpContext() {
        return null; // contexts are ours, not the JDK's; no handler here asks for one
    }

    @Override
    public void close() {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        if (status < 0) {
            completion.accept(null);
            return;
        }
        byte[] b = body.toByteArray();
        StringBuilder head = new StringBuilder(128);
        head.append("HTTP/1.1 ").append(status).append(' ').append(HttpFrontend.reason(status)).append("\r\n");
        for (Map.Entry<String, List<String>> e : responseHeaders.entrySet()) {
            String name = e.getKey();
            if ("Content-Length".equalsIgnoreCase(name) || "Connection".equalsIgnoreCase(name)) {
                continue;
            }
            for (String v : e.getValue()) {
                head.append(name).append(": ").append(v.replace('\r', ' ').replace('\n', ' ')).append("\r\n");
            }
        }
        head.append("Content-Length: ").append(b.length).append("\r\n");
        if (!keepAlive) {
            head.append("Connection: close\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + b.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        completion.accept(all);
    }

    @Override
    public InputStream getRequestBody() {
        return in;
    }

    @Override
    public OutputStream getResponseBody() {
        return out;
    }

    @Override
    public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
        if (status >= 0) {
            throw new IOException("headers already sent");
        }
        status = rCode;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return remote;
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return local;
    }

    @Override
    public String getProtocol() {
        return request.http11() ? "HTTP/1.1" : "HTTP/1.0";
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        if (i != null) {
            in = i;
        }
        if (o != null) {
            out = o;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null;
    }
}
