package org.minuteswarm.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.minuteswarm.channel.InfoHash;

/** The parse step, without sockets: every field, and every way a query can be malformed. */
class AnnounceRequestTest {
    private static final InetAddress REMOTE = address("192.0.2.7");
    private static final TrackerConfig CONFIG = TrackerConfig.defaults(InetAddress.getLoopbackAddress(), 0);
    /** Bytes that UTF-8 decoding would mangle: high bytes, '%', '+', '&', '=' and NUL. */
    private static final byte[] HASH_BYTES = {(byte) 0xff, (byte) 0xfe, 0x00, '%', '+', '&', '=', (byte) 0x80,
        (byte) 0xc3, (byte) 0xa9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    private static final InfoHash HASH = InfoHash.of(HASH_BYTES);
    private static final String VALID = Queries.announce(HASH, 1, 6881, 500, "");

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static AnnounceRequest parse(String query) throws ClientError {
        return AnnounceRequest.parse(QueryParameters.parse(query), REMOTE, CONFIG);
    }

    static String reason(String query) {
        return assertThrows(ClientError.class, () -> parse(query), query).reason();
    }

    @Test
    void parsesAValidAnnounce() throws ClientError {
        AnnounceRequest r = parse(VALID + "&event=started&numwant=30&compact=0&no_peer_id=1&key=abc&trackerid=x");
        assertEquals(HASH, r.infoHash());
        assertArrayEquals(Queries.peerId(1), r.peerId().bytes());
        assertEquals(new PeerEndpoint(REMOTE, 6881), r.endpoint());
        assertEquals(500, r.left());
        assertFalse(r.seeder());
        assertEquals(AnnounceEvent.STARTED, r.event());
        assertEquals(30, r.numwant());
        assertFalse(r.compact());
        assertTrue(r.noPeerId());
        assertEquals(Optional.of("abc"), r.key());
    }

    @Test
    void defaults() throws ClientError {
        AnnounceRequest r = parse(VALID);
        assertEquals(AnnounceEvent.NONE, r.event());
        assertEquals(50, r.numwant());
        assertTrue(r.compact(), "BEP 23: compact unless asked otherwise");
        assertFalse(r.noPeerId());
        assertEquals(Optional.empty(), r.key());
        assertEquals(AnnounceEvent.NONE, parse(VALID + "&event=").event());
    }

    @Test
    void infoHashIsDecodedAsRawBytesNotUtf8() throws ClientError {
        // lower-case escapes and unescaped safe bytes must decode to the same 20 bytes
        String lower = VALID.replace("%FF", "%ff").replace("%FE", "%fe");
        assertEquals(HASH, parse(lower).infoHash());
    }

    @Test
    void leftZeroIsASeederAndNumwantIsCapped() throws ClientError {
        assertTrue(parse(Queries.announce(HASH, 1, 1, 0, "")).seeder());
        assertEquals(200, parse(VALID + "&numwant=5000").numwant());
        assertEquals(200, parse(VALID + "&numwant=99999999999999999").numwant());
        assertEquals(0, parse(VALID + "&numwant=0").numwant());
    }

    @Test
    void eventsAndPorts() throws ClientError {
        assertEquals(AnnounceEvent.COMPLETED, parse(VALID + "&event=completed").event());
        assertEquals(AnnounceEvent.STOPPED, parse(VALID + "&event=stopped").event());
        assertEquals(65535, parse(Queries.announce(HASH, 1, 65535, 0, "")).endpoint().port());
        assertEquals(1, parse(Queries.announce(HASH, 1, 1, 0, "")).endpoint().port());
    }

    @Test
    void ipParameterIsHonouredOnlyAsALiteral() throws ClientError {
        assertEquals(address("198.51.100.9"), parse(VALID + "&ip=198.51.100.9").endpoint().address());
        assertEquals(address("2001:db8::1"), parse(VALID + "&ip=2001%3Adb8%3A%3A1").endpoint().address());
        assertEquals(REMOTE, parse(VALID + "&ip=example.com").endpoint().address());
        assertEquals(REMOTE, parse(VALID + "&ip=").endpoint().address());
        assertEquals(REMOTE, parse(VALID + "&ip=1.2.3.4.5").endpoint().address());
        assertEquals(REMOTE, parse(VALID + "&ip=fe80%3A%3A1%25eth0").endpoint().address());
        assertEquals(REMOTE, parse(VALID + "&ip=fe80%3A%3A1%25nosuchif9").endpoint().address());
        assertEquals(REMOTE, parse(VALID + "&ip=0.0.0.0").endpoint().address());
        assertEquals(REMOTE, parse(VALID + "&ip=224.0.0.1").endpoint().address());
        assertEquals(address("1.2.3.4"), parse(VALID + "&ip=%3A%3Affff%3A1.2.3.4").endpoint().address());
    }

    /** Random edits of a valid query: the parser answers or refuses, it never throws anything else. */
    @Test
    void mutatedQueriesOnlyEverFailWithAReason() {
        java.util.Random random = new java.util.Random(7);
        String full = VALID + "&event=started&numwant=10&compact=0&no_peer_id=1&key=k&ip=10.0.0.1&trackerid=t";
        String alphabet = "%&=+0123456789abcdefABCDEF:._-~ip[]\u00e9\u0100";
        int accepted = 0;
        for (int i = 0; i < 50_000; i++) {
            StringBuilder q = new StringBuilder(full);
            for (int e = 1 + random.nextInt(4); e > 0; e--) {
                int at = random.nextInt(q.length() + 1);
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> q.insert(at, c);
                    case 1 -> q.setLength(Math.max(0, Math.min(q.length(), at)));
                    default -> {
                        if (at < q.length()) {
                            q.setCharAt(at, c);
                        }
                    }
                }
            }
            try {
                parse(q.toString());
                accepted++;
            } catch (ClientError expected) {
                // a reason for the client
            } catch (RuntimeException bug) {
                throw new AssertionError("query " + q + " threw " + bug, bug);
            }
        }
        assertTrue(accepted > 100, "some mutations stay valid: " + accepted);
    }

    @Test
    void unknownParametersAreIgnored() throws ClientError {
        assertEquals(HASH, parse(VALID + "&corrupt=0&supportcrypto=1&redundant=0&&").infoHash());
    }

    @ParameterizedTest
    @ValueSource(strings = {"info_hash", "peer_id", "port", "uploaded", "downloaded", "left"})
    void everyRequiredParameterIsRequired(String name) {
        String without = VALID.replaceAll("(^|&)" + name + "=[^&]*", "");
        assertEquals("missing parameter " + name, reason(without));
    }

    @Test
    void aStoppingPeerMayOmitLeft() throws ClientError {
        String withoutLeft = VALID.replace("&left=500", "");
        assertEquals(AnnounceEvent.STOPPED, parse(withoutLeft + "&event=stopped").event());
        assertEquals("missing parameter left", reason(withoutLeft + "&event=completed"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // info_hash and peer_id lengths
        "info_hash=%00%01|info_hash must be 20 bytes, got 2",
        "info_hash=|info_hash must be 20 bytes, got 0",
        "info_hash=aaaaaaaaaaaaaaaaaaaaa|info_hash must be 20 bytes, got 21",
        "peer_id=short|peer_id must be 20 bytes, got 5",
        "peer_id=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9x|peer_id must be 20 bytes, got 21",
        // ports
        "port=0|parameter port must be 1..65535",
        "port=65536|parameter port must be at most 65535",
        "port=-1|parameter port must be a non-negative integer",
        "port=+80|parameter port must be a non-negative integer",
        "port=80x|parameter port must be a non-negative integer",
        "port=|parameter port must be a non-negative integer",
        "port=99999999999999999999|parameter port must be a non-negative integer",
        // byte counts
        "uploaded=-5|parameter uploaded must be a non-negative integer",
        "downloaded=1.5|parameter downloaded must be a non-negative integer",
        "left=ten|parameter left must be a non-negative integer",
        "left=9223372036854775808|parameter left must be at most 9223372036854775807",
        "left=9999999999999999999|parameter left must be at most 9223372036854775807",
        "left=%20|parameter left must be a non-negative integer",
        // flags and events
        "event=paused|unknown event (must be started, completed, stopped or empty)",
        "event=STARTED|unknown event (must be started, completed, stopped or empty)",
        "numwant=-1|parameter numwant must be a non-negative integer",
        "numwant=many|parameter numwant must be a non-negative integer",
        "compact=yes|parameter compact must be 0 or 1",
        "no_peer_id=2|parameter no_peer_id must be 0 or 1",
        "key=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|parameter key longer than 64 bytes",
    })
    void malformedValuesAreRefusedWithAReason(String replacement, String expected) {
        String name = replacement.substring(0, replacement.indexOf('='));
        String query = VALID.matches("(^|.*&)" + name + "=.*")
                ? VALID.replaceAll("(^|&)" + name + "=[^&]*", "$1" + java.util.regex.Matcher.quoteReplacement(replacement))
                : VALID + "&" + replacement;
        assertEquals(expected, reason(query));
    }

    @Test
    void duplicatedParametersAreRefused() {
        assertEquals("parameter port given more than once", reason(VALID + "&port=6882"));
        assertEquals("parameter info_hash given more than once", reason(VALID + "&info_hash=" + Queries.escape(HASH_BYTES)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "%|query has a truncated %-escape",
        "%4|query has a truncated %-escape",
        "a=%4|query has a truncated %-escape",
        "a=%zz|query has a bad %-escape",
        "a=%-1|query has a bad %-escape",
        "=1|query has a parameter without a name",
        "a=\u0100|query has a character outside ISO-8859-1",
    })
    void garbageQueryStringsAreRefused(String query, String expected) {
        assertEquals(expected, assertThrows(ClientError.class, () -> QueryParameters.parse(query)).reason());
        assertEquals(expected, reason(VALID + "&" + query));
    }

    @Test
    void oversizeQueryIsRefused() {
        String big = VALID + "&pad=" + "x".repeat(QueryParameters.MAX_QUERY_CHARS);
        assertEquals("query string longer than 8192 characters", reason(big));
    }

    @Test
    void queryDecodingIsIso88591() throws ClientError {
        QueryParameters q = QueryParameters.parse("a=%E9+x&b&c=%25%2B%26&a%5F=1");
        assertArrayEquals(new byte[] {(byte) 0xe9, ' ', 'x'}, q.required("a"));
        assertArrayEquals(new byte[0], q.required("b"));
        assertArrayEquals("%+&".getBytes(), q.required("c"));
        assertArrayEquals("1".getBytes(), q.required("a_"));
        assertEquals(Optional.empty(), q.single("d"));
        assertEquals(0, QueryParameters.parse(null).size());
        assertEquals(0, QueryParameters.parse("").size());
        assertEquals(0, QueryParameters.parse("&&&").size());
    }

    @Test
    void scrapeTakesOneOrManyInfoHashes() throws ClientError {
        InfoHash other = InfoHash.fromHex("00000000000000000000000000000000000000ff");
        ScrapeRequest r = ScrapeRequest.parse(QueryParameters.parse(
                "info_hash=" + Queries.escape(HASH_BYTES) + "&info_hash=" + Queries.escape(other.bytes())));
        assertEquals(java.util.List.of(HASH, other), r.infoHashes());
        assertEquals("info_hash must be 20 bytes, got 3",
                assertThrows(ClientError.class, () -> ScrapeRequest.parse(QueryParameters.parse("info_hash=abc"))).reason());
        assertTrue(assertThrows(ClientError.class, () -> ScrapeRequest.parse(QueryParameters.parse("")))
                .reason().startsWith("missing parameter info_hash"));
    }
}
