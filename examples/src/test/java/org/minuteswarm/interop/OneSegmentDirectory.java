package org.minuteswarm.interop;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.channel.SignedManifest;
import org.minuteswarm.tracker.ChannelDirectory;

/**
 * A channel directory holding live segments and nothing else: enough for a standalone tracker to
 * track those segments' swarms (all in one channel), with no broadcaster seeding them.
 */
final class OneSegmentDirectory implements ChannelDirectory {
    private final Set<InfoHash> live = ConcurrentHashMap.newKeySet();

    void setLive(InfoHash infoHash) {
        live.add(infoHash);
    }

    @Override
    public Optional<SignedManifest> manifest(String channel) {
        return Optional.empty();
    }

    @Override
    public Optional<byte[]> torrent(String channel, long sequence) {
        return Optional.empty();
    }

    @Override
    public Optional<String> channelOf(InfoHash infoHash) {
        return live.contains(infoHash) ? Optional.of(InteropBroadcast.CHANNEL) : Optional.empty();
    }

    @Override
    public Optional<SignedManifest> awaitNewer(String channel, long afterSequence, Duration timeout) {
        return Optional.empty();
    }
}
