package org.minuteswarm.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelUrlTest {
    private static final ChannelKey KEY = keyOf(7);
    private static final String K = KEY.text();

    private static ChannelKey keyOf(int fill) {
        byte[] raw = new byte[ChannelKey.LENGTH];
        Arrays.fill(raw, (byte) fill);
        raw[0] = (byte) 0xfb; // base64url '-' / '_' territory, which plain base64 would spell '+' / '/'
        return ChannelKey.ofRaw(raw);
    }

    private static IllegalArgumentException assertBad(String text) {
        return assertThrows(IllegalArgumentException.class, () -> ChannelUrl.parse(text), text);
    }

    @Test
    void parsesTheQueryForm() {
        ChannelUrl url = ChannelUrl.parse("http://example.org:8080/channels/radio-1?key=" + K);
        assertEquals(URI.create("http://example.org:8080"), url.base());
        assertEquals("radio-1", url.name());
        assertEquals(KEY, url.key());
        assertEquals(URI.create("http://example.org:8080/channels/radio-1"), url.manifestUri());
        assertEquals(URI.create("http://example.org:8080/channels/radio-1/42.torrent"), url.torrentUri(42));
        assertEquals("http://example.org:8080/channels/radio-1?key=" + K, url.toString());
    }

    @Test
    void parsesTheFragmentForm() {
        ChannelUrl url = ChannelUrl.parse("http://example.org:8080/channels/radio-1#key=" + K);
        assertEquals(ChannelUrl.parse("http://example.org:8080/channels/radio-1?key=" + K), url);
    }

    @Test
    void findsTheKeyAmongOtherParameters() {
        ChannelUrl url = ChannelUrl.parse("http://h:1/channels/x?a=1&key=" + K + "&b=2");
        assertEquals(KEY, url.key());
        assertEquals(KEY, ChannelUrl.parse("http://h:1/channels/x?keys=no&key=" + K).key());
        assertEquals(KEY, ChannelUrl.parse("http://h:1/channels/x?other=1#x=1&key=" + K).key());
    }

    @Test
    void formatParseRoundTrip() {
        String[] texts = {"http://127.0.0.1:8080/channels/a?key=" + K, "http://h/channels/x.y_z-0?key=" + K,
                "http://[::1]:9000/channels/tv?key=" + K, "http://h:1/mirror/channels/x?key=" + K,
                "http://h:1/a/b/c/channels/x?key=" + K};
        for (String text : texts) {
            ChannelUrl url = ChannelUrl.parse(text);
            assertEquals(text, url.toString());
            assertEquals(url, ChannelUrl.parse(url.toString()));
        }
    }

    @Test
    void constructorAndParseAgree() {
        ChannelUrl built = new ChannelUrl(URI.create("http://h:1"), "x", KEY);
        assertEquals(ChannelUrl.parse("http://h:1/channels/x?key=" + K), built);
        ChannelUrl slash = new ChannelUrl(URI.create("http://h:1/"), "x", KEY);
        assertEquals(URI.create("http://h:1/channels/x"), slash.manifestUri(), "no double slash");
    }

    @Test
    void pathPrefixStaysInTheBase() {
        ChannelUrl url = ChannelUrl.parse("http://h:1/mirror/channels/x?key=" + K);
        assertEquals(URI.create("http://h:1/mirror"), url.base());
        assertEquals("x", url.name());
        assertEquals(URI.create("http://h:1/mirror/channels/x"), url.manifestUri());
        assertEquals(URI.create("http://h:1/mirror/channels/x/7.torrent"), url.torrentUri(7));
        assertEquals(URI.create("http://h:1/mirror/channels/x/0.torrent"), url.torrentUri(0));
    }

    @Test
    void theLastChannelsSegmentNamesTheChannel() {
        ChannelUrl url = ChannelUrl.parse("http://h:1/channels/a/channels/b?key=" + K);
        assertEquals("b", url.name());
        assertEquals(URI.create("http://h:1/channels/a/channels/b"), url.manifestUri());
        assertEquals("channels", ChannelUrl.parse("http://h:1/channels/channels?key=" + K).name());
    }

    @Test
    void percentEncodedPrefixIsNotEncodedTwice() {
        ChannelUrl url = ChannelUrl.parse("http://h:1/my%20mirror/channels/x?key=" + K);
        assertEquals(URI.create("http://h:1/my%20mirror/channels/x"), url.manifestUri());
        assertEquals("http://h:1/my%20mirror/channels/x?key=" + K, url.toString());
    }

    @Test
    void hostPortAndSchemeCase() {
        assertEquals(URI.create("http://h/channels/x"), ChannelUrl.parse("http://h/channels/x?key=" + K).manifestUri());
        assertEquals(KEY, ChannelUrl.parse("HTTP://h:1/channels/x?key=" + K).key());
        assertEquals(KEY, ChannelUrl.parse("  http://h:1/channels/x?key=" + K + "\n").key(), "trimmed");
        ChannelUrl v6 = ChannelUrl.parse("http://[::1]:8080/channels/x?key=" + K);
        assertEquals(URI.create("http://[::1]:8080/channels/x/3.torrent"), v6.torrentUri(3));
    }

    @Test
    void missingKey() {
        IllegalArgumentException e = assertBad("http://h:1/channels/x");
        assertTrue(e.getMessage().contains("key"), e.getMessage());
        assertBad("http://h:1/channels/x?k=" + K);
        assertBad("http://h:1/channels/x?=" + K);
        assertBad("http://h:1/channels/x?key");
        assertBad("http://h:1/channels/x#" + K);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "AAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // 42 chars: 31 bytes
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // 46 chars: 34 bytes
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // 64 bytes
            "!!!!", "+/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    void badKey(String keyText) {
        IllegalArgumentException e = assertBad("http://h:1/channels/x?key=" + keyText);
        assertTrue(e.getMessage().contains("key"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://h:1/channels/x?key=", "ftp://h:1/channels/x?key=", "file:///channels/x?key=",
            "h:1/channels/x?key=", "/channels/x?key=", "channels/x?key=", "mailto:x@h?key="})
    void notHttp(String prefix) {
        assertBad(prefix + K);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://h:1/x?key=", "http://h:1/channel/x?key=", "http://h:1/channels?key=",
            "http://h:1/?key=", "http://h:1?key=", "http:///channels/x?key=", "http://h:1/channels/?key=",
            "http://h:1/channels/x/?key=", "http://h:1/channels/x/y?key=", "http://h:1/channels/-x?key=",
            "http://h:1/channels/.x?key=", "http://h:1/channels/a%20b?key=", "http://h:1/channels/%41?key=",
            "http://h:1/channels/a:b?key=", "http://h:1/channels/\u00e9?key=", "not a url at all?key=",
            "http://h:1/channels/x y?key="})
    void badPathOrName(String prefix) {
        assertBad(prefix + K);
    }

    @Test
    void channelNameLimits() {
        String max = "a".repeat(64);
        assertEquals(max, ChannelUrl.parse("http://h:1/channels/" + max + "?key=" + K).name());
        assertBad("http://h:1/channels/" + "a".repeat(65) + "?key=" + K);
    }

    @Test
    void constructorValidates() {
        URI base = URI.create("http://h:1");
        assertThrows(IllegalArgumentException.class, () -> new ChannelUrl(base, "x", null));
        assertThrows(IllegalArgumentException.class, () -> new ChannelUrl(base, "bad/name", KEY));
        assertThrows(IllegalArgumentException.class, () -> new ChannelUrl(null, "x", KEY));
        assertThrows(IllegalArgumentException.class, () -> new ChannelUrl(URI.create("https://h:1"), "x", KEY));
        assertThrows(IllegalArgumentException.class, () -> new ChannelUrl(URI.create("/relative"), "x", KEY));
    }
}
