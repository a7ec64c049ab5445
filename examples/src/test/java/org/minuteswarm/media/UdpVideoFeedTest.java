package org.minuteswarm.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.minuteswarm.channel.SegmentDescriptor;
import org.minuteswarm.segmenter.feed.Feeds;

/**
 * A real ffmpeg live source (testsrc2 + tone, H.264 with a 1-s GOP and AAC, MPEG-TS over
 * {@code udp://} as ffmpeg and OBS send it) into a broadcaster, with three listener agents. Every
 * published segment must start on a keyframe, decode alone with no error and last the target
 * within one GOP; every agent's {@code /stream.ts} and its {@code /playlist.m3u8} must decode with
 * no error and the expected frame count.
 */
class UdpVideoFeedTest {
    private static final int AGENTS = 3;
    private static final int SEGMENTS = 5;
    private static final int PLAYED = 3;
    private static final double FPS = 25;
    private static final double GOP_SECONDS = 1.0;

    @Test
    @Timeout(120)
    void h264AacOverUdpMakesSegmentsAndStreamsPlayersDecode(@TempDir Path dir) throws Exception {
        Media.assumeTools();
        int port = Media.freeUdpPort();
        Process ffmpeg = null;
        LiveRig rig = null;
        try {
            rig = new LiveRig(dir, Feeds.open("udp://127.0.0.1:" + port + "?pkt_size=1316", false,
                    java.time.Clock.systemUTC()));
            ffmpeg = Media.startUdpTestPattern(dir.resolve("ffmpeg.log"), port);
            List<LiveRig.Agent> agents = new ArrayList<>();
            List<LiveRig.StreamReader> readers = new ArrayList<>();
            for (int i = 0; i < AGENTS; i++) {
                LiveRig.Agent a = rig.startAgent("agent-" + i, c -> c);
                agents.add(a);
                readers.add(rig.read(a.uri("/stream.ts"))); // attached before playback starts: whole segments
            }

            LiveRig r = rig;
            LiveRig.await(() -> r.copies.size() >= SEGMENTS
                            && agents.stream().allMatch(a -> a.started.size() > PLAYED),
                    Duration.ofSeconds(70), () -> "published " + r.copies.keySet() + "; agents started "
                            + agents.stream().map(a -> a.started.toString()).toList());
            TreeSet<Long> checked = new TreeSet<>(rig.copies.keySet()); // not the partial one flushed at close

            // The HLS playlist, while the channel is live: tags, then a real HLS client over it.
            LiveRig.Agent first = agents.get(0);
            String playlist = HttpClient.newHttpClient().send(HttpRequest.newBuilder(first.uri("/playlist.m3u8"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            System.out.println("udp video: playlist of agent 0:\n" + playlist);
            checkPlaylist(playlist, rig);
            List<String> hlsErrors = Media.decodeErrors(dir, first.uri("/playlist.m3u8").toString(), 4,
                    "-live_start_index", "0");
            assertEquals(List.of(), hlsErrors, "ffmpeg decoding the agent's /playlist.m3u8");

            for (LiveRig.StreamReader reader : readers) {
                reader.stop();
                assertNull(reader.error, "reading " + reader.uri);
            }
            List<List<Long>> skipped = agents.stream().map(a -> List.copyOf(a.skipped)).toList();
            rig.close(); // the checks below are offline: they must not starve the live agents of CPU
            Media.stop(ffmpeg);

            // Every published segment: keyframe first, decodes alone, one GOP of the target.
            List<String> report = new ArrayList<>();
            for (long seq : checked) {
                Path seg = dir.resolve("segment-" + seq + ".ts");
                Files.copy(rig.copies.get(seq), seg);
                SegmentDescriptor d = rig.descriptors.get(seq);
                String key = Media.firstVideoFrameKey(dir, seg);
                String flags = Media.firstVideoPacketFlags(dir, seg);
                List<String> errors = Media.decodeErrors(dir, seg);
                double seconds = Media.durationSeconds(dir, seg);
                long frames = Media.decodedFrames(dir, seg, "v");
                report.add(String.format(Locale.ROOT, "#%d %d B manifest %.3f s ffprobe %.3f s %d frames key=%s flags=%s",
                        seq, Files.size(seg), d.duration().toMillis() / 1000.0, seconds, frames, key, flags));
                assertEquals("1", key, "segment " + seq + ": first video frame is not a keyframe");
                assertTrue(flags.startsWith("K"), "segment " + seq + ": first video packet flags " + flags);
                assertEquals(List.of(), errors, "segment " + seq + " does not decode alone");
                double target = LiveRig.SEGMENT.toMillis() / 1000.0;
                assertTrue(Math.abs(seconds - target) <= GOP_SECONDS + 0.05,
                        "segment " + seq + " lasts " + seconds + " s, not within one GOP of " + target);
                assertTrue(Math.abs(d.duration().toMillis() / 1000.0 - target) <= GOP_SECONDS + 0.05,
                        "segment " + seq + ": manifest duration " + d.duration());
                // The container duration spans the audio too (muxed with a delay); the video frames are exact.
                double manifestSeconds = d.duration().toMillis() / 1000.0;
                assertTrue(Math.abs(frames - manifestSeconds * FPS) <= 2, "segment " + seq + ": " + frames
                        + " video frames for a manifest duration of " + manifestSeconds + " s");
            }
            System.out.println("udp video: segments\n  " + String.join("\n  ", report));

            // Each agent's /stream.ts: the played segments, in order, decoding with no error.
            for (int i = 0; i < AGENTS; i++) {
                LiveRig.Agent a = agents.get(i);
                assertEquals(List.of(), skipped.get(i), "agent " + i + " skipped segments");
                List<Long> played = List.copyOf(a.started).subList(0, PLAYED);
                for (int k = 1; k < played.size(); k++) {
                    assertEquals(played.get(k - 1) + 1, played.get(k), "agent " + i + " played " + a.started);
                }
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                double seconds = 0;
                for (long s : played) {
                    expected.writeBytes(rig.published(s));
                    seconds += rig.descriptors.get(s).duration().toMillis() / 1000.0;
                }
                byte[] got = readers.get(i).bytes();
                assertTrue(got.length >= expected.size(), "agent " + i + ": /stream.ts gave " + got.length
                        + " bytes, fewer than its first " + PLAYED + " segments (" + expected.size() + ")");
                byte[] head = Arrays.copyOf(got, expected.size());
                assertArrayEquals(expected.toByteArray(), head, "agent " + i + ": /stream.ts is not the segments played");
                Path stream = dir.resolve("agent-" + i + "-stream.ts");
                Files.write(stream, head);
                List<String> errors = Media.decodeErrors(dir, stream);
                long frames = Media.decodedFrames(dir, stream, "v");
                System.out.printf(Locale.ROOT, "udp video: agent %d /stream.ts: segments %s, %d bytes, %.3f s, "
                        + "%d frames (expected %.0f), startup %d ms%n", i, played, head.length, seconds, frames,
                        seconds * FPS, a.agent.startupMillis());
                assertEquals(List.of(), errors, "agent " + i + ": /stream.ts does not decode cleanly");
                assertTrue(Math.abs(frames - seconds * FPS) <= FPS * GOP_SECONDS,
                        "agent " + i + ": " + frames + " frames for " + seconds + " s played");
            }
        } finally {
            if (rig != null) {
                rig.close(); // closes the feed first: a piped ffmpeg then ends on a broken pipe
            }
            Media.stop(ffmpeg);
        }
    }

    /** RFC 8216 live playlist: the tags, durations and times of the broadcast. */
    static void checkPlaylist(String playlist, LiveRig rig) {
        List<String> lines = playlist.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        assertEquals("#EXTM3U", lines.get(0), "first line");
        long target = -1;
        long mediaSequence = -1;
        List<Long> uris = new ArrayList<>();
        List<Double> extinf = new ArrayList<>();
        List<Instant> dates = new ArrayList<>();
        Instant pendingDate = null;
        for (String l : lines) {
            if (l.startsWith("#EXT-X-TARGETDURATION:")) {
                target = Long.parseLong(l.substring(l.indexOf(':') + 1));
            } else if (l.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                mediaSequence = Long.parseLong(l.substring(l.indexOf(':') + 1));
            } else if (l.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                pendingDate = Instant.parse(l.substring(l.indexOf(':') + 1));
            } else if (l.startsWith("#EXTINF:")) {
                extinf.add(Double.parseDouble(l.substring(l.indexOf(':') + 1, l.indexOf(','))));
            } else if (!l.startsWith("#")) {
                assertTrue(l.matches("segments/\\d+\\.ts"), "segment URI " + l);
                uris.add(Long.parseLong(l.substring("segments/".length(), l.length() - 3)));
                assertNotNull(pendingDate, "no #EXT-X-PROGRAM-DATE-TIME before " + l);
                dates.add(pendingDate);
                pendingDate = null;
            }
        }
        assertTrue(target > 0, "#EXT-X-TARGETDURATION missing");
        assertTrue(mediaSequence >= 0, "#EXT-X-MEDIA-SEQUENCE missing");
        assertTrue(uris.size() >= PLAYED, "playlist lists " + uris + ", expected at least " + PLAYED + " segments");
        assertEquals(uris.size(), extinf.size(), "one #EXTINF per segment");
        assertEquals(uris.get(0), mediaSequence, "#EXT-X-MEDIA-SEQUENCE is the first segment's number");
        for (int i = 0; i < uris.size(); i++) {
            long seq = uris.get(i);
            SegmentDescriptor d = rig.descriptors.get(seq);
            assertNotNull(d, "playlist names segment " + seq + " that was not published");
            assertTrue(Math.round(extinf.get(i)) <= target, "#EXTINF " + extinf.get(i) + " rounds above target " + target);
            assertEquals(d.duration().toMillis() / 1000.0, extinf.get(i), 0.0011, "#EXTINF of segment " + seq);
            long skew = Math.abs(Duration.between(d.startTime(), dates.get(i)).toMillis());
            assertTrue(skew <= 1, "PROGRAM-DATE-TIME of " + seq + " is " + dates.get(i) + ", broadcast " + d.startTime());
            if (i > 0 && !playlistHasDiscontinuityBefore(playlist, seq)) {
                assertEquals(uris.get(i - 1) + 1, seq, "a gap without #EXT-X-DISCONTINUITY in " + uris);
            }
        }
    }

    private static boolean playlistHasDiscontinuityBefore(String playlist, long seq) {
        int at = playlist.indexOf("segments/" + seq + ".ts");
        int prev = playlist.lastIndexOf(".ts", at - 1);
        return playlist.substring(Math.max(prev, 0), at).contains("#EXT-X-DISCONTINUITY\n");
    }
}
