/**
 * The minuteswarm tracker: a BitTorrent tracker for the live segments of the channels it hosts,
 * plus the channel HTTP API (manifest, long-polled manifest, segment torrents).
 *
 * <p>Public surface: {@link org.minuteswarm.tracker.TrackerHttpServer} (start, mount, stats,
 * close), {@link org.minuteswarm.tracker.TrackerConfig} (every tunable),
 * {@link org.minuteswarm.tracker.ChannelDirectory} (what is hosted, implemented by the embedder)
 * and {@link org.minuteswarm.tracker.TrackerStats}. Everything else is package-private.
 *
 * <p>An announce follows chihaya's path: <em>parse</em> ({@code QueryParameters} decodes the
 * raw query as ISO-8859-1 bytes, {@code AnnounceRequest} validates it into strong types) ->
 * <em>decide and update</em> ({@code Tracker} admits only info-hashes that
 * {@code ChannelDirectory.channelOf} knows, {@code Swarms} registers the peer and picks others,
 * all inside one atomic step per swarm) -> <em>respond</em> ({@code BencodedResponses}, BEP 3,
 * 7, 23 and 48). Refusals are {@code ClientError}s whose message is the bencoded
 * {@code failure reason}. Time comes from an injected {@link java.time.Clock}; the HTTP frontend
 * ({@code TrackerHttpHandlers}, {@code ChannelHttpHandler}) is a thin layer over it.
 */
package org.minuteswarm.tracker;
