package org.minuteswarm.seeder;

import bt.metainfo.TorrentId;
import bt.torrent.TorrentRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** The runtimes a test starts, one swarm of the same torrent each, closed together. */
final class TestSwarms implements AutoCloseable {
    final List<SwarmRuntime> runtimes = new ArrayList<>();
    final List<SegmentSwarm> swarms = new ArrayList<>();

    /** Waits, at most {@code millis}, until {@code condition} holds; the caller asserts what it needs. */
    static void awaitTrue(BooleanSupplier condition, long millis) throws InterruptedException {
        long until = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }

    /**
     * Waits (at most 5 s) until {@code runtime} runs {@code torrent}: bt registers a torrent on its own thread, and
     * closes a handshake for a torrent it does not know yet.
     */
    static void awaitRunning(SwarmRuntime runtime, TorrentFile torrent) throws InterruptedException {
        TorrentRegistry torrents = runtime.bt().service(TorrentRegistry.class);
        TorrentId id = TorrentId.fromBytes(torrent.infoHash().bytes());
        awaitTrue(() -> torrents.isSupportedAndActive(id), 5_000);
    }

    /** A new runtime seeding {@code file}. */
    SegmentSwarm seed(SwarmConfig config, TorrentFile torrent, Path file) throws IOException {
        return add(start(config).seed(torrent, file));
    }

    /** A new runtime downloading into {@code target}. */
    SegmentSwarm download(SwarmConfig config, TorrentFile torrent, Path target) throws IOException {
        return add(start(config).download(torrent, target));
    }

    private SwarmRuntime start(SwarmConfig config) throws IOException {
        SwarmRuntime runtime = SwarmRuntime.start(config);
        runtimes.add(runtime);
        return runtime;
    }

    private SegmentSwarm add(SegmentSwarm swarm) {
        swarms.add(swarm);
        return swarm;
    }

    @Override
    public void close() {
        runtimes.parallelStream().forEach(SwarmRuntime::close);
    }
}
