package org.minuteswarm.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.minuteswarm.channel.ManifestException;

/**
 * The minuteswarm phase: the broadcaster in this JVM, each listener a {@code minuteswarm listen}
 * process of its own (so CPU seconds and peak RSS are per agent, read from {@code /proc}).
 *
 * <p>Timeline: start the broadcaster and every agent; wait until each agent answers {@code /status}
 * and has started playing, then one publication more (each has joined the live edge's swarm); the
 * next segment published
 * is the first measured one, and counters are read then; after the M-th
 * measured segment is published, wait until every agent has moved past it in playback (or a
 * deadline), read the counters again and stop everything. Completion times come from each
 * agent's own clock ({@code /status} segments[].completedAtMillis, same machine), polled every
 * second: an agent keeps a segment listed for its whole seed window.
 */
final class SwarmPhase {
    private static final Duration POLL_EVERY = Duration.ofSeconds(1);

    private final BenchSettings settings;
    private final Path dir;
    private final PrintStream progress;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final List<AgentProcess> agents = new ArrayList<>();
    private volatile boolean polling = true;

    SwarmPhase(BenchSettings settings, Path dir, PrintStream progress) {
        this.settings = settings;
        this.dir = dir;
        this.progress = progress;
    }

    RunResult run() throws IOException, ManifestException, InterruptedException, TimeoutException {
        Duration d = settings.segmentDuration();
        try (LiveOrigin origin = LiveOrigin.start(settings, dir.resolve("origin"));
             UploadRateSampler originRate = UploadRateSampler.start(origin::uploadedBytes);
             UploadRateSampler releasedRate = UploadRateSampler.start(origin::releasedBytes)) {
            long started = originRate.now();
            progress.println("bench: minuteswarm: broadcaster at " + origin.channelUrl() + "; starting "
                    + settings.listeners() + " agent processes");
            for (int i = 0; i < settings.listeners(); i++) {
                if (i > 0) {
                    Thread.sleep(settings.joinInterval().toMillis());
                }
                Path agentDir = Files.createDirectories(dir.resolve("agent-" + i));
                agents.add(AgentProcess.start(i, command(origin, agentDir, i), agentDir.resolve("agent.log")));
            }
            Thread poller = new Thread(this::pollLoop, "bench-agent-poller");
            poller.setDaemon(true);
            poller.start();
            try {
                awaitListening(Duration.ofSeconds(60 + 2L * settings.listeners()));
                awaitPlaying(System.currentTimeMillis() + d.multipliedBy(6).plusSeconds(30).toMillis());
                // One more publication, so every agent has joined the swarm at the live edge.
                long joined = origin.awaitNewer(origin.latest(), d.multipliedBy(3).plusSeconds(10));
                long first = origin.awaitNewer(joined, d.multipliedBy(3).plusSeconds(10));
                long t0 = System.currentTimeMillis();
                long measuredFrom = originRate.now();
                MachineLoad machine = MachineLoad.sample();
                long ownStart = ownCpuMillis();
                long originStart = origin.uploadedBytes();
                List<Counters> start = counters();
                progress.println("bench: minuteswarm: every agent is listening; measuring segments " + first + ".."
                        + (first + settings.segments() - 1));
                long last = first + settings.segments() - 1;
                for (long seen = first; seen < last; ) {
                    seen = origin.awaitNewer(seen, d.multipliedBy(3).plusSeconds(10));
                    progress.println("bench: minuteswarm: segment " + seen + " published; " + holding(seen - 1)
                            + " of " + agents.size() + " agents hold " + (seen - 1));
                }
                awaitPlayedPast(last, System.currentTimeMillis() + d.multipliedBy(4).plusSeconds(30).toMillis());
                awaitHeld(last, System.currentTimeMillis() + d.multipliedBy(2).plusSeconds(5).toMillis());
                pollAll();
                long t1 = System.currentTimeMillis();
                long measuredTo = originRate.now();
                String load = MachineLoad.describe(machine, ownCpuMillis() - ownStart);
                long originBytes = origin.uploadedBytes() - originStart;
                List<Counters> end = counters();

                List<Map<Long, Long>> completions = agents.stream().map(AgentProcess::completions).toList();
                List<RunResult.Segment> segments = new ArrayList<>();
                for (long s = first; s <= last; s++) {
                    segments.add(RunResult.segment(s, origin.size(s), origin.publishedAtMillis(s), completions));
                }
                long delivered = 0;
                List<RunResult.Listener> listeners = new ArrayList<>();
                for (int i = 0; i < agents.size(); i++) {
                    AgentProcess a = agents.get(i);
                    Counters c0 = start.get(i);
                    Counters c1 = end.get(i);
                    delivered += c1.downloaded - c0.downloaded;
                    long played = c1.played - c0.played;
                    long due = played + c1.skipped - c0.skipped;
                    if (a.counter("startupMillis") < 0) {
                        due = settings.segments(); // never started playing: every measured segment was missed
                    }
                    listeners.add(new RunResult.Listener(i, due, played, c1.stall - c0.stall, a.counter("startupMillis"),
                            c1.cpuMillis, c1.cpuMillis - c0.cpuMillis, t1 - t0, a.sample().peakRssBytes(),
                            a.sample().threads()));
                }
                return new RunResult("minuteswarm", segments, listeners, originBytes, delivered, true, RunResult.notes(
                        "listeners: one 'minuteswarm listen' JVM each (" + String.join(" ", settings.agentJavaOptions())
                                + "), CPU and peak RSS from /proc per process" + (settings.joinOver().isZero()
                                ? ", all started with the broadcast"
                                : ", started one by one over " + settings.joinOver().toSeconds() + " s")
                                + (settings.compares() ? "; odd-numbered agents with " + settings.comparedWith() : ""),
                        "continuity = segments played / segments due while measured (agent counters); stalls are "
                                + "late but played; startup = agent start -> first playable byte",
                        load, originPeak(originRate, releasedRate, started, measuredFrom, measuredTo)));
            } finally {
                polling = false;
                stopAgents();
            }
        }
    }

    /**
     * The origin's busiest 5 s, joining and measured, against its cap: does the cap hold under load? Both as sent
     * (copied into messages) and as released by its upload scheduler, which the cap paces: where the first is over
     * and the second is not, sending lagged behind the releases and caught up in a burst.
     */
    private String originPeak(UploadRateSampler sent, UploadRateSampler released, long started, long measuredFrom,
                              long measuredTo) {
        return "origin upload, highest 5-s average: " + peak(sent, started, measuredFrom) + " while the agents joined, "
                + peak(sent, measuredFrom, measuredTo) + " while measured (cap "
                + Rates.bytes(settings.originUploadBytesPerSecond()) + "); released by its scheduler: "
                + peak(released, started, measuredFrom) + ", " + peak(released, measuredFrom, measuredTo);
    }

    private static String peak(UploadRateSampler rate, long fromNanos, long toNanos) {
        return Rates.bytes((long) rate.peakBytesPerSecond(5, TimeUnit.SECONDS, fromNanos, toNanos));
    }

    private List<String> command(LiveOrigin origin, Path agentDir, int index) {
        List<String> c = new ArrayList<>();
        c.add(ProcessHandle.current().info().command().orElse("java"));
        c.addAll(settings.javaOptionsOf(index));
        c.add("-cp");
        c.add(absolute(settings.classpathOf(index)));
        c.add("org.minuteswarm.cli.Minuteswarm");
        c.addAll(List.of("listen", origin.channelUrl().toString(), "--play-port", "0", "--peer-port", "0",
                "--bind", "127.0.0.1", "--max-upload", Long.toString(settings.listenerUploadBytesPerSecond()),
                "--data-dir", agentDir.resolve("data").toString()));
        return c;
    }

    /**
     * The classpath with each entry made absolute: an agent runs in its own directory, so {@code java -jar
     * examples/target/minuteswarm.jar bench swarm} would start agents that cannot find their main class.
     */
    static String absolute(String classpath) {
        return Arrays.stream(classpath.split(File.pathSeparator))
                .map(entry -> entry.isEmpty() ? entry : Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

        /** Per agent: the counters that are differenced over the measurement. */
    private record Counters(long downloaded, long played, long skipped, long stall, long cpuMillis) {
    }

    private List<Counters> counters() {
        List<Counters> list = new ArrayList<>();
        for (AgentProcess a : agents) {
            ProcessSample p = ProcessSample.of(a.pid());
            list.add(new Counters(a.counter("downloadedBytes"), a.counter("segmentsPlayed"), a.counter("segmentsSkipped"),
                    a.counter("stallMillis"), p == ProcessSample.NONE ? a.sample().cpuMillis() : p.cpuMillis()));
        }
        return list;
    }

    private long holding(long sequence) {
        return agents.stream().filter(a -> a.completions().containsKey(sequence)).count();
    }

    private void pollLoop() {
        while (polling) {
            pollAll();
            try {
                Thread.sleep(POLL_EVERY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void pollAll() {
        for (AgentProcess a : agents) {
            a.poll(http);
        }
    }

    /** Until every agent has answered {@code /status} (it has checked the channel and opened its ports). */
    private void awaitListening(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (true) {
            for (AgentProcess a : agents) {
                if (!a.isAlive()) {
                    throw new IllegalStateException("agent " + a.index() + " exited:\n" + a.logTail(15));
                }
            }
            long ready = agents.stream().filter(AgentProcess::ready).count();
            if (ready == agents.size()) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new TimeoutException(ready + " of " + agents.size() + " agents answered /status after " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /**
     * Until every agent has started playing (the measured segments are those of a running audience; the
     * startup delay is reported on its own), or the deadline: then the laggards' misses are measured.
     */
    private void awaitPlaying(long deadlineMillis) throws InterruptedException {
        while (System.currentTimeMillis() < deadlineMillis) {
            if (agents.stream().allMatch(a -> a.counter("startupMillis") >= 0)) {
                return;
            }
            Thread.sleep(250);
        }
        long playing = agents.stream().filter(a -> a.counter("startupMillis") >= 0).count();
        progress.println("bench: minuteswarm: " + playing + " of " + agents.size()
                + " agents playing by the deadline; measuring anyway");
    }

    /** CPU of this JVM (the broadcaster) and every agent so far. */
    private long ownCpuMillis() {
        long t = ProcessSample.of(ProcessHandle.current().pid()).cpuMillis();
        for (AgentProcess a : agents) {
            t += ProcessSample.of(a.pid()).cpuMillis();
        }
        return t;
    }

    /** Until every agent has played or skipped {@code last}, or the deadline. */
    private void awaitPlayedPast(long last, long deadlineMillis) throws InterruptedException {
        while (System.currentTimeMillis() < deadlineMillis) {
            if (agents.stream().allMatch(a -> !a.isAlive() || a.decidedThrough() >= last)) {
                return;
            }
            Thread.sleep(250);
        }
        progress.println("bench: minuteswarm: not every agent played or skipped segment " + last + " by the deadline");
    }

    /** Until every agent holds {@code last} (a skipped segment may still complete), or the deadline. */
    private void awaitHeld(long last, long deadlineMillis) throws InterruptedException {
        while (System.currentTimeMillis() < deadlineMillis && holding(last) < agents.size()) {
            Thread.sleep(250);
        }
    }

    /** All at once (SIGTERM each, then wait): 40 agents stopping one by one would take minutes. */
    private void stopAgents() {
        agents.forEach(AgentProcess::requestStop);
        agents.forEach(AgentProcess::close);
    }
}
