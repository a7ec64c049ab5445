package org.minuteswarm.tracker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The peers of one segment's torrent. Peers are keyed by endpoint (ip:port), not peer id: that
 * is what other peers connect to, and a client restarted with a new id on the same port is the
 * same peer. Guarded by its own monitor; {@link Swarms} does all mutation inside
 * {@code ConcurrentHashMap.compute} so a swarm is never changed after it was dropped.
 *
 * <p>Kept for speed as two array lists, seeders and leechers, plus an endpoint -> slot index
 * (removal swaps the last peer into the hole), so an announce costs O(numwant), not O(swarm),
 * even for a seeder in a swarm of seeders: a sample is a run of consecutive slots from a random
 * start, as opentracker does. Expiry scans the whole swarm, so
 * {@link #expireAtMostEvery} rate-limits it on the announce path; stale peers are skipped when
 * sampling in between.
 */
final class Swarm {

    private final String channel;
    private final ArrayList<Peer> seeds = new ArrayList<>();
    private final ArrayList<Peer> leeches = new ArrayList<>();
    /** Endpoint -> slot in {@link #seeds} (as -1 - slot) or in {@link #leeches} (as slot). */
    private final Map<PeerEndpoint, Integer> index = new HashMap<>();
    private long downloaded;
    private long lastExpireMillis = Long.MIN_VALUE;

    Swarm(String channel) {
        this.channel = channel;
    }

    String channel() {
        return channel;
    }

    synchronized boolean isEmpty() {
        return index.isEmpty();
    }

    synchronized int size() {
        return index.size();
    }

    synchronized ScrapeCounts counts() {
        return new ScrapeCounts(seeds.size(), downloaded, leeches.size());
    }

    private Peer at(int code) {
        return code < 0 ? seeds.get(-1 - code) : leeches.get(code);
    }

    private void append(Peer peer) {
        if (peer.seeder()) {
            index.put(peer.endpoint(), -1 - seeds.size());
            seeds.add(peer);
        } else {
            index.put(peer.endpoint(), leeches.size());
            leeches.add(peer);
        }
    }

    /** Removes the peer at {@code code} (its index entry is the caller's business): the last one of its list fills the hole. */
    private void removeAt(int code) {
        ArrayList<Peer> l = code < 0 ? seeds : leeches;
        int slot = code < 0 ? -1 - code : code;
        Peer last = l.remove(l.size() - 1);
        if (slot < l.size()) {
            l.set(slot, last);
            index.put(last.endpoint(), code < 0 ? -1 - slot : slot);
        }
    }

    /** Endpoints of the peers that announced at or after {@code cutoff}. */
    synchronized List<PeerEndpoint> endpoints(Instant cutoff) {
        List<PeerEndpoint> out = new ArrayList<>(index.size());
        for (Peer p : peers(cutoff)) {
            out.add(p.endpoint());
        }
        return out;
    }

    /** The peers that announced at or after {@code cutoff}. */
    synchronized List<Peer> peers(Instant cutoff) {
        List<Peer> out = new ArrayList<>(index.size());
        for (ArrayList<Peer> l : List.of(seeds, leeches)) {
            for (Peer p : l) {
                if (!p.lastAnnounce().isBefore(cutoff)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** Adds or refreshes a peer; returns false (and changes nothing) if it is new and the swarm is full. */
    synchronized boolean put(Peer peer, boolean completed, int maxPeers) {
        Integer code = index.get(peer.endpoint());
        Peer old = code == null ? null : at(code);
        if (old == null) {
            if (index.size() >= maxPeers) {
                return false;
            }
            append(peer);
        } else if (old.seeder() == peer.seeder()) {
            (code < 0 ? seeds : leeches).set(code < 0 ? -1 - code : code, peer);
        } else { // became a seeder (or, oddly, a leecher again): move it
            removeAt(code);
            append(peer);
        }
        // BEP 48 "downloaded": count a completion once per peer, not once per repeated event.
        if (completed && (old == null || !old.seeder())) {
            downloaded++;
        }
        return true;
    }

    synchronized void remove(PeerEndpoint endpoint) {
        Integer code = index.remove(endpoint);
        if (code != null) {
            removeAt(code);
        }
    }

    /** Drops peers whose last announce is before {@code cutoff}; returns how many. */
    synchronized int expire(Instant cutoff) {
        int before = index.size();
        long cutoffMillis = cutoff.toEpochMilli();
        for (int i = seeds.size() - 1; i >= 0; i--) {
            if (seeds.get(i).lastAnnounceMillis < cutoffMillis) {
                index.remove(seeds.get(i).endpoint());
                removeAt(-1 - i);
            }
        }
        for (int i = leeches.size() - 1; i >= 0; i--) {
            if (leeches.get(i).lastAnnounceMillis < cutoffMillis) {
                index.remove(leeches.get(i).endpoint());
                removeAt(i);
            }
        }
        return before - index.size();
    }

    /** {@link #expire} unless this swarm was scanned less than {@code everyMillis} before {@code now}. */
    synchronized int expireAtMostEvery(Instant now, Instant cutoff, long everyMillis) {
        long ms = now.toEpochMilli();
        if (lastExpireMillis != Long.MIN_VALUE && ms - lastExpireMillis < everyMillis && ms >= lastExpireMillis) {
            return 0;
        }
        lastExpireMillis = ms;
        return expire(cutoff);
    }

    /**
     * Up to {@code numwant} peers for {@code requester}, never itself nor one past {@code cutoff}.
     * A seeder gets only leechers (it has nothing to gain from other seeders, as in chihaya); a
     * leecher gets the seeders first, then the leechers. Each group is read as a run of consecutive
     * slots from a random start, so load spreads over the swarm at O(numwant) cost: clients dial
     * peers in the order given, and a fixed order would have every newcomer dial the same few.
     */
    synchronized List<Peer> select(PeerEndpoint requester, boolean requesterSeeds, int numwant, Instant cutoff) {
        List<Peer> out = new ArrayList<>(Math.min(seeds.size() + leeches.size(), numwant));
        long self = Peer.compactV4(requester);
        long cutoffMillis = cutoff.toEpochMilli();
        if (!requesterSeeds) {
            addRun(seeds, requester, self, numwant, cutoffMillis, out);
        }
        addRun(leeches, requester, self, numwant, cutoffMillis, out);
        return out;
    }

    /** Adds {@code from}'s live peers other than the requester, from a random slot on, until {@code out} is full. */
    private static void addRun(List<Peer> from, PeerEndpoint requester, long self, int numwant, long cutoffMillis,
                               List<Peer> out) {
        int n = from.size();
        if (n == 0 || out.size() >= numwant) {
            return;
        }
        int start = ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n && out.size() < numwant; i++) {
            int k = start + i < n ? start + i : start + i - n;
            Peer p = from.get(k);
            if (p.lastAnnounceMillis >= cutoffMillis && !p.isAt(requester, self)) {
                out.add(p);
            }
        }
    }
}
