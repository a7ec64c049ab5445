package org.minuteswarm.seeder;

import bt.net.InetPeer;
import bt.net.Peer;
import bt.tracker.TrackerResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.BencodeException;

/** Turns an HTTP tracker's bencoded announce response (BEP 3, compact peers BEP 23, peers6 BEP 7) into bt's type. */
final class AnnounceResponse {
    private static final int COMPACT_V4 = 6;
    private static final int COMPACT_V6 = 18;

    private AnnounceResponse() {
    }

    /** Never throws: anything malformed becomes a failed response with a message saying what. */
    static TrackerResponse parse(byte[] body) {
        Map<String, Object> dict;
        try {
            dict = Bencode.decodeDictionary(body);
        } catch (BencodeException e) {
            return TrackerResponse.failure("tracker response is not a bencoded dictionary: " + e.getMessage());
        }
        if (dict.get("failure reason") instanceof byte[] reason) {
            return TrackerResponse.failure("tracker refused: " + utf8(reason));
        }
        try {
            TrackerResponse response = TrackerResponse.ok();
            response.setInterval(intValue(dict, "interval"));
            response.setMinInterval(intValue(dict, "min interval"));
            response.setSeederCount(intValue(dict, "complete"));
            response.setLeecherCount(intValue(dict, "incomplete"));
            if (dict.get("warning message") instanceof byte[] warning) {
                response.setWarningMessage(utf8(warning));
            }
            if (dict.get("tracker id") instanceof byte[] trackerId) {
                response.setTrackerId(trackerId);
            }
            List<Peer> peers = new ArrayList<>();
            addPeers(dict.get("peers"), COMPACT_V4, peers);
            addPeers(dict.get("peers6"), COMPACT_V6, peers);
            response.setPeers(peers);
            return response;
        } catch (IllegalArgumentException | UnknownHostException e) {
            return TrackerResponse.failure("malformed tracker response: " + e.getMessage());
        }
    }

    private static void addPeers(Object value, int entryLength, List<Peer> out) throws UnknownHostException {
        if (value == null) {
            return;
        }
        if (value instanceof byte[] compact) {
            if (compact.length % entryLength != 0) {
                throw new IllegalArgumentException("compact peer list of " + compact.length
                        + " bytes is not a multiple of " + entryLength);
            }
            int addressLength = entryLength - 2;
            for (int i = 0; i < compact.length; i += entryLength) {
                InetAddress address = InetAddress.getByAddress(Arrays.copyOfRange(compact, i, i + addressLength));
                int port = ((compact[i + addressLength] & 0xff) << 8) | (compact[i + addressLength + 1] & 0xff);
                addPeer(address, port, out);
            }
        } else if (value instanceof List<?> dicts) {
            // The non-compact form (a list of {ip, port}); trackers may send it despite compact=1.
            for (Object entry : dicts) {
                if (!(entry instanceof Map<?, ?> peer && peer.get("ip") instanceof byte[] ip
                        && peer.get("port") instanceof Long port)) {
                    throw new IllegalArgumentException("peer entry is not a dictionary with ip and port");
                }
                addPeer(InetAddress.getByName(utf8(ip)), port.intValue(), out);
            }
        } else {
            throw new IllegalArgumentException("peers is neither a string nor a list");
        }
    }

    private static void addPeer(InetAddress address, int port, List<Peer> out) {
        if (port > 0 && port <= 65535) {
            out.add(InetPeer.build(address, port));
        }
    }

    private static int intValue(Map<String, Object> dict, String key) {
        Object value = dict.get(key);
        if (value == null) {
            return 0;
        }
        if (!(value instanceof Long number) || number < 0 || number > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + key + "' is not a non-negative integer");
        }
        return number.intValue();
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
