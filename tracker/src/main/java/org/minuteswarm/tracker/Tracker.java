package org.minuteswarm.tracker;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import org.minuteswarm.channel.InfoHash;

/**
 * The tracker without its HTTP frontend: an announce goes parse ({@link AnnounceRequest}) ->
 * decide and update ({@link Swarms}) -> respond ({@link BencodedResponses}), as in chihaya.
 * This class adds the one rule that makes it a channel tracker rather than an open one: only
 * info-hashes in some channel's live window ({@link ChannelDirectory#channelOf}) are tracked,
 * and a swarm is dropped as soon as its segment is seen to have retired.
 */
final class Tracker {
    static final String UNREGISTERED = "unregistered torrent: not a live segment of any channel here";

    private final TrackerConfig config;
    private final ChannelDirectory directory;
    private final Clock clock;
    private final Swarms swarms;
    private final LongAdder announces = new LongAdder();
    private final LongAdder scrapes = new LongAdder();
    private final RateLimit rateLimit;

    Tracker(TrackerConfig config, ChannelDirectory directory, Clock clock) {
        this.config = config;
        this.directory = directory;
        this.clock = clock;
        this.swarms = new Swarms(config.peerTimeout());
        this.swarms.channelPeers(config.channelPeers());
        this.rateLimit = new RateLimit(config.requestsPerSecondPerAddress());
    }

    TrackerConfig config() {
        return config;
    }

    /** The per-address limit shared by both transports. */
    RateLimit rateLimit() {
        return rateLimit;
    }

    Clock clock() {
        return clock;
    }

    AnnounceResult announce(AnnounceRequest request) throws ClientError {
        Optional<String> channel = directory.channelOf(request.infoHash());
        if (channel.isEmpty()) {
            swarms.drop(request.infoHash()); // retired: forget its peers now rather than at the next sweep
            throw new ClientError(UNREGISTERED);
        }
        AnnounceResult result = swarms.announce(request, channel.get(), clock.instant());
        announces.increment();
        return result;
    }

    /** The full announce, bytes in and out; a refused request becomes a failure reason. */
    byte[] announceResponse(QueryParameters query, InetAddress remote) {
        try {
            AnnounceRequest request = AnnounceRequest.parse(query, remote, config);
            return BencodedResponses.announce(announce(request), config, request.compact(), request.noPeerId());
        } catch (ClientError e) {
            return BencodedResponses.failure(e.reason());
        }
    }

    /** BEP 48: counts per requested info-hash; unknown or retired ones are left out. */
    SortedMap<InfoHash, ScrapeCounts> scrape(Collection<InfoHash> hashes) {
        SortedMap<InfoHash, ScrapeCounts> files = new TreeMap<>();
        for (InfoHash h : hashes) {
            if (directory.channelOf(h).isEmpty()) {
                swarms.drop(h);
                continue;
            }
            // A live segment nobody announced yet is a known torrent with zero peers.
            files.put(h, swarms.scrape(h).orElse(new ScrapeCounts(0, 0, 0)));
        }
        scrapes.increment();
        return files;
    }

    byte[] scrapeResponse(QueryParameters query) {
        try {
            return BencodedResponses.scrape(scrape(ScrapeRequest.parse(query).infoHashes()));
        } catch (ClientError e) {
            return BencodedResponses.failure(e.reason());
        }
    }

    /** Distinct peers (by ip:port) in the channel's live swarms. */
    int peers(String channel) {
        Set<InfoHash> live = new HashSet<>();
        for (InfoHash h : swarms.infoHashes(channel)) {
            if (directory.channelOf(h).filter(channel::equals).isPresent()) {
                live.add(h);
            } else {
                swarms.drop(h);
            }
        }
        return swarms.endpoints(live, clock.instant()).size();
    }

    /** Drops timed-out peers and retired swarms; returns peers dropped. */
    int sweep() {
        return swarms.sweep(clock.instant(), h -> directory.channelOf(h).isPresent());
    }

    java.util.Map<String, Swarms.ChannelSummary> channelSummaries() {
        return swarms.summaries(clock.instant());
    }

    TrackerStats stats() {
        return new TrackerStats(swarms.swarmCount(), swarms.peerCount(), announces.sum(), scrapes.sum());
    }
}
