package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.minuteswarm.channel.InfoHash;

/** BEP 15 without sockets (golden byte layouts, expiry by clock), then once over a real socket. */
class UdpTrackerTest {
    private final InMemoryChannelDirectory directory = new InMemoryChannelDirectory(5);
    private final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:10Z"));
    private final TrackerConfig config = TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0);
    private final Tracker tracker = new Tracker(config, directory, clock);
    private final UdpTrackerProtocol udp = new UdpTrackerProtocol(tracker, new ConnectionIds(), clock, new RateLimit(0));
    private final ByteBuffer out = ByteBuffer.allocate(UdpTrackerProtocol.MAX_RESPONSE_BYTES);

    private static InetSocketAddress client(int n) {
        return new InetSocketAddress("10.0.0." + n, 40000 + n);
    }

    static byte[] connect(int transaction) {
        return ByteBuffer.allocate(16).putLong(UdpTrackerProtocol.PROTOCOL_ID).putInt(0).putInt(transaction).array();
    }

    static byte[] announce(long connectionId, int transaction, InfoHash hash, int peer, long left, int event, int numwant, int port) {
        return ByteBuffer.allocate(98).putLong(connectionId).putInt(1).putInt(transaction).put(hash.bytes())
                .put(Queries.peerId(peer)).putLong(0).putLong(left).putLong(0).putInt(event).putInt(0).putInt(42)
                .putInt(numwant).putShort((short) port).array();
    }

    private ByteBuffer send(byte[] request, InetSocketAddress from) {
        boolean answered = udp.handle(ByteBuffer.wrap(request), from, out);
        return answered ? out.duplicate() : null;
    }

    private long connectionId(InetSocketAddress from) {
        ByteBuffer r = send(connect(7), from);
        assertEquals(0, r.getInt());
        assertEquals(7, r.getInt());
        assertEquals(8, r.remaining());
        return r.getLong();
    }

    @Test
    void connectAnnounceAndScrape() {
        directory.create("news");
        InfoHash hash = directory.publish("news", 0);
        long id1 = connectionId(client(1));
        ByteBuffer r1 = send(announce(id1, 99, hash, 1, 0, 2, -1, 6881), client(1));
        assertEquals(20, r1.remaining());
        assertEquals(1, r1.getInt());
        assertEquals(99, r1.getInt());
        assertEquals(15, r1.getInt()); // interval
        assertEquals(0, r1.getInt()); // leechers
        assertEquals(1, r1.getInt()); // seeders

        long id2 = connectionId(client(2));
        ByteBuffer r2 = send(announce(id2, 5, hash, 2, 100, 2, 50, 6882), client(2));
        assertEquals(26, r2.remaining());
        r2.position(12);
        assertEquals(1, r2.getInt()); // leechers: itself
        assertEquals(1, r2.getInt());
        byte[] peer = new byte[6];
        r2.get(peer);
        assertArrayEquals(new byte[] {10, 0, 0, 1, 0x1a, (byte) 0xe1}, peer, "the seeder, BEP 15 6-byte form");

        InfoHash unknown = InfoHash.fromHex("00000000000000000000000000000000000000ff");
        byte[] scrape = ByteBuffer.allocate(56).putLong(id2).putInt(2).putInt(3).put(hash.bytes()).put(unknown.bytes()).array();
        ByteBuffer s = send(scrape, client(2));
        assertEquals(8 + 24, s.remaining());
        assertEquals(2, s.getInt());
        assertEquals(3, s.getInt());
        assertEquals(1, s.getInt()); // seeders
        assertEquals(0, s.getInt()); // completed
        assertEquals(1, s.getInt()); // leechers
        assertEquals(0, s.getInt()); // unknown: zeros, by position
    }

    @Test
    void connectionIdsExpireAfterTwoMinutesAndAreBoundToTheSender() {
        directory.create("news");
        InfoHash hash = directory.publish("news", 0);
        long id = connectionId(client(1));
        assertEquals(1, send(announce(id, 1, hash, 1, 0, 0, -1, 6881), client(1)).getInt());
        assertEquals(3, send(announce(id, 1, hash, 1, 0, 0, -1, 6881), client(2)).getInt(), "another address");
        assertEquals(3, send(announce(id, 1, hash, 1, 0, 0, -1, 6881), new InetSocketAddress("10.0.0.1", 1)).getInt(),
                "another port");
        clock.advance(Duration.ofSeconds(60)); // BEP 15: still accepted a minute later
        assertEquals(1, send(announce(id, 1, hash, 1, 0, 0, -1, 6881), client(1)).getInt());
        clock.advance(Duration.ofSeconds(61)); // and not past two minutes
        ByteBuffer err = send(announce(id, 1, hash, 1, 0, 0, -1, 6881), client(1));
        assertEquals(3, err.getInt());
        assertEquals(1, err.getInt());
        assertTrue(StandardCharsets.US_ASCII.decode(err).toString().startsWith("connection ID"));
    }

    @Test
    void garbageIsDroppedOrRefusedNeverThrown() {
        directory.create("news");
        InfoHash hash = directory.publish("news", 0);
        long id = connectionId(client(1));
        assertEquals(null, send(new byte[15], client(1)), "too short to answer");
        assertEquals(null, send(ByteBuffer.allocate(16).putLong(123).putInt(0).putInt(1).array(), client(1)),
                "connect without the protocol id");
        byte[] full = announce(id, 1, hash, 1, 0, 0, -1, 6881);
        for (int len = 16; len < 98; len++) { // every truncation
            ByteBuffer r = send(Arrays.copyOf(full, len), client(1));
            assertEquals(3, r.getInt());
            assertTrue(r.remaining() + 4 <= len, "an error is never larger than its request");
        }
        assertEquals(3, send(announce(id, 1, hash, 1, -5, 0, -1, 6881), client(1)).getInt(), "negative left");
        assertEquals(3, send(announce(id, 1, hash, 1, 0, 9, -1, 6881), client(1)).getInt(), "unknown event");
        assertEquals(3, send(announce(id, 1, hash, 1, 0, 0, -1, 0), client(1)).getInt(), "port 0");
        assertEquals(3, send(announce(id, 1, InfoHash.fromHex("1111111111111111111111111111111111111111"), 1, 0, 0, -1, 6881),
                client(1)).getInt(), "not a live segment");
        assertEquals(3, send(ByteBuffer.allocate(16).putLong(id).putInt(77).putInt(1).array(), client(1)).getInt());
        byte[] many = ByteBuffer.allocate(98).putLong(id).putInt(1).putInt(1).put(hash.bytes()).put(Queries.peerId(1))
                .putLong(0).putLong(0).putLong(0).putInt(0).putInt(0).putInt(0).putInt(Integer.MAX_VALUE).putShort((short) 1).array();
        assertEquals(1, send(many, client(1)).getInt(), "huge num_want is capped, not refused");
        assertFalse(udp.errors.sum() == 0);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void overARealSocket() throws Exception {
        directory.create("news");
        InfoHash hash = directory.publish("news", 0);
        try (TrackerHttpServer server = TrackerHttpServer.start(config.withUdpPort(0), directory, Clock.systemUTC());
             DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(3000);
            InetSocketAddress tracker = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.udpPort());
            socket.send(new DatagramPacket(connect(1), 16, tracker));
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            socket.receive(p);
            long id = ByteBuffer.wrap(p.getData(), 8, 8).getLong();
            socket.send(new DatagramPacket(announce(id, 2, hash, 1, 0, 2, -1, 6881), 98, tracker));
            socket.receive(p);
            ByteBuffer r = ByteBuffer.wrap(p.getData(), 0, p.getLength());
            assertEquals(1, r.getInt());
            assertEquals(2, r.getInt());
            assertEquals(1, server.stats().announces());
        }
    }

    /**
     * Sixteen clients, each from its own port, so the kernel spreads them over the frontend's
     * per-thread sockets: every one is answered. A second tracker on the same port is refused,
     * so sharing the port between our own sockets does not open it to another process of ours.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void everyClientIsAnsweredWhicheverSocketReceivesIt() throws Exception {
        try (TrackerHttpServer server = TrackerHttpServer.start(config.withUdpPort(0), directory, Clock.systemUTC())) {
            InetSocketAddress tracker = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.udpPort());
            for (int client = 0; client < 16; client++) {
                try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    socket.setSoTimeout(3000);
                    socket.send(new DatagramPacket(connect(100 + client), 16, tracker));
                    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                    socket.receive(p);
                    ByteBuffer r = ByteBuffer.wrap(p.getData(), 0, p.getLength());
                    assertEquals(0, r.getInt(), "client " + client);
                    assertEquals(100 + client, r.getInt(), "client " + client);
                }
            }
            java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> TrackerHttpServer.start(config.withUdpPort(server.udpPort()), directory, Clock.systemUTC()).close());
            assertTrue(refused.getMessage().contains("in use"), refused.getMessage());
        }
    }
}
