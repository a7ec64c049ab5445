package org.minuteswarm.tracker;

import java.net.Inet4Address;
import java.time.Instant;

/**
 * A peer as a swarm remembers it: who, where, whether it seeds, when it last announced, and the
 * BEP 3 {@code uploaded}/{@code downloaded} totals it last reported (for the P2P share).
 *
 * <p>Not a record, for speed: a swarm of thousands is sampled on every announce, and chasing
 * endpoint -> address -> holder objects for each candidate costs a cache miss apiece. So the
 * hot fields are flattened here: {@link #compactV4} (the IPv4 address and port as one number,
 * -1 for IPv6) and {@link #lastAnnounceMillis}. Immutable.
 */
final class Peer {
    private final PeerId id;
    private final PeerEndpoint endpoint;
    private final boolean seeder;
    private final Instant lastAnnounce;
    private final long uploaded;
    private final long downloaded;
    final long lastAnnounceMillis;
    /** BEP 23 compact form as a number: address << 16 | port for IPv4; -1 for IPv6. */
    final long compactV4;

    Peer(PeerId id, PeerEndpoint endpoint, boolean seeder, Instant lastAnnounce, long uploaded, long downloaded) {
        this.id = id;
        this.endpoint = endpoint;
        this.seeder = seeder;
        this.lastAnnounce = lastAnnounce;
        this.uploaded = uploaded;
        this.downloaded = downloaded;
        this.lastAnnounceMillis = lastAnnounce.toEpochMilli();
        this.compactV4 = compactV4(endpoint);
    }

    Peer(PeerId id, PeerEndpoint endpoint, boolean seeder, Instant lastAnnounce) {
        this(id, endpoint, seeder, lastAnnounce, 0, 0);
    }

    static long compactV4(PeerEndpoint endpoint) {
        // Inet4Address.hashCode() is its address as an int
        return endpoint.address() instanceof Inet4Address a ? (a.hashCode() & 0xffffffffL) << 16 | endpoint.port() : -1;
    }

    PeerId id() {
        return id;
    }

    PeerEndpoint endpoint() {
        return endpoint;
    }

    boolean seeder() {
        return seeder;
    }

    Instant lastAnnounce() {
        return lastAnnounce;
    }

    long uploaded() {
        return uploaded;
    }

    long downloaded() {
        return downloaded;
    }

    /** Whether this is the peer at {@code endpoint}, whose {@link #compactV4} is {@code compact}. */
    boolean isAt(PeerEndpoint other, long compact) {
        return compact >= 0 ? compactV4 == compact : endpoint.equals(other);
    }

    @Override
    public String toString() {
        return endpoint + (seeder ? " seeder" : " leecher");
    }
}
