import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A BEP 15 load generator: each of THREADS threads connects once (connection ID), then keeps
 * WINDOW announces in flight (random peer ids and ports over the info-hashes in HASHFILE) for
 * SECONDS, re-sending after a 1 s timeout, and records each answer's latency.
 * Prints "udp: <announces/s> <p50 ms> <p99 ms> <timeouts>".
 *
 * <p>Run without compiling: {@code java UdpLoad.java HOST PORT HASHFILE SECONDS THREADS WINDOW}.
 */
public final class UdpLoad {
    public static void main(String[] args) throws Exception {
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        List<byte[]> hashes = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[2]))) {
            if (line.trim().length() == 40) {
                hashes.add(HexFormat.of().parseHex(line.trim()));
            }
        }
        long seconds = Long.parseLong(args[3]);
        int threads = Integer.parseInt(args[4]);
        int window = Integer.parseInt(args[5]);
        Worker[] workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker(target, hashes, window, seconds);
            workers[i].start();
        }
        long answered = 0;
        long timeouts = 0;
        int samples = 0;
        for (Worker w : workers) {
            w.join();
            answered += w.answered;
            timeouts += w.timeouts;
            samples += w.latencyCount;
        }
        long[] all = new long[samples];
        int p = 0;
        for (Worker w : workers) {
            System.arraycopy(w.latencies, 0, all, p, w.latencyCount);
            p += w.latencyCount;
        }
        Arrays.sort(all);
        double p50 = all.length == 0 ? 0 : all[all.length / 2] / 1e6;
        double p99 = all.length == 0 ? 0 : all[(int) (all.length * 0.99)] / 1e6;
        System.out.printf(Locale.ROOT, "udp: %.0f %.3f %.3f %d%n", answered / (double) seconds, p50, p99, timeouts);
    }

    static final class Worker extends Thread {
        final InetSocketAddress target;
        final List<byte[]> hashes;
        final int window;
        final long seconds;
        long answered;
        long timeouts;
        long[] latencies = new long[1 << 20];
        int latencyCount;

        Worker(InetSocketAddress target, List<byte[]> hashes, int window, long seconds) {
            this.target = target;
            this.hashes = hashes;
            this.window = window;
            this.seconds = seconds;
        }

        @Override
        public void run() {
            try (DatagramChannel ch = DatagramChannel.open()) {
                ch.connect(target);
                ch.configureBlocking(true);
                ch.socket().setSoTimeout(1000);
                long connectionId = connect(ch);
                ByteBuffer in = ByteBuffer.allocate(2048);
                ByteBuffer out = ByteBuffer.allocate(98);
                long[] sentAt = new long[window];
                int[] tid = new int[window];
                int nextTid = 1;
                ThreadLocalRandom r = ThreadLocalRandom.current();
                ch.configureBlocking(false);
                java.nio.channels.Selector sel = java.nio.channels.Selector.open();
                ch.register(sel, java.nio.channels.SelectionKey.OP_READ);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                for (int i = 0; i < window; i++) {
                    tid[i] = i | (nextTid++ << 8);
                    sentAt[i] = send(ch, out, connectionId, tid[i], r);
                }
                while (System.nanoTime() < end) {
                    sel.select(100);
                    sel.selectedKeys().clear();
                    while (true) {
                        in.clear();
                        if (ch.receive(in) == null) {
                            break;
                        }
                        in.flip();
                        if (in.remaining() < 8) {
                            continue;
                        }
                        int action = in.getInt();
                        int t = in.getInt();
                        int slot = t & 0xff;
                        if (slot >= window || tid[slot] != t) {
                            continue;
                        }
                        long now = System.nanoTime();
                        if (action == 1) {
                            answered++;
                            if (latencyCount < latencies.length) {
                                latencies[latencyCount++] = now - sentAt[slot];
                            }
                        } else if (action == 3) {
                            connectionId = -1; // reconnect below
                        }
                        if (connectionId == -1) {
                            ch.configureBlocking(true);
                            connectionId = connect(ch);
                            ch.configureBlocking(false);
                        }
                        tid[slot] = slot | (nextTid++ << 8);
                        sentAt[slot] = send(ch, out, connectionId, tid[slot], r);
                    }
                    long now = System.nanoTime();
                    for (int i = 0; i < window; i++) {
                        if (now - sentAt[i] > 1_000_000_000L) {
                            timeouts++;
                            tid[i] = i | (nextTid++ << 8);
                            sentAt[i] = send(ch, out, connectionId, tid[i], r);
                        }
                    }
                }
            } catch (Exception e) {
                System.err.println("udp worker: " + e);
            }
        }

        long connect(DatagramChannel ch) throws Exception {
            ByteBuffer b = ByteBuffer.allocate(16).putLong(0x41727101980L).putInt(0).putInt(12345);
            ByteBuffer in = ByteBuffer.allocate(64);
            for (int attempt = 0; attempt < 10; attempt++) {
                b.flip();
                ch.write(b);
                b.position(16);
                in.clear();
                try {
                    ch.socket().setSoTimeout(1000);
                    java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[64], 64);
                    ch.socket().receive(p);
                    ByteBuffer r = ByteBuffer.wrap(p.getData(), 0, p.getLength());
                    if (r.remaining() >= 16 && r.getInt() == 0 && r.getInt() == 12345) {
                        return r.getLong();
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // retry
                }
            }
            throw new IllegalStateException("no connect answer from " + target);
        }

        long send(DatagramChannel ch, ByteBuffer out, long connectionId, int transaction, ThreadLocalRandom r) throws Exception {
            out.clear();
            out.putLong(connectionId).putInt(1).putInt(transaction).put(hashes.get(r.nextInt(hashes.size())));
            out.put("-UL0001-".getBytes());
            for (int i = 0; i < 12; i++) {
                out.put((byte) ('0' + r.nextInt(10)));
            }
            out.putLong(0).putLong(r.nextBoolean() ? 0 : 1000).putLong(0).putInt(0).putInt(0).putInt(r.nextInt())
                    .putInt(50).putShort((short) (1024 + r.nextInt(60000)));
            out.flip();
            ch.write(out);
            return System.nanoTime();
        }
    }
}
