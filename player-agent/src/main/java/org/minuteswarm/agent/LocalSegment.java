package org.minuteswarm.agent;

import java.nio.file.Path;
import org.minuteswarm.channel.SegmentDescriptor;
import org.minuteswarm.seeder.SegmentSwarm;

/** One segment as this agent holds it: what the manifest said, and its swarm once joined. */
final class LocalSegment {
    final SegmentDescriptor descriptor;
    final Path file;
    private volatile SegmentSwarm swarm;
    private volatile boolean failed;
    private volatile long completedAtMillis = -1;

    /** The channel's media format (ChannelManifest.MEDIA_*): names the file and sets the Content-Type. */
    final String media;

    LocalSegment(SegmentDescriptor descriptor, Path file) {
        this(descriptor, file, org.minuteswarm.channel.ChannelManifest.MEDIA_TS);
    }

    LocalSegment(SegmentDescriptor descriptor, Path file, String media) {
        this.descriptor = descriptor;
        this.file = file;
        this.media = media;
    }

    String contentType() {
        return org.minuteswarm.channel.ChannelManifest.contentType(media);
    }

    long sequence() {
        return descriptor.sequence();
    }

    void joined(SegmentSwarm swarm) {
        this.swarm = swarm;
    }

    SegmentSwarm swarm() {
        return swarm;
    }

    /** Its torrent could not be fetched or did not match the manifest: it will never complete. */
    void fail() {
        failed = true;
    }

    void completed(long epochMillis) {
        completedAtMillis = epochMillis;
    }

    /** When the download completed (epoch millis), or -1. */
    long completedAtMillis() {
        return completedAtMillis;
    }

    boolean failed() {
        return failed;
    }

    /** Bytes from the start that are verified and may be played now. */
    long playableBytes() {
        SegmentSwarm s = swarm;
        if (s == null) {
            return 0;
        }
        return s.isComplete() ? descriptor.sizeBytes() : Math.min(descriptor.sizeBytes(), s.verifiedPrefixBytes());
    }

    boolean isComplete() {
        SegmentSwarm s = swarm;
        return s != null && s.isComplete();
    }
}
