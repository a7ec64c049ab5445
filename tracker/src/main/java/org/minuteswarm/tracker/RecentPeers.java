package org.minuteswarm.tracker;

import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.minuteswarm.channel.InfoHash;

/**
 * The peers that announced most recently in one channel, whatever the segment: a ring of the
 * last {@link #CAPACITY} announces. A new segment is a new, empty swarm; handing its first
 * announcers the channel's other active listeners lets them meet at once (they are about to
 * join the same swarm, since every agent follows the same manifest) instead of one announce
 * interval later. Lock-free, since every announce of the channel writes here: a slot holds one
 * immutable entry, and a reader racing a writer sees either the old or the new one.
 */
final class RecentPeers {
    /** Enough distinct peers to fill a default numwant (50) several times over. */
    static final int CAPACITY = 256;

    private record Entry(InfoHash swarm, Peer peer) {
    }

    private final AtomicReferenceArray<Entry> ring = new AtomicReferenceArray<>(CAPACITY);
    private final AtomicLong next = new AtomicLong();

    void add(InfoHash swarm, Peer peer) {
        ring.lazySet((int) (next.getAndIncrement() % CAPACITY), new Entry(swarm, peer));
    }

    /**
     * Appends to {@code out} (up to {@code numwant} in total) the newest distinct peers that are
     * neither {@code requester} nor already in {@code out}, nor older than {@code cutoff}, nor
     * announced in {@code swarm} itself (its own selection already chose from those), in random
     * order: a new segment's first announcers all get this list, and clients dial in the order
     * given.
     */
    void fill(List<Peer> out, InfoHash swarm, PeerEndpoint requester, int numwant, Instant cutoff) {
        if (out.size() >= numwant) {
            return;
        }
        Set<PeerEndpoint> seen = new HashSet<>();
        seen.add(requester);
        for (Peer p : out) {
            seen.add(p.endpoint());
        }
        int from = out.size();
        long newest = next.get() - 1;
        for (long i = newest; i > newest - CAPACITY && i >= 0 && out.size() < numwant; i--) {
            Entry e = ring.get((int) (i % CAPACITY));
            if (e == null) {
                break;
            }
            Peer p = e.peer();
            if (!swarm.equals(e.swarm()) && !p.lastAnnounce().isBefore(cutoff) && seen.add(p.endpoint())) {
                out.add(p);
            }
        }
        Collections.shuffle(out.subList(from, out.size()));
    }
}
