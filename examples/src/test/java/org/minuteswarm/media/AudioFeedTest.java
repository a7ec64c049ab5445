package org.minuteswarm.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Audio as internet radio sends it: a live ffmpeg tone encoded to MP3 or to AAC in ADTS, piped
 * into the broadcaster. Each segment must decode alone with no error and hold the segment's
 * worth of audio; the agent's {@code /stream.ts} must decode with no error.
 */
class AudioFeedTest {
    private static final int SEGMENTS = 4;
    private static final int PLAYED = 3;
    private static final int RATE = 44100;

    private static final List<String> MP3 = List.of("-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3");
    private static final List<String> ADTS = List.of("-c:a", "aac", "-b:a", "64k", "-f", "adts");

    /** MP3: segments and /stream.ts (the playlist: see {@link #mp3FeedPlaysOverHls}). */
    @Test
    @Timeout(90)
    void mp3Feed(@TempDir Path dir) throws Exception {
        check(dir, "mp3", 1152, MP3, false);
    }

    /** AAC in ADTS: segments, /stream.ts and /playlist.m3u8 through ffmpeg's HLS client. */
    @Test
    @Timeout(90)
    void aacAdtsFeed(@TempDir Path dir) throws Exception {
        check(dir, "aac", 1024, ADTS, true);
    }

    @Test
    @Timeout(90)
    void mp3FeedPlaysOverHls(@TempDir Path dir) throws Exception {
        check(dir, "mp3", 1152, MP3, true);
    }

    private static void check(Path dir, String codec, int samplesPerFrame, List<String> encode, boolean hlsCheck)
            throws Exception {
        Media.assumeTools();
        Process ffmpeg = null;
        LiveRig rig = null;
        try {
            List<String> args = new ArrayList<>(List.of("-re", "-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=" + RATE));
            args.addAll(encode);
            args.add("-");
            ffmpeg = Media.startFfmpeg(dir.resolve("ffmpeg.log"), args);
            rig = new LiveRig(dir, Feeds.ofStream(ffmpeg.getInputStream(), "ffmpeg " + codec));
            LiveRig.Agent agent = rig.startAgent("agent", c -> c);
            LiveRig.StreamReader reader = rig.read(agent.uri("/stream.ts"));

            LiveRig r = rig;
            LiveRig.await(() -> r.copies.size() >= SEGMENTS && agent.started.size() > PLAYED, Duration.ofSeconds(60),
                    () -> codec + ": published " + r.copies.keySet() + ", agent started " + agent.started);
            TreeSet<Long> checked = new TreeSet<>(rig.copies.keySet());

            // A player pointed straight at /stream.ts (the Content-Type says video/mp2t).
            List<String> direct = Media.decodeErrors(dir, agent.uri("/stream.ts").toString(), 2);
            // And an HLS client over /playlist.m3u8 (segments named .ts, holding raw MP3/ADTS frames).
            List<String> hls = hlsCheck ? Media.decodeErrors(dir, agent.uri("/playlist.m3u8").toString(), 3,
                    "-live_start_index", "0") : List.of();
            reader.stop();
            assertNull(reader.error, "reading /stream.ts");

            List<String> report = new ArrayList<>();
            for (long seq : checked) {
                Path seg = dir.resolve("segment-" + seq + "." + codec);
                Files.copy(rig.copies.get(seq), seg);
                SegmentDescriptor d = rig.descriptors.get(seq);
                List<String> errors = Media.decodeErrors(dir, seg);
                String format = Media.audioFormat(dir, seg);
                double seconds = Media.decodedFrames(dir, seg, "a") * (double) samplesPerFrame / RATE;
                report.add(String.format(Locale.ROOT, "#%d %d B manifest %.3f s decoded %.3f s %s", seq,
                        Files.size(seg), d.duration().toMillis() / 1000.0, seconds, format));
                assertEquals(List.of(), errors, codec + " segment " + seq + " does not decode alone");
                assertEquals(codec + "," + RATE, format, codec + " segment " + seq);
                double target = LiveRig.SEGMENT.toMillis() / 1000.0;
                assertEquals(target, seconds, 0.25, codec + " segment " + seq + " decoded duration");
                assertEquals(d.duration().toMillis() / 1000.0, seconds, 0.1, codec + " segment " + seq
                        + ": manifest duration vs decoded");
            }
            System.out.println(codec + " feed: segments\n  " + String.join("\n  ", report));

            assertEquals(List.of(), agent.skipped, codec + ": agent skipped segments");
            List<Long> played = List.copyOf(agent.started).subList(0, PLAYED);
            for (int k = 1; k < played.size(); k++) {
                assertEquals(played.get(k - 1) + 1, played.get(k), codec + ": agent played " + agent.started);
            }
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            double seconds = 0;
            for (long s : played) {
                expected.writeBytes(rig.published(s));
                seconds += rig.descriptors.get(s).duration().toMillis() / 1000.0;
            }
            byte[] got = reader.bytes();
            assertTrue(got.length >= expected.size(), codec + ": /stream.ts gave " + got.length + " bytes < "
                    + expected.size());
            byte[] head = Arrays.copyOf(got, expected.size());
            assertArrayEquals(expected.toByteArray(), head, codec + ": /stream.ts is not the segments played");
            Path stream = dir.resolve("stream." + codec);
            Files.write(stream, head);
            List<String> errors = Media.decodeErrors(dir, stream);
            double decoded = Media.decodedFrames(dir, stream, "a") * (double) samplesPerFrame / RATE;
            System.out.printf(Locale.ROOT, "%s feed: agent /stream.ts segments %s, %d bytes, manifest %.3f s, "
                    + "decoded %.3f s, startup %d ms; direct ffmpeg on the URL: %s; on the playlist: %s%n", codec, played,
                    head.length, seconds, decoded, agent.agent.startupMillis(), direct, hls);
            assertEquals(List.of(), errors, codec + ": /stream.ts does not decode cleanly");
            assertEquals(seconds, decoded, 0.1, codec + ": /stream.ts decoded duration");
            assertEquals(List.of(), direct, codec + ": ffmpeg reading http /stream.ts");
            assertEquals(List.of(), hls, codec + ": ffmpeg reading http /playlist.m3u8");
        } finally {
            if (rig != null) {
                rig.close(); // closes the feed first: a piped ffmpeg then ends on a broken pipe
            }
            Media.stop(ffmpeg);
        }
    }
}
