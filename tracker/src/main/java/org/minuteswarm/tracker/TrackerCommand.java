package org.minuteswarm.tracker;

import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code minuteswarm tracker}: a standalone tracker hosting any number of channels, which
 * broadcasters publish to with {@code broadcast --tracker URL} ({@link TrackerPublisher}).
 * Runs until the process is stopped.
 */
@Command(name = "tracker", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Host a BitTorrent tracker (HTTP BEP 3/23/7/48 and UDP BEP 15) and the channel API for any "
                + "number of channels, published by 'minuteswarm broadcast --tracker http://HOST:PORT'.",
                "Only live segments of hosted channels are tracked. Channels, their keys and windows are kept "
                        + "under --data-dir, so a restart keeps them."})
public final class TrackerCommand implements Callable<Integer> {
    @Option(names = "--http-port", paramLabel = "P", defaultValue = "7070",
            description = "TCP port of the HTTP tracker and channel API; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--udp-port", paramLabel = "P",
            description = "UDP port of the BEP 15 tracker; -1 = none (default: the same number as --http-port, "
                    + "as trackers conventionally do).")
    Integer udpPort;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "minuteswarm-data/tracker",
            description = "keeps the hosted channels (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "0.0.0.0",
            description = "address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--host", paramLabel = "HOST",
            description = "host name listeners reach this tracker at, for the printed URLs "
                    + "(default: the --bind address, or 127.0.0.1 when it is 0.0.0.0).")
    String host;

    @Option(names = "--rate-limit", paramLabel = "N", defaultValue = "" + TrackerConfig.DEFAULT_REQUESTS_PER_SECOND_PER_ADDRESS,
            description = "announces and scrapes per second per client address, both transports; 0 = unlimited "
                    + "(default: ${DEFAULT-VALUE}).")
    int rateLimit;

    @Option(names = "--max-channels", paramLabel = "N", defaultValue = "" + ChannelStore.DEFAULT_MAX_CHANNELS,
            description = "channels this tracker will host at most (default: ${DEFAULT-VALUE}).")
    int maxChannels;

    @Option(names = "--register-info-hashes", paramLabel = "FILE", hidden = true,
            description = "also track these info-hashes (hex, one a line): for load benchmarks.")
    Path registerInfoHashes;

    private final PrintStream out;
    private volatile TrackerHttpServer server;
    private final CountDownLatch started = new CountDownLatch(1);

    public TrackerCommand() {
        this(System.out);
    }

    public TrackerCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        int udp = udpPort == null ? httpPort : udpPort;
        InetAddress bindAddress = InetAddress.getByName(bind);
        TrackerConfig config = TrackerConfig.defaults(bindAddress, httpPort).withUdpPort(udp)
                .withRequestsPerSecondPerAddress(rateLimit);
        ChannelDirectory directory = ChannelStore.open(dataDir, maxChannels);
        if (registerInfoHashes != null) {
            directory = new ExtraInfoHashes(directory, ExtraInfoHashes.read(registerInfoHashes));
        }
        TrackerHttpServer s = TrackerHttpServer.start(config, directory, Clock.systemUTC());
        server = s;
        Runtime.getRuntime().addShutdownHook(new Thread(s::close, "tracker-shutdown"));
        String h = host != null ? host : bindAddress.isAnyLocalAddress() ? "127.0.0.1" : bindAddress.getHostAddress();
        out.println("tracker: http://" + h + ":" + s.port() + "/announce");
        if (s.udpPort() >= 0) {
            out.println("tracker: udp://" + h + ":" + s.udpPort() + "/announce");
        }
        out.println("publish: minuteswarm broadcast ... --tracker http://" + h + ":" + s.port());
        out.flush();
        started.countDown();
        try {
            new CountDownLatch(1).await(); // until the process is stopped (or, embedded in a test, interrupted)
        } finally {
            s.close();
        }
        return 0;
    }

    /**
     * Runs the command on its own (benchmarks, operators without the launcher); the
     * {@code minuteswarm} dispatcher normally runs it as its {@code tracker} subcommand.
     */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new TrackerCommand()).execute(args));
    }

    /** The running server once {@link #call} has printed its URLs (for tests that run the command in a thread). */
    TrackerHttpServer awaitStarted() throws InterruptedException {
        started.await();
        return server;
    }
}
