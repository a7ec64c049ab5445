package org.minuteswarm.tracker;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.minuteswarm.channel.InfoHash;

/**
 * The peer store: every tracked swarm by info-hash. This is the decide and update steps of an
 * announce, free of HTTP and of the channel directory, so it is tested without sockets.
 * Thread-safe: all mutation of a swarm happens inside {@link ConcurrentHashMap#compute}, and a
 * swarm that becomes empty is removed in that same step, so an announce racing a sweep never
 * lands in a swarm that was just dropped.
 */
final class Swarms {
    /**
     * Cap on one swarm: a live segment's audience can be large, but a client forging
     * {@code ip=}/{@code port=} pairs must not grow memory without bound.
     */
    static final int MAX_PEERS_PER_SWARM = 50_000;

    private final ConcurrentHashMap<InfoHash, Swarm> swarms = new ConcurrentHashMap<>();
    private final Duration peerTimeout;
    private final int maxPeersPerSwarm;

    Swarms(Duration peerTimeout) {
        this(peerTimeout, MAX_PEERS_PER_SWARM);
    }

    Swarms(Duration peerTimeout, int maxPeersPerSwarm) {
        this.peerTimeout = peerTimeout;
        this.maxPeersPerSwarm = maxPeersPerSwarm;
    }

    /**
     * Registers the announce (a {@code stopped} removes the peer) and picks the peers to answer
     * with. The counts include the requester, as BEP 3 trackers report the whole swarm.
     */
    AnnounceResult announce(AnnounceRequest request, String channel, Instant now) {
        AnnounceResult[] result = new AnnounceResult[1];
        swarms.compute(request.infoHash(), (hash, swarm) -> {
            if (swarm == null || !swarm.channel().equals(channel)) {
                swarm = new Swarm(channel);
            }
            swarm.expire(now.minus(peerTimeout));
            List<Peer> selected;
            if (request.event() == AnnounceEvent.STOPPED) {
                swarm.remove(request.endpoint());
                selected = List.of(); // it is leaving: it needs no peers
            } else {
                swarm.put(new Peer(request.peerId(), request.endpoint(), request.seeder(), now),
                        request.event() == AnnounceEvent.COMPLETED, maxPeersPerSwarm);
                selected = swarm.select(request.endpoint(), request.seeder(), request.numwant());
            }
            ScrapeCounts counts = swarm.counts();
            result[0] = new AnnounceResult(counts.complete(), counts.incomplete(), selected);
            return swarm.isEmpty() ? null : swarm;
        });
        return result[0];
    }

    Optional<ScrapeCounts> scrape(InfoHash infoHash) {
        Swarm swarm = swarms.get(infoHash);
        return swarm == null ? Optional.empty() : Optional.of(swarm.counts());
    }

    /** Forgets a swarm, e.g. when its segment left the live window. */
    void drop(InfoHash infoHash) {
        swarms.remove(infoHash);
    }

    /**
     * Drops peers that have not announced within the peer timeout, empty swarms, and swarms whose
     * info-hash {@code live} no longer accepts (the segment retired). Returns peers dropped.
     */
    int sweep(Instant now, Predicate<InfoHash> live) {
        Instant cutoff = now.minus(peerTimeout);
        int[] dropped = new int[1];
        for (InfoHash hash : swarms.keySet()) {
            if (!live.test(hash)) { // asked outside compute: the directory may take its own locks
                Swarm gone = swarms.remove(hash);
                if (gone != null) {
                    dropped[0] += gone.size();
                }
                continue;
            }
            swarms.computeIfPresent(hash, (h, swarm) -> {
                dropped[0] += swarm.expire(cutoff);
                return swarm.isEmpty() ? null : swarm;
            });
        }
        return dropped[0];
    }

    /** Info-hashes of the swarms tracked for {@code channel}. */
    Set<InfoHash> infoHashes(String channel) {
        Set<InfoHash> out = new HashSet<>();
        for (Map.Entry<InfoHash, Swarm> e : swarms.entrySet()) {
            if (e.getValue().channel().equals(channel)) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** Distinct endpoints across the given swarms, ignoring peers past the timeout. */
    Set<PeerEndpoint> endpoints(Set<InfoHash> hashes, Instant now) {
        Instant cutoff = now.minus(peerTimeout);
        Set<PeerEndpoint> out = new HashSet<>();
        for (InfoHash h : hashes) {
            Swarm swarm = swarms.get(h);
            if (swarm != null) {
                out.addAll(swarm.endpoints(cutoff));
            }
        }
        return out;
    }

    int swarmCount() {
        return swarms.size();
    }

    int peerCount() {
        int n = 0;
        for (Swarm s : swarms.values()) {
            n += s.size();
        }
        return n;
    }
}
