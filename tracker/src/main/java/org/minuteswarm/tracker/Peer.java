package org.minuteswarm.tracker;

import java.time.Instant;

/** A peer as a swarm remembers it: who, where, whether it seeds, and when it last announced. */
record Peer(PeerId id, PeerEndpoint endpoint, boolean seeder, Instant lastAnnounce) {
}
