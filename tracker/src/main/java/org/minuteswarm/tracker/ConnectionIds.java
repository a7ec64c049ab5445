package org.minuteswarm.tracker;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.net.InetSocketAddress;
import java.security.SecureRandom;

/**
 * BEP 15 connection IDs without per-client state: an ID is a keyed hash (SipHash-2-4 under a
 * random secret made at start-up) of the client's address, port and the current minute. BEP 15
 * lets a client use an ID for one minute and asks trackers to accept it for two, so an ID
 * issued in minute {@code m} is accepted in {@code m} and {@code m + 1}: for 60 to 120 s. A
 * spoofed source cannot learn an ID (it goes to the real address), which is what keeps the UDP
 * tracker from being used to reflect traffic.
 */
final class ConnectionIds {
    static final long BUCKET_MILLIS = 60_000;

    private final HashFunction hash;

    ConnectionIds() {
        SecureRandom random = new SecureRandom();
        this.hash = Hashing.sipHash24(random.nextLong(), random.nextLong());
    }

    long issue(InetSocketAddress client, long nowMillis) {
        return id(client, Math.floorDiv(nowMillis, BUCKET_MILLIS));
    }

    boolean valid(long id, InetSocketAddress client, long nowMillis) {
        long bucket = Math.floorDiv(nowMillis, BUCKET_MILLIS);
        return id == id(client, bucket) || id == id(client, bucket - 1);
    }

    private long id(InetSocketAddress client, long bucket) {
        return hash.newHasher(32).putBytes(client.getAddress().getAddress()).putInt(client.getPort()).putLong(bucket)
                .hash().asLong();
    }
}
