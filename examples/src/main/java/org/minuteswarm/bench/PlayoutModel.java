package org.minuteswarm.bench;

import java.time.Duration;
import java.util.Map;

/**
 * The agent's playback rule applied to a baseline listener's completion times, so the baselines'
 * continuity is judged the way the agent judges its own: playback starts with the first segment
 * as soon as it is held (the startup delay); each later segment is due when the previous one has
 * played for one segment duration; a late segment may still arrive within the grace (half a
 * segment: a stall, and playback shifts), else it is skipped and its slot passes.
 */
final class PlayoutModel {
    private PlayoutModel() {
    }

    /**
     * @param completions sequence -> epoch millis the listener held it
     * @param startedAt   when the listener started (epoch millis)
     * @param startSeq    the segment its playback starts with
     * @param first       the first measured segment; decisions before it are not counted
     * @param last        the last measured segment
     */
    static Outcome play(Map<Long, Long> completions, long startedAt, long startSeq, long first, long last,
                        Duration segment) {
        long d = segment.toMillis();
        long grace = d / 2;
        Long start = completions.get(startSeq);
        if (start == null) {
            return new Outcome(last - first + 1, 0, 0, -1);
        }
        long startup = start - startedAt;
        long due = start + d; // when startSeq has played
        long dueCount = 0;
        long played = 0;
        long stall = 0;
        for (long s = startSeq + 1; s <= last; s++) {
            Long at = completions.get(s);
            boolean counted = s >= first;
            if (at != null && at <= due) {
                due += d;
                played += counted ? 1 : 0;
            } else if (at != null && at <= due + grace) {
                stall += counted ? at - due : 0;
                due = at + d;
                played += counted ? 1 : 0;
            } else {
                due += d; // skipped: its slot passes
            }
            dueCount += counted ? 1 : 0;
        }
        return new Outcome(dueCount, played, stall, startup);
    }

    record Outcome(long due, long played, long stallMillis, long startupMillis) {
    }
}
