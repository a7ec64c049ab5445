package org.minuteswarm.seeder;

import bt.metainfo.TorrentId;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * When each torrent of a runtime is due to play, as the agent (or the broadcaster's window) told us. The
 * upload scheduler serves the torrent with the earliest deadline first; a torrent without one comes last.
 * Every listener of a channel plays the same sequence at about the same time, so an uploader's own
 * deadlines order the swarm's needs well enough.
 */
final class SegmentDeadlines {
    static final long NONE = Long.MAX_VALUE;

    private final ConcurrentMap<TorrentId, Long> deadlines = new ConcurrentHashMap<>();

    void set(TorrentId torrentId, Instant deadline) {
        deadlines.put(torrentId, deadline.toEpochMilli());
    }

    void clear(TorrentId torrentId) {
        deadlines.remove(torrentId);
    }

    /** Epoch millis of the deadline, or {@link #NONE}. */
    long of(TorrentId torrentId) {
        return deadlines.getOrDefault(torrentId, NONE);
    }
}
