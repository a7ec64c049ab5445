package org.minuteswarm.tracker;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.BencodeException;
import org.minuteswarm.channel.ChannelKey;
import org.minuteswarm.channel.ChannelManifest;
import org.minuteswarm.channel.ChannelName;
import org.minuteswarm.channel.ChannelUrl;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.channel.ManifestException;
import org.minuteswarm.channel.SegmentDescriptor;
import org.minuteswarm.channel.SignedManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone tracker's {@link ChannelDirectory}: any number of channels, published over HTTP
 * by their broadcasters and kept under a data dir, so a restart keeps every channel, its key and
 * its live window.
 *
 * <h2>Who may publish</h2>
 * The first valid signed manifest for a name binds the name to the key that signed it (the key
 * is written to {@code channels/NAME/channel.pub}); every later manifest for that name must be
 * signed by the same key and must not go backwards (a lower live edge, or the same live edge
 * issued no later: the rules of {@code ManifestFollower}), so a replayed manifest cannot rewind
 * listeners. Nothing can delete a channel over HTTP.
 *
 * <h2>Manifest first, served last</h2>
 * A torrent is accepted only if a signed manifest of its channel lists its sequence number with
 * its info-hash (SHA-1 of its {@code info} dictionary), so no one but the key holder can place a
 * torrent either. A listener must never see a manifest whose torrents 404, so a manifest that
 * lists segments whose torrents the store lacks is held as <em>pending</em> (verified, not served)
 * and goes live the moment its last torrent arrives; the publish answer names the missing
 * sequence numbers. A newer manifest replaces a pending one. Nothing unauthenticated is ever
 * kept, so the store's memory and disk are bounded by the hosted channels' windows.
 *
 * <p>Thread-safe: each channel is guarded by its own monitor, which also wakes long polls.
 */
public final class ChannelStore implements ChannelDirectory {
    /** bt segment torrents are a few KiB (255 piece hashes of 20 bytes); 1 MiB is generous. */
    public static final int MAX_TORRENT_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_CHANNELS = 1000;
    static final String CHANNELS_DIR = "channels";
    static final String KEY_FILE = "channel.pub";
    static final String MANIFEST_FILE = "manifest.bin";
    static final String TORRENTS_DIR = "torrents";
    /** Only the name and key matter for verification; the host part is never contacted. */
    private static final URI ANY_BASE = URI.create("http://tracker");
    private static final Logger log = LoggerFactory.getLogger(ChannelStore.class);

    private final Path root;
    private final int maxChannels;
    private final ConcurrentHashMap<String, Hosted> channels = new ConcurrentHashMap<>();
    /** Info-hash of every segment in some channel's live (served) manifest. */
    private final ConcurrentHashMap<InfoHash, String> live = new ConcurrentHashMap<>();

    private record Torrent(InfoHash infoHash, byte[] bytes) {
    }

    /** One channel; every field is guarded by this object's monitor, {@link #current} is also read without it. */
    private static final class Hosted {
        final String name;
        final ChannelKey key;
        final Path dir;
        volatile SignedManifest current;
        final Map<Long, Torrent> torrents = new HashMap<>();
        SignedManifest pending;
        final Map<Long, Torrent> pendingTorrents = new HashMap<>();

        Hosted(String name, ChannelKey key, Path dir) {
            this.name = name;
            this.key = key;
            this.dir = dir;
        }
    }

    private ChannelStore(Path root, int maxChannels) {
        this.root = root;
        this.maxChannels = maxChannels;
    }

    /** Opens (creating if needed) the store under {@code dataDir}, loading every channel kept there. */
    public static ChannelStore open(Path dataDir) throws IOException {
        return open(dataDir, DEFAULT_MAX_CHANNELS);
    }

    public static ChannelStore open(Path dataDir, int maxChannels) throws IOException {
        Objects.requireNonNull(dataDir, "dataDir");
        if (maxChannels < 1) {
            throw new IllegalArgumentException("maxChannels must be >= 1, got " + maxChannels);
        }
        ChannelStore store = new ChannelStore(dataDir.resolve(CHANNELS_DIR), maxChannels);
        Files.createDirectories(store.root);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(store.root, Files::isDirectory)) {
            for (Path dir : dirs) {
                store.load(dir);
            }
        }
        log.info("channel store {}: {} channels", store.root, store.channels.size());
        return store;
    }

    private void load(Path dir) {
        String name = dir.getFileName().toString();
        try {
            ChannelName.validate(name);
            ChannelKey key = ChannelKey.parse(Files.readString(dir.resolve(KEY_FILE), StandardCharsets.US_ASCII).trim());
            Hosted h = new Hosted(name, key, dir);
            Path manifestFile = dir.resolve(MANIFEST_FILE);
            if (Files.exists(manifestFile)) {
                SignedManifest m = SignedManifest.verify(Files.readAllBytes(manifestFile), new ChannelUrl(ANY_BASE, name, key));
                for (SegmentDescriptor s : m.manifest().segments()) {
                    Path file = dir.resolve(TORRENTS_DIR).resolve(s.sequence() + ".torrent");
                    if (Files.exists(file)) {
                        byte[] bytes = Files.readAllBytes(file);
                        if (TorrentFiles.infoHash(bytes).equals(s.infoHash())) {
                            h.torrents.put(s.sequence(), new Torrent(s.infoHash(), bytes));
                        }
                    }
                }
                h.current = m;
                m.manifest().segments().forEach(s -> live.put(s.infoHash(), name));
            }
            channels.put(name, h);
        } catch (IOException | ManifestException | ClientError | IllegalArgumentException e) {
            log.warn("skipping unreadable channel dir {}: {}", dir, e.getMessage());
        }
    }

    /**
     * Publishes a signed manifest for {@code name}: binds a new name to its key, refuses another
     * key or a step backwards, and makes it live at once if every listed torrent is here.
     */
    public PublishOutcome publishManifest(String name, byte[] wire) throws PublishRefused {
        if (wire.length > SignedManifest.MAX_BYTES) {
            throw new PublishRefused(413, "manifest larger than " + SignedManifest.MAX_BYTES + " bytes");
        }
        ChannelManifest claimed = claimedManifest(wire);
        if (!claimed.name().equals(name)) {
            throw new PublishRefused(400, "manifest is for channel '" + claimed.name() + "', published as '" + name + "'");
        }
        SignedManifest next;
        try {
            next = SignedManifest.verify(wire, new ChannelUrl(ANY_BASE, name, claimed.key()));
        } catch (ManifestException e) {
            throw new PublishRefused(403, e.getMessage());
        }
        Hosted h = bind(name, claimed.key());
        synchronized (h) {
            if (!h.key.equals(claimed.key())) {
                throw new PublishRefused(403, "channel " + name + " is bound to another key");
            }
            if (next.equals(h.current)) {
                return outcome(h);
            }
            if (next.equals(h.pending)) {
                return outcome(h);
            }
            requireForward(h.current, next);
            requireForward(h.pending, next);
            h.pending = next;
            h.pendingTorrents.keySet().removeIf(seq -> !lists(next, seq, h.pendingTorrents.get(seq).infoHash()));
            promoteIfComplete(h);
            return outcome(h);
        }
    }

    /**
     * Stores segment {@code sequence}'s torrent, if the channel's live or pending signed manifest
     * lists that sequence with this torrent's info-hash; a pending manifest whose last torrent
     * this was goes live.
     */
    public PublishOutcome publishTorrent(String name, long sequence, byte[] torrent) throws PublishRefused {
        if (torrent.length > MAX_TORRENT_BYTES) {
            throw new PublishRefused(413, "torrent larger than " + MAX_TORRENT_BYTES + " bytes");
        }
        Hosted h = channels.get(name);
        if (h == null) {
            throw new PublishRefused(404, "unknown channel " + name + ": publish its manifest first");
        }
        InfoHash hash;
        try {
            hash = TorrentFiles.infoHash(torrent);
        } catch (ClientError e) {
            throw new PublishRefused(400, e.reason());
        }
        synchronized (h) {
            Torrent t = new Torrent(hash, torrent.clone());
            if (h.current != null && lists(h.current, sequence, hash)) {
                Torrent have = h.torrents.get(sequence);
                if (have == null || !have.infoHash().equals(hash)) {
                    writeTorrent(h, sequence, t);
                    h.torrents.put(sequence, t);
                }
            } else if (h.pending != null && lists(h.pending, sequence, hash)) {
                h.pendingTorrents.put(sequence, t);
                promoteIfComplete(h);
            } else {
                throw new PublishRefused(409, "segment " + sequence + " with info-hash " + hash.hex()
                        + " is not in channel " + name + "'s signed manifest");
            }
            return outcome(h);
        }
    }

    /** Names of the hosted channels. */
    public Set<String> channels() {
        return new TreeSet<>(channels.keySet());
    }

    private static ChannelManifest claimedManifest(byte[] wire) throws PublishRefused {
        try {
            Object body = Bencode.decodeDictionary(wire).get("manifest");
            if (!(body instanceof byte[] bytes)) {
                throw new PublishRefused(400, "signed manifest has no 'manifest' string");
            }
            return ChannelManifest.decode(bytes);
        } catch (BencodeException e) {
            throw new PublishRefused(400, "signed manifest is not valid bencoding: " + e.getMessage());
        } catch (ManifestException e) {
            throw new PublishRefused(400, e.getMessage());
        }
    }

    /** The hosted channel, created and its key written on first publish; refuses a name past the cap. */
    private Hosted bind(String name, ChannelKey key) throws PublishRefused {
        Hosted h = channels.get(name);
        if (h != null) {
            return h;
        }
        synchronized (channels) {
            h = channels.get(name);
            if (h != null) {
                return h;
            }
            if (channels.size() >= maxChannels) {
                throw new PublishRefused(507, "this tracker hosts its maximum of " + maxChannels + " channels");
            }
            Path dir = root.resolve(name);
            try {
                Files.createDirectories(dir.resolve(TORRENTS_DIR));
                writeAtomically(dir.resolve(KEY_FILE), (key.text() + "\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                log.error("cannot create channel dir {}", dir, e);
                throw new PublishRefused(500, "cannot store channel " + name);
            }
            h = new Hosted(name, key, dir);
            channels.put(name, h);
            log.info("channel {} bound to key {}", name, key.text());
            return h;
        }
    }

    private static void requireForward(SignedManifest was, SignedManifest next) throws PublishRefused {
        if (was == null) {
            return;
        }
        ChannelManifest w = was.manifest();
        ChannelManifest n = next.manifest();
        if (n.latestSequence() < w.latestSequence()) {
            throw new PublishRefused(409, "manifest goes backwards: live edge " + n.latestSequence() + " after " + w.latestSequence());
        }
        if (n.latestSequence() == w.latestSequence() && !n.issuedAt().isAfter(w.issuedAt())) {
            throw new PublishRefused(409, "manifest is stale: issued " + n.issuedAt() + ", not after " + w.issuedAt());
        }
    }

    private static boolean lists(SignedManifest m, long sequence, InfoHash hash) {
        return m.manifest().segment(sequence).filter(s -> s.infoHash().equals(hash)).isPresent();
    }

    private static List<Long> missing(Hosted h, SignedManifest m) {
        List<Long> out = new ArrayList<>();
        for (SegmentDescriptor s : m.manifest().segments()) {
            Torrent have = h.torrents.get(s.sequence());
            Torrent staged = h.pendingTorrents.get(s.sequence());
            boolean present = have != null && have.infoHash().equals(s.infoHash())
                    || staged != null && staged.infoHash().equals(s.infoHash());
            if (!present) {
                out.add(s.sequence());
            }
        }
        return out;
    }

    private PublishOutcome outcome(Hosted h) {
        if (h.pending != null) {
            return new PublishOutcome(false, h.pending.manifest().latestSequence(), missing(h, h.pending));
        }
        return new PublishOutcome(true, h.current.manifest().latestSequence(), List.of());
    }

    /** Makes the pending manifest live once all its torrents are here: disk first, then memory, then wake long polls. */
    private void promoteIfComplete(Hosted h) throws PublishRefused {
        SignedManifest next = h.pending;
        if (next == null || !missing(h, next).isEmpty()) {
            return;
        }
        try {
            for (Map.Entry<Long, Torrent> e : h.pendingTorrents.entrySet()) {
                writeTorrent(h, e.getKey(), e.getValue());
            }
            writeAtomically(h.dir.resolve(MANIFEST_FILE), next.wire());
        } catch (PublishRefused e) {
            throw e;
        } catch (IOException e) {
            log.error("cannot store manifest of channel {}", h.name, e);
            throw new PublishRefused(500, "cannot store manifest of channel " + h.name);
        }
        h.torrents.putAll(h.pendingTorrents);
        h.pendingTorrents.clear();
        SignedManifest old = h.current;
        h.current = next;
        h.pending = null;
        Set<Long> window = new TreeSet<>();
        for (SegmentDescriptor s : next.manifest().segments()) {
            window.add(s.sequence());
            live.put(s.infoHash(), h.name);
        }
        if (old != null) {
            for (SegmentDescriptor s : old.manifest().segments()) {
                if (!lists(next, s.sequence(), s.infoHash())) {
                    live.remove(s.infoHash(), h.name);
                }
            }
        }
        for (Long seq : new ArrayList<>(h.torrents.keySet())) {
            if (!window.contains(seq)) {
                h.torrents.remove(seq);
                try {
                    Files.deleteIfExists(torrentFile(h, seq));
                } catch (IOException e) {
                    log.warn("cannot delete retired torrent {}", torrentFile(h, seq), e);
                }
            }
        }
        h.notifyAll();
        log.debug("channel {} live edge {}", h.name, next.manifest().latestSequence());
    }

    private static Path torrentFile(Hosted h, long seq) {
        return h.dir.resolve(TORRENTS_DIR).resolve(seq + ".torrent");
    }

    private static void writeTorrent(Hosted h, long seq, Torrent t) throws PublishRefused {
        try {
            writeAtomically(torrentFile(h, seq), t.bytes());
        } catch (IOException e) {
            log.error("cannot store torrent {} of channel {}", seq, h.name, e);
            throw new PublishRefused(500, "cannot store torrent " + seq + " of channel " + h.name);
        }
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public Optional<SignedManifest> manifest(String channel) {
        Hosted h = channels.get(channel);
        return h == null ? Optional.empty() : Optional.ofNullable(h.current);
    }

    @Override
    public Optional<byte[]> torrent(String channel, long sequence) {
        Hosted h = channels.get(channel);
        if (h == null) {
            return Optional.empty();
        }
        synchronized (h) {
            Torrent t = h.torrents.get(sequence);
            return t == null || h.current == null || !lists(h.current, sequence, t.infoHash())
                    ? Optional.empty() : Optional.of(t.bytes().clone());
        }
    }

    @Override
    public Optional<String> channelOf(InfoHash infoHash) {
        return Optional.ofNullable(live.get(infoHash));
    }

    @Override
    public Optional<SignedManifest> awaitNewer(String channel, long afterSequence, Duration timeout)
            throws InterruptedException {
        Hosted h = channels.get(channel);
        if (h == null) {
            return Optional.empty();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (h) {
            while (h.current == null || h.current.manifest().latestSequence() <= afterSequence) {
                long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) {
                    break;
                }
                h.wait(leftMs);
            }
            return Optional.ofNullable(h.current);
        }
    }
}
