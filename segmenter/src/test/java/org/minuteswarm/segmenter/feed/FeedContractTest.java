package org.minuteswarm.segmenter.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every {@link Feed} promises, run against each kind. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FeedContractTest {

    private static final byte[] DATA = SyntheticTs.generate(500_000, Duration.ofMillis(300), 11);

    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch done = new CountDownLatch(1);
    private AutoCloseable cleanup = () -> { };

    @AfterEach
    void stop() throws Exception {
        done.countDown();
        cleanup.close();
        executor.shutdownNow();
    }

    /** A feed that delivers {@link #DATA} and then, if {@code live}, waits for more. */
    private record Source(Feed feed, boolean live) {
    }

    static Stream<String> kinds() {
        return Stream.of("stream", "stdin", "file", "udp", "http", "synthetic");
    }

    private Source open(String kind) throws Exception {
        switch (kind) {
            case "stream":
                return new Source(Feeds.ofStream(new ByteArrayInputStream(DATA), "test"), false);
            case "stdin": {
                PipedOutputStream w = new PipedOutputStream();
                PumpedFeed f = new PumpedFeed(new PipedInputStream(w, 1 << 20), "stdin");
                w.write(DATA);
                cleanup = w;
                return new Source(f, true);
            }
            case "file":
                return new Source(Feeds.openFile(Files.write(dir.resolve("f.ts"), DATA), false, false,
                        Clock.systemUTC(), Sleeper.system()), false);
            case "udp": {
                Feed f = Feeds.open("udp://127.0.0.1:0", false, Clock.systemUTC());
                int port = ((UdpFeed) f).localAddress().getPort();
                try (DatagramSocket s = new DatagramSocket()) {
                    for (int off = 0; off < DATA.length; off += 1316) {
                        s.send(new DatagramPacket(DATA, off, Math.min(1316, DATA.length - off),
                                InetAddress.getLoopbackAddress(), port));
                    }
                }
                return new Source(f, true);
            }
            case "http": {
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                server.createContext("/", exchange -> {
                    exchange.sendResponseHeaders(200, 0);
                    OutputStream out = exchange.getResponseBody();
                    out.write(DATA);
                    out.flush();
                    try {
                        done.await(); // a live source: more may come
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.close();
                });
                server.start();
                cleanup = () -> server.stop(0);
                return new Source(Feeds.open("http://127.0.0.1:" + server.getAddress().getPort() + "/", false,
                        Clock.systemUTC()), true);
            }
            case "synthetic":
                return new Source(SyntheticTs.liveFeed(500_000, 11, Clock.systemUTC()), false);
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void deliversTheBytesInOrder(String kind) throws Exception {
        Source s = open(kind);
        try (Feed feed = s.feed()) {
            assertFalse(feed.describe().isBlank());
            assertEquals(0, feed.read(new byte[1], 0, 0));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[777];
            while (got.size() < DATA.length) {
                int n = feed.read(buf, 0, Math.min(buf.length, DATA.length - got.size()));
                assertTrue(n > 0, kind + " ended early at " + got.size());
                got.write(buf, 0, n);
            }
            assertArrayEquals(DATA, got.toByteArray());
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void closeFromAnotherThreadWakesABlockedReadAndEndsTheFeed(String kind) throws Exception {
        Source s = open(kind);
        Feed feed = s.feed();
        byte[] buf = new byte[DATA.length + 1];
        if (s.live()) {
            int total = 0;
            while (total < DATA.length) {
                total += feed.read(buf, 0, DATA.length - total);
            }
            Future<Integer> blocked = executor.submit(() -> feed.read(buf, 0, buf.length));
            Thread.sleep(100);
            assertFalse(blocked.isDone(), kind + " should wait for more data");
            long t0 = System.nanoTime();
            feed.close();
            assertEquals(-1, blocked.get(2, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1));
        } else {
            feed.close();
        }
        assertEquals(-1, feed.read(buf, 0, buf.length));
        feed.close(); // idempotent
    }
}
