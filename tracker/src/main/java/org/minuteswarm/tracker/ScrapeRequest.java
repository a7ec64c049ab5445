package org.minuteswarm.tracker;

import java.util.ArrayList;
import java.util.List;
import org.minuteswarm.channel.InfoHash;

/** A validated BEP 48 scrape: one or more {@code info_hash} parameters. */
record ScrapeRequest(List<InfoHash> infoHashes) {
    /** 8 KiB of query holds ~135 escaped hashes at most; this bound is only a second fence. */
    static final int MAX_INFO_HASHES = 200;

    ScrapeRequest {
        infoHashes = List.copyOf(infoHashes);
        if (infoHashes.isEmpty()) {
            throw new IllegalArgumentException("a scrape needs at least one info_hash");
        }
    }

    static ScrapeRequest parse(QueryParameters q) throws ClientError {
        List<byte[]> raw = q.all("info_hash");
        if (raw.isEmpty()) {
            // BEP 48 lets a tracker refuse a full scrape; a channel tracker has no reason to list everything.
            throw new ClientError("missing parameter info_hash (full scrapes are not served)");
        }
        if (raw.size() > MAX_INFO_HASHES) {
            throw new ClientError("more than " + MAX_INFO_HASHES + " info_hash parameters");
        }
        List<InfoHash> hashes = new ArrayList<>(raw.size());
        for (byte[] r : raw) {
            hashes.add(AnnounceRequest.infoHash(r));
        }
        return new ScrapeRequest(hashes);
    }
}
