package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code minuteswarm tracker}: prints its URLs, hosts what is published, keeps it across a restart. */
class TrackerCommandTest {
    @TempDir
    Path dir;

    private Thread run(TrackerCommand command, String... args) {
        Thread t = new Thread(() -> new CommandLine(command).execute(args), "tracker-command-test");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void printsItsUrlsAndKeepsPublishedChannelsAcrossARestart() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TrackerCommand command = new TrackerCommand(new PrintStream(out, true, StandardCharsets.UTF_8));
        Thread t = run(command, "--http-port", "0", "--udp-port", "0", "--bind", "127.0.0.1", "--data-dir", dir.toString());
        TrackerHttpServer server = command.awaitStarted();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("tracker: http://127.0.0.1:" + server.port() + "/announce\n"), printed);
        assertTrue(printed.contains("tracker: udp://127.0.0.1:" + server.udpPort() + "/announce\n"), printed);

        TestBroadcast b = new TestBroadcast("news", 2);
        new TrackerPublisher(URI.create("http://127.0.0.1:" + server.port())).publish(b.add(0), b.torrents);
        t.interrupt();
        t.join(10_000);

        TrackerCommand again = new TrackerCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Thread t2 = run(again, "--http-port", "0", "--udp-port", "-1", "--bind", "127.0.0.1", "--data-dir", dir.toString());
        TrackerHttpServer restarted = again.awaitStarted();
        assertEquals(-1, restarted.udpPort());
        TestBroadcast thief = new TestBroadcast("news", 2);
        java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> new TrackerPublisher(URI.create("http://127.0.0.1:" + restarted.port())).publish(thief.add(5), thief.torrents));
        assertTrue(refused.getMessage().contains("403"), refused.getMessage());
        assertTrue(new TrackerPublisher(URI.create("http://127.0.0.1:" + restarted.port())).publish(b.add(1), b.torrents).live());
        t2.interrupt();
        t2.join(10_000);
    }
}
