/**
 * The minuteswarm tracker: a BitTorrent tracker for the live segments of the channels it hosts,
 * plus the channel HTTP API (manifest, long-polled manifest, segment torrents), embedded in a
 * broadcaster or standalone for many channels.
 *
 * <p>Public surface: {@link org.minuteswarm.tracker.TrackerHttpServer} (start, mount, stats,
 * close), {@link org.minuteswarm.tracker.TrackerConfig} (every tunable),
 * {@link org.minuteswarm.tracker.ChannelDirectory} (what is hosted: implemented by the
 * embedder, or by {@link org.minuteswarm.tracker.ChannelStore} standalone),
 * {@link org.minuteswarm.tracker.TrackerPublisher} (a broadcaster publishing to a standalone
 * tracker), {@link org.minuteswarm.tracker.TrackerCommand} ({@code minuteswarm tracker}) and
 * {@link org.minuteswarm.tracker.TrackerStats}. Everything else is package-private.
 *
 * <p>An announce follows chihaya's path: <em>parse</em> ({@code QueryParameters} decodes the
 * raw query as ISO-8859-1 bytes, {@code AnnounceRequest} validates it into strong types; over
 * UDP {@code UdpTrackerProtocol} does both, BEP 15) -> <em>decide and update</em>
 * ({@code Tracker} admits only info-hashes that {@code ChannelDirectory.channelOf} knows,
 * {@code Swarms} registers the peer and picks others, topping a young swarm up with the
 * channel's recently active peers, {@code RecentPeers}) -> <em>respond</em>
 * ({@code BencodedResponses}, BEP 3, 7, 23 and 48). Refusals are {@code ClientError}s whose
 * message is the bencoded {@code failure reason}. Time comes from an injected
 * {@link java.time.Clock}.
 *
 * <p>Frontends, as opentracker splits them: {@code HttpFrontend} (our NIO HTTP/1.1 server with
 * the strict incremental {@code HttpRequestParser}; announces answered on its event loops, the
 * channel API on workers through {@code NioHttpExchange}), {@code UdpTrackerServer} (BEP 15,
 * stateless connection IDs from {@code ConnectionIds}), both behind one per-address
 * {@code RateLimit}; {@code TrackerMetrics} serves {@code /stats} and {@code /metrics}.
 */
package org.minuteswarm.tracker;
