package org.minuteswarm.segmenter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.minuteswarm.channel.ChannelIdentity;
import org.minuteswarm.channel.ChannelManifest;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.channel.SegmentDescriptor;
import org.minuteswarm.channel.SignedManifest;
import org.minuteswarm.seeder.RollingWindow;
import org.minuteswarm.tracker.ChannelDirectory;

/**
 * The one channel an embedded tracker hosts: the broadcaster's rolling window, signed anew each
 * time it changes. Blocking reloads wait on this object's monitor and wake the moment a new
 * segment is published.
 */
final class PublishedChannel implements ChannelDirectory {
    private final String name;
    private final ChannelIdentity identity;
    private final Duration segmentDuration;
    private final Clock clock;
    private volatile RollingWindow window;
    private volatile String media = ChannelManifest.MEDIA_TS;
    private volatile String origin;
    private final List<Consumer<SegmentDescriptor>> publishListeners = new CopyOnWriteArrayList<>();
    private SignedManifest current;

    PublishedChannel(String name, ChannelIdentity identity, Duration segmentDuration, Clock clock) {
        this.name = name;
        this.identity = identity;
        this.segmentDuration = segmentDuration;
        this.clock = clock;
    }

    /** The channel's media format, known once the first segment is cut. */
    void media(String format) {
        this.media = format;
    }

    /** Where the origin's peer listens ({@code host:port}), for the manifest; set before {@link #attach}. */
    void origin(String hostPort) {
        this.origin = hostPort;
    }

    /** The tracker must be up (its port goes into the torrents) before the window exists. */
    void attach(RollingWindow window) {
        this.window = window;
        resign();
    }

    void onPublished(Consumer<SegmentDescriptor> listener) {
        publishListeners.add(listener);
    }

    /** Re-signs the manifest over the window as it is now, and wakes every blocked reload. */
    void published(SegmentDescriptor segment) {
        resign();
        publishListeners.forEach(l -> l.accept(segment));
    }

    private synchronized void resign() {
        Instant issued = clock.instant();
        if (current != null && !issued.isAfter(current.manifest().issuedAt())) {
            issued = current.manifest().issuedAt().plusMillis(1); // issue times only grow
        }
        RollingWindow w = window;
        if (w == null) {
            return;
        }
        List<SegmentDescriptor> segments = w.entries().stream().map(RollingWindow.Entry::descriptor).toList();
        current = identity.sign(new ChannelManifest(name, identity.key(), segmentDuration, issued, segments, media,
                origin));
        notifyAll();
    }

    synchronized SignedManifest current() {
        return current;
    }

    @Override
    public synchronized Optional<SignedManifest> manifest(String channel) {
        return name.equals(channel) ? Optional.ofNullable(current) : Optional.empty();
    }

    @Override
    public Optional<byte[]> torrent(String channel, long sequence) {
        RollingWindow w = window;
        if (!name.equals(channel) || w == null) {
            return Optional.empty();
        }
        return w.get(sequence).map(e -> e.torrent().bytes());
    }

    @Override
    public Optional<String> channelOf(InfoHash infoHash) {
        RollingWindow w = window;
        return w == null ? Optional.empty() : w.find(infoHash).map(e -> name);
    }

    @Override
    public synchronized Optional<SignedManifest> awaitNewer(String channel, long afterSequence, Duration timeout)
            throws InterruptedException {
        if (!name.equals(channel) || current == null) {
            return Optional.empty();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (current.manifest().latestSequence() <= afterSequence) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return Optional.of(current);
    }
}
