package org.minuteswarm.segmenter.feed;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Pulls a live stream over HTTP(S) with a GET (as served by ffmpeg's {@code -listen 1}, VLC,
 * an Icecast-style server or a camera).
 *
 * <p>A small HTTP/1.1 client over a plain socket (RFC 9112) rather than HttpURLConnection:
 * closing the socket is the only way to wake a read blocked on a live stream, and
 * HttpURLConnection's disconnect() waits for the blocked read to finish first. It follows up to
 * {@link #MAX_REDIRECTS} redirects and reads a chunked, length-delimited or close-delimited
 * body. A final status other than 2xx fails the open with the status line. It asks for ICY
 * metadata as internet radio players do, and strips it from the body ({@link #readMedia}).
 */
final class HttpFeed implements Feed {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpFeed.class);

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** A live source silent for this long is taken as dead, not as a pause. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_REDIRECTS = 5;
    private static final int MAX_HEADER_LINE = 8192;

    private final String url;
    private volatile Socket socket;
    private InputStream in;
    /** Body bytes left when the response has a Content-Length; -1 when it has not. */
    private long remaining = -1;
    private boolean chunked;
    private long chunkLeft;
    private boolean bodyEnded;
    /**
     * Media bytes between ICY metadata blocks ({@code icy-metaint}), 0 if the server sends none.
     * We ask for them ({@code Icy-MetaData: 1}) as players do, since some servers only then send
     * the header, and strip them so that they never reach the media.
     */
    private int metaInterval;
    private int untilMetadata;
    private long metadataBlocks;
    private volatile boolean closed;

    HttpFeed(String url) throws IOException {
        this.url = url;
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IOException("bad feed URL " + url + ": " + e.getMessage(), e);
        }
        for (int hop = 0; ; hop++) {
            String location = request(uri);
            if (location == null) {
                return;
            }
            if (hop == MAX_REDIRECTS) {
                throw new IOException("feed " + url + ": more than " + MAX_REDIRECTS + " redirects");
            }
            try {
                uri = uri.resolve(new URI(location));
            } catch (URISyntaxException e) {
                throw new IOException("feed " + url + " redirected to a bad URL: " + location, e);
            }
        }
    }

    /** Sends the GET; returns a redirect's Location, or null once the body is ready to read. */
    private String request(URI uri) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("https");
        if (!tls && !scheme.equals("http") || uri.getHost() == null) {
            throw new IOException("bad feed URL " + uri + ": expected http://HOST[:PORT]/PATH");
        }
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        Socket s = new Socket();
        boolean ok = false;
        try {
            s.connect(new InetSocketAddress(uri.getHost(), port), (int) CONNECT_TIMEOUT.toMillis());
            if (tls) {
                SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(s, uri.getHost(), port, true);
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS"); // check the certificate names the host
                ssl.setSSLParameters(params);
                s = ssl;
            }
            s.setSoTimeout((int) READ_TIMEOUT.toMillis());
            socket = s;
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            String host = uri.getPort() > 0 ? uri.getHost() + ":" + port : uri.getHost();
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: minuteswarm\r\n"
                    + "Accept: */*\r\nIcy-MetaData: 1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            String status = readLine();
            String[] parts = status.split(" ", 3);
            // SHOUTcast v1 servers answer "ICY 200 OK" with HTTP-style headers
            if (parts.length < 2 || !parts[0].startsWith("HTTP/") && !parts[0].equals("ICY")) {
                throw new IOException("feed " + url + " did not answer HTTP: " + status);
            }
            int code;
            try {
                code = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("feed " + url + " answered a bad status line: " + status, e);
            }
            String location = null;
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                switch (name) {
                    case "location" -> location = value;
                    case "content-length" -> remaining = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "icy-metaint" -> metaInterval = Integer.parseInt(value);
                    default -> { }
                }
            }
            if (metaInterval < 0) {
                throw new NumberFormatException("icy-metaint " + metaInterval);
            }
            untilMetadata = metaInterval;
            if (code >= 300 && code < 400 && location != null) {
                metaInterval = 0;
                s.close();
                remaining = -1;
                chunked = false;
                return location;
            }
            if (code < 200 || code > 299) {
                throw new IOException("feed " + url + " answered HTTP " + status.substring(status.indexOf(' ') + 1));
            }
            if (chunked) {
                remaining = -1;
            }
            ok = true;
            return null;
        } catch (SocketTimeoutException e) {
            throw new IOException("feed " + url + " did not answer within " + READ_TIMEOUT.toSeconds() + " s", e);
        } catch (IOException e) {
            if (e.getMessage() != null && (e.getMessage().startsWith("feed ") || e.getMessage().startsWith("bad feed"))) {
                throw e;
            }
            throw new IOException("cannot open feed " + url + ": " + e, e);
        } catch (NumberFormatException e) {
            throw new IOException("feed " + url + " answered a bad Content-Length", e);
        } finally {
            if (!ok) {
                s.close();
            }
        }
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (closed || bodyEnded) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        try {
            return metaInterval > 0 ? readMedia(buf, off, len) : readBody(buf, off, len);
        } catch (IOException e) {
            if (closed) {
                return -1;
            }
            if (e instanceof SocketTimeoutException) {
                throw new IOException("feed " + url + " sent nothing for " + READ_TIMEOUT.toSeconds() + " s", e);
            }
            throw new IOException("reading feed " + url + ": " + e.getMessage(), e);
        }
    }

    private int readBody(byte[] buf, int off, int len) throws IOException {
        if (chunked) {
            if (chunkLeft == 0) {
                String size = readLine();
                int semi = size.indexOf(';');
                chunkLeft = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                if (chunkLeft == 0) {
                    bodyEnded = true; // trailers are not needed
                    return -1;
                }
            }
            int n = in.read(buf, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new EOFException("stream ended inside a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                readLine(); // CRLF after the chunk data
            }
            return n;
        }
        if (remaining == 0) {
            bodyEnded = true;
            return -1;
        }
        int n = in.read(buf, off, remaining > 0 ? (int) Math.min(len, remaining) : len);
        if (n < 0) {
            bodyEnded = true;
            return -1;
        }
        if (remaining > 0) {
            remaining -= n;
        }
        return n;
    }

    /**
     * The body without its ICY metadata: after every {@code metaInterval} media bytes comes one
     * length byte L and L * 16 bytes of metadata ({@code StreamTitle='...';}, NUL-padded).
     */
    private int readMedia(byte[] buf, int off, int len) throws IOException {
        while (untilMetadata == 0) {
            byte[] length = new byte[1];
            if (!readBodyFully(length)) {
                return -1;
            }
            byte[] metadata = new byte[(length[0] & 0xFF) * 16];
            if (!readBodyFully(metadata)) {
                return -1;
            }
            if (metadataBlocks++ % 100 == 0 && metadata.length > 0) {
                LOG.debug("feed {} metadata: {}", url, new String(metadata, StandardCharsets.UTF_8).trim());
            }
            untilMetadata = metaInterval;
        }
        int n = readBody(buf, off, Math.min(len, untilMetadata));
        if (n > 0) {
            untilMetadata -= n;
        }
        return n;
    }

    private boolean readBodyFully(byte[] b) throws IOException {
        for (int got = 0; got < b.length; ) {
            int n = readBody(b, got, b.length - got);
            if (n < 0) {
                return false;
            }
            got += n;
        }
        return true;
    }

    /** ICY metadata blocks stripped so far (empty ones included). */
    long metadataBlocks() {
        return metadataBlocks;
    }

    /** One CRLF-terminated line, without the CRLF. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection closed in the response head");
            }
            if (line.size() == MAX_HEADER_LINE) {
                throw new IOException("response line longer than " + MAX_HEADER_LINE + " bytes");
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String describe() {
        return url;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        Socket s = socket;
        if (s != null) {
            s.close();
        }
    }
}
