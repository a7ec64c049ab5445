package org.minuteswarm.tracker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
    private final ConcurrentHashMap<String, RecentPeers> recent = new ConcurrentHashMap<>();
    private volatile boolean channelPeers = true;
    private final Duration peerTimeout;
    private final int maxPeersPerSwarm;
    /**
     * How often an announce may scan its swarm for expired peers: an eighth of the timeout (at
     * least 1 s), so a peer is counted at most 12.5 % past its timeout, and a big swarm is not
     * walked on every announce. Selection skips stale peers in between.
     */
    private final long expireEveryMillis;

    Swarms(Duration peerTimeout) {
        this(peerTimeout, MAX_PEERS_PER_SWARM);
    }

    Swarms(Duration peerTimeout, int maxPeersPerSwarm) {
        this.peerTimeout = peerTimeout;
        this.maxPeersPerSwarm = maxPeersPerSwarm;
        this.expireEveryMillis = Math.max(1000, peerTimeout.toMillis() / 8);
    }

    /** Whether a swarm short of peers is topped up with the channel's other recent peers (on by default). */
    void channelPeers(boolean on) {
        channelPeers = on;
    }

    /**
     * Registers the announce (a {@code stopped} removes the peer) and picks the peers to answer
     * with. The counts include the requester, as BEP 3 trackers report the whole swarm. When the
     * swarm has fewer peers than wanted (a segment just published), the answer is topped up with
     * peers recently active in the same channel's other segments ({@link RecentPeers}).
     */
    AnnounceResult announce(AnnounceRequest request, String channel, Instant now) {
        AnnounceResult[] result = new AnnounceResult[1];
        Instant cutoff = now.minus(peerTimeout);
        Peer peer = new Peer(request.peerId(), request.endpoint(), request.seeder(), now, request.uploaded(),
                request.downloaded());
        swarms.compute(request.infoHash(), (hash, swarm) -> {
            if (swarm == null || !swarm.channel().equals(channel)) {
                swarm = new Swarm(channel);
            }
            swarm.expireAtMostEvery(now, cutoff, expireEveryMillis);
            List<Peer> selected;
            if (request.event() == AnnounceEvent.STOPPED) {
                swarm.remove(request.endpoint());
                selected = List.of(); // it is leaving: it needs no peers
            } else {
                swarm.put(peer, request.event() == AnnounceEvent.COMPLETED, maxPeersPerSwarm);
                selected = swarm.select(request.endpoint(), request.seeder(), request.numwant(), cutoff);
            }
            ScrapeCounts counts = swarm.counts();
            result[0] = new AnnounceResult(counts.complete(), counts.incomplete(), selected);
            return swarm.isEmpty() ? null : swarm;
        });
        if (request.event() != AnnounceEvent.STOPPED && channelPeers) {
            RecentPeers r = recent.computeIfAbsent(channel, c -> new RecentPeers());
            AnnounceResult swarmOnly = result[0];
            if (swarmOnly.peers().size() < request.numwant()) {
                List<Peer> more = new ArrayList<>(swarmOnly.peers());
                r.fill(more, request.infoHash(), request.endpoint(), request.numwant(), cutoff);
                result[0] = new AnnounceResult(swarmOnly.complete(), swarmOnly.incomplete(), more);
            }
            r.add(request.infoHash(), peer);
        }
        return result[0];
    }

    /** Forgets a channel's recent peers (its last segment retired). */
    void forgetChannel(String channel) {
        recent.remove(channel);
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


    /** What {@code /stats} and {@code /metrics} say of one channel. */
    record ChannelSummary(int swarms, int peers, int listeners, long listenerUploaded, long listenerDownloaded) {
        /**
         * Share of the listeners' downloads that other listeners uploaded (BEP 3 totals as
         * reported), 0..1; the rest came from the origin. 0 before anyone downloaded.
         */
        double p2pShare() {
            return listenerDownloaded == 0 ? 0 : Math.min(1.0, (double) listenerUploaded / listenerDownloaded);
        }
    }

    /**
     * Per channel: swarms, distinct peers, distinct listeners (peers other than pure origin
     * seeders: a seeder that never downloaded), and the listeners' reported upload/download
     * totals for the P2P share. Walks every live peer: for stats requests, not the announce path.
     */
    Map<String, ChannelSummary> summaries(Instant now) {
        Instant cutoff = now.minus(peerTimeout);
        Map<String, Set<PeerEndpoint>> peers = new java.util.TreeMap<>();
        Map<String, Set<PeerEndpoint>> listeners = new HashMap<>();
        Map<String, long[]> totals = new HashMap<>();
        for (Swarm s : swarms.values()) {
            String c = s.channel();
            long[] t = totals.computeIfAbsent(c, k -> new long[3]);
            t[2]++;
            Set<PeerEndpoint> ps = peers.computeIfAbsent(c, k -> new HashSet<>());
            Set<PeerEndpoint> ls = listeners.computeIfAbsent(c, k -> new HashSet<>());
            for (Peer p : s.peers(cutoff)) {
                ps.add(p.endpoint());
                if (!(p.seeder() && p.downloaded() == 0)) {
                    ls.add(p.endpoint());
                    t[0] += p.uploaded();
                    t[1] += p.downloaded();
                }
            }
        }
        Map<String, ChannelSummary> out = new java.util.TreeMap<>();
        for (Map.Entry<String, Set<PeerEndpoint>> e : peers.entrySet()) {
            long[] t = totals.get(e.getKey());
            out.put(e.getKey(), new ChannelSummary((int) t[2], e.getValue().size(), listeners.get(e.getKey()).size(), t[0], t[1]));
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
