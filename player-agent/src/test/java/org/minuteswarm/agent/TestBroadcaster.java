package org.minuteswarm.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.minuteswarm.channel.ChannelIdentity;
import org.minuteswarm.channel.ChannelManifest;
import org.minuteswarm.channel.ChannelUrl;
import org.minuteswarm.channel.SegmentDescriptor;
import org.minuteswarm.channel.SignedManifest;
import org.minuteswarm.seeder.SegmentSwarm;
import org.minuteswarm.seeder.SwarmConfig;
import org.minuteswarm.seeder.SwarmRuntime;
import org.minuteswarm.seeder.TorrentFile;

/**
 * A broadcaster for agent tests, without a feed: each {@link #publish} writes a segment of random
 * bytes, makes its torrent, seeds it from the origin runtime and serves a newly signed manifest
 * whose window holds the last {@value #WINDOW} segments. Forged, rewound and mismatching documents
 * are made on request.
 */
final class TestBroadcaster implements AutoCloseable {
    static final int WINDOW = 5;

    final String name;
    final ChannelIdentity identity = ChannelIdentity.generate();
    final TestChannelServer server;
    final SwarmRuntime origin;
    private final Path dir;
    private final Duration segmentDuration;
    private final List<SegmentDescriptor> window = new ArrayList<>();
    private final Map<Long, byte[]> bytes = new ConcurrentHashMap<>();
    private final Map<Long, SegmentSwarm> seeds = new ConcurrentHashMap<>();
    private final Map<Long, Long> published = new ConcurrentHashMap<>();
    private Instant lastIssued = Instant.EPOCH;
    private byte[] lastManifest;

    private TestBroadcaster(String name, TestChannelServer server, SwarmRuntime origin, Path dir, Duration segmentDuration) {
        this.name = name;
        this.server = server;
        this.origin = origin;
        this.dir = dir;
        this.segmentDuration = segmentDuration;
    }

    static TestBroadcaster start(String name, Path dir, Duration segmentDuration) throws IOException {
        Files.createDirectories(dir);
        TestChannelServer server = TestChannelServer.start(name);
        try {
            return new TestBroadcaster(name, server, SwarmRuntime.start(SwarmConfig.loopback()), dir, segmentDuration);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    ChannelUrl url() {
        return new ChannelUrl(server.base(), name, identity.key());
    }

    /** Publishes segment {@code sequence}: {@code size} random bytes, seeded and in the signed manifest. */
    void publish(long sequence, int size) throws IOException {
        publish(sequence, size, Mode.SEEDED);
    }

    /** Publishes segment {@code sequence} without seeding it: nobody has it to give. */
    void publishUnseeded(long sequence, int size) throws IOException {
        publish(sequence, size, Mode.UNSEEDED);
    }

    /**
     * Publishes segment {@code sequence} in the manifest as usual, but serves (and seeds) the torrent of
     * other bytes under its number: an info-hash the signed manifest does not name.
     */
    void publishWithMismatchingTorrent(long sequence, int size) throws IOException {
        publish(sequence, size, Mode.IMPOSTOR);
    }

    private enum Mode { SEEDED, UNSEEDED, IMPOSTOR }

    private synchronized void publish(long sequence, int size, Mode mode) throws IOException {
        byte[] data = random(size, sequence);
        bytes.put(sequence, data);
        Path file = Files.write(dir.resolve("seg-" + sequence + ".ts"), data);
        TorrentFile torrent = TorrentFile.make(file, server.announceUri());
        if (mode != Mode.UNSEEDED) {
            seeds.put(sequence, origin.seed(torrent, file));
        }
        TorrentFile served = torrent;
        if (mode == Mode.IMPOSTOR) {
            Path other = Files.write(dir.resolve("other-" + sequence + ".ts"), random(size, sequence + 1_000_000));
            served = TorrentFile.make(other, server.announceUri());
            origin.seed(served, other);
        }
        server.setTorrent(sequence, served.bytes());
        // As a real broadcaster: the segment's media began one duration before it is published.
        window.add(new SegmentDescriptor(sequence, torrent.infoHash(), size, segmentDuration,
                Instant.now().minus(segmentDuration)));
        while (window.size() > WINDOW) {
            window.remove(0);
        }
        published.put(sequence, System.nanoTime());
        lastManifest = sign(manifest(window));
        server.setManifest(lastManifest, sequence);
    }

    /** The signed manifest the last {@link #publish} served. */
    synchronized byte[] lastManifest() {
        return lastManifest.clone();
    }

    /** Leaves the swarm of segment {@code sequence}: listeners can only get it from each other now. */
    void stopSeeding(long sequence) {
        seeds.remove(sequence).stop();
    }

    /** A manifest of these segments, issued now (strictly after any earlier one). */
    synchronized ChannelManifest manifest(List<SegmentDescriptor> segments) {
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        lastIssued = now.isAfter(lastIssued) ? now : lastIssued.plusMillis(1);
        return manifestIssuedAt(segments, lastIssued);
    }

    ChannelManifest manifestIssuedAt(List<SegmentDescriptor> segments, Instant issued) {
        return new ChannelManifest(name, identity.key(), segmentDuration, issued, segments);
    }

    synchronized List<SegmentDescriptor> window() {
        return List.copyOf(window);
    }

    byte[] sign(ChannelManifest manifest) {
        return identity.sign(manifest).wire();
    }

    /** The manifest signed by someone else's key (it still names this channel's key). */
    static byte[] forge(ChannelManifest manifest) {
        try {
            KeyPair attacker = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return SignedManifest.sign(manifest, attacker.getPrivate()).wire();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] bytes(long sequence) {
        return bytes.get(sequence);
    }

    /** When segment {@code sequence} was published (System.nanoTime). */
    long publishedNanos(long sequence) {
        return published.get(sequence);
    }

    byte[] concatenation(List<Long> sequences) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long s : sequences) {
            out.writeBytes(bytes(s));
        }
        return out.toByteArray();
    }

    private byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed * 7919 + name.hashCode()).nextBytes(data);
        return data;
    }

    @Override
    public void close() {
        try {
            origin.close();
        } finally {
            server.close();
        }
    }
}
