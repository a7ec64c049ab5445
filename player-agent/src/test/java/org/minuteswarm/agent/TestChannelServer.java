package org.minuteswarm.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.minuteswarm.channel.Bencode;

/**
 * What a listener talks to, in one test-only HTTP server on 127.0.0.1: the channel API
 * ({@code GET /channels/NAME}, with {@code ?after=SEQ&wait=S} blocking reloads, and
 * {@code GET /channels/NAME/SEQ.torrent}) and a minimal BEP 3 tracker at {@code /announce}
 * answering compact peers (BEP 23). It serves whatever bytes the test sets, forged ones included,
 * and records every request with its time.
 *
 * <p>A blocking reload is answered as soon as the served live edge passes {@code after}, or when the
 * test sets another document (whatever its live edge, so a rewound or forged manifest reaches a
 * waiting listener), or when {@code wait} seconds pass.
 */
final class TestChannelServer implements AutoCloseable {
    /** One request to the channel API: its path and query, and when it arrived. */
    record Request(String path, String query, long nanos) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String name;
    private final Map<Long, byte[]> torrents = new ConcurrentHashMap<>();
    private final Map<String, Map<String, byte[]>> swarms = new ConcurrentHashMap<>();
    private final Map<Long, Long> firstTorrentFetch = new ConcurrentHashMap<>();
    private final Map<Long, Integer> torrentFetches = new ConcurrentHashMap<>();
    final List<Request> manifestRequests = new CopyOnWriteArrayList<>();

    private byte[] manifest;
    private long liveEdge = -1;
    private long version;
    private int pendingLongPolls;
    private boolean closed;
    private Runnable nextRequestAction;

    private TestChannelServer(HttpServer server, ExecutorService executor, String name) {
        this.server = server;
        this.executor = executor;
        this.name = name;
    }

    static TestChannelServer start(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test.channel-" + server.getAddress().getPort());
            t.setDaemon(true);
            return t;
        });
        TestChannelServer s = new TestChannelServer(server, executor, name);
        server.setExecutor(executor);
        server.createContext("/channels/", s::channel);
        server.createContext("/announce", s::announce);
        server.start();
        return s;
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    URI announceUri() {
        return URI.create(base() + "/announce");
    }

    /** Serves {@code wire} from now on as the manifest whose live edge is {@code latestSequence}. */
    synchronized void setManifest(byte[] wire, long latestSequence) {
        manifest = wire.clone();
        liveEdge = latestSequence;
        version++;
        notifyAll();
    }

    /**
     * Runs {@code action} once, on the next manifest request, after that request's answer is taken and before it is
     * sent: e.g. publishing while a listener is between reading the manifest and acting on it.
     */
    synchronized void onNextManifestRequest(Runnable action) {
        nextRequestAction = action;
    }

    private synchronized Runnable takeNextRequestAction() {
        Runnable action = nextRequestAction;
        nextRequestAction = null;
        return action;
    }

    void setTorrent(long sequence, byte[] torrent) {
        torrents.put(sequence, torrent.clone());
    }

    /** When the torrent of {@code sequence} was first asked for (System.nanoTime), or null. */
    Long firstTorrentFetch(long sequence) {
        return firstTorrentFetch.get(sequence);
    }

    /** How often the torrent of {@code sequence} was asked for. */
    int torrentFetches(long sequence) {
        return torrentFetches.getOrDefault(sequence, 0);
    }

    synchronized int pendingLongPolls() {
        return pendingLongPolls;
    }

    /** Waits until a listener's blocking reload is held here. */
    synchronized void awaitLongPoll(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (pendingLongPolls == 0) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError("no listener is waiting in a blocking reload");
            }
            wait(left);
        }
    }

    private void channel(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String prefix = "/channels/" + name;
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, new byte[0]);
            } else if (path.equals(prefix)) {
                String query = exchange.getRequestURI().getRawQuery();
                manifestRequests.add(new Request(path, query, System.nanoTime()));
                byte[] body = manifest(parameters(query));
                Runnable action = takeNextRequestAction();
                if (action != null) {
                    action.run(); // before the answer leaves: the listener cannot ask again before it is done
                }
                send(exchange, body == null ? 404 : 200, body == null ? new byte[0] : body);
            } else if (path.startsWith(prefix + "/") && path.endsWith(".torrent")) {
                long sequence = Long.parseLong(path.substring(prefix.length() + 1, path.length() - ".torrent".length()));
                firstTorrentFetch.putIfAbsent(sequence, System.nanoTime());
                torrentFetches.merge(sequence, 1, Integer::sum);
                byte[] torrent = torrents.get(sequence);
                send(exchange, torrent == null ? 404 : 200, torrent == null ? new byte[0] : torrent);
            } else {
                send(exchange, 404, new byte[0]);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized byte[] manifest(Map<String, String> query) throws InterruptedException {
        if (query.containsKey("after") && manifest != null) {
            long after = Long.parseLong(query.get("after"));
            long waitMillis = TimeUnit.SECONDS.toMillis(Long.parseLong(query.getOrDefault("wait", "0")));
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
            long seen = version;
            pendingLongPolls++;
            notifyAll();
            try {
                while (!closed && liveEdge <= after && version == seen) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        break;
                    }
                    wait(left);
                }
            } finally {
                pendingLongPolls--;
            }
        }
        return manifest;
    }

    /** BEP 3 announce, compact peers (BEP 23) of everyone else in the swarm. */
    private void announce(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, byte[]> query = rawParameters(exchange.getRequestURI().getRawQuery());
            String infoHash = new String(query.get("info_hash"), StandardCharsets.ISO_8859_1);
            String peerId = new String(query.get("peer_id"), StandardCharsets.ISO_8859_1);
            int port = Integer.parseInt(new String(query.get("port"), StandardCharsets.US_ASCII));
            byte[] ip = exchange.getRemoteAddress().getAddress().getAddress();
            byte[] compact = new byte[6];
            System.arraycopy(ip, 0, compact, 0, 4);
            compact[4] = (byte) (port >> 8);
            compact[5] = (byte) port;
            Map<String, byte[]> peers = swarms.computeIfAbsent(infoHash, k -> new ConcurrentHashMap<>());
            byte[] event = query.get("event");
            if (event != null && "stopped".equals(new String(event, StandardCharsets.US_ASCII))) {
                peers.remove(peerId);
            } else {
                peers.put(peerId, compact);
            }
            ByteArrayOutputStream others = new ByteArrayOutputStream();
            peers.forEach((id, address) -> {
                if (!id.equals(peerId)) {
                    others.writeBytes(address);
                }
            });
            Map<String, Object> response = new HashMap<>();
            response.put("interval", 1L);
            response.put("peers", others.toByteArray());
            send(exchange, 200, Bencode.encode(response));
        }
    }

    private static void send(HttpExchange exchange, int code, byte[] body) throws IOException {
        exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private static Map<String, String> parameters(String raw) {
        Map<String, String> out = new HashMap<>();
        rawParameters(raw).forEach((k, v) -> out.put(k, new String(v, StandardCharsets.UTF_8)));
        return out;
    }

    /** Percent-decodes each value to raw bytes: info_hash and peer_id are binary. */
    private static Map<String, byte[]> rawParameters(String raw) {
        Map<String, byte[]> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                continue;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            String value = pair.substring(eq + 1);
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '%') {
                    bytes.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    bytes.write(c);
                }
            }
            out.put(pair.substring(0, eq), bytes.toByteArray());
        }
        return out;
    }

    /** Manifest requests that arrived between the two times (System.nanoTime). */
    List<Request> manifestRequestsBetween(long fromNanos, long toNanos) {
        List<Request> out = new ArrayList<>();
        for (Request r : manifestRequests) {
            if (r.nanos() >= fromNanos && r.nanos() <= toNanos) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
