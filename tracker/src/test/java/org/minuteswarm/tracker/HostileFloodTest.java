package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.InfoHash;

/**
 * Issue 4's hostile-input test: well over 100,000 random and mutated requests over HTTP (keep-
 * alive and pipelined, plus raw garbage on fresh connections) and UDP (random datagrams,
 * mutated and truncated announces, wrong connection IDs), then correct announces over both
 * must still be answered. Nothing may escape as an exception or hang a loop.
 */
class HostileFloodTest {
    private static final int HTTP_PIPELINED = 60_000;
    private static final int HTTP_GARBAGE_CONNECTIONS = 2_000;
    private static final int UDP_DATAGRAMS = 60_000;
    private static final int HTTP_CONNECTIONS = 4;
    private static final int BATCH = 250;
    private static final String ALPHABET = "%&=+0123456789abcdefABCDEF_-.~!$'()*,;:@/?xyz";

    private final InMemoryChannelDirectory directory = new InMemoryChannelDirectory(5);

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aHundredThousandHostileRequestsThenCorrectAnnouncesStillWork() throws Exception {
        directory.create("news");
        InfoHash live = directory.publish("news", 0);
        TrackerConfig config = TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0).withUdpPort(0)
                .withRequestsPerSecondPerAddress(0); // every request comes from 127.0.0.1
        long t0 = System.nanoTime();
        try (TrackerHttpServer server = TrackerHttpServer.start(config, directory, Clock.systemUTC())) {
            ExecutorService pool = Executors.newFixedThreadPool(HTTP_CONNECTIONS + 2);
            AtomicLong httpAnswered = new AtomicLong();
            List<Future<?>> jobs = new ArrayList<>();
            for (int c = 0; c < HTTP_CONNECTIONS; c++) {
                long seed = c;
                jobs.add(pool.submit(() -> {
                    httpAnswered.addAndGet(pipelined(server.port(), live, new Random(seed), HTTP_PIPELINED / HTTP_CONNECTIONS));
                    return null;
                }));
            }
            jobs.add(pool.submit(() -> {
                garbageConnections(server.port(), new Random(7));
                return null;
            }));
            long udpSent = udp(server.udpPort(), live, new Random(11));
            for (Future<?> f : jobs) {
                f.get(80, TimeUnit.SECONDS);
            }
            pool.shutdown();
            long sent = HTTP_PIPELINED + HTTP_GARBAGE_CONNECTIONS + udpSent;
            System.out.printf("hostile flood: %d HTTP pipelined (%d answered), %d garbage connections, %d UDP datagrams in %d ms%n",
                    HTTP_PIPELINED, httpAnswered.get(), HTTP_GARBAGE_CONNECTIONS, udpSent,
                    (System.nanoTime() - t0) / 1_000_000);
            assertTrue(sent >= 100_000, "sent " + sent);
            assertEquals(HTTP_PIPELINED, httpAnswered.get(), "every framed request on a keep-alive connection is answered");

            // and correct announces are still answered, over both transports
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(("GET /announce?" + Queries.announce(live, 99, 9999, 0, "")
                        + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                Response r = Response.read(new BufferedInputStream(s.getInputStream()));
                assertEquals(200, r.status);
                Map<String, Object> d = Bencode.decodeDictionary(r.body);
                assertEquals(null, d.get("failure reason"));
            }
            try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                socket.setSoTimeout(5000);
                InetSocketAddress tracker = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.udpPort());
                socket.send(new DatagramPacket(UdpTrackerTest.connect(1), 16, tracker));
                DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                socket.receive(p);
                long id = ByteBuffer.wrap(p.getData(), 8, 8).getLong();
                socket.send(new DatagramPacket(UdpTrackerTest.announce(id, 2, live, 98, 0, 2, -1, 7777), 98, tracker));
                do {
                    socket.receive(p);
                } while (ByteBuffer.wrap(p.getData(), 4, 4).getInt() != 2);
                assertEquals(1, ByteBuffer.wrap(p.getData(), 0, 4).getInt(), "announce answered");
            }
        }
    }

    /** Sends {@code n} pipelined, mutated but well-framed requests in batches; returns responses read. */
    private static long pipelined(int port, InfoHash live, Random random, int n) throws Exception {
        long answered = 0;
        String valid = Queries.announce(live, 1, 6881, 0, "event=started&numwant=10&compact=1");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
            for (int sent = 0; sent < n; sent += BATCH) {
                StringBuilder batch = new StringBuilder(BATCH * 200);
                for (int i = 0; i < BATCH; i++) {
                    String path = random.nextInt(8) == 0 ? "/scrape" : "/announce";
                    batch.append("GET ").append(path).append('?').append(mutate(valid, random))
                            .append(" HTTP/1.1\r\nHost: x\r\n\r\n");
                }
                out.write(batch.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                for (int i = 0; i < BATCH; i++) {
                    Response r = Response.read(in);
                    assertTrue(r.status == 200, "status " + r.status);
                    Bencode.decodeDictionary(r.body); // always a well-formed bencoded dictionary
                    answered++;
                }
            }
        }
        return answered;
    }

    /** A mutated query that still frames as one request: no CR, LF, space or broken %-escape. */
    static String mutate(String valid, Random random) {
        StringBuilder q = new StringBuilder(valid);
        switch (random.nextInt(10)) {
            case 0 -> q.append("&numwant=").append(random.nextBoolean() ? "99999999999999999999" : "-1");
            case 1 -> q.append("&left=-").append(random.nextInt(1000));
            case 2 -> q.replace(0, q.indexOf("&"), "info_hash=" + "%41".repeat(random.nextInt(40)));
            case 3 -> q.append("&event=").append(random.nextBoolean() ? "bogus" : "stopped");
            default -> {
            }
        }
        int edits = random.nextInt(7);
        for (int e = 0; e < edits; e++) {
            int at = q.length() == 0 ? 0 : random.nextInt(q.length());
            char c = random.nextInt(4) == 0 ? (char) (0x21 + random.nextInt(0x5e)) : ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            switch (random.nextInt(4)) {
                case 0 -> q.insert(at, c);
                case 1 -> {
                    if (q.length() > 0) {
                        q.deleteCharAt(at);
                    }
                }
                case 2 -> q.setLength(at);
                default -> {
                    if (q.length() > 0) {
                        q.setCharAt(at, c);
                    }
                }
            }
        }
        return q.toString().replace("#", "%23").replaceAll("%(?![0-9A-Fa-f]{2})", "%25");
    }

    /** Fresh connections sending random bytes, broken framing, oversized heads: answered 4xx or closed, never hung. */
    private static void garbageConnections(int port, Random random) throws IOException {
        for (int i = 0; i < HTTP_GARBAGE_CONNECTIONS; i++) {
            byte[] junk;
            switch (i % 5) {
                case 0 -> {
                    junk = new byte[random.nextInt(600)];
                    random.nextBytes(junk);
                }
                case 1 -> junk = ("GET /announce?info_hash=%zz" + (char) random.nextInt(256) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
                case 2 -> junk = ("GET /announce HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                case 3 -> junk = ("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                default -> junk = ("GET /announce HTTP/1.1\r\nHost: x\r\n folded\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(junk);
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                while (in.read(buf) >= 0) {
                    // drain until the server closes: it must, promptly
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("server neither answered nor closed garbage " + i, e);
            } catch (IOException e) {
                // a reset is a fine way to refuse garbage
            }
        }
    }

    /** Fires random and mutated datagrams without waiting; a reader drains answers. */
    private static long udp(int port, InfoHash live, Random random) throws Exception {
        InetSocketAddress tracker = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        long sent = 0;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(3000);
            socket.send(new DatagramPacket(UdpTrackerTest.connect(1), 16, tracker));
            DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
            socket.receive(answer);
            long id = ByteBuffer.wrap(answer.getData(), 8, 8).getLong();
            Thread drain = new Thread(() -> {
                DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                try {
                    socket.setSoTimeout(500);
                    while (true) {
                        socket.receive(p);
                    }
                } catch (IOException e) {
                    // done
                }
            });
            drain.setDaemon(true);
            drain.start();
            byte[] valid = UdpTrackerTest.announce(id, 5, live, 3, 100, 0, 50, 6881);
            for (int i = 0; i < UDP_DATAGRAMS; i++) {
                byte[] d;
                switch (i % 6) {
                    case 0 -> {
                        d = new byte[random.nextInt(200)];
                        random.nextBytes(d);
                    }
                    case 1 -> d = java.util.Arrays.copyOf(valid, random.nextInt(valid.length)); // truncated
                    case 2 -> {
                        d = valid.clone();
                        for (int k = 0; k < 1 + random.nextInt(4); k++) {
                            d[16 + random.nextInt(valid.length - 16)] = (byte) random.nextInt(256); // mutated body
                        }
                    }
                    case 3 -> {
                        d = valid.clone();
                        ByteBuffer.wrap(d).putLong(random.nextLong()); // wrong connection ID
                    }
                    case 4 -> {
                        d = new byte[16 + 20 * random.nextInt(100)]; // scrapes of 0..99 hashes, random
                        random.nextBytes(d);
                        ByteBuffer.wrap(d).putLong(id).putInt(2);
                    }
                    default -> {
                        d = UdpTrackerTest.connect(i);
                        d[random.nextInt(16)] ^= (byte) (1 + random.nextInt(255)); // mutated connect
                    }
                }
                socket.send(new DatagramPacket(d, d.length, tracker));
                sent++;
                if (i % 2000 == 0) {
                    Thread.sleep(1); // stay within the socket buffers: we test parsing, not packet loss
                }
            }
            drain.join(5000);
        }
        return sent;
    }

    /** A minimal HTTP/1.1 response reader: status, headers, Content-Length body. */
    static final class Response {
        int status;
        byte[] body;

        static Response read(InputStream in) throws IOException {
            String statusLine = line(in);
            if (statusLine == null) {
                throw new IOException("connection closed");
            }
            Response r = new Response();
            r.status = Integer.parseInt(statusLine.split(" ")[1]);
            int length = 0;
            String h;
            while ((h = line(in)) != null && !h.isEmpty()) {
                if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(h.substring(15).trim());
                }
            }
            r.body = in.readNBytes(length);
            return r;
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    b.write(c);
                }
            }
            return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
