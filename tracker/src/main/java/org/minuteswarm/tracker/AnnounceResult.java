package org.minuteswarm.tracker;

import java.util.List;

/** The decision for one announce: the swarm's counts and the peers to hand out. */
record AnnounceResult(int complete, int incomplete, List<Peer> peers) {
    AnnounceResult {
        peers = List.copyOf(peers);
    }
}
