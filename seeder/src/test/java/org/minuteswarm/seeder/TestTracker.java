package org.minuteswarm.seeder;

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
import java.util.concurrent.Executors;
import org.minuteswarm.channel.Bencode;

/**
 * A minimal BEP 3 HTTP tracker for tests: remembers who announced each info-hash (until "stopped") and
 * answers a compact peer list (BEP 23) without the asker. Every announce's raw query is recorded.
 */
final class TestTracker implements AutoCloseable {
    static final int INTERVAL_SECONDS = 1;

    private final HttpServer server;
    private final Map<String, Map<String, byte[]>> swarms = new ConcurrentHashMap<>();
    final List<Map<String, byte[]>> announces = new CopyOnWriteArrayList<>();

    private TestTracker(HttpServer server) {
        this.server = server;
    }

    static TestTracker start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        TestTracker tracker = new TestTracker(server);
        server.createContext("/announce", tracker::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "test.tracker-" + server.getAddress().getPort());
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return tracker;
    }

    URI announceUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/announce");
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, byte[]> query = decodeQuery(exchange.getRequestURI().getRawQuery());
        announces.add(query);
        String infoHash = hex(query.get("info_hash"));
        String peerId = hex(query.get("peer_id"));
        int port = Integer.parseInt(text(query.get("port")));
        byte[] ip = query.containsKey("ip")
                ? InetAddress.getByName(text(query.get("ip"))).getAddress()
                : exchange.getRemoteAddress().getAddress().getAddress();
        byte[] compact = new byte[6];
        System.arraycopy(ip, 0, compact, 0, 4);
        compact[4] = (byte) (port >> 8);
        compact[5] = (byte) port;
        Map<String, byte[]> peers = swarms.computeIfAbsent(infoHash, k -> new ConcurrentHashMap<>());
        if ("stopped".equals(text(query.get("event")))) {
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
        response.put("interval", (long) INTERVAL_SECONDS);
        response.put("peers", others.toByteArray());
        byte[] body = Bencode.encode(response);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** Percent-decodes each value to raw bytes, as info_hash and peer_id are binary. */
    static Map<String, byte[]> decodeQuery(String raw) {
        Map<String, byte[]> out = new HashMap<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '%') {
                    bytes.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    bytes.write(c);
                }
            }
            out.put(key, bytes.toByteArray());
        }
        return out;
    }

    List<Map<String, byte[]>> announcesFor(String infoHashHex) {
        List<Map<String, byte[]>> out = new ArrayList<>();
        for (Map<String, byte[]> a : announces) {
            if (hex(a.get("info_hash")).equals(infoHashHex)) {
                out.add(a);
            }
        }
        return out;
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
