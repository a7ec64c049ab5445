package org.minuteswarm.tracker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.channel.SignedManifest;

/**
 * A directory that also tracks a fixed list of info-hashes under a pseudo-channel, for load
 * benchmarks against other trackers' whitelists ({@code tracker --register-info-hashes FILE}).
 * Everything else is the wrapped directory's.
 */
final class ExtraInfoHashes implements ChannelDirectory {
    static final String CHANNEL = "registered";

    private final ChannelDirectory inner;
    private final Set<InfoHash> hashes;

    ExtraInfoHashes(ChannelDirectory inner, Set<InfoHash> hashes) {
        this.inner = inner;
        this.hashes = Set.copyOf(hashes);
    }

    /** One 40-digit hex info-hash per line; blank lines and {@code #} comments are skipped. */
    static Set<InfoHash> read(Path file) throws IOException {
        Set<InfoHash> out = new HashSet<>();
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            try {
                out.add(InfoHash.fromHex(t));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " line " + n + ": not a 40-digit hex info-hash: " + t);
            }
        }
        return out;
    }

    ChannelDirectory inner() {
        return inner;
    }

    @Override
    public Optional<SignedManifest> manifest(String channel) {
        return inner.manifest(channel);
    }

    @Override
    public Optional<byte[]> torrent(String channel, long sequence) {
        return inner.torrent(channel, sequence);
    }

    @Override
    public Optional<String> channelOf(InfoHash infoHash) {
        return hashes.contains(infoHash) ? Optional.of(CHANNEL) : inner.channelOf(infoHash);
    }

    @Override
    public Optional<SignedManifest> awaitNewer(String channel, long afterSequence, Duration timeout) throws InterruptedException {
        return inner.awaitNewer(channel, afterSequence, timeout);
    }
}
