package org.minuteswarm.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.minuteswarm.channel.ManifestException;

/**
 * The HTTP baseline: what an Icecast or HLS origin does with the same upload cap. The same
 * broadcaster cuts the same feed; an HTTP server in front of it serves each segment, all its
 * connections together capped at the origin rate (a fair token bucket, 16 KiB at a time); each
 * listener is a client thread that, like an HLS player, fetches segment after segment in order
 * from the live edge, as soon as each is published (it is told at once, in-process: no polling
 * delay is charged to it). Continuity follows the agent's playback rule ({@link PlayoutModel}).
 */
final class HttpPhase {
    private static final int CHUNK = 16 * 1024;

    private final BenchSettings settings;
    private final Path dir;
    private final PrintStream progress;
    private final AtomicLong served = new AtomicLong();
    private volatile boolean stopping;

    HttpPhase(BenchSettings settings, Path dir, PrintStream progress) {
        this.settings = settings;
        this.dir = dir;
        this.progress = progress;
    }

    RunResult run() throws IOException, ManifestException, InterruptedException, TimeoutException {
        Duration d = settings.segmentDuration();
        int n = settings.listeners();
        TokenBucket cap = new TokenBucket(settings.originUploadBytesPerSecond(), CHUNK);
        ExecutorService serverPool = Executors.newFixedThreadPool(n + 2, r -> daemon(r, "bench-http-origin"));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        List<Thread> clients = new ArrayList<>();
        try (LiveOrigin origin = LiveOrigin.start(settings, dir.resolve("origin"))) {
            server.createContext("/segments/", ex -> serve(ex, origin, cap));
            server.setExecutor(serverPool);
            server.start();
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/segments/";
            progress.println("bench: http: origin server at " + base + " capped at "
                    + Rates.bytes(settings.originUploadBytesPerSecond()) + " in total; " + n + " client threads");
            long live = origin.awaitNewer(-1, d.multipliedBy(3).plusSeconds(10));
            List<Map<Long, Long>> completions = new ArrayList<>();
            long startedAt = System.currentTimeMillis();
            for (int i = 0; i < n; i++) {
                Map<Long, Long> done = new ConcurrentHashMap<>();
                completions.add(done);
                Thread t = daemon(() -> fetchLoop(origin, base, live, done), "bench-http-client-" + i);
                clients.add(t);
                t.start();
            }
            long joined = origin.awaitNewer(live, d.multipliedBy(3).plusSeconds(10));
            long first = origin.awaitNewer(joined, d.multipliedBy(3).plusSeconds(10));
            long t0 = System.currentTimeMillis();
            MachineLoad machine = MachineLoad.sample();
            long ownStart = ProcessSample.of(ProcessHandle.current().pid()).cpuMillis();
            long servedStart = served.get();
            long last = first + settings.segments() - 1;
            progress.println("bench: http: measuring segments " + first + ".." + last);
            for (long seen = first; seen < last; ) {
                seen = origin.awaitNewer(seen, d.multipliedBy(3).plusSeconds(10));
                final long prev = seen - 1;
                progress.println("bench: http: segment " + seen + " published; "
                        + completions.stream().filter(m -> m.containsKey(prev)).count() + " of " + n + " clients hold " + prev);
            }
            long deadline = System.currentTimeMillis() + d.multipliedBy(4).plusSeconds(30).toMillis();
            while (System.currentTimeMillis() < deadline && !completions.stream().allMatch(m -> m.containsKey(last))) {
                Thread.sleep(200);
            }
            long t1 = System.currentTimeMillis();
            long sent = served.get() - servedStart;
            String load = MachineLoad.describe(machine, ProcessSample.of(ProcessHandle.current().pid()).cpuMillis() - ownStart);

            List<RunResult.Segment> segments = new ArrayList<>();
            for (long s = first; s <= last; s++) {
                segments.add(RunResult.segment(s, origin.size(s), origin.publishedAtMillis(s), completions));
            }
            List<RunResult.Listener> listeners = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                PlayoutModel.Outcome o = PlayoutModel.play(completions.get(i), startedAt, live, first, last, d,
                        origin::publishedAtMillis);
                listeners.add(new RunResult.Listener(i, o.due(), o.played(), o.stallMillis(), o.startupMillis(), 0, 0,
                        t1 - t0, 0, 0));
            }
            long capacity = settings.originUploadBytesPerSecond() * 8 / settings.bitsPerSecond();
            return new RunResult("http", segments, listeners, sent, sent, false, RunResult.notes(
                    String.format(Locale.ROOT, "an origin capped at %s can stream %s to at most %d listener(s) "
                                    + "(cap / bit rate); here %d listeners shared it",
                            Rates.bytes(settings.originUploadBytesPerSecond()), Rates.bits(settings.bitsPerSecond()),
                            capacity, n),
                    "HTTP's floor for every listener is N x the segment bytes / cap: " + BenchReport.secs(
                            (long) n * settings.segmentBytesNominal() * 1000 / settings.originUploadBytesPerSecond()),
                    "listeners: client threads in the bench JVM (no per-listener CPU or RSS); continuity by the "
                            + "agent's playback rule on their completion times", load));
        } finally {
            stopping = true;
            clients.forEach(Thread::interrupt);
            server.stop(0);
            serverPool.shutdownNow();
        }
    }

    private void serve(HttpExchange ex, LiveOrigin origin, TokenBucket cap) throws IOException {
        try (ex) {
            String name = ex.getRequestURI().getPath().substring("/segments/".length()).replace(".ts", "");
            byte[] body;
            try {
                body = origin.bytes(Long.parseLong(name));
            } catch (NumberFormatException e) {
                body = null;
            }
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "video/mp2t");
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            for (int off = 0; off < body.length && !stopping; off += CHUNK) {
                int len = Math.min(CHUNK, body.length - off);
                cap.take(len);
                out.write(body, off, len);
                out.flush();
                served.addAndGet(len);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One HLS-like listener: every segment from {@code from} on, in order, each once it is published. */
    private void fetchLoop(LiveOrigin origin, String base, long from, Map<Long, Long> done) {
        byte[] buf = new byte[CHUNK];
        try {
            for (long s = from; !stopping; s++) {
                origin.awaitNewer(s - 1, Duration.ofMinutes(10));
                HttpURLConnection c = (HttpURLConnection) new URL(base + s + ".ts").openConnection();
                c.setConnectTimeout(5000);
                c.setReadTimeout(120_000);
                long got = 0;
                try (InputStream in = c.getInputStream()) {
                    for (int r; (r = in.read(buf)) > 0; ) {
                        got += r;
                    }
                }
                if (got == c.getContentLengthLong()) {
                    done.put(s, System.currentTimeMillis());
                }
            }
        } catch (IOException | TimeoutException e) {
            if (!stopping) {
                progress.println("bench: http: a client failed: " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
