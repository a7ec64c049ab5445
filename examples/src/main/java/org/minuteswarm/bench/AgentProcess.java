package org.minuteswarm.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@code minuteswarm listen} agent in its own JVM, as a listener runs it, so that its CPU time
 * and peak RSS are its own. Its output goes to a log file, from which the playback address is
 * read; {@link #poll} reads its {@code /status} (playback counters, per-segment completion times)
 * and its {@code /proc} figures. It is only ever stopped through its own process handle.
 */
final class AgentProcess implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final String PLAY_LINE = "play: ";
    /** The agent's INFO line when playback begins (Playout). */
    private static final java.util.regex.Pattern STARTS_AT =
            java.util.regex.Pattern.compile("playback starts at segment (\\d+)");

    private final int index;
    private final Process process;
    private final Path log;
    private final Map<Long, Long> completions = new ConcurrentHashMap<>();
    private volatile URI statusUri;
    private volatile Map<String, Object> status = Map.of();
    private volatile ProcessSample sample = ProcessSample.NONE;
    private volatile long startSequence = -1;

    private AgentProcess(int index, Process process, Path log) {
        this.index = index;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} (a whole {@code java ... listen URL ...} line) with its output in {@code log}. */
    static AgentProcess start(int index, List<String> command, Path log) throws IOException {
        ProcessBuilder b = new ProcessBuilder(command);
        // The start segment is read from the agent's INFO line, whichever Logback configuration
        // the class path brings (the jar's logback.xml, or logback-test.xml under the tests).
        b.environment().put("MINUTESWARM_LOG", "INFO");
        b.environment().put("MINUTESWARM_TEST_LOG", "INFO");
        Process p = b
                .directory(log.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        return new AgentProcess(index, p, log);
    }

    int index() {
        return index;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** True once the agent printed its playback address and answered {@code /status}. */
    boolean ready() {
        return statusUri != null && !status.isEmpty();
    }

    /**
     * Reads the agent's status and process figures; a failed request keeps the last status (a
     * busy agent may miss a poll; its completion times are kept for several segments).
     */
    void poll(HttpClient http) {
        ProcessSample now = ProcessSample.of(process.pid());
        if (now != ProcessSample.NONE) {
            sample = sample.max(now);
        }
        if (statusUri == null) {
            statusUri = findStatusUri();
            if (statusUri == null) {
                return;
            }
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(statusUri).timeout(Duration.ofSeconds(3)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return;
            }
            Map<String, Object> m = Json.object(r.body());
            if (m.get("segments") instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> seg && seg.get("seq") instanceof Number seq
                            && seg.get("completedAtMillis") instanceof Number at && at.longValue() > 0) {
                        completions.putIfAbsent(seq.longValue(), at.longValue());
                    }
                }
            }
            status = m;
        } catch (IOException | RuntimeException e) {
            // missed one poll
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private URI findStatusUri() {
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.startsWith(PLAY_LINE)) {
                    String play = line.substring(PLAY_LINE.length()).trim();
                    return URI.create(play.replace("/stream.ts", "/status"));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not written yet, or a partial line
        }
        return null;
    }

    /**
     * The last segment whose fate playback has decided (played or skipped), or -1: the start
     * segment (from the agent's log) plus the decisions counted in {@code /status}. A skipped
     * segment does not change {@code playingSegment}, so that alone cannot tell.
     */
    long decidedThrough() {
        if (startSequence < 0) {
            try {
                java.util.regex.Matcher m = STARTS_AT.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (m.find()) {
                    startSequence = Long.parseLong(m.group(1));
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return startSequence < 0 ? -1 : startSequence + counter("segmentsPlayed") + counter("segmentsSkipped") - 1;
    }

    /** The last {@code /status} answer (empty before the first). */
    Map<String, Object> status() {
        return status;
    }

    long counter(String key) {
        return Json.number(status, key, 0);
    }

    /** Segment sequence -> when this agent held it (epoch millis), as seen so far. */
    Map<Long, Long> completions() {
        return Map.copyOf(completions);
    }

    ProcessSample sample() {
        return sample;
    }

    /** The last lines of the agent's output, for error messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Sends SIGTERM and returns at once (so many agents stop together); {@link #close} waits. */
    void requestStop() {
        process.destroy();
    }

    /** SIGTERM (the agent's shutdown hook closes it cleanly), then SIGKILL after a grace period. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
