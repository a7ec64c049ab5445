package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.minuteswarm.channel.Bencode;

class TorrentFileTest {
    private static final URI ANNOUNCE = URI.create("http://127.0.0.1:8000/announce");

    @TempDir
    Path dir;

    @Test
    void makeThenParseRoundTrips() throws Exception {
        Path file = Segments.randomFile(dir, "seg-42.ts", 625_000, 42);
        TorrentFile made = TorrentFile.make(file, ANNOUNCE);
        TorrentFile parsed = TorrentFile.parse(made.bytes());
        assertEquals(made.infoHash(), parsed.infoHash());
        assertEquals(625_000, parsed.length());
        assertEquals(16 * 1024, parsed.pieceLength());
        assertEquals(39, parsed.pieceCount());
        assertEquals("seg-42.ts", parsed.name());
        assertEquals(ANNOUNCE, parsed.announce());
        // The info-hash is the SHA-1 of the info dictionary's bencoding (BEP 3).
        Map<String, Object> root = Bencode.decodeDictionary(made.bytes());
        byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(Bencode.encode(root.get("info")));
        assertArrayEquals(sha1, made.infoHash().bytes());
    }

    @Test
    void pieceLengthGivesAFewHundredPiecesWithinBounds() {
        assertEquals(16 * 1024, TorrentFile.pieceLengthFor(1));
        assertEquals(16 * 1024, TorrentFile.pieceLengthFor(300_000));
        assertEquals(16 * 1024, TorrentFile.pieceLengthFor(2 * 1024 * 1024));
        assertEquals(64 * 1024, TorrentFile.pieceLengthFor(8 * 1024 * 1024));
        assertEquals(4 * 1024 * 1024, TorrentFile.pieceLengthFor(10L << 30));
        for (long length = 2 << 20; length < 512L << 20; length = length * 3 / 2) {
            long pieces = (length + TorrentFile.pieceLengthFor(length) - 1) / TorrentFile.pieceLengthFor(length);
            assertTrue(pieces >= 128 && pieces <= 256, length + " -> " + pieces);
        }
    }

    @Test
    void garbageIsRejectedWithAClearMessage() {
        IOException notBencode = assertThrows(IOException.class,
                () -> TorrentFile.parse("hello".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(notBencode.getMessage().startsWith("not a torrent file"), notBencode.getMessage());
        IOException noInfo = assertThrows(IOException.class,
                () -> TorrentFile.parse(Bencode.encode(Map.of("announce", "http://x/announce"))));
        assertEquals("not a torrent file: no info dictionary", noInfo.getMessage());
        IOException badPieces = assertThrows(IOException.class, () -> TorrentFile.parse(Bencode.encode(Map.of(
                "announce", "http://x/announce",
                "info", Map.of("name", "a", "length", 40_000L, "piece length", 16_384L, "pieces", new byte[20])))));
        assertTrue(badPieces.getMessage().contains("piece hashes"), badPieces.getMessage());
    }
}
