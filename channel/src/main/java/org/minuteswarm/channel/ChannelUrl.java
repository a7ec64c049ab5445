package org.minuteswarm.channel;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * What a listener needs to tune in: where the manifest is served and which key must have signed
 * it. Text form: {@code http://HOST:PORT/channels/NAME?key=BASE64URL} (a {@code #key=} fragment is
 * accepted too). The base is everything before {@code /channels/NAME}, so any mirror can serve it.
 */
public record ChannelUrl(URI base, String name, ChannelKey key) {
    public ChannelUrl {
        ChannelName.validate(name);
        if (key == null) {
            throw new IllegalArgumentException("channel URL needs a key");
        }
        if (base == null || !"http".equalsIgnoreCase(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("channel URL must be http://HOST[:PORT]/channels/NAME?key=KEY");
        }
    }

    public static ChannelUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + text);
        }
        String usage = "channel URL must look like http://HOST:PORT/channels/NAME?key=KEY, got " + text;
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawPath() == null) {
            throw new IllegalArgumentException(usage);
        }
        String path = uri.getRawPath();
        int at = path.lastIndexOf("/channels/");
        if (at < 0) {
            throw new IllegalArgumentException(usage);
        }
        String name = path.substring(at + "/channels/".length());
        String keyText = param(uri.getRawQuery(), "key");
        if (keyText == null) {
            keyText = param(uri.getRawFragment(), "key");
        }
        if (keyText == null) {
            throw new IllegalArgumentException("channel URL has no key=... (the channel's public key): " + text);
        }
        URI base;
        try {
            base = new URI(uri.getScheme() + "://" + uri.getRawAuthority() + path.substring(0, at));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(usage);
        }
        try {
            return new ChannelUrl(base, name, ChannelKey.parse(keyText));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad channel URL " + text + ": " + e.getMessage());
        }
    }

    private static String param(String raw, String key) {
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(key)) {
                return pair.substring(eq + 1);
            }
        }
        return null;
    }

    /** The manifest's location (without the key). */
    public URI manifestUri() {
        return URI.create(baseText() + "/channels/" + name);
    }

    /** A segment torrent's location. */
    public URI torrentUri(long sequence) {
        return URI.create(baseText() + "/channels/" + name + "/" + sequence + ".torrent");
    }

    private String baseText() {
        String s = base.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String toString() {
        return manifestUri() + "?key=" + key.text();
    }
}
