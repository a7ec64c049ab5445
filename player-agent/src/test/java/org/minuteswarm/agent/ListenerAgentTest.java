package org.minuteswarm.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.minuteswarm.channel.ChannelIdentity;
import org.minuteswarm.channel.ChannelUrl;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.channel.ManifestException;
import org.minuteswarm.channel.SegmentDescriptor;

/**
 * Whole agents against a test channel server and a real seed on loopback. Segments are short (1 s)
 * and small, and the broadcaster publishes ahead of real time (segment k+2 when the agent starts
 * playing k) or the late grace is generous, so downloads have seconds to spare and the tests are
 * about the agent, not the machine's speed. Where a deadline is the point, the grace is tight.
 */
class ListenerAgentTest {
    private static final Duration SEGMENT = Duration.ofSeconds(1);
    private static final int SIZE = 150_000;

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test.agent-reader");
        t.setDaemon(true);
        return t;
    });
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        pool.shutdownNow();
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    private TestBroadcaster broadcaster(Duration segmentDuration) throws IOException {
        return closing(TestBroadcaster.start("radio", dir.resolve("origin"), segmentDuration));
    }

    private ListenerAgent agent(TestBroadcaster b, String name, int seedWindow, Duration lateGrace,
                                AgentListener... listeners) throws Exception {
        AgentConfig loopback = AgentConfig.loopback(b.url(), dir.resolve(name));
        AgentConfig config = new AgentConfig(loopback.channel(), loopback.playBind(), 0, loopback.swarm(),
                loopback.dataDir(), seedWindow, lateGrace, loopback.longPollWait());
        return closing(ListenerAgent.start(config, Clock.systemUTC(), listeners));
    }

    /** The agent's played stream as {@code --output} would write it, captured until the agent closes. */
    private ByteArrayOutputStream capture(ListenerAgent agent) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pool.submit(() -> {
            agent.copyPlayedStreamTo(out);
            return null;
        });
        return out;
    }

    private static Path segmentFile(Path agentDir, long sequence) {
        return agentDir.resolve("segments").resolve(sequence + ".ts");
    }

    private HttpResponse<byte[]> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static URI play(ListenerAgent agent, String path) {
        return URI.create("http://127.0.0.1:" + agent.playPort() + path);
    }

    private static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9]+(?:\\.[0-9]+)?)").matcher(json);
        assertTrue(m.find(), key + " missing from " + json);
        return (long) Double.parseDouble(m.group(1));
    }

    private static long rejected(ListenerAgent agent) {
        return ((Number) agent.status().get("rejectedManifests")).longValue();
    }

    /** Asserts the captured stream begins with exactly these segments' bytes (waiting for it to catch up). */
    private static void assertPlayed(TestBroadcaster b, List<Long> sequences, ByteArrayOutputStream out,
                                     RecordingListener listener) throws InterruptedException {
        byte[] expected = b.concatenation(sequences);
        listener.awaitTrue(() -> out.size() >= expected.length, 5000, "played stream of " + sequences);
        byte[] got = Arrays.copyOf(out.toByteArray(), expected.length);
        assertArrayEquals(expected, got, "played stream differs from segments " + sequences);
    }

    @Test
    @Timeout(60)
    void startsAtTheLiveEdgeAndPlaysByteIdenticalToLocalPlayers() throws Exception {
        TestBroadcaster b = broadcaster(SEGMENT);
        for (long s = 0; s <= 2; s++) {
            b.publish(s, SIZE);
        }
        // Let the live edge spread for a segment duration (the agent's lead): a fresher edge would make it
        // start one segment back, with a segment the swarm already holds.
        Thread.sleep(SEGMENT.toMillis() + 100);
        RecordingListener listener = new RecordingListener();
        Script script = closing(new Script());
        for (long s = 2; s <= 3; s++) {
            long next = s + 2;
            script.on(s, () -> b.publish(next, SIZE + (int) next));
        }
        ListenerAgent agent = agent(b, "a", AgentConfig.DEFAULT_SEED_WINDOW, null, listener, script);
        b.publish(3, SIZE + 3);
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(agent.streamUri()).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        closing(stream.body());
        ByteArrayOutputStream output = capture(agent);

        listener.awaitTrue(() -> agent.segmentsPlayed() >= 3, 30_000, "3 segments played");
        List<Long> played = List.of(2L, 3L, 4L);
        assertEquals(played, listener.started().subList(0, 3), "starts at the live edge 2, then in order");
        assertEquals(List.of(), listener.skipped());
        assertEquals(List.of(), script.failures);
        assertPlayed(b, played, output, listener);
        byte[] expected = b.concatenation(played);
        assertArrayEquals(expected, stream.body().readNBytes(expected.length), "/stream.ts");
        assertNull(b.server.firstTorrentFetch(0), "joined a segment behind the live edge");
        assertNull(b.server.firstTorrentFetch(1), "joined a segment behind the live edge");
        assertFalse(Files.exists(segmentFile(dir.resolve("a"), 1)));
        assertTrue(agent.startupMillis() > 0);

        String status = new String(get(play(agent, "/status")).body(), StandardCharsets.UTF_8);
        assertTrue(number(status, "segmentsPlayed") >= 3, status);
        assertEquals(0, number(status, "segmentsSkipped"), status);
        assertTrue(number(status, "downloadedBytes") >= expected.length, status);
        assertTrue(number(status, "uploadedBytes") >= 0, status);
        assertTrue(number(status, "peers") >= 0, status);
        assertTrue(number(status, "bufferedSeconds") >= 0, status);
        assertEquals(agent.startupMillis(), number(status, "startupMillis"), status);
        assertEquals(0, number(status, "rejectedManifests"), status);

        String playlist = new String(get(play(agent, "/playlist.m3u8")).body(), StandardCharsets.UTF_8);
        assertTrue(playlist.startsWith("#EXTM3U\n"), playlist);
        assertTrue(playlist.contains("\nsegments/3.ts\n"), playlist);
        assertFalse(playlist.contains("segments/1.ts"), playlist);
        assertArrayEquals(b.bytes(3), get(play(agent, "/playlist.m3u8").resolve("segments/3.ts")).body());
    }

    @Test
    @Timeout(60)
    void seedsWhatItHoldsToASecondAgent() throws Exception {
        TestBroadcaster b = broadcaster(SEGMENT);
        b.publish(0, SIZE);
        b.publish(1, SIZE);
        Thread.sleep(SEGMENT.toMillis() + 100); // the live edge 1 has spread: agents start on it
        RecordingListener first = new RecordingListener();
        ListenerAgent a = agent(b, "a", AgentConfig.DEFAULT_SEED_WINDOW, null, first);
        first.await("completed", 1, 20_000);
        b.stopSeeding(1); // from now on segment 1 exists only at agent a
        long originUploaded = b.origin.uploadedBytes();

        RecordingListener second = new RecordingListener();
        ListenerAgent c = agent(b, "c", AgentConfig.DEFAULT_SEED_WINDOW, null, second);
        second.await("completed", 1, 20_000);
        second.await("started", 1, 5000);
        assertArrayEquals(b.bytes(1), Files.readAllBytes(segmentFile(dir.resolve("c"), 1)));
        assertArrayEquals(b.bytes(1), get(play(c, "/segments/1.ts")).body());
        assertEquals(originUploaded, b.origin.uploadedBytes(), "the origin sent segment 1 to the second agent");
        assertTrue(a.uploadedBytes() >= SIZE, "agent a uploaded " + a.uploadedBytes());
        assertTrue(c.downloadedBytes() >= SIZE, "agent c downloaded " + c.downloadedBytes());
    }

    @Test
    @Timeout(60)
    void seedWindowDropsOldSegments() throws Exception {
        TestBroadcaster b = broadcaster(SEGMENT);
        b.publish(0, SIZE);
        RecordingListener listener = new RecordingListener();
        Script script = closing(new Script());
        for (long s = 0; s <= 3; s++) {
            long next = s + 2;
            script.on(s, () -> b.publish(next, SIZE));
        }
        ListenerAgent agent = agent(b, "a", 2, null, listener, script);
        b.publish(1, SIZE);
        Path agentDir = dir.resolve("a");
        listener.awaitTrue(() -> agent.segmentsPlayed() >= 4, 30_000, "0..3 played");
        // After 3 has played, a window of 2 keeps 2 and 3.
        listener.awaitTrue(() -> !Files.exists(segmentFile(agentDir, 0)) && !Files.exists(segmentFile(agentDir, 1)),
                2000, "0.ts and 1.ts deleted");
        assertTrue(Files.exists(segmentFile(agentDir, 3)), "3.ts is in the seed window");
        assertEquals(404, get(play(agent, "/segments/1.ts")).statusCode());
        assertEquals(200, get(play(agent, "/segments/3.ts")).statusCode());
        String playlist = new String(get(play(agent, "/playlist.m3u8")).body(), StandardCharsets.UTF_8);
        assertFalse(playlist.contains("segments/0.ts") || playlist.contains("segments/1.ts"), playlist);
        assertEquals(List.of(0L, 1L, 2L, 3L), listener.started().subList(0, 4));
        assertEquals(List.of(), listener.skipped());
        assertEquals(List.of(), script.failures);
    }

    @Test
    @Timeout(60)
    void aSlowStartBeginsAtTheLiveEdgeOfWhenItIsReadyNotOfItsFirstManifest() throws Exception {
        TestBroadcaster b = broadcaster(SEGMENT);
        b.publish(0, SIZE);
        b.publish(1, SIZE);
        // 2..5 come out while the agent starts its runtime and servers after reading the manifest (tens of seconds
        // for a JVM starting on a busy machine: the later of 40 bench listeners on 2 cores)
        b.server.onNextManifestRequest(() -> {
            try {
                for (long s = 2; s <= 5; s++) {
                    b.publish(s, SIZE);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        RecordingListener listener = new RecordingListener();
        ListenerAgent agent = agent(b, "a", 4, Duration.ofSeconds(10), listener);
        listener.awaitTrue(() -> agent.segmentsPlayed() >= 1, 30_000, "a segment played");
        // 5 was published a moment ago, so playback starts one back, at 4, not at 0 of the first manifest
        assertEquals(4L, listener.started().get(0));
        for (long s = 0; s <= 3; s++) {
            assertEquals(0, b.server.torrentFetches(s), "joined segment " + s + ", before the start");
        }
    }

    @Test
    @Timeout(60)
    void withLongSegmentsAnEdgeYoungerThanOneSegmentIsLeftToSpread() throws Exception {
        TestBroadcaster b = broadcaster(Duration.ofSeconds(30));
        b.publish(0, SIZE);
        b.publish(1, SIZE);
        // the agent's clock 25 s ahead: the edge was published 25 s ago, under a segment: at a capped origin it may
        // still be spreading (the lead used to be capped at 10 s, and the agent started on it). 0 plays 30 s after
        // its publication, 5 s from now (it came out with 1 here; a broadcaster publishes it a segment earlier).
        RecordingListener listener = new RecordingListener();
        AgentConfig config = AgentConfig.loopback(b.url(), dir.resolve("a"));
        ListenerAgent agent = closing(ListenerAgent.start(config, Clock.offset(Clock.systemUTC(),
                Duration.ofSeconds(25)), listener));
        listener.awaitTrue(() -> !listener.started().isEmpty(), 20_000, "playback started");
        assertEquals(0L, listener.started().get(0), "started on the edge still spreading");
        assertEquals(0, agent.segmentsSkipped());
    }

    @Test
    @Timeout(60)
    void timeShiftStartsBackInTheWindowAndPlaysOnInOrder() throws Exception {
        TestBroadcaster b = broadcaster(SEGMENT);
        for (long s = 0; s <= 3; s++) {
            b.publish(s, SIZE);
        }
        RecordingListener listener = new RecordingListener();
        AgentConfig config = AgentConfig.loopback(b.url(), dir.resolve("a")).withFrom(StartPoint.parse("1"));
        ListenerAgent agent = closing(ListenerAgent.start(config, Clock.systemUTC(), listener));
        ByteArrayOutputStream output = capture(agent);
        listener.awaitTrue(() -> agent.segmentsPlayed() >= 3, 30_000, "1..3 played");
        assertEquals(List.of(1L, 2L, 3L), listener.started().subList(0, 3));
        assertEquals(List.of(), listener.skipped());
        assertEquals(0, b.server.torrentFetches(0), "joined segment 0, before the start");
        assertPlayed(b, List.of(1L, 2L, 3L), output, listener);
    }

    @Test
    @Timeout(60)
    void doesNotDownloadAPlayedSegmentAgainAfterASkip() throws Exception {
        TestBroadcaster b = broadcaster(SEGMENT);
        b.publish(0, SIZE);
        RecordingListener listener = new RecordingListener();
        Script script = closing(new Script());
        script.on(0, () -> b.publishWithMismatchingTorrent(1, SIZE));
        ListenerAgent agent = agent(b, "a", 1, null, listener, script);
        listener.await("skipped", 1, 20_000);
        b.server.awaitLongPoll(5000);
        b.publish(2, SIZE);
        listener.await("started", 2, 20_000);
        assertEquals(1, b.server.torrentFetches(0), "segment 0 was joined again after it had played");
        assertFalse(Files.exists(segmentFile(dir.resolve("a"), 0)), "0.ts is back, outside a seed window of 1");
    }

    @Test
    @Timeout(60)
    void segmentNobodyCanGiveIsSkippedAfterItsGraceAndTheNextPlays() throws Exception {
        TestBroadcaster b = broadcaster(SEGMENT);
        b.publish(0, SIZE);
        RecordingListener listener = new RecordingListener();
        ListenerAgent agent = agent(b, "a", AgentConfig.DEFAULT_SEED_WINDOW, Duration.ofMillis(400), listener);
        b.publishUnseeded(1, SIZE);
        b.publish(2, SIZE);
        ByteArrayOutputStream output = capture(agent);
        listener.await("started", 2, 20_000);
        assertEquals(List.of(0L, 2L), listener.started());
        assertEquals(List.of(1L), listener.skipped());
        long waited = TimeUnit.NANOSECONDS.toMillis(listener.find("skipped", 1).nanos() - listener.find("started", 0).nanos());
        assertTrue(waited >= SEGMENT.toMillis() + 400 - 50, "1 skipped " + waited + " ms after 0 started: before its "
                + "deadline (end of 0) plus the grace of 400 ms");
        assertNotNull(b.server.firstTorrentFetch(1), "the agent tried segment 1");
        assertEquals(1, ((Number) agent.status().get("segmentsSkipped")).longValue());
        listener.awaitTrue(() -> agent.segmentsPlayed() >= 2, 5000, "2 played");
        assertPlayed(b, List.of(0L, 2L), output, listener);
    }

    @Test
    @Timeout(60)
    void refusesATorrentWhoseInfoHashDiffersFromTheManifest() throws Exception {
        TestBroadcaster b = broadcaster(SEGMENT);
        b.publish(0, SIZE);
        RecordingListener listener = new RecordingListener();
        Script script = closing(new Script());
        script.on(0, () -> {
            b.publishWithMismatchingTorrent(1, SIZE); // its impostor is seeded: it would download fine
            b.publish(2, SIZE);
            b.publish(3, SIZE);
        });
        ListenerAgent agent = agent(b, "a", AgentConfig.DEFAULT_SEED_WINDOW, Duration.ofSeconds(2), listener, script);
        ByteArrayOutputStream output = capture(agent);
        listener.awaitTrue(() -> agent.segmentsPlayed() >= 3, 30_000, "0, 2 and 3 played");
        assertEquals(List.of(0L, 2L, 3L), listener.started().subList(0, 3));
        assertEquals(List.of(1L), listener.skipped());
        assertEquals(1, agent.segmentsSkipped());
        assertNotNull(b.server.firstTorrentFetch(1), "the agent did ask for 1's torrent");
        assertFalse(Files.exists(segmentFile(dir.resolve("a"), 1)), "the impostor torrent was downloaded");
        assertFalse(listener.completed().contains(1L));
        assertPlayed(b, List.of(0L, 2L, 3L), output, listener);
        assertEquals(List.of(), script.failures);
    }

    @Test
    @Timeout(60)
    void refusesAMismatchingTorrentAtTheLiveEdgeAndPlaysTheNext() throws Exception {
        TestBroadcaster b = broadcaster(SEGMENT);
        b.publishWithMismatchingTorrent(0, SIZE);
        RecordingListener listener = new RecordingListener();
        ListenerAgent agent = agent(b, "a", AgentConfig.DEFAULT_SEED_WINDOW, null, listener);
        b.server.awaitLongPoll(5000);
        b.publish(1, SIZE);
        listener.await("started", 1, 15_000);
        assertEquals(List.of(0L), listener.skipped());
        assertEquals(List.of(1L), listener.started());
        assertTrue(agent.startupMillis() > 0);
    }

    @Test
    @Timeout(60)
    void resumesPlayingAfterTheBroadcasterPauses() throws Exception {
        TestBroadcaster b = broadcaster(SEGMENT);
        b.publish(0, SIZE);
        RecordingListener listener = new RecordingListener();
        // A grace of a whole segment: this test is about resuming, not about how fast a loaded machine is.
        ListenerAgent agent = agent(b, "a", AgentConfig.DEFAULT_SEED_WINDOW, SEGMENT, listener);
        listener.awaitTrue(() -> agent.segmentsPlayed() >= 1, 20_000, "0 played");
        Thread.sleep(2000); // a broadcaster restart: longer than the grace of half a segment
        for (long s = 1; s <= 4; s++) {
            b.publish(s, SIZE);
            Thread.sleep(SEGMENT.toMillis()); // then live again, one segment per segment duration
        }
        listener.awaitTrue(() -> listener.started().size() + listener.skipped().size() >= 4, 10_000, "1..3 reached");
        assertTrue(listener.started().containsAll(List.of(2L, 3L)),
                "played " + listener.started() + ", skipped " + listener.skipped());
    }

    @Test
    @Timeout(60)
    void rejectsAForgedManifestMidRunAndKeepsPlaying() throws Exception {
        TestBroadcaster b = broadcaster(SEGMENT);
        b.publish(0, SIZE);
        RecordingListener listener = new RecordingListener();
        Script script = closing(new Script());
        ListenerAgent[] agent = new ListenerAgent[1];
        script.on(0, () -> {
            // A mirror serves a manifest with a segment 1 of its own, signed by another key.
            List<SegmentDescriptor> forgedWindow = new ArrayList<>(b.window());
            forgedWindow.add(new SegmentDescriptor(1, InfoHash.of(new byte[InfoHash.LENGTH]), SIZE, SEGMENT, Instant.now()));
            b.server.awaitLongPoll(5000);
            b.server.setManifest(TestBroadcaster.forge(b.manifest(forgedWindow)), 1);
            listener.awaitTrue(() -> rejected(agent[0]) >= 1, 5000, "forged manifest rejected");
            b.publish(1, SIZE);
        });
        script.on(1, () -> b.publish(2, SIZE));
        // A rejection pauses reloads for 1 s: give the late-learned segment 1 time to arrive.
        agent[0] = agent(b, "a", AgentConfig.DEFAULT_SEED_WINDOW, Duration.ofSeconds(3), listener, script);
        ByteArrayOutputStream output = capture(agent[0]);
        listener.awaitTrue(() -> agent[0].segmentsPlayed() >= 3, 30_000, "0, 1 and 2 played");
        assertEquals(List.of(), script.failures);
        assertEquals(List.of(0L, 1L, 2L), listener.started().subList(0, 3));
        assertEquals(List.of(), listener.skipped());
        assertTrue(rejected(agent[0]) >= 1);
        assertTrue(b.server.firstTorrentFetch(1) >= b.publishedNanos(1), "joined segment 1 of the forged manifest");
        assertPlayed(b, List.of(0L, 1L, 2L), output, listener);
    }

    @Test
    @Timeout(60)
    void rejectsAManifestThatGoesBackwardsOrIsStale() throws Exception {
        Duration segment = Duration.ofSeconds(2);
        TestBroadcaster b = broadcaster(segment);
        b.publish(0, SIZE);
        byte[] rewound = b.lastManifest();
        b.publish(1, SIZE);
        Thread.sleep(segment.toMillis() + 100); // the live edge 1 has spread: the agent starts on it
        RecordingListener listener = new RecordingListener();
        Script script = closing(new Script());
        ListenerAgent[] agent = new ListenerAgent[1];
        script.on(1, () -> {
            b.server.awaitLongPoll(5000);
            b.server.setManifest(rewound, 0); // genuine, but its live edge 0 is behind 1
            listener.awaitTrue(() -> rejected(agent[0]) >= 1, 5000, "rewound manifest rejected");
            b.server.awaitLongPoll(5000);
            // genuine, live edge 1 again, but issued before the one the agent holds
            byte[] stale = b.sign(b.manifestIssuedAt(b.window(), Instant.now().minusSeconds(60)));
            b.server.setManifest(stale, 1);
            listener.awaitTrue(() -> rejected(agent[0]) >= 2, 5000, "stale manifest rejected");
            b.publish(2, SIZE);
        });
        agent[0] = agent(b, "a", AgentConfig.DEFAULT_SEED_WINDOW, Duration.ofSeconds(5), listener, script);
        ByteArrayOutputStream output = capture(agent[0]);
        listener.awaitTrue(() -> agent[0].segmentsPlayed() >= 2, 30_000, "1 and 2 played");
        assertEquals(List.of(), script.failures);
        assertEquals(List.of(1L, 2L), listener.started().subList(0, 2));
        assertEquals(List.of(), listener.skipped());
        assertEquals(2, rejected(agent[0]));
        assertNull(b.server.firstTorrentFetch(0), "the rewound manifest made the agent join segment 0");
        assertPlayed(b, List.of(1L, 2L), output, listener);
    }

    @Test
    @Timeout(30)
    void unreachableChannelAtStartIsAClearError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ChannelUrl url = new ChannelUrl(URI.create("http://127.0.0.1:" + port), "radio", ChannelIdentity.generate().key());
        IOException e = assertThrows(IOException.class,
                () -> ListenerAgent.start(AgentConfig.loopback(url, dir.resolve("a")), Clock.systemUTC()).close());
        assertTrue(e.getMessage().startsWith("cannot reach channel http://127.0.0.1:" + port + "/channels/radio"),
                e.getMessage());
    }

    @Test
    @Timeout(30)
    void startRefusesAnUnknownOrForgedChannel() throws Exception {
        TestBroadcaster b = broadcaster(SEGMENT);
        IOException unknown = assertThrows(IOException.class,
                () -> ListenerAgent.start(AgentConfig.loopback(b.url(), dir.resolve("a")), Clock.systemUTC()).close());
        assertTrue(unknown.getMessage().startsWith("cannot reach channel " + b.url().manifestUri() + ": HTTP 404"),
                unknown.getMessage());

        b.publish(0, SIZE);
        ChannelUrl otherKey = new ChannelUrl(b.url().base(), b.name, ChannelIdentity.generate().key());
        assertThrows(ManifestException.class,
                () -> ListenerAgent.start(AgentConfig.loopback(otherKey, dir.resolve("b")), Clock.systemUTC()).close());
        b.server.setManifest(TestBroadcaster.forge(b.manifest(b.window())), 0);
        assertThrows(ManifestException.class,
                () -> ListenerAgent.start(AgentConfig.loopback(b.url(), dir.resolve("c")), Clock.systemUTC()).close());
    }

    @Test
    @Timeout(30)
    void busyPlayPortIsAClearError() throws Exception {
        TestBroadcaster b = broadcaster(SEGMENT);
        b.publish(0, SIZE);
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AgentConfig loopback = AgentConfig.loopback(b.url(), dir.resolve("a"));
            AgentConfig config = new AgentConfig(loopback.channel(), loopback.playBind(), taken.getLocalPort(),
                    loopback.swarm(), loopback.dataDir(), 5, null, null);
            IOException e = assertThrows(IOException.class, () -> ListenerAgent.start(config, Clock.systemUTC()).close());
            assertEquals("play port " + taken.getLocalPort() + " is in use", e.getMessage());
        }
    }

    @Test
    @Timeout(60)
    void joinsANewSegmentWithinOneSecondOfItsPublication() throws Exception {
        TestBroadcaster b = broadcaster(SEGMENT);
        b.publish(0, SIZE);
        RecordingListener listener = new RecordingListener();
        ListenerAgent agent = agent(b, "a", AgentConfig.DEFAULT_SEED_WINDOW, null, listener);
        b.server.awaitLongPoll(5000);
        long idleFrom = System.nanoTime();
        Thread.sleep(2500);
        assertEquals(List.of(), b.server.manifestRequestsBetween(idleFrom, System.nanoTime()),
                "the agent reloads the manifest while nothing is published: polling, not a blocking reload");
        TestChannelServer.Request waiting = b.server.manifestRequests.get(b.server.manifestRequests.size() - 1);
        assertTrue(waiting.query() != null && waiting.query().contains("after=0") && waiting.query().contains("wait=25"),
                "blocking reload " + waiting.query());

        for (long s = 1; s <= 3; s++) {
            b.server.awaitLongPoll(5000);
            b.publish(s, SIZE);
            long seq = s;
            listener.awaitTrue(() -> b.server.firstTorrentFetch(seq) != null, 3000, "torrent of " + s + " fetched");
            long millis = TimeUnit.NANOSECONDS.toMillis(b.server.firstTorrentFetch(s) - b.publishedNanos(s));
            assertTrue(millis < 1000, "segment " + s + " joined " + millis + " ms after its publication");
            listener.await("completed", s, 10_000);
        }
        assertTrue(agent.segmentsPlayed() >= 1);
    }

    /** Runs test steps when the agent starts playing a segment, off the agent's threads (listeners must not block). */
    static final class Script implements AgentListener, AutoCloseable {
        interface Step {
            void run() throws Exception;
        }

        private final ExecutorService executor = Executors.newSingleThreadExecutor();
        private final Map<Long, Step> steps = new ConcurrentHashMap<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        Script on(long sequence, Step step) {
            steps.put(sequence, step);
            return this;
        }

        @Override
        public void segmentStarted(long sequence, Path file) {
            Step step = steps.remove(sequence);
            if (step != null) {
                executor.execute(() -> {
                    try {
                        step.run();
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                });
            }
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }
}
