package org.minuteswarm.seeder;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A per-piece trace of a runtime's swarms, for finding where a segment's distribution time goes: which
 * torrent started when, each block a peer sent us, each piece we verified, and each block we released to a
 * peer with how long its request had waited in our upload queue. Off unless the logger
 * {@code minuteswarm.trace} is at DEBUG (the launcher's Logback configuration takes its level from the
 * environment variable {@code MINUTESWARM_TRACE}); {@code examples/bench/trace-report.py} reads the lines of
 * every process of a benchmark run. Each line carries the wall-clock time in milliseconds, so the processes of
 * one machine line up.
 */
final class SwarmTrace {
    private static final Logger TRACE = LoggerFactory.getLogger("minuteswarm.trace");

    private SwarmTrace() {
    }

    static boolean on() {
        return TRACE.isDebugEnabled();
    }

    /**
     * What a runtime's message loop did since its last such line: passes; connections whose suppliers it asked, and
     * of those how many because they were busy or a signal named them (on a listener, the rest were due for their
     * timers; the origin asks every connection on every pass); messages read, and how many of them called for no
     * answer; messages sent.
     */
    static void dispatched(int port, long passes, long asks, long busyAsks, long namedAsks, long in, long quietIn,
                           long out) {
        if (TRACE.isDebugEnabled()) {
            TRACE.debug("trace {} loop - port={} passes={} asks={} busy-asks={} named-asks={} in={} quiet-in={} out={}",
                    System.currentTimeMillis(), port, passes, asks, busyAsks, namedAsks, in, quietIn, out);
        }
    }

    /** How many connections a runtime's message loop serves, and how many of them are of torrents it seeds. */
    static void connections(int port, int connections, int seeding) {
        if (TRACE.isDebugEnabled()) {
            TRACE.debug("trace {} connections - port={} all={} seeding={}", System.currentTimeMillis(), port,
                    connections, seeding);
        }
    }

    static void started(TorrentId torrentId, String name, int port, boolean seeding) {
        if (TRACE.isDebugEnabled()) {
            TRACE.debug("trace {} start {} {} port={} seeding={}", System.currentTimeMillis(), hash(torrentId),
                    name, port, seeding);
        }
    }

    /** bt has set the torrent up and started asking for peers. */
    static void running(TorrentId torrentId) {
        if (TRACE.isDebugEnabled()) {
            TRACE.debug("trace {} running {} -", System.currentTimeMillis(), hash(torrentId));
        }
    }

    static void received(TorrentId torrentId, int piece, Peer from) {
        if (TRACE.isDebugEnabled()) {
            TRACE.debug("trace {} got {} {} from={}", System.currentTimeMillis(), hash(torrentId), piece,
                    from.getPort());
        }
    }

    static void verified(TorrentId torrentId, int piece) {
        if (TRACE.isDebugEnabled()) {
            TRACE.debug("trace {} verified {} {}", System.currentTimeMillis(), hash(torrentId), piece);
        }
    }

    static void released(TorrentId torrentId, int piece, Peer to, long waitedNanos) {
        if (TRACE.isDebugEnabled()) {
            TRACE.debug("trace {} sent {} {} to={} waited={}", System.currentTimeMillis(), hash(torrentId), piece,
                    to.getPort(), waitedNanos / 1_000_000);
        }
    }

    static void cancelled(TorrentId torrentId, int piece, Peer to, long waitedNanos) {
        if (TRACE.isDebugEnabled()) {
            TRACE.debug("trace {} cancelled {} {} to={} waited={}", System.currentTimeMillis(), hash(torrentId),
                    piece, to.getPort(), waitedNanos / 1_000_000);
        }
    }

    static void stuck(TorrentId torrentId, Peer peer) {
        if (TRACE.isDebugEnabled()) {
            TRACE.debug("trace {} stuck {} {}", System.currentTimeMillis(), hash(torrentId), peer.getPort());
        }
    }

    static void announced(TorrentId torrentId, String event, boolean ok) {
        if (TRACE.isDebugEnabled()) {
            TRACE.debug("trace {} announced {} {} ok={}", System.currentTimeMillis(), hash(torrentId), event, ok);
        }
    }

    static void connected(TorrentId torrentId, Peer peer) {
        if (TRACE.isDebugEnabled()) {
            TRACE.debug("trace {} connected {} {}", System.currentTimeMillis(), hash(torrentId), peer.getPort());
        }
    }

    /** The first 8 hex digits of the info-hash: enough to tell a channel's segments apart. */
    private static String hash(TorrentId torrentId) {
        byte[] bytes = torrentId.getBytes();
        StringBuilder s = new StringBuilder(8);
        for (int i = 0; i < 4; i++) {
            s.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append(Character.forDigit(bytes[i] & 0xf, 16));
        }
        return s.toString();
    }
}
