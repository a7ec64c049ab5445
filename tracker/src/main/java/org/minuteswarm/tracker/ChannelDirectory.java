package org.minuteswarm.tracker;

import java.time.Duration;
import java.util.Optional;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.channel.SignedManifest;

/**
 * What the tracker hosts: the channels' signed manifests and the torrents of their live
 * segments. Implemented by the broadcaster (embedded tracker) and by a standalone store.
 *
 * <p>The tracker calls these methods from many HTTP worker threads at once, so implementations
 * must be thread-safe, and every method but {@link #awaitNewer} should answer at once.
 */
public interface ChannelDirectory {
    /** The channel's current signed manifest, or empty if the channel is unknown. */
    Optional<SignedManifest> manifest(String channel);

    /** A live segment's {@code .torrent} bytes, or empty once it left the window (or never was). */
    Optional<byte[]> torrent(String channel, long sequence);

    /**
     * The channel whose live window holds this info-hash, else empty. The tracker only tracks
     * swarms for which this is present: it is not an open tracker.
     */
    Optional<String> channelOf(InfoHash infoHash);

    /**
     * Blocks until the channel's manifest has live edge > {@code afterSequence}, or timeout;
     * returns the current manifest (maybe unchanged), or empty if the channel is unknown.
     * Must return promptly when the calling thread is interrupted (the tracker is closing).
     */
    Optional<SignedManifest> awaitNewer(String channel, long afterSequence, Duration timeout)
            throws InterruptedException;
}
