package org.minuteswarm.tracker;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.atomic.LongAdder;
import org.minuteswarm.channel.InfoHash;

/**
 * BEP 15, the UDP tracker protocol, free of sockets: one datagram in, at most one out. All
 * numbers are big-endian. Bounded and total: any byte sequence either gets an answer or is
 * dropped, and nothing is allocated in proportion to the input beyond the scrape's 74 hashes.
 *
 * <ul>
 * <li>connect: {@code protocol_id 0x41727101980, action 0, transaction_id} (16 bytes) ->
 *     {@code action 0, transaction_id, connection_id}.</li>
 * <li>announce: 98 bytes (BEP 41 options after them are ignored) -> {@code action 1,
 *     transaction_id, interval, leechers, seeders} then 6-byte IPv4 peers (18-byte IPv6 peers
 *     when asked over IPv6).</li>
 * <li>scrape: {@code 16 + 20 n} bytes -> per hash {@code seeders, completed, leechers}.</li>
 * <li>error: {@code action 3, transaction_id, message}.</li>
 * </ul>
 * Shorter than 16 bytes, or a connect with the wrong protocol id: dropped (nothing to answer
 * to). A wrong or expired connection id, a truncated announce or scrape, an unknown action: an
 * error answer, as BEP 15 describes, which is never larger than the request (no amplification).
 */
final class UdpTrackerProtocol {
    static final long PROTOCOL_ID = 0x41727101980L;
    static final int CONNECT = 0;
    static final int ANNOUNCE = 1;
    static final int SCRAPE = 2;
    static final int ERROR = 3;
    static final int ANNOUNCE_LENGTH = 98;
    /** BEP 15: "Up to about 74 torrents can be scraped at once" (a full answer fits in one packet). */
    static final int MAX_SCRAPE_HASHES = 74;
    /** Peers per answer so it fits one 1500-byte Ethernet frame: 200 IPv4 (1220 B), 74 IPv6 (1352 B). */
    static final int MAX_PEERS_V4 = 200;
    static final int MAX_PEERS_V6 = 74;
    /** The largest answer: an announce with 74 IPv6 peers. */
    static final int MAX_RESPONSE_BYTES = 20 + 18 * MAX_PEERS_V6;

    private final Tracker tracker;
    private final ConnectionIds ids;
    private final Clock clock;
    private final RateLimit rateLimit;
    final LongAdder announces = new LongAdder();
    final LongAdder scrapes = new LongAdder();
    final LongAdder connects = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder dropped = new LongAdder();

    UdpTrackerProtocol(Tracker tracker, ConnectionIds ids, Clock clock, RateLimit rateLimit) {
        this.tracker = tracker;
        this.ids = ids;
        this.clock = clock;
        this.rateLimit = rateLimit;
    }

    /**
     * Handles one datagram. {@code in} is read from its position to its limit; the answer is
     * written into {@code out} (cleared first, at least {@link #MAX_RESPONSE_BYTES}) and flipped.
     *
     * @return false if the datagram is dropped (then {@code out} is meaningless)
     */
    boolean handle(ByteBuffer in, InetSocketAddress from, ByteBuffer out) {
        out.clear();
        int requestLength = in.remaining();
        if (requestLength < 16) {
            dropped.increment();
            return false;
        }
        long connectionId = in.getLong();
        int action = in.getInt();
        int transaction = in.getInt();
        long now = clock.millis();
        if (!rateLimit.allow(from.getAddress(), now)) {
            dropped.increment(); // answering would only feed the flood
            return false;
        }
        if (action == CONNECT) {
            if (connectionId != PROTOCOL_ID) {
                dropped.increment(); // not BEP 15: nothing says this is a tracker client
                return false;
            }
            out.putInt(CONNECT).putInt(transaction).putLong(ids.issue(from, now)).flip();
            connects.increment();
            return true;
        }
        if (action != ANNOUNCE && action != SCRAPE) {
            return error(out, transaction, "unknown action", requestLength);
        }
        if (!ids.valid(connectionId, from, now)) {
            return error(out, transaction, "connection ID unknown or expired: connect again", requestLength);
        }
        try {
            return action == ANNOUNCE ? announce(in, from, transaction, out) : scrape(in, transaction, out);
        } catch (ClientError e) {
            return error(out, transaction, e.reason(), requestLength);
        }
    }

    private boolean announce(ByteBuffer in, InetSocketAddress from, int transaction, ByteBuffer out) throws ClientError {
        if (in.remaining() < ANNOUNCE_LENGTH - 16) {
            throw new ClientError("announce shorter than " + ANNOUNCE_LENGTH + " bytes");
        }
        byte[] hash = new byte[InfoHash.LENGTH];
        in.get(hash);
        byte[] peerId = new byte[PeerId.LENGTH];
        in.get(peerId);
        long downloaded = in.getLong();
        long left = in.getLong();
        long uploaded = in.getLong();
        int eventCode = in.getInt();
        in.getInt(); // IP: ignored, the sender's address is used (a literal would let anyone list others)
        in.getInt(); // key
        int numwant = in.getInt();
        int port = Short.toUnsignedInt(in.getShort());
        if (downloaded < 0 || left < 0 || uploaded < 0) {
            throw new ClientError("downloaded, left and uploaded must be >= 0");
        }
        if (port == 0) {
            throw new ClientError("port must be 1..65535");
        }
        AnnounceEvent event = switch (eventCode) {
            case 0 -> AnnounceEvent.NONE;
            case 1 -> AnnounceEvent.COMPLETED;
            case 2 -> AnnounceEvent.STARTED;
            case 3 -> AnnounceEvent.STOPPED;
            default -> throw new ClientError("unknown event " + eventCode);
        };
        boolean v4 = from.getAddress() instanceof Inet4Address;
        TrackerConfig config = tracker.config();
        // BEP 15: num_want -1 is "default"; any negative is taken so.
        int wanted = numwant < 0 ? config.defaultNumwant() : Math.min(numwant, config.maxNumwant());
        wanted = Math.min(wanted, v4 ? MAX_PEERS_V4 : MAX_PEERS_V6);
        AnnounceRequest request = new AnnounceRequest(InfoHash.of(hash), PeerId.of(peerId),
                new PeerEndpoint(from.getAddress(), port), uploaded, downloaded, left, event, wanted, true, false,
                Optional.empty()); // BEP 15 key: accepted, not stored (peers are keyed by endpoint)
        AnnounceResult result = tracker.announce(request);
        announces.increment();
        out.putInt(ANNOUNCE).putInt(transaction).putInt((int) config.announceInterval().toSeconds())
                .putInt(result.incomplete()).putInt(result.complete());
        for (Peer p : result.peers()) {
            // one address family per answer: the requester's (BEP 15, IPv6 section)
            long c = p.compactV4;
            if (v4 && c >= 0 && out.remaining() >= 6) {
                out.putInt((int) (c >>> 16)).putShort((short) c);
            } else if (!v4 && c < 0 && out.remaining() >= 18) {
                out.put(p.endpoint().address().getAddress()).putShort((short) p.endpoint().port());
            }
        }
        out.flip();
        return true;
    }

    private boolean scrape(ByteBuffer in, int transaction, ByteBuffer out) throws ClientError {
        int n = in.remaining() / InfoHash.LENGTH;
        if (n == 0) {
            throw new ClientError("scrape without info_hash");
        }
        n = Math.min(n, MAX_SCRAPE_HASHES);
        List<InfoHash> hashes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] h = new byte[InfoHash.LENGTH];
            in.get(h);
            hashes.add(InfoHash.of(h));
        }
        SortedMap<InfoHash, ScrapeCounts> counts = tracker.scrape(hashes);
        scrapes.increment();
        out.putInt(SCRAPE).putInt(transaction);
        for (InfoHash h : hashes) { // BEP 15 answers by position: an unknown hash gets zeros
            ScrapeCounts c = counts.getOrDefault(h, new ScrapeCounts(0, 0, 0));
            out.putInt(c.complete()).putInt((int) Math.min(Integer.MAX_VALUE, c.downloaded())).putInt(c.incomplete());
        }
        out.flip();
        return true;
    }

    /** An error answer, cut so it is never longer than the request: a spoofed source gains nothing by reflection. */
    private boolean error(ByteBuffer out, int transaction, String message, int requestLength) {
        errors.increment();
        byte[] text = message.getBytes(StandardCharsets.US_ASCII);
        out.putInt(ERROR).putInt(transaction).put(text, 0, Math.min(text.length, requestLength - 8)).flip();
        return true;
    }
}
