package org.minuteswarm.tracker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.minuteswarm.channel.ChannelIdentity;
import org.minuteswarm.channel.ChannelManifest;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.channel.SegmentDescriptor;
import org.minuteswarm.channel.SignedManifest;

/**
 * A test {@link ChannelDirectory}: channels with really signed manifests and a rolling window of
 * {@code windowSize} segments; {@link #publish} adds a segment and wakes long polls.
 */
final class InMemoryChannelDirectory implements ChannelDirectory {
    private final int windowSize;
    private final Map<String, Channel> channels = new HashMap<>();

    private static final class Channel {
        final ChannelIdentity identity = ChannelIdentity.generate();
        final List<SegmentDescriptor> window = new ArrayList<>();
        final Map<Long, byte[]> torrents = new HashMap<>();
        SignedManifest manifest;
        long version;
    }

    InMemoryChannelDirectory(int windowSize) {
        this.windowSize = windowSize;
    }

    /** Creates an empty channel (live edge -1). */
    synchronized void create(String name) {
        Channel c = new Channel();
        channels.put(name, c);
        sign(name, c);
    }

    /** Publishes segment {@code sequence} and returns its info-hash. */
    synchronized InfoHash publish(String name, long sequence) {
        Channel c = channels.get(name);
        byte[] torrent = ("d4:infod4:name" + (name + sequence).length() + ":" + name + sequence + "ee")
                .getBytes(StandardCharsets.US_ASCII);
        InfoHash hash = infoHashOf(name, sequence);
        c.window.add(new SegmentDescriptor(sequence, hash, 1000, Duration.ofSeconds(2),
                Instant.ofEpochSecond(1_700_000_000L + 2 * sequence)));
        c.torrents.put(sequence, torrent);
        while (c.window.size() > windowSize) {
            c.torrents.remove(c.window.remove(0).sequence());
        }
        sign(name, c);
        notifyAll();
        return hash;
    }

    static InfoHash infoHashOf(String channel, long sequence) {
        try {
            return InfoHash.of(MessageDigest.getInstance("SHA-1")
                    .digest((channel + "/" + sequence).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private void sign(String name, Channel c) {
        ChannelManifest m = new ChannelManifest(name, c.identity.key(), Duration.ofSeconds(2),
                Instant.ofEpochSecond(1_700_000_000L + ++c.version), c.window);
        c.manifest = c.identity.sign(m);
    }

    @Override
    public synchronized Optional<SignedManifest> manifest(String channel) {
        Channel c = channels.get(channel);
        return c == null ? Optional.empty() : Optional.of(c.manifest);
    }

    @Override
    public synchronized Optional<byte[]> torrent(String channel, long sequence) {
        Channel c = channels.get(channel);
        return c == null ? Optional.empty() : Optional.ofNullable(c.torrents.get(sequence)).map(byte[]::clone);
    }

    @Override
    public synchronized Optional<String> channelOf(InfoHash infoHash) {
        for (Map.Entry<String, Channel> e : channels.entrySet()) {
            for (SegmentDescriptor s : e.getValue().window) {
                if (s.infoHash().equals(infoHash)) {
                    return Optional.of(e.getKey());
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized Optional<SignedManifest> awaitNewer(String channel, long afterSequence, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Channel c = channels.get(channel);
            if (c == null) {
                return Optional.empty();
            }
            long left = deadline - System.nanoTime();
            if (c.manifest.manifest().latestSequence() > afterSequence || left <= 0) {
                return Optional.of(c.manifest);
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
