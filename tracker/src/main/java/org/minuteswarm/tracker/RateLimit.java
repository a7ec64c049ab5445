package org.minuteswarm.tracker;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A per-address limit of requests per second, in fixed memory: addresses hash into
 * {@link #SLOTS} counters, each holding the current second and the count in that second. Two
 * addresses that share a slot share a limit, which errs on the strict side for them only; a
 * flood from many addresses cannot grow memory. Lock-free. Limit 0 means unlimited.
 */
final class RateLimit {
    static final int SLOTS = 1 << 16;
    private static final int COUNT_BITS = 24;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

    private final int perSecond;
    private final AtomicLongArray slots;

    RateLimit(int perSecond) {
        this.perSecond = perSecond;
        this.slots = new AtomicLongArray(perSecond == 0 ? 1 : SLOTS);
    }

    /** Counts one request from {@code address} at {@code nowMillis}; false if it is over the limit. */
    boolean allow(InetAddress address, long nowMillis) {
        return perSecond == 0 || allow(slot(address.getAddress()), nowMillis);
    }

    private boolean allow(int slot, long nowMillis) {
        long second = nowMillis / 1000;
        while (true) {
            long v = slots.get(slot);
            long count = (v >>> COUNT_BITS) == second ? v & COUNT_MASK : 0;
            if (count >= perSecond) {
                return false;
            }
            if (slots.compareAndSet(slot, v, second << COUNT_BITS | (count + 1))) {
                return true;
            }
        }
    }

    private static int slot(byte[] ip) {
        int h = 0x9e3779b9;
        for (byte b : ip) {
            h = (h ^ (b & 0xff)) * 0x01000193;
        }
        h ^= h >>> 16;
        return h & (SLOTS - 1);
    }
}
