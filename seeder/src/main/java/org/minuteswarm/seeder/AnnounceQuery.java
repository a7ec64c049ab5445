package org.minuteswarm.seeder;

import bt.metainfo.TorrentId;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Builds the query string of an HTTP announce (BEP 3; compact=1 as BEP 23). */
final class AnnounceQuery {
    private static final String UNRESERVED =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

    /** What every announce of a runtime needs besides the torrent and event. */
    record Source(byte[] peerId, int port, Optional<InetAddress> announceAddress, int numWant,
                  TransferLedger ledger) {
    }

    /** BEP 3 announce events; {@code NONE} is a regular interval announce. */
    enum Event {
        STARTED("started"), STOPPED("stopped"), COMPLETED("completed"), NONE(null);

        private final String value;

        Event(String value) {
            this.value = value;
        }
    }

    private AnnounceQuery() {
    }

    static String of(Source source, TorrentId torrentId, Event event, Integer numWant, byte[] trackerId) {
        Optional<TransferLedger.Transfer> transfer = source.ledger().find(torrentId);
        StringBuilder q = new StringBuilder();
        q.append("info_hash=").append(escape(torrentId.getBytes()));
        q.append("&peer_id=").append(escape(source.peerId()));
        q.append("&port=").append(source.port());
        q.append("&uploaded=").append(transfer.map(TransferLedger.Transfer::uploaded).orElse(0L));
        q.append("&downloaded=").append(transfer.map(TransferLedger.Transfer::downloaded).orElse(0L));
        transfer.ifPresent(t -> q.append("&left=").append(t.left()));
        q.append("&compact=1");
        q.append("&numwant=").append(numWant == null ? source.numWant() : numWant);
        if (event.value != null) {
            q.append("&event=").append(event.value);
        }
        source.announceAddress().ifPresent(ip -> q.append("&ip=").append(escape(utf8(ip.getHostAddress()))));
        if (trackerId != null) {
            q.append("&trackerid=").append(escape(trackerId));
        }
        return q.toString();
    }

    /** Percent-encodes every byte but RFC 3986 unreserved characters, as trackers expect for binary values. */
    static String escape(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            if (UNRESERVED.indexOf(b & 0xff) >= 0) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
