package org.minuteswarm.tracker;

/** BEP 3 {@code event}: absent or empty for a regular announce. */
enum AnnounceEvent {
    NONE, STARTED, COMPLETED, STOPPED;

    static AnnounceEvent parse(String text) throws ClientError {
        switch (text) {
            case "":
                return NONE;
            case "started":
                return STARTED;
            case "completed":
                return COMPLETED;
            case "stopped":
                return STOPPED;
            default:
                throw new ClientError("unknown event (must be started, completed, stopped or empty)");
        }
    }
}
