package org.minuteswarm.seeder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The runtimes a test starts, one swarm of the same torrent each, closed together. */
final class TestSwarms implements AutoCloseable {
    final List<SwarmRuntime> runtimes = new ArrayList<>();
    final List<SegmentSwarm> swarms = new ArrayList<>();

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
