package org.minuteswarm.seeder;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.minuteswarm.channel.InfoHash;

/**
 * One segment's torrent as run by a {@link SwarmRuntime}: seeding a complete file, or downloading
 * it and then seeding it. A thin handle; the runtime owns the connections.
 */
public interface SegmentSwarm {
    InfoHash infoHash();

    /** Where the segment's bytes are (complete once {@link #completion()} is done). */
    Path file();

    /** Completes when every piece is verified (at once for a seed); fails if the swarm is stopped first. */
    CompletableFuture<Path> completion();

    boolean isComplete();

    int verifiedPieces();

    int totalPieces();

    /**
     * Bytes from the start of the file whose pieces are all verified: what can be played now,
     * before the segment is complete.
     */
    default long verifiedPrefixBytes() {
        return isComplete() ? Long.MAX_VALUE : 0;
    }

    /** Peers currently connected in this torrent's swarm. */
    int connectedPeers();

    /** Bytes of piece data sent to peers in this swarm (counted by us, not by bt's undercounting stats). */
    long uploadedBytes();

    /** Bytes of piece data received from peers and written in this swarm (counted by us as blocks are written). */
    long downloadedBytes();

    /**
     * When this segment is due to play. When the runtime's upload is capped, requests for the torrent with the
     * earliest deadline are served first, so the segment about to play is not starved by the others; a
     * torrent without a deadline comes last. May be called again as playback moves on.
     */
    default void setDeadline(Instant deadline) {
    }

    /**
     * Leaves the swarm and releases everything: threads, connections, open files. Idempotent.
     * Safe on an incomplete download (works around bt 1.10 leaking a blocked processing thread).
     */
    void stop();
}
