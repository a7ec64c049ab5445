package org.minuteswarm.agent;

import java.nio.file.Path;

/**
 * Told what happens to segments in an agent: downloads completing, playback reaching them or
 * skipping them. Called on the agent's threads: return fast, never block (copy a file elsewhere
 * if you need it later; it is deleted when it leaves the seed window).
 */
public interface AgentListener {
    /** Segment {@code sequence} is complete and verified. */
    default void segmentCompleted(long sequence) {
    }

    /** Playback has started segment {@code sequence}; its verified bytes are in {@code file}. */
    default void segmentStarted(long sequence, Path file) {
    }

    /** Segment {@code sequence} was not complete by its deadline and was skipped. */
    default void segmentSkipped(long sequence) {
    }
}
