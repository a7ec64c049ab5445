package org.minuteswarm.segmenter.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FeedsTest {

    private static final int P = TsPacket.SIZE;

    @TempDir
    Path dir;

    private final FakeTime time = new FakeTime();
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static byte[] readAll(Feed feed, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[10_000];
        int n;
        while (out.size() < max && (n = feed.read(buf, 0, Math.min(buf.length, max - out.size()))) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private Segmenter segmenter(Feed feed, CollectingSink sink) {
        return new Segmenter(new SegmenterConfig(Duration.ofSeconds(1), dir.resolve("work")), feed, sink,
                Clock.systemUTC());
    }

    @Test
    void streamFeedLikeStdinIsCutToTheEnd() throws IOException {
        byte[] ts = SyntheticTs.generate(500_000, Duration.ofMillis(2500), 1);
        CollectingSink sink = new CollectingSink();
        Feed feed = Feeds.ofStream(new ByteArrayInputStream(ts), "stdin");
        assertEquals("stdin", feed.describe());

        segmenter(feed, sink).run();

        assertEquals(3, sink.segments.size());
        assertArrayEquals(ts, sink.concatenation());
    }

    @Test
    void pumpedStdinDeliversEverythingAndCloseWakesABlockedRead() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        PumpedFeed feed = new PumpedFeed(new PipedInputStream(writer, 1 << 16), "stdin");
        byte[] data = "hello feed".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        Future<byte[]> read = executor.submit(() -> readAll(feed, data.length));
        writer.write(data);
        assertArrayEquals(data, read.get(5, TimeUnit.SECONDS));

        Future<Integer> blocked = executor.submit(() -> feed.read(new byte[10], 0, 10));
        Thread.sleep(100);
        assertTrue(!blocked.isDone());
        feed.close();
        assertEquals(-1, blocked.get(2, TimeUnit.SECONDS));
        writer.close();
    }

    @Test
    void udpFeedReceivesDatagramsOfSevenPackets() throws Exception {
        byte[] ts = SyntheticTs.generate(500_000, Duration.ofMillis(2500), 2);
        Feed feed = Feeds.open("udp://127.0.0.1:0", false, Clock.systemUTC());
        InetSocketAddress local = ((UdpFeed) feed).localAddress();
        assertEquals("udp://127.0.0.1:" + local.getPort(), feed.describe());
        CollectingSink sink = new CollectingSink();
        Segmenter segmenter = segmenter(feed, sink);
        Future<?> run = executor.submit(() -> {
            segmenter.run();
            return null;
        });

        try (DatagramSocket sender = new DatagramSocket()) {
            for (int off = 0; off < ts.length; off += 7 * P) {
                int len = Math.min(7 * P, ts.length - off);
                sender.send(new DatagramPacket(ts, off, len, InetAddress.getLoopbackAddress(), local.getPort()));
                if ((off / (7 * P)) % 20 == 0) {
                    Thread.sleep(1); // stay well within the receive buffer
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (segmenter.bytesRead() < ts.length && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        segmenter.close();
        run.get(5, TimeUnit.SECONDS);

        assertEquals(ts.length, segmenter.bytesRead());
        assertArrayEquals(ts, sink.concatenation());
        assertEquals(3, sink.segments.size());
    }

    @Test
    void udpUrlForms() throws IOException {
        try (Feed any = Feeds.open("udp://@:0?pkt_size=1316", false, Clock.systemUTC())) {
            assertTrue(((UdpFeed) any).localAddress().getPort() > 0);
        }
        IOException e = assertThrows(IOException.class, () -> Feeds.open("udp://127.0.0.1", false, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("udp://HOST:PORT"), e.getMessage());
        e = assertThrows(IOException.class, () -> Feeds.open("udp://127.0.0.1:x", false, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("port"), e.getMessage());
    }

    @Test
    void httpFeedPullsAStream() throws Exception {
        byte[] ts = SyntheticTs.generate(500_000, Duration.ofMillis(2500), 3);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/live.ts", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "video/mp2t");
            exchange.sendResponseHeaders(200, 0); // chunked, as a live stream is
            try (OutputStream out = exchange.getResponseBody()) {
                for (int off = 0; off < ts.length; off += 7 * P) {
                    out.write(ts, off, Math.min(7 * P, ts.length - off));
                    out.flush();
                }
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/live.ts";
            CollectingSink sink = new CollectingSink();
            Feed feed = Feeds.open(url, false, Clock.systemUTC());
            assertEquals(url, feed.describe());
            segmenter(feed, sink).run();
            assertArrayEquals(ts, sink.concatenation());

            IOException e = assertThrows(IOException.class,
                    () -> Feeds.open("http://127.0.0.1:" + server.getAddress().getPort() + "/nothing", false,
                            Clock.systemUTC()));
            assertTrue(e.getMessage().contains("404"), e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void httpFeedFollowsARedirectAndReadsALengthDelimitedBody() throws Exception {
        byte[] body = "a finite body, not a transport stream".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/old", exchange -> {
            exchange.getResponseHeaders().add("Location", "/new?x=1");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/new", exchange -> {
            byte[] b = exchange.getRequestURI().getQuery().equals("x=1") ? body : new byte[0];
            exchange.sendResponseHeaders(200, b.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        try (Feed feed = Feeds.open("http://localhost:" + server.getAddress().getPort() + "/old", false,
                Clock.systemUTC())) {
            assertArrayEquals(body, readAll(feed, Integer.MAX_VALUE));
            assertEquals(-1, feed.read(new byte[1], 0, 1));
        } finally {
            server.stop(0);
        }
        IOException e = assertThrows(IOException.class,
                () -> Feeds.open("http://127.0.0.1:" + server.getAddress().getPort() + "/", false, Clock.systemUTC()));
        assertTrue(e.getMessage().startsWith("cannot open feed http://127.0.0.1:"), e.getMessage());
    }

    @Test
    void closeStopsASegmenterBlockedOnAnHttpStream() throws Exception {
        byte[] ts = SyntheticTs.generate(500_000, Duration.ofMillis(500), 4);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/live.ts", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(ts);
            out.flush();
            try {
                release.await(15, TimeUnit.SECONDS); // then stall: a live source gone quiet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
        try {
            CollectingSink sink = new CollectingSink();
            Segmenter segmenter = segmenter(
                    Feeds.open("http://127.0.0.1:" + server.getAddress().getPort() + "/live.ts", false,
                            Clock.systemUTC()), sink);
            Future<?> run = executor.submit(() -> {
                segmenter.run();
                return null;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (segmenter.bytesRead() < ts.length && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long closing = System.nanoTime();
            segmenter.close();
            run.get(3, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - closing < TimeUnit.SECONDS.toNanos(1), "close() took too long");
            assertArrayEquals(ts, sink.concatenation(), "the partial segment is flushed on close");
        } finally {
            release.countDown();
            server.stop(0);
        }
    }

    @Test
    void unreadableSourcesGiveAClearMessage() throws IOException {
        Path missing = dir.resolve("missing.ts");
        IOException e = assertThrows(IOException.class, () -> Feeds.open(missing.toString(), false, time));
        assertEquals("cannot read feed file " + missing + ": no such file", e.getMessage());

        e = assertThrows(IOException.class, () -> Feeds.open(dir.toString(), true, time));
        assertEquals("cannot read feed file " + dir + ": it is a directory", e.getMessage());

        e = assertThrows(IOException.class, () -> Feeds.open("rtmp://example.com/live", false, time));
        assertTrue(e.getMessage().startsWith("unsupported feed rtmp://example.com/live"), e.getMessage());

        e = assertThrows(IOException.class, () -> Feeds.open("udp://127.0.0.1:0", true, time));
        assertTrue(e.getMessage().contains("only a file can be looped"), e.getMessage());

        e = assertThrows(IOException.class, () -> Feeds.open(" ", false, time));
        assertTrue(e.getMessage().startsWith("no feed given"), e.getMessage());

        Path locked = Files.write(dir.resolve("locked.ts"), new byte[10]);
        if (locked.toFile().setReadable(false) && !Files.isReadable(locked)) { // not as root
            e = assertThrows(IOException.class, () -> Feeds.open(locked.toString(), false, time));
            assertEquals("cannot read feed file " + locked + ": permission denied", e.getMessage());
        }
        for (IOException any : new IOException[] {e}) {
            assertTrue(!any.getMessage().contains("\n"));
        }
    }

    @Test
    void loopedTsFileReplaysPacedByPcr() throws IOException {
        byte[] ts = SyntheticTs.generate(1_000_000, Duration.ofSeconds(2), 5);
        Path file = Files.write(dir.resolve("clip.ts"), ts);
        Feed feed = Feeds.open(file.toString(), true, time, time.sleeper());
        assertEquals(file + " (loop)", feed.describe());

        byte[] read = readAll(feed, 3 * ts.length);

        for (int k = 0; k < 3; k++) {
            assertArrayEquals(ts, java.util.Arrays.copyOfRange(read, k * ts.length, (k + 1) * ts.length));
        }
        // each pass waits from its first PCR to its last (~1.96 s of the 2 s clip), not sleeping for real
        long sleptMs = time.slept().toMillis();
        assertTrue(sleptMs >= 3 * 1900 && sleptMs <= 3 * 2000, "slept " + sleptMs + " ms");
        assertEquals(2, ((FileFeed) feed).replays());
        feed.close();
        assertEquals(-1, feed.read(new byte[10], 0, 10));
    }

    @Test
    void loopedFileWithoutTimestampsIsPacedAtOneMegabit() throws IOException {
        byte[] text = "no timestamps here\n".repeat(5_000).getBytes(StandardCharsets.US_ASCII); // 95 kB
        Path file = Files.write(dir.resolve("clip.txt"), text);
        Feed feed = Feeds.open(file.toString(), true, time, time.sleeper());

        byte[] read = readAll(feed, 3 * text.length);

        assertArrayEquals(text, java.util.Arrays.copyOfRange(read, 2 * text.length, 3 * text.length));
        long expectedMs = 3L * text.length * 8 / 1000; // at 1 Mbit/s
        assertTrue(Math.abs(time.slept().toMillis() - expectedMs) <= 10, "slept " + time.slept());
    }

    @Test
    void unpacedFileIsReadOnceAtDiskSpeed() throws IOException {
        byte[] ts = SyntheticTs.generate(1_000_000, Duration.ofSeconds(1), 6);
        Path file = Files.write(dir.resolve("clip.ts"), ts);
        try (Feed feed = Feeds.openFile(file, false, false, time, time.sleeper())) {
            assertArrayEquals(ts, readAll(feed, Integer.MAX_VALUE));
            assertEquals(Duration.ZERO, time.slept());
        }
    }

    @Test
    void pacedFileFeedCutsLikeTheLiveSource() throws IOException {
        byte[] ts = SyntheticTs.generate(1_000_000, Duration.ofSeconds(3), 7);
        Path file = Files.write(dir.resolve("clip.ts"), ts);
        CollectingSink sink = new CollectingSink();
        Segmenter s = new Segmenter(new SegmenterConfig(Duration.ofSeconds(1), dir.resolve("work")),
                Feeds.open(file.toString(), false, time, time.sleeper()), sink, time);
        s.run();
        assertArrayEquals(ts, sink.concatenation());
        assertEquals(3, sink.segments.size());
        // the second segment's first byte came about 1 s of (fake) clock after the first's
        Duration gap = Duration.between(sink.segments.get(0).startTime(), sink.segments.get(1).startTime());
        assertTrue(Math.abs(gap.toMillis() - 1000) <= 60, "gap " + gap);
    }
}
