package org.minuteswarm.seeder;

import bt.metainfo.MetadataService;
import bt.metainfo.Torrent;
import bt.torrent.maker.TorrentBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.minuteswarm.channel.Bencode;
import org.minuteswarm.channel.BencodeException;
import org.minuteswarm.channel.InfoHash;

/**
 * An immutable single-file BitTorrent v1 metainfo file (BEP 3). The bytes are validated with our
 * strict bencode parser; bt parses the same bytes again when it runs the torrent.
 */
public final class TorrentFile {
    static final int MIN_PIECE_LENGTH = 16 * 1024;
    static final int MAX_PIECE_LENGTH = 4 * 1024 * 1024;
    /** Aim for 128..255 pieces: enough for peers to trade pieces with each other, few enough to hash cheaply. */
    static final int TARGET_PIECES = 128;
    /** Stateless once its schema is loaded, so one serves every parse. */
    private static final MetadataService METADATA = new MetadataService();

    private final byte[] bytes;
    private final InfoHash infoHash;
    private final long length;
    private final int pieceLength;
    private final int pieceCount;
    private final String name;
    private final URI announce;

    private TorrentFile(byte[] bytes, InfoHash infoHash, long length, int pieceLength, int pieceCount, String name,
                        URI announce) {
        this.bytes = bytes;
        this.infoHash = infoHash;
        this.length = length;
        this.pieceLength = pieceLength;
        this.pieceCount = pieceCount;
        this.name = name;
        this.announce = announce;
    }

    /** Hashes {@code file} into a torrent announcing to {@code announce}, piece length from {@link #pieceLengthFor}. */
    public static TorrentFile make(Path file, URI announce) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("not a regular file: " + file);
        }
        byte[] bytes;
        try {
            bytes = new TorrentBuilder()
                    .addFile(file)
                    .announce(announce.toString())
                    .pieceSize(pieceLengthFor(Files.size(file)))
                    .build();
        } catch (RuntimeException e) {
            throw new IOException("cannot make a torrent of " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes);
    }

    /** A power of two giving about {@value #TARGET_PIECES} pieces, within 16 KiB .. 4 MiB. */
    static int pieceLengthFor(long fileLength) {
        long wanted = Long.highestOneBit(Math.max(1, fileLength / TARGET_PIECES));
        return (int) Math.max(MIN_PIECE_LENGTH, Math.min(MAX_PIECE_LENGTH, wanted));
    }

    /** Parses and validates a .torrent; only single-file v1 torrents with an announce URL are accepted. */
    public static TorrentFile parse(byte[] bytes) throws IOException {
        byte[] copy = bytes.clone();
        Map<String, Object> root;
        try {
            root = Bencode.decodeDictionary(copy);
        } catch (BencodeException e) {
            throw new IOException("not a torrent file (bad bencoding: " + e.getMessage() + ")", e);
        }
        if (!(root.get("info") instanceof Map<?, ?> info)) {
            throw new IOException("not a torrent file: no info dictionary");
        }
        if (info.containsKey("files")) {
            throw new IOException("multi-file torrents are not supported");
        }
        long length = positive(info, "length");
        long pieceLength = positive(info, "piece length");
        if (pieceLength > Integer.MAX_VALUE) {
            throw new IOException("piece length too large: " + pieceLength);
        }
        if (!(info.get("pieces") instanceof byte[] pieces) || pieces.length % 20 != 0) {
            throw new IOException("torrent 'pieces' must be a string of 20-byte SHA-1 hashes");
        }
        long expectedPieces = (length + pieceLength - 1) / pieceLength;
        if (pieces.length / 20 != expectedPieces) {
            throw new IOException("torrent has " + pieces.length / 20 + " piece hashes but its length needs "
                    + expectedPieces);
        }
        String name = string(info, "name");
        URI announce;
        try {
            announce = new URI(string(root, "announce"));
        } catch (URISyntaxException e) {
            throw new IOException("bad announce URL: " + e.getMessage(), e);
        }
        Torrent torrent;
        try {
            torrent = METADATA.fromByteArray(copy);
        } catch (RuntimeException e) {
            throw new IOException("bt rejected the torrent: " + e.getMessage(), e);
        }
        InfoHash infoHash = InfoHash.of(torrent.getTorrentId().getBytes());
        return new TorrentFile(copy, infoHash, length, (int) pieceLength, (int) expectedPieces, name, announce);
    }

    private static long positive(Map<?, ?> dict, String key) throws IOException {
        if (!(dict.get(key) instanceof Long value) || value <= 0) {
            throw new IOException("torrent '" + key + "' must be a positive integer");
        }
        return value;
    }

    private static String string(Map<?, ?> dict, String key) throws IOException {
        if (!(dict.get(key) instanceof byte[] value) || value.length == 0) {
            throw new IOException("torrent '" + key + "' is missing");
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public InfoHash infoHash() {
        return infoHash;
    }

    public long length() {
        return length;
    }

    public int pieceLength() {
        return pieceLength;
    }

    public int pieceCount() {
        return pieceCount;
    }

    public String name() {
        return name;
    }

    public URI announce() {
        return announce;
    }

    /** bt's view of the same bytes, parsed afresh so that no two bt clients share one object. */
    Torrent btTorrent() {
        return METADATA.fromByteArray(bytes);
    }

    @Override
    public String toString() {
        return name + " (" + infoHash + ", " + length + " bytes)";
    }
}
