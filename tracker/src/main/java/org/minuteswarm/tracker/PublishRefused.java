package org.minuteswarm.tracker;

/**
 * A publish the {@link ChannelStore} refuses, with the HTTP status that says why: 400 malformed,
 * 403 signature or key, 404 unknown channel, 409 out of order or not listed, 413 too large, 507
 * no room for another channel. The message is one line, safe to send back.
 */
public final class PublishRefused extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    PublishRefused(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
