package org.minuteswarm.tracker;

/**
 * A snapshot of the tracker's counters.
 *
 * @param swarms    swarms currently tracked (one per live segment with at least one peer)
 * @param peers     peer entries across all swarms (a listener in three swarms counts three times)
 * @param announces announces answered since start (failures not counted)
 * @param scrapes   scrapes answered since start
 */
public record TrackerStats(int swarms, int peers, long announces, long scrapes) {
}
