package org.minuteswarm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.minuteswarm.channel.ManifestException;

/**
 * The libtorrent baseline: the same broadcaster (bt, origin capped the same), the listeners
 * libtorrent 2.0 sessions with the same per-listener cap, all in one python process
 * ({@code examples/bench/lt_listeners.py}: one session each, so caps and connections are per
 * listener; its docstring lists the settings that make a capped run on loopback fair). They find
 * segments through the channel manifest's long poll and the tracker, as the agent does.
 * Completion times are libtorrent's {@code torrent_finished_alert}s; continuity follows the
 * agent's playback rule ({@link PlayoutModel}); CPU and RSS are the python process's, divided by N.
 */
final class LibtorrentPhase {
    static final String SCRIPT = "lt_listeners.py";

    private final BenchSettings settings;
    private final Path dir;
    private final PrintStream progress;
    private final AtomicLong startSequence = new AtomicLong(-1);
    private final List<Map<Long, Long>> completions = new ArrayList<>();
    private final AtomicLongArray downloaded;

    LibtorrentPhase(BenchSettings settings, Path dir, PrintStream progress) {
        this.settings = settings;
        this.dir = dir;
        this.progress = progress;
        this.downloaded = new AtomicLongArray(settings.listeners());
        for (int i = 0; i < settings.listeners(); i++) {
            completions.add(new ConcurrentHashMap<>());
        }
    }

    RunResult run() throws IOException, ManifestException, InterruptedException, TimeoutException {
        Duration d = settings.segmentDuration();
        int n = settings.listeners();
        Path script = findScript();
        Files.createDirectories(dir);
        try (LiveOrigin origin = LiveOrigin.start(settings, dir.resolve("origin"))) {
            origin.awaitNewer(-1, d.multipliedBy(3).plusSeconds(10)); // a live edge to start at
            List<String> command = List.of(settings.python(), script.toString(), origin.channelUrl().toString(),
                    Integer.toString(n), Long.toString(settings.listenerUploadBytesPerSecond()), "5",
                    dir.resolve("data").toString());
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(dir.resolve("lt_listeners.err").toFile()).start();
            long startedAt = System.currentTimeMillis();
            progress.println("bench: libtorrent: " + n + " libtorrent sessions in python pid " + p.pid());
            Thread reader = new Thread(() -> read(p), "bench-lt-reader");
            reader.setDaemon(true);
            reader.start();
            try {
                long deadline = System.currentTimeMillis() + d.multipliedBy(6).plusSeconds(30).toMillis();
                while (startSequence.get() < 0) {
                    if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("libtorrent listeners did not start (see "
                                + dir.resolve("lt_listeners.err") + ")");
                    }
                    Thread.sleep(100);
                }
                // As for the agents: measure once every listener holds its first segment (plays).
                while (!allHold(startSequence.get()) && System.currentTimeMillis() < deadline && p.isAlive()) {
                    Thread.sleep(100);
                }
                if (!allHold(startSequence.get())) {
                    progress.println("bench: libtorrent: not every listener holds segment " + startSequence.get()
                            + " by the deadline; measuring anyway");
                }
                long joined = origin.awaitNewer(origin.latest(), d.multipliedBy(3).plusSeconds(10));
                long first = origin.awaitNewer(joined, d.multipliedBy(3).plusSeconds(10));
                long t0 = System.currentTimeMillis();
                long originStart = origin.uploadedBytes();
                long downStart = total(downloaded);
                long cpuStart = ProcessSample.of(p.pid()).cpuMillis();
                MachineLoad machine = MachineLoad.sample();
                long ownStart = cpuStart + ProcessSample.of(ProcessHandle.current().pid()).cpuMillis();
                long last = first + settings.segments() - 1;
                progress.println("bench: libtorrent: listeners started at segment " + startSequence.get() + "; measuring segments " + first + ".." + last);
                for (long seen = first; seen < last; ) {
                    seen = origin.awaitNewer(seen, d.multipliedBy(3).plusSeconds(10));
                    final long prev = seen - 1;
                    progress.println("bench: libtorrent: segment " + seen + " published; "
                            + completions.stream().filter(m -> m.containsKey(prev)).count() + " of " + n + " hold " + prev);
                }
                long end = System.currentTimeMillis() + d.multipliedBy(4).plusSeconds(30).toMillis();
                while (System.currentTimeMillis() < end && !completions.stream().allMatch(m -> m.containsKey(last))) {
                    Thread.sleep(200);
                }
                Thread.sleep(1100); // one more BYTES report
                long t1 = System.currentTimeMillis();
                long originBytes = origin.uploadedBytes() - originStart;
                long delivered = total(downloaded) - downStart;
                ProcessSample ps = ProcessSample.of(p.pid());
                String load = MachineLoad.describe(machine,
                        ps.cpuMillis() + ProcessSample.of(ProcessHandle.current().pid()).cpuMillis() - ownStart);

                List<RunResult.Segment> segments = new ArrayList<>();
                for (long s = first; s <= last; s++) {
                    segments.add(RunResult.segment(s, origin.size(s), origin.publishedAtMillis(s), completions));
                }
                List<RunResult.Listener> listeners = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    PlayoutModel.Outcome o = PlayoutModel.play(completions.get(i), startedAt, startSequence.get(), first,
                            last, d, origin::publishedAtMillis);
                    listeners.add(new RunResult.Listener(i, o.due(), o.played(), o.stallMillis(), o.startupMillis(),
                            ps.cpuMillis() / n, (ps.cpuMillis() - cpuStart) / n, t1 - t0, ps.peakRssBytes() / n,
                            ps.threads()));
                }
                return new RunResult("libtorrent", segments, listeners, originBytes, delivered, false, RunResult.notes(
                        String.format(Locale.ROOT, "listeners: %d libtorrent %s sessions in one python process: "
                                        + "%.1f CPU-s in all over the run, %.1f%% of one core while measured, peak RSS %d MB",
                                n, "2.0", ps.cpuMillis() / 1000.0, 100.0 * (ps.cpuMillis() - cpuStart) / (t1 - t0),
                                ps.peakRssBytes() / 1_000_000),
                        "libtorrent defaults otherwise (rarest first, 8 unchoke slots); the origin is minuteswarm's bt seeder",
                        "continuity by the agent's playback rule on the listeners' completion times", load));
            } finally {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    private void read(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.trim().split(" ");
                try {
                    switch (f[0]) {
                        case "START" -> startSequence.set(Long.parseLong(f[1]));
                        case "DONE" -> completions.get(Integer.parseInt(f[1])).putIfAbsent(Long.parseLong(f[2]),
                                Long.parseLong(f[3]));
                        case "BYTES" -> downloaded.set(Integer.parseInt(f[1]), Long.parseLong(f[2]));
                        default -> {
                        }
                    }
                } catch (RuntimeException e) {
                    progress.println("bench: libtorrent: unreadable line: " + line);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static long total(AtomicLongArray a) {
        long t = 0;
        for (int i = 0; i < a.length(); i++) {
            t += a.get(i);
        }
        return t;
    }

    /**
     * {@value #SCRIPT}: {@code examples/bench/} beside the jar or the classes directory this runs
     * from, or under the working directory (the repository root or {@code examples/}).
     */
    static Path findScript() throws IOException {
        List<Path> candidates = new ArrayList<>();
        try {
            Path here = Path.of(LibtorrentPhase.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = here; p != null; p = p.getParent()) {
                candidates.add(p.resolve("bench").resolve(SCRIPT));
                candidates.add(p.resolve("examples/bench").resolve(SCRIPT));
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall back to the working directory
        }
        candidates.add(Path.of("examples/bench", SCRIPT).toAbsolutePath());
        candidates.add(Path.of("bench", SCRIPT).toAbsolutePath());
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) {
                return c;
            }
        }
        throw new IOException("cannot find examples/bench/" + SCRIPT + " (run from the repository)");
    }

    private boolean allHold(long sequence) {
        return completions.stream().allMatch(m -> m.containsKey(sequence));
    }
}
