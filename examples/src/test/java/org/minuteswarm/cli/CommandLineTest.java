package org.minuteswarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.minuteswarm.channel.ChannelIdentity;
import org.minuteswarm.channel.ChannelUrl;
import org.minuteswarm.segmenter.BroadcastConfig;
import org.minuteswarm.segmenter.Broadcaster;
import org.minuteswarm.segmenter.feed.SyntheticTs;

/** Wrong flags and failures reach the user as one line and a non-zero exit, never a stack trace. */
@Timeout(60)
class CommandLineTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Minuteswarm.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private void assertOneLineError(String expectedPart) {
        String text = err.toString().strip();
        assertTrue(text.startsWith("minuteswarm: "), "error should start with 'minuteswarm: ': " + text);
        assertTrue(text.contains(expectedPart), "error should mention '" + expectedPart + "': " + text);
        assertFalse(text.contains("\tat "), "stack trace shown to the user: " + text);
        assertTrue(text.lines().count() <= 2, "more than one line (plus a --help hint): " + text);
    }

    @Test
    void helpDocumentsEveryCommand() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("broadcast") && out.toString().contains("listen"), out.toString());
    }

    @Test
    void broadcastHelpDocumentsItsFlags() {
        assertEquals(0, run("broadcast", "--help"));
        for (String flag : new String[] {"--input", "--loop", "--channel", "--segment-seconds", "--window",
                "--http-port", "--peer-port", "--data-dir", "--announce"}) {
            assertTrue(out.toString().contains(flag), "broadcast --help lacks " + flag);
        }
    }

    @Test
    void listenHelpDocumentsItsFlags() {
        assertEquals(0, run("listen", "--help"));
        for (String flag : new String[] {"--play-port", "--peer-port", "--data-dir", "--output", "--seed-window"}) {
            assertTrue(out.toString().contains(flag), "listen --help lacks " + flag);
        }
    }

    @Test
    void unknownFlagIsAUsageError() {
        assertEquals(2, run("broadcast", "--input", "-", "--no-such-flag"));
        assertOneLineError("--no-such-flag");
    }

    @Test
    void missingInputIsAUsageError() {
        assertEquals(2, run("broadcast"));
        assertOneLineError("--input");
    }

    @Test
    void segmentSecondsOutOfRange(@TempDir Path dir) {
        assertEquals(1, run("broadcast", "--input", "-", "--segment-seconds", "0", "--data-dir", dir.toString()));
        assertOneLineError("--segment-seconds");
    }

    @Test
    void notANumberIsAUsageError() {
        assertEquals(2, run("broadcast", "--input", "-", "--window", "ten"));
        assertOneLineError("ten");
    }

    @Test
    void unreadableInput(@TempDir Path dir) {
        assertEquals(1, run("broadcast", "--input", dir.resolve("missing.ts").toString(), "--http-port", "0",
                "--peer-port", "0", "--data-dir", dir.toString()));
        assertOneLineError("missing.ts");
    }

    @Test
    void busyHttpPort(@TempDir Path dir) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(1, run("broadcast", "--input", "media/sample.ts", "--loop", "--http-port",
                    Integer.toString(busy.getLocalPort()), "--peer-port", "0", "--data-dir", dir.toString()));
            assertOneLineError("in use");
        }
    }

    @Test
    void malformedChannelUrl() {
        assertEquals(1, run("listen", "http://127.0.0.1:1/not-a-channel"));
        assertOneLineError("channel URL");
    }

    @Test
    void unreachableChannel(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/channels/live?key=" + ChannelIdentity.generate().key().text();
        assertEquals(1, run("listen", url, "--play-port", "0", "--data-dir", dir.toString()));
        assertOneLineError("cannot reach channel");
    }

    @Test
    void forgedChannelIsRejected(@TempDir Path dir) throws Exception {
        try (Broadcaster b = Broadcaster.start(BroadcastConfig.loopback("live", Duration.ofSeconds(2), 3,
                dir.resolve("b")), SyntheticTs.liveFeed(500_000, 1, Clock.systemUTC()), Clock.systemUTC())) {
            ChannelUrl real = b.channelUrl();
            // The same server, but the listener was given another key: the manifest must not verify.
            String forged = real.manifestUri() + "?key=" + ChannelIdentity.generate().key().text();
            assertEquals(1, run("listen", forged, "--play-port", "0", "--data-dir", dir.resolve("l").toString()));
            assertOneLineError("signature does not verify");
        }
    }

    @Test
    void dataDirInUse(@TempDir Path dir) throws Exception {
        try (Broadcaster b = Broadcaster.start(BroadcastConfig.loopback("live", Duration.ofSeconds(2), 3, dir),
                SyntheticTs.liveFeed(500_000, 1, Clock.systemUTC()), Clock.systemUTC())) {
            assertEquals(1, run("broadcast", "--input", "media/sample.ts", "--http-port", "0", "--peer-port", "0",
                    "--data-dir", dir.toString()));
            assertOneLineError("in use by another minuteswarm");
        }
    }
}
