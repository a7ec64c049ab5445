package org.minuteswarm.segmenter;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.minuteswarm.segmenter.feed.Feed;
import org.minuteswarm.segmenter.feed.Feeds;
import org.minuteswarm.seeder.SwarmConfig;
import org.minuteswarm.seeder.UploadRate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code minuteswarm broadcast}: cut a live feed into segment torrents and publish the channel. */
@Command(name = "broadcast", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Cut a live feed into segments, make one torrent per segment, seed it and publish the "
                + "signed channel manifest through the embedded tracker.",
                "Prints 'channel: URL': the URL listeners pass to 'minuteswarm listen'."})
public final class BroadcastCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "SRC",
            description = "the live feed: '-' (stdin), a file, http://... (a live HTTP stream) or udp://HOST:PORT "
                    + "(MPEG-TS datagrams).")
    String input;

    @Option(names = "--loop", description = "replay a file forever, paced at its real-time rate, as a live feed.")
    boolean loop;

    @Option(names = "--channel", paramLabel = "NAME", defaultValue = "live",
            description = "channel name (default: ${DEFAULT-VALUE}).")
    String channel;

    @Option(names = "--segment-seconds", paramLabel = "N", defaultValue = "60",
            description = "segment duration in seconds, 1..600 (default: ${DEFAULT-VALUE}).")
    int segmentSeconds;

    @Option(names = "--window", paramLabel = "N", defaultValue = "10",
            description = "segments kept published and seeded (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--http-port", paramLabel = "P",
            description = "port of the embedded tracker, channel API and /status; 0 = any free port "
                    + "(default: 7070, or any free port with --tracker).")
    Integer httpPort;

    @Option(names = "--peer-port", paramLabel = "P", defaultValue = "6881",
            description = "BitTorrent peer port; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int peerPort;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "keeps the channel key, sequence numbers and the window's segments "
                    + "(default: ./minuteswarm-data/broadcast-NAME).")
    Path dataDir;

    @Option(names = "--announce", paramLabel = "URL",
            description = "announce URL to put in the segment torrents instead of the embedded tracker's (repeatable; "
                    + "the first is used).")
    List<URI> announce = new ArrayList<>();

    @Option(names = "--tracker", paramLabel = "URL",
            description = "publish the channel to a standalone 'minuteswarm tracker' at http://HOST:PORT instead of "
                    + "embedding one; the channel URL then points there.")
    URI tracker;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "host name or address listeners reach this machine at; goes into the channel URL "
                    + "(default: ${DEFAULT-VALUE}: this machine only).")
    String host;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "address to listen on (default: 127.0.0.1 when --host is a loopback address, else 0.0.0.0).")
    String bind;

    @Option(names = "--max-upload", paramLabel = "RATE", defaultValue = "0",
            description = "cap on BitTorrent upload, e.g. 2mbit, 500kbit, or 500k (bytes/s); 0 = unlimited "
                    + "(default: ${DEFAULT-VALUE}).")
    String maxUpload;

    private final PrintStream out;

    public BroadcastCommand() {
        this(System.out);
    }

    public BroadcastCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (peerPort < 0 || peerPort > 65535) {
            throw new IllegalArgumentException("--peer-port must be 0..65535: " + peerPort);
        }
        if (segmentSeconds < 1 || segmentSeconds > 600) {
            throw new IllegalArgumentException("--segment-seconds must be 1..600: " + segmentSeconds);
        }
        InetAddress bindAddress = bindAddress();
        Path dir = dataDir != null ? dataDir : Path.of("minuteswarm-data", "broadcast-" + channel);
        BroadcastConfig config = new BroadcastConfig(channel, Duration.ofSeconds(segmentSeconds), window, host,
                bindAddress, httpPort != null ? httpPort : tracker != null ? 0 : BroadcastConfig.DEFAULT_HTTP_PORT, SwarmConfig.defaults(bindAddress, peerPort)
                .withMaxUploadBytesPerSecond(UploadRate.parseBytesPerSecond(maxUpload)), dir, announce, null, tracker);
        Clock clock = Clock.systemUTC();
        Feed feed = Feeds.open(input, loop, clock);
        Broadcaster broadcaster;
        try {
            broadcaster = Broadcaster.start(config, feed, clock);
        } catch (IOException | RuntimeException e) {
            feed.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(broadcaster::close, "broadcast-shutdown"));
        out.println("channel: " + broadcaster.channelUrl());
        out.flush();
        while (!broadcaster.awaitEnd(Duration.ofHours(1))) {
            // runs until the feed ends or the process is stopped
        }
        broadcaster.close();
        return 0;
    }

    private InetAddress bindAddress() throws UnknownHostException {
        if (bind != null) {
            return InetAddress.getByName(bind);
        }
        InetAddress h;
        try {
            h = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--host " + host + " does not resolve");
        }
        return h.isLoopbackAddress() ? InetAddress.getLoopbackAddress() : InetAddress.getByName("0.0.0.0");
    }
}
