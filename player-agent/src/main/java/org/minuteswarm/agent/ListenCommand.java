package org.minuteswarm.agent;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.minuteswarm.channel.ChannelUrl;
import org.minuteswarm.seeder.SwarmConfig;
import org.minuteswarm.seeder.UploadRate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code minuteswarm listen}: join a channel's swarms and play it to local players. */
@Command(name = "listen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Follow a channel: join each new segment's swarm as it is published, download ahead of "
                + "playback, seed to other listeners, and serve the stream to local players.",
                "Prints 'play: http://127.0.0.1:P/stream.ts' for VLC, mpv, ffplay or a browser."})
public final class ListenCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CHANNEL-URL", description = "the URL the broadcaster printed (http://HOST:PORT/channels/NAME?key=KEY).")
    String channelUrl;

    @Option(names = "--play-port", paramLabel = "P", defaultValue = "7080",
            description = "local playback port on 127.0.0.1; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int playPort;

    @Option(names = "--peer-port", paramLabel = "P", defaultValue = "0",
            description = "BitTorrent peer port; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int peerPort;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "where segments are kept while seeded (default: ./minuteswarm-data/listen-NAME-PLAYPORT).")
    Path dataDir;

    @Option(names = "--output", paramLabel = "FILE|-",
            description = "also write the played stream to FILE, or to stdout with '-' (then every message goes to stderr).")
    String output;

    @Option(names = "--seed-window", paramLabel = "N", defaultValue = "" + AgentConfig.DEFAULT_SEED_WINDOW,
            description = "segments kept and seeded, counting the one playing (default: ${DEFAULT-VALUE}).")
    int seedWindow;

    @Option(names = "--from", paramLabel = "WHEN", defaultValue = "live",
            description = "where to start: 'live' (the live edge), a time back such as -5m or -90s, or a segment "
                    + "number; older than the window starts at its oldest segment (default: ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "0.0.0.0",
            description = "address for BitTorrent connections (default: ${DEFAULT-VALUE}; the playback server is always 127.0.0.1).")
    String bind;

    @Option(names = "--max-upload", paramLabel = "RATE", defaultValue = "0",
            description = "cap on BitTorrent upload, e.g. 2mbit, 500kbit, or 500k (bytes/s); 0 = unlimited "
                    + "(default: ${DEFAULT-VALUE}).")
    String maxUpload;

    private final PrintStream out;
    private final PrintStream err;

    public ListenCommand() {
        this(System.out, System.err);
    }

    public ListenCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        ChannelUrl channel = ChannelUrl.parse(channelUrl);
        StartPoint start = StartPoint.parse(from);
        if (peerPort < 0 || peerPort > 65535) {
            throw new IllegalArgumentException("--peer-port must be 0..65535: " + peerPort);
        }
        Path dir = dataDir != null ? dataDir : Path.of("minuteswarm-data", "listen-" + channel.name() + "-" + playPort);
        InetAddress peerBind = InetAddress.getByName(bind);
        AgentConfig config = new AgentConfig(channel, InetAddress.getLoopbackAddress(), playPort,
                SwarmConfig.defaults(peerBind, peerPort)
                        .withMaxUploadBytesPerSecond(UploadRate.parseBytesPerSecond(maxUpload)), dir, seedWindow, null, Duration.ofSeconds(25), start);
        boolean toStdout = "-".equals(output);
        OutputStream sink = null;
        if (output != null && !toStdout) {
            Path file = Path.of(output);
            if (file.getParent() != null && !Files.isDirectory(file.getParent())) {
                throw new IOException("--output: no such directory " + file.getParent());
            }
            sink = new BufferedOutputStream(Files.newOutputStream(file));
        } else if (toStdout) {
            sink = new BufferedOutputStream(new java.io.FileOutputStream(java.io.FileDescriptor.out));
        }
        ListenerAgent agent = ListenerAgent.start(config, Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "listen-shutdown"));
        (toStdout ? err : out).println("play: " + agent.streamUri());
        (toStdout ? err : out).flush();
        if (sink != null) {
            try (OutputStream s = sink) {
                agent.copyPlayedStreamTo(s);
            } catch (IOException e) {
                err.println("minuteswarm: output closed: " + e.getMessage());
            }
        } else {
            Thread.currentThread().join();
        }
        agent.close();
        return 0;
    }
}
