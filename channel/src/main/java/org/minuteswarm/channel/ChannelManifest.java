package org.minuteswarm.channel;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The channel manifest: name, key, nominal segment duration, when it was issued, the rolling
 * window of segments in sequence order, and optionally the origin's BitTorrent address. {@link #encode()}
 * gives its one canonical bencoded form, which is what the channel key signs (see {@link SignedManifest}).
 *
 * <p>{@code origin} ({@code host:port}, or null) is where the broadcaster's peer listens: a listener dials it
 * the moment it starts a new segment's torrent, before its tracker announce has answered, since the origin is
 * the first and at first only source of every segment. Signed like the rest, so it cannot be pointed elsewhere.
 */
public record ChannelManifest(String name, ChannelKey key, Duration segmentDuration, Instant issuedAt,
                              List<SegmentDescriptor> segments, String media, String origin) {
    /** The channel's media format: MPEG-TS (the default, not written), or MP3 / AAC-ADTS audio. */
    public static final String MEDIA_TS = "ts";
    public static final String MEDIA_MP3 = "mp3";
    public static final String MEDIA_AAC = "aac";

    /** Format version; a listener refuses versions it does not know. */
    public static final long FORMAT = 1;

    /** An MPEG-TS channel. */
    public ChannelManifest(String name, ChannelKey key, Duration segmentDuration, Instant issuedAt,
                           List<SegmentDescriptor> segments) {
        this(name, key, segmentDuration, issuedAt, segments, MEDIA_TS, null);
    }

    /** A channel that does not say where its origin listens. */
    public ChannelManifest(String name, ChannelKey key, Duration segmentDuration, Instant issuedAt,
                           List<SegmentDescriptor> segments, String media) {
        this(name, key, segmentDuration, issuedAt, segments, media, null);
    }

    public ChannelManifest {
        ChannelName.validate(name);
        if (media == null) {
            media = MEDIA_TS;
        }
        if (!media.equals(MEDIA_TS) && !media.equals(MEDIA_MP3) && !media.equals(MEDIA_AAC)) {
            throw new IllegalArgumentException("unknown media format " + media);
        }
        if (origin != null) {
            validateOrigin(origin);
        }
        Objects.requireNonNull(key, "key");
        if (segmentDuration == null || segmentDuration.toMillis() < 1) {
            throw new IllegalArgumentException("segment duration must be at least 1 ms");
        }
        Objects.requireNonNull(issuedAt, "issuedAt");
        segments = List.copyOf(segments);
        for (int i = 1; i < segments.size(); i++) {
            if (segments.get(i).sequence() <= segments.get(i - 1).sequence()) {
                throw new IllegalArgumentException("segment sequence numbers must increase: "
                        + segments.get(i - 1).sequence() + " then " + segments.get(i).sequence());
            }
        }
    }

    /** {@code host:port} with a port of 1-65535; an IPv6 host in brackets. */
    private static void validateOrigin(String origin) {
        int colon = origin.lastIndexOf(':');
        if (colon < 1 || origin.length() > 300) {
            throw new IllegalArgumentException("origin is not host:port: " + origin);
        }
        String host = origin.substring(0, colon);
        if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))
                || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
            throw new IllegalArgumentException("origin is not host:port: " + origin);
        }
        try {
            int port = Integer.parseInt(origin.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("origin port out of range: " + origin);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("origin is not host:port: " + origin);
        }
    }

    /** The origin's host, without brackets, if the manifest gives it. */
    public java.util.Optional<String> originHost() {
        return origin == null ? java.util.Optional.empty()
                : java.util.Optional.of(origin.substring(0, origin.lastIndexOf(':')).replaceAll("^\\[|\\]$", ""));
    }

    /** The origin's peer port, or 0 if the manifest gives none. */
    public int originPort() {
        return origin == null ? 0 : Integer.parseInt(origin.substring(origin.lastIndexOf(':') + 1));
    }

    /** The file extension of this channel's segments, e.g. {@code .ts}. */
    public String extension() {
        return "." + media;
    }

    /** The HTTP Content-Type of this channel's media. */
    public String contentType() {
        return contentType(media);
    }

    /** The HTTP Content-Type of a media format (one of the MEDIA_* names). */
    public static String contentType(String media) {
        return switch (media) {
            case MEDIA_MP3 -> "audio/mpeg";
            case MEDIA_AAC -> "audio/aac";
            default -> "video/mp2t";
        };
    }

    /** The live edge's sequence number, or -1 while the window is empty. */
    public long latestSequence() {
        return segments.isEmpty() ? -1 : segments.get(segments.size() - 1).sequence();
    }

    public java.util.Optional<SegmentDescriptor> segment(long sequence) {
        return segments.stream().filter(s -> s.sequence() == sequence).findFirst();
    }

    public byte[] encode() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("channel", name);
        doc.put("key", key.raw());
        doc.put("segment duration ms", segmentDuration.toMillis());
        doc.put("issued ms", issuedAt.toEpochMilli());
        List<Object> list = new ArrayList<>();
        for (SegmentDescriptor s : segments) {
            Map<String, Object> seg = new LinkedHashMap<>();
            seg.put("seq", s.sequence());
            seg.put("info hash", s.infoHash().bytes());
            seg.put("size", s.sizeBytes());
            seg.put("duration ms", s.duration().toMillis());
            seg.put("start ms", s.startTime().toEpochMilli());
            list.add(seg);
        }
        doc.put("segments", list);
        if (!media.equals(MEDIA_TS)) {
            doc.put("media", media);
        }
        if (origin != null) {
            doc.put("origin", origin);
        }
        return Bencode.encode(doc);
    }

    /** Decodes the canonical form; anything malformed or non-canonical is a {@link ManifestException}. */
    public static ChannelManifest decode(byte[] bytes) throws ManifestException {
        try {
            Map<String, Object> doc = Bencode.decodeDictionary(bytes);
            long format = number(doc, "format");
            if (format != FORMAT) {
                throw new ManifestException("unknown manifest format " + format);
            }
            List<SegmentDescriptor> segments = new ArrayList<>();
            for (Object o : list(doc, "segments")) {
                if (!(o instanceof Map<?, ?> m)) {
                    throw new ManifestException("segment entry is not a dictionary");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> seg = (Map<String, Object>) m;
                segments.add(new SegmentDescriptor(number(seg, "seq"), InfoHash.of(bytes(seg, "info hash")),
                        number(seg, "size"), Duration.ofMillis(number(seg, "duration ms")),
                        Instant.ofEpochMilli(number(seg, "start ms"))));
            }
            ChannelManifest manifest = new ChannelManifest(text(doc, "channel"), ChannelKey.ofRaw(bytes(doc, "key")),
                    Duration.ofMillis(number(doc, "segment duration ms")),
                    Instant.ofEpochMilli(number(doc, "issued ms")), segments,
                    doc.containsKey("media") ? text(doc, "media") : MEDIA_TS,
                    doc.containsKey("origin") ? text(doc, "origin") : null);
            if (!java.util.Arrays.equals(manifest.encode(), bytes)) {
                throw new ManifestException("manifest is not in canonical form");
            }
            return manifest;
        } catch (BencodeException e) {
            throw new ManifestException("manifest is not valid bencoding: " + e.getMessage());
        } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
            throw new ManifestException("manifest has a bad field: " + e.getMessage());
        }
    }

    static long number(Map<String, Object> d, String key) throws ManifestException {
        if (d.get(key) instanceof Long v) {
            return v;
        }
        throw new ManifestException("manifest field '" + key + "' missing or not an integer");
    }

    static byte[] bytes(Map<String, Object> d, String key) throws ManifestException {
        if (d.get(key) instanceof byte[] v) {
            return v;
        }
        throw new ManifestException("manifest field '" + key + "' missing or not a string");
    }

    static String text(Map<String, Object> d, String key) throws ManifestException {
        return new String(bytes(d, key), java.nio.charset.StandardCharsets.UTF_8);
    }

    static List<?> list(Map<String, Object> d, String key) throws ManifestException {
        if (d.get(key) instanceof List<?> v) {
            return v;
        }
        throw new ManifestException("manifest field '" + key + "' missing or not a list");
    }
}
