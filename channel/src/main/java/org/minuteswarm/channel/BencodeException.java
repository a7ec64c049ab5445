package org.minuteswarm.channel;

/** Input that is not valid, canonical bencoding. */
public final class BencodeException extends Exception {
    public BencodeException(String message) {
        super(message);
    }
}
