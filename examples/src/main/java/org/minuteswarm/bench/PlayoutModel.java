package org.minuteswarm.bench;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import org.minuteswarm.agent.AgentConfig;

/**
 * The agent's playback rule applied to a baseline listener's completion times, so the baselines'
 * continuity is judged the way the agent judges its own: playback starts with the first segment
 * as soon as it is held (the startup delay); each later segment is due when the previous one has
 * played for one segment duration; a late segment may still arrive within the grace (one
 * segment: a rebuffering stall, and playback shifts), else it is skipped and its slot passes. As
 * in the agent, the grace ends early once the live edge is {@link AgentConfig#MAX_SEGMENTS_BEHIND_LIVE}
 * segments further ahead of the late segment than it was of the start segment when that started.
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
     * @param publishedAt sequence -> epoch millis it was published, or -1 if unknown
     */
    static Outcome play(Map<Long, Long> completions, long startedAt, long startSeq, long first, long last,
                        Duration segment, LongUnaryOperator publishedAt) {
        long d = segment.toMillis();
        long grace = d;
        Long start = completions.get(startSeq);
        if (start == null) {
            return new Outcome(last - first + 1, 0, 0, -1);
        }
        long behindAtStart = 0; // the live edge's lead over the start segment when it started playing
        while (isPublishedBy(publishedAt, startSeq + behindAtStart + 1, start)) {
            behindAtStart++;
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
            } else if (at != null && at <= giveUp(s, due, grace, behindAtStart, publishedAt)) {
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

    private static boolean isPublishedBy(LongUnaryOperator publishedAt, long sequence, long millis) {
        long at = publishedAt.applyAsLong(sequence);
        return at >= 0 && at <= millis;
    }

    /** The end of the grace: its full length, or the moment the live edge ran too far ahead (not before due). */
    private static long giveUp(long s, long due, long grace, long behindAtStart, LongUnaryOperator publishedAt) {
        long tooFar = publishedAt.applyAsLong(s + behindAtStart + AgentConfig.MAX_SEGMENTS_BEHIND_LIVE);
        return tooFar < 0 ? due + grace : Math.min(due + grace, Math.max(due, tooFar));
    }

    record Outcome(long due, long played, long stallMillis, long startupMillis) {
    }
}
