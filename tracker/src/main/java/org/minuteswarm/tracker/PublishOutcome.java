package org.minuteswarm.tracker;

import java.util.List;
import java.util.Map;
import org.minuteswarm.channel.Bencode;

/**
 * The answer to a publish: whether the channel's newest manifest is now live (served to
 * listeners), its live edge, and the segments whose torrents the store still needs before it
 * can go live (a manifest is never served while one of its torrents would 404).
 */
public record PublishOutcome(boolean live, long latestSequence, List<Long> missingTorrents) {
    public PublishOutcome {
        missingTorrents = List.copyOf(missingTorrents);
    }

    /** Wire form: {@code d4:livei0|1e7:missingl...e8:sequenceiNee}. */
    byte[] encode() {
        return Bencode.encode(Map.of("live", live ? 1L : 0L, "sequence", latestSequence,
                "missing", List.copyOf(missingTorrents)));
    }
}
