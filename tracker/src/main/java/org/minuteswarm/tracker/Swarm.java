package org.minuteswarm.tracker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The peers of one segment's torrent. Peers are keyed by endpoint (ip:port), not peer id: that
 * is what other peers connect to, and a client restarted with a new id on the same port is the
 * same peer. Guarded by its own monitor; {@link Swarms} does all mutation inside
 * {@code ConcurrentHashMap.compute} so a swarm is never changed after it was dropped.
 */
final class Swarm {
    private final String channel;
    private final Map<PeerEndpoint, Peer> peers = new LinkedHashMap<>();
    private int seeders;
    private long downloaded;

    Swarm(String channel) {
        this.channel = channel;
    }

    String channel() {
        return channel;
    }

    synchronized boolean isEmpty() {
        return peers.isEmpty();
    }

    synchronized int size() {
        return peers.size();
    }

    synchronized ScrapeCounts counts() {
        return new ScrapeCounts(seeders, downloaded, peers.size() - seeders);
    }

    /** Endpoints of the peers that announced at or after {@code cutoff}. */
    synchronized List<PeerEndpoint> endpoints(Instant cutoff) {
        List<PeerEndpoint> out = new ArrayList<>(peers.size());
        for (Peer p : peers.values()) {
            if (!p.lastAnnounce().isBefore(cutoff)) {
                out.add(p.endpoint());
            }
        }
        return out;
    }

    /** Adds or refreshes a peer; returns false (and changes nothing) if it is new and the swarm is full. */
    synchronized boolean put(Peer peer, boolean completed, int maxPeers) {
        Peer old = peers.get(peer.endpoint());
        if (old == null && peers.size() >= maxPeers) {
            return false;
        }
        peers.put(peer.endpoint(), peer);
        if (old != null && old.seeder()) {
            seeders--;
        }
        if (peer.seeder()) {
            seeders++;
        }
        // BEP 48 "downloaded": count a completion once per peer, not once per repeated event.
        if (completed && (old == null || !old.seeder())) {
            downloaded++;
        }
        return true;
    }

    synchronized void remove(PeerEndpoint endpoint) {
        Peer old = peers.remove(endpoint);
        if (old != null && old.seeder()) {
            seeders--;
        }
    }

    /** Drops peers whose last announce is before {@code cutoff}; returns how many. */
    synchronized int expire(Instant cutoff) {
        int before = peers.size();
        peers.values().removeIf(p -> {
            boolean stale = p.lastAnnounce().isBefore(cutoff);
            if (stale && p.seeder()) {
                seeders--;
            }
            return stale;
        });
        return before - peers.size();
    }

    /**
     * Up to {@code numwant} peers for {@code requester}, never itself. A seeder gets only
     * leechers (it has nothing to gain from other seeders, as in chihaya); a leecher gets both.
     * When there are more candidates than wanted, a random sample, so load spreads over the swarm.
     */
    synchronized List<Peer> select(PeerEndpoint requester, boolean requesterSeeds, int numwant) {
        List<Peer> candidates = new ArrayList<>(Math.min(peers.size(), 1024));
        for (Peer p : peers.values()) {
            if (!p.endpoint().equals(requester) && !(requesterSeeds && p.seeder())) {
                candidates.add(p);
            }
        }
        if (candidates.size() <= numwant) {
            return candidates;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < numwant; i++) { // partial Fisher-Yates
            int j = i + random.nextInt(candidates.size() - i);
            Peer t = candidates.get(i);
            candidates.set(i, candidates.get(j));
            candidates.set(j, t);
        }
        return new ArrayList<>(candidates.subList(0, numwant));
    }
}
