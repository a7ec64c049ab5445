package org.minuteswarm.channel;

/** A manifest that must not be trusted: malformed, forged, for another channel, or stale. */
public final class ManifestException extends Exception {
    public ManifestException(String message) {
        super(message);
    }
}
