package org.minuteswarm.tracker;

import java.util.List;

/** The decision for one announce: the swarm's counts and the peers to hand out. */
record AnnounceResult(int complete, int incomplete, List<Peer> peers) {
    AnnounceResult {
        peers = java.util.Collections.unmodifiableList(peers); // callers hand over fresh lists: no copy on the hot path
    }
}
