package org.minuteswarm.tracker;

/**
 * One swarm's BEP 48 scrape entry.
 *
 * @param complete   seeders
 * @param downloaded completions the tracker registered ({@code event=completed})
 * @param incomplete leechers
 */
record ScrapeCounts(int complete, long downloaded, int incomplete) {
}
