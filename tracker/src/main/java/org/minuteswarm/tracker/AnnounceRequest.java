package org.minuteswarm.tracker;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import org.minuteswarm.channel.InfoHash;

/**
 * One validated BEP 3 announce: the parse step of parse -> decide -> respond -> update.
 *
 * @param endpoint the connection's remote address (or a literal {@code ip=}) and {@code port}
 * @param left     bytes the peer still lacks; 0 makes it a seeder
 * @param numwant  peers wanted, already defaulted and capped by the config
 * @param compact  BEP 23 compact peer list (the default) rather than BEP 3's list of dictionaries
 * @param noPeerId omit {@code peer id} from the dictionary model ({@code no_peer_id=1})
 * @param key      BEP 3 extension {@code key}, opaque, if sent
 */
record AnnounceRequest(InfoHash infoHash, PeerId peerId, PeerEndpoint endpoint, long uploaded, long downloaded,
                       long left, AnnounceEvent event, int numwant, boolean compact, boolean noPeerId,
                       Optional<String> key) {
    /** A longer {@code key} is no key any client sends; refusing it bounds what we store. */
    static final int MAX_KEY_LENGTH = 64;

    AnnounceRequest {
        Objects.requireNonNull(infoHash, "infoHash");
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(key, "key");
        if (uploaded < 0 || downloaded < 0 || left < 0) {
            throw new IllegalArgumentException("uploaded, downloaded and left must be >= 0");
        }
        if (numwant < 0) {
            throw new IllegalArgumentException("numwant must be >= 0");
        }
    }

    boolean seeder() {
        return left == 0;
    }

    /**
     * Parses an announce's query. {@code remote} is the connection's address; a literal
     * {@code ip=} replaces it (BEP 3 allows it for peers behind a proxy), a host name is ignored
     * so the tracker never resolves names on behalf of clients.
     */
    static AnnounceRequest parse(QueryParameters q, InetAddress remote, TrackerConfig config) throws ClientError {
        InfoHash infoHash = infoHash(q.required("info_hash"));
        PeerId peerId = PeerId.of(q.required("peer_id"));
        int port = (int) QueryParameters.nonNegative("port", q.required("port"), 65535);
        if (port == 0) {
            throw new ClientError("parameter port must be 1..65535");
        }
        long uploaded = q.requiredNonNegative("uploaded");
        long downloaded = q.requiredNonNegative("downloaded");
        AnnounceEvent event = AnnounceEvent.parse(q.text("event").orElse(""));
        // BEP 3 requires left; only a peer that is leaving may omit it (a client that has already
        // dropped the torrent's state), since it is removed whatever it has.
        Optional<byte[]> leftParam = q.single("left");
        if (leftParam.isEmpty() && event != AnnounceEvent.STOPPED) {
            throw new ClientError("missing parameter left");
        }
        long left = leftParam.isEmpty() ? 0 : QueryParameters.nonNegative("left", leftParam.get(), Long.MAX_VALUE);
        int numwant = config.defaultNumwant();
        Optional<byte[]> wanted = q.single("numwant");
        if (wanted.isPresent()) {
            // Clients send large numbers to mean "as many as you have": cap, do not refuse.
            numwant = (int) Math.min(QueryParameters.nonNegative("numwant", wanted.get(), Long.MAX_VALUE), config.maxNumwant());
        }
        boolean compact = flag(q, "compact", true);
        boolean noPeerId = flag(q, "no_peer_id", false);
        Optional<String> key = q.text("key");
        if (key.isPresent() && key.get().length() > MAX_KEY_LENGTH) {
            throw new ClientError("parameter key longer than " + MAX_KEY_LENGTH + " bytes");
        }
        q.single("trackerid"); // accepted and ignored: this tracker never hands out a tracker id
        InetAddress address = q.text("ip").flatMap(AnnounceRequest::literalAddress).orElse(remote);
        return new AnnounceRequest(infoHash, peerId, new PeerEndpoint(address, port), uploaded, downloaded,
                left, event, numwant, compact, noPeerId, key);
    }

    static InfoHash infoHash(byte[] raw) throws ClientError {
        if (raw.length != InfoHash.LENGTH) {
            throw new ClientError("info_hash must be " + InfoHash.LENGTH + " bytes, got " + raw.length);
        }
        return InfoHash.of(raw);
    }

    private static boolean flag(QueryParameters q, String name, boolean absent) throws ClientError {
        Optional<String> v = q.text(name);
        if (v.isEmpty()) {
            return absent;
        }
        switch (v.get()) {
            case "1":
                return true;
            case "0":
                return false;
            default:
                throw new ClientError("parameter " + name + " must be 0 or 1");
        }
    }

    /**
     * An {@code ip=} value worth honouring: an IPv4 or IPv6 literal other peers can dial. Host
     * names (no DNS on a client's behalf), scoped IPv6 (a scope means nothing to other hosts; the
     * JDK would even look the interface up), the unspecified and multicast addresses are not.
     */
    static Optional<InetAddress> literalAddress(String text) {
        if (text.isEmpty() || text.indexOf('%') >= 0) {
            return Optional.empty();
        }
        try {
            InetAddress a = InetAddresses.forString(text);
            return a.isAnyLocalAddress() || a.isMulticastAddress() ? Optional.empty() : Optional.of(a);
        } catch (IllegalArgumentException notALiteral) {
            return Optional.empty();
        }
    }
}
