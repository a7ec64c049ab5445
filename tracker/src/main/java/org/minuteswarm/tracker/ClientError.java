package org.minuteswarm.tracker;

/**
 * A request the tracker refuses; its message is the BEP 3 {@code failure reason} sent back, so it
 * must be short, in English, and safe to show (no stack traces, no echoed binary).
 */
final class ClientError extends Exception {
    private static final long serialVersionUID = 1L;

    ClientError(String reason) {
        super(reason, null, false, false);
    }

    String reason() {
        return getMessage();
    }
}
