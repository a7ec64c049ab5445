package org.minuteswarm.agent;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.minuteswarm.channel.InfoHash;
import org.minuteswarm.seeder.SegmentSwarm;

/** A segment swarm without a network: it completes when the test says so. */
final class FakeSwarm implements SegmentSwarm {
    private final InfoHash infoHash;
    private final Path file;
    private final CompletableFuture<Path> completion = new CompletableFuture<>();
    private volatile long verifiedPrefix;

    FakeSwarm(InfoHash infoHash, Path file) {
        this.infoHash = infoHash;
        this.file = file;
    }

    /** The first {@code bytes} of the segment are verified (a download in play order, under way). */
    void verifyPrefix(long bytes) {
        verifiedPrefix = bytes;
    }

    @Override
    public long verifiedPrefixBytes() {
        return isComplete() ? Long.MAX_VALUE : verifiedPrefix;
    }

    void complete() {
        completion.complete(file);
    }

    @Override
    public InfoHash infoHash() {
        return infoHash;
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public CompletableFuture<Path> completion() {
        return completion;
    }

    @Override
    public boolean isComplete() {
        return completion.isDone() && !completion.isCompletedExceptionally();
    }

    @Override
    public int verifiedPieces() {
        return isComplete() ? 1 : 0;
    }

    @Override
    public int totalPieces() {
        return 1;
    }

    @Override
    public int connectedPeers() {
        return 0;
    }

    @Override
    public long uploadedBytes() {
        return 0;
    }

    @Override
    public long downloadedBytes() {
        return 0;
    }

    @Override
    public void stop() {
        completion.completeExceptionally(new IllegalStateException("stopped"));
    }
}
