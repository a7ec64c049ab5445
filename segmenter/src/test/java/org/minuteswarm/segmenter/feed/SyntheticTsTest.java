package org.minuteswarm.segmenter.feed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SyntheticTsTest {

    private static final int P = TsPacket.SIZE;
    private static final Path FFPROBE = Path.of("/usr/bin/ffprobe");

    @TempDir
    Path dir;

    @Test
    void sameSeedSameBytesAndLengthFollowsTheBitRate() {
        byte[] a = SyntheticTs.generate(1_000_000, Duration.ofSeconds(2), 42);
        assertArrayEquals(a, SyntheticTs.generate(1_000_000, Duration.ofSeconds(2), 42));
        assertFalse(java.util.Arrays.equals(a, SyntheticTs.generate(1_000_000, Duration.ofSeconds(2), 43)));
        assertEquals(0, a.length % P);
        assertEquals((2_000_000 / 8 + P - 1) / P * P, a.length, 2 * P);
        assertThrows(IllegalArgumentException.class, () -> SyntheticTs.generate(1000, Duration.ofSeconds(1), 1));
    }

    @Test
    void packetsAreWellFormed() {
        byte[] ts = SyntheticTs.generate(2_000_000, Duration.ofSeconds(3), 1);
        Map<Integer, Integer> cc = new HashMap<>();
        long lastPcr = -1;
        int pats = 0;
        int keyframes = 0;
        for (int off = 0; off < ts.length; off += P) {
            assertTrue(TsPacket.isSync(ts, off));
            int pid = TsPacket.pid(ts, off);
            assertTrue(pid == TsPacket.PID_PAT || pid == SyntheticTs.PMT_PID || pid == SyntheticTs.VIDEO_PID);
            Integer prev = cc.put(pid, TsPacket.continuityCounter(ts, off));
            if (prev != null) {
                assertEquals((prev + 1) & 0x0F, TsPacket.continuityCounter(ts, off), "continuity of PID " + pid);
            }
            if (pid != SyntheticTs.VIDEO_PID) {
                assertTrue(TsPacket.payloadUnitStart(ts, off));
                int sectionLength = ((ts[off + 6] & 0x0F) << 8) | (ts[off + 7] & 0xFF);
                // the MPEG-2 CRC over a section including its CRC_32 is 0
                assertEquals(0, Mpeg2Crc32.of(ts, off + 5, 3 + sectionLength), "CRC of PID " + pid);
                pats += pid == TsPacket.PID_PAT ? 1 : 0;
            }
            if (TsPacket.hasPcr(ts, off)) {
                assertEquals(SyntheticTs.VIDEO_PID, pid);
                assertTrue(TsPacket.payloadUnitStart(ts, off));
                long pcr = TsPacket.pcr(ts, off);
                // the PCR says when the packet goes out at the constant bit rate
                assertEquals(off * 8L * TsPacket.PCR_HZ / 2_000_000, pcr, 300);
                if (lastPcr >= 0) {
                    long gapMs = (pcr - lastPcr) / 27_000;
                    assertTrue(gapMs > 30 && gapMs < 50, "PCR gap " + gapMs + " ms");
                }
                lastPcr = pcr;
                keyframes += TsPacket.randomAccess(ts, off) ? 1 : 0;
            }
        }
        assertEquals(30, pats); // every 100 ms
        assertEquals(3, keyframes); // once per second
    }

    @Test
    void twoSecondCutsHoldBitRateTimesTwoSecondsOfBytes() throws IOException {
        byte[] ts = SyntheticTs.generate(3_000_000, Duration.ofSeconds(9), 2);
        CollectingSink sink = new CollectingSink();
        new Segmenter(new SegmenterConfig(Duration.ofSeconds(2), dir), new ChunkedFeed(ts, 65536), sink,
                new FakeTime()).run();
        assertEquals(5, sink.segments.size());
        for (CollectingSink.Seg s : sink.segments.subList(0, 4)) {
            assertEquals(3_000_000 * 2 / 8, s.bytes().length, 3_000_000 / 8 / 20); // within 50 ms
        }
    }

    @Test
    void liveFeedIsPacedAtRealTime() throws IOException {
        FakeTime time = new FakeTime();
        Feed live = SyntheticTs.liveFeed(1_000_000, 42, time, time.sleeper());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[5000];
        while (out.size() < 125_000) { // one second of stream at 1 Mbit/s
            int n = live.read(buf, 0, buf.length);
            assertTrue(n > 0);
            out.write(buf, 0, n);
        }
        // the stream is the same as generate(); its clock time is ~1 s
        byte[] got = out.toByteArray();
        byte[] expected = SyntheticTs.generate(1_000_000, Duration.ofSeconds(3), 42);
        assertArrayEquals(java.util.Arrays.copyOf(expected, got.length), got);
        assertEquals(1000, time.slept().toMillis(), 45);
        live.close();
        assertEquals(-1, live.read(buf, 0, buf.length));
    }

    @Test
    void ffprobeRecognisesMpegTs() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(FFPROBE), "ffprobe is not installed");
        Path file = Files.write(dir.resolve("synthetic.ts"), SyntheticTs.generate(1_000_000, Duration.ofSeconds(2), 3));
        Process p = new ProcessBuilder(FFPROBE.toString(), "-v", "error", "-show_entries",
                "format=format_name:stream=codec_type,codec_name", "-of", "default=noprint_wrappers=1",
                file.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "ffprobe did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("format_name=mpegts"), out);
        assertTrue(out.contains("codec_type=video"), out);
    }
}
