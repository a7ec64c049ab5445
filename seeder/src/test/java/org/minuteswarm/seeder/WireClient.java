package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/** A plain BitTorrent client on a socket, for tests that watch a runtime on the wire. */
final class WireClient implements AutoCloseable {
    static final int UNCHOKE = 1;
    static final int INTERESTED = 2;
    static final int HAVE = 4;
    static final int BITFIELD = 5;
    static final int REQUEST = 6;
    static final int PIECE = 7;
    static final int CANCEL = 8;

    /** A message off the wire: its id (-1 for keep-alive) and payload. */
    record Message(int id, byte[] payload) {
        int piece() {
            return ByteBuffer.wrap(payload).getInt(0);
        }

        int offset() {
            return ByteBuffer.wrap(payload).getInt(4);
        }

        int length() {
            return ByteBuffer.wrap(payload).getInt(8);
        }
    }

    final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private WireClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to {@code runtime} and handshakes for {@code torrent}, once the runtime runs it: bt registers a
     * torrent on its own thread, and closes a handshake for a torrent it does not know yet.
     */
    static WireClient connect(SwarmRuntime runtime, TorrentFile torrent) throws Exception {
        TestSwarms.awaitRunning(runtime, torrent);
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), runtime.peerPort()), 2000);
        socket.setSoTimeout(5000);
        WireClient client = new WireClient(socket);
        client.out.write(19);
        client.out.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
        client.out.write(new byte[8]);
        client.out.write(torrent.infoHash().bytes());
        String digits = Long.toString(ThreadLocalRandom.current().nextLong(100_000_000_000L, 1_000_000_000_000L));
        client.out.write(("-WT0001-" + digits).getBytes(StandardCharsets.US_ASCII));
        client.out.flush();
        byte[] answer = new byte[68];
        client.in.readFully(answer);
        assertArrayEquals(torrent.infoHash().bytes(), Arrays.copyOfRange(answer, 28, 48));
        return client;
    }

    /** Reads messages until the peer unchokes us. */
    void awaitUnchoke() throws Exception {
        while (readMessage(null) != UNCHOKE) {
            // a bitfield or HAVEs come first
        }
    }

    /** Reads one message, whatever it is. */
    Message next() throws Exception {
        int length;
        try {
            length = in.readInt();
        } catch (SocketTimeoutException | EOFException e) {
            throw new AssertionError("no message from the peer: " + e);
        }
        if (length == 0) {
            return new Message(-1, new byte[0]);
        }
        int id = in.readUnsignedByte();
        byte[] payload = new byte[length - 1];
        in.readFully(payload);
        return new Message(id, payload);
    }

    /** What {@link #readAll} does with each message. */
    interface Handler {
        void handle(Message message) throws Exception;
    }

    /** Reads {@code client}'s messages on a daemon thread, without a read timeout, until the socket closes. */
    static Thread readAll(WireClient client, Handler handler) throws IOException {
        client.socket.setSoTimeout(0);
        Thread t = new Thread(() -> {
            try {
                while (!client.socket.isClosed()) {
                    handler.handle(client.next());
                }
            } catch (Exception | AssertionError e) {
                // the socket closed: the test is over
            }
        }, "wire-reader");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Sends a one-byte block nobody asked for (bt throws it away): a peer that sends blocks is not stuck, for
     * {@link AssignmentRefresh}, even if it never answers a request.
     */
    synchronized void sendStrayBlock() throws IOException {
        out.write(ByteBuffer.allocate(14).putInt(10).put((byte) PIECE).putInt(0).putInt(1).put((byte) 0).array());
        out.flush();
    }

    /** Says we hold all {@code pieces} pieces and unchoke the peer. */
    synchronized void haveAllAndUnchoke(int pieces) throws IOException {
        byte[] bits = new byte[(pieces + 7) / 8];
        for (int i = 0; i < pieces; i++) {
            bits[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        out.write(ByteBuffer.allocate(5 + bits.length).putInt(1 + bits.length).put((byte) BITFIELD).put(bits)
                .array());
        out.write(ByteBuffer.allocate(5).putInt(1).put((byte) UNCHOKE).array());
        out.flush();
    }

    /** Sends a PIECE message with {@code block} at {@code offset} of {@code piece}. */
    synchronized void sendPiece(int piece, int offset, byte[] block) throws IOException {
        out.write(ByteBuffer.allocate(13 + block.length).putInt(9 + block.length).put((byte) PIECE).putInt(piece)
                .putInt(offset).put(block).array());
        out.flush();
    }

    /** Sends REQUEST, without waiting for the block. */
    synchronized void sendRequest(int piece, int offset, int length) throws IOException {
        out.write(blockMessage(REQUEST, piece, offset, length));
        out.flush();
    }

    synchronized void sendCancel(int piece, int offset, int length) throws IOException {
        out.write(blockMessage(CANCEL, piece, offset, length));
        out.flush();
    }

    private static byte[] blockMessage(int id, int piece, int offset, int length) {
        return ByteBuffer.allocate(17).putInt(13).put((byte) id).putInt(piece).putInt(offset).putInt(length).array();
    }

    /** Reads one message; returns its id (-1 for keep-alive); a PIECE's block goes into {@code block[0]}. */
    int readMessage(byte[][] block) throws Exception {
        Message message = next();
        if (message.id() == PIECE && block != null) {
            block[0] = Arrays.copyOfRange(message.payload(), 8, message.payload().length);
        }
        return message.id();
    }

    /** Sends REQUEST and returns the block of the PIECE that answers it. */
    byte[] request(int piece, int offset, int length) throws Exception {
        sendRequest(piece, offset, length);
        byte[][] block = new byte[1][];
        while (block[0] == null) {
            readMessage(block);
        }
        return block[0];
    }

    synchronized void sendHave(int piece) throws IOException {
        out.write(ByteBuffer.allocate(9).putInt(5).put((byte) HAVE).putInt(piece).array());
        out.flush();
    }

    synchronized void keepAlive() throws IOException {
        out.write(new byte[4]);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
