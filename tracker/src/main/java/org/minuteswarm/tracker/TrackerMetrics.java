package org.minuteswarm.tracker;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /stats} (JSON) and {@code GET /metrics} (Prometheus text format 0.0.4): announce
 * rates by transport, swarms, peers, and per channel its listeners and P2P share (see
 * {@link Swarms.ChannelSummary#p2pShare()}). Rates are the mean over the last
 * {@link #RATE_WINDOW_SECONDS} one-second samples, taken by the sweeper thread.
 */
final class TrackerMetrics {
    static final int RATE_WINDOW_SECONDS = 10;

    private final Tracker tracker;
    private final Supplier<UdpTrackerProtocol> udp;
    private final long[] httpSamples = new long[RATE_WINDOW_SECONDS + 1];
    private final long[] udpSamples = new long[RATE_WINDOW_SECONDS + 1];
    private int samples;
    private int next;

    TrackerMetrics(Tracker tracker, Supplier<UdpTrackerProtocol> udp) {
        this.tracker = tracker;
        this.udp = udp;
    }

    private long udpAnnounces() {
        UdpTrackerProtocol u = udp.get();
        return u == null ? 0 : u.announces.sum();
    }

    /** Records the counters now; called once a second. */
    synchronized void sample() {
        long u = udpAnnounces();
        udpSamples[next] = u;
        httpSamples[next] = tracker.stats().announces() - u;
        next = (next + 1) % httpSamples.length;
        samples = Math.min(samples + 1, httpSamples.length);
    }

    /** Announces per second over the sampled window: [http, udp]. */
    synchronized double[] rates() {
        if (samples < 2) {
            return new double[] {0, 0};
        }
        int newest = Math.floorMod(next - 1, httpSamples.length);
        int oldest = samples < httpSamples.length ? 0 : next;
        int seconds = samples - 1;
        return new double[] {(httpSamples[newest] - httpSamples[oldest]) / (double) seconds,
                (udpSamples[newest] - udpSamples[oldest]) / (double) seconds};
    }

    byte[] json() {
        TrackerStats s = tracker.stats();
        double[] r = rates();
        long udpAnn = udpAnnounces();
        StringBuilder b = new StringBuilder(256);
        b.append("{\"announces_per_second\":{\"http\":").append(num(r[0])).append(",\"udp\":").append(num(r[1]))
                .append("},\"announces\":{\"http\":").append(s.announces() - udpAnn).append(",\"udp\":").append(udpAnn)
                .append("},\"scrapes\":").append(s.scrapes())
                .append(",\"swarms\":").append(s.swarms()).append(",\"peers\":").append(s.peers())
                .append(",\"channels\":{");
        boolean first = true;
        for (Map.Entry<String, Swarms.ChannelSummary> e : tracker.channelSummaries().entrySet()) {
            Swarms.ChannelSummary c = e.getValue();
            b.append(first ? "" : ",").append('"').append(e.getKey()).append("\":{\"swarms\":").append(c.swarms())
                    .append(",\"peers\":").append(c.peers()).append(",\"listeners\":").append(c.listeners())
                    .append(",\"listener_uploaded_bytes\":").append(c.listenerUploaded())
                    .append(",\"listener_downloaded_bytes\":").append(c.listenerDownloaded())
                    .append(",\"p2p_share\":").append(num(c.p2pShare())).append('}');
            first = false;
        }
        b.append("}}\n");
        return b.toString().getBytes(StandardCharsets.UTF_8); // channel names are [A-Za-z0-9._-]: no escaping needed
    }

    byte[] prometheus() {
        TrackerStats s = tracker.stats();
        double[] r = rates();
        long udpAnn = udpAnnounces();
        StringBuilder b = new StringBuilder(512);
        b.append("# HELP minuteswarm_tracker_announces_total Announces answered, by transport.\n")
                .append("# TYPE minuteswarm_tracker_announces_total counter\n")
                .append("minuteswarm_tracker_announces_total{transport=\"http\"} ").append(s.announces() - udpAnn).append('\n')
                .append("minuteswarm_tracker_announces_total{transport=\"udp\"} ").append(udpAnn).append('\n')
                .append("# HELP minuteswarm_tracker_announces_per_second Announce rate over the last ")
                .append(RATE_WINDOW_SECONDS).append(" s, by transport.\n")
                .append("# TYPE minuteswarm_tracker_announces_per_second gauge\n")
                .append("minuteswarm_tracker_announces_per_second{transport=\"http\"} ").append(num(r[0])).append('\n')
                .append("minuteswarm_tracker_announces_per_second{transport=\"udp\"} ").append(num(r[1])).append('\n')
                .append("# HELP minuteswarm_tracker_scrapes_total Scrapes answered.\n")
                .append("# TYPE minuteswarm_tracker_scrapes_total counter\n")
                .append("minuteswarm_tracker_scrapes_total ").append(s.scrapes()).append('\n')
                .append("# HELP minuteswarm_tracker_swarms Swarms tracked.\n# TYPE minuteswarm_tracker_swarms gauge\n")
                .append("minuteswarm_tracker_swarms ").append(s.swarms()).append('\n')
                .append("# HELP minuteswarm_tracker_peers Peer entries across swarms.\n# TYPE minuteswarm_tracker_peers gauge\n")
                .append("minuteswarm_tracker_peers ").append(s.peers()).append('\n');
        Map<String, Swarms.ChannelSummary> channels = tracker.channelSummaries();
        b.append("# HELP minuteswarm_tracker_channel_listeners Distinct listeners in a channel's live swarms.\n")
                .append("# TYPE minuteswarm_tracker_channel_listeners gauge\n");
        channels.forEach((name, c) -> b.append("minuteswarm_tracker_channel_listeners{channel=\"").append(name)
                .append("\"} ").append(c.listeners()).append('\n'));
        b.append("# HELP minuteswarm_tracker_channel_p2p_share Share of listener downloads uploaded by listeners.\n")
                .append("# TYPE minuteswarm_tracker_channel_p2p_share gauge\n");
        channels.forEach((name, c) -> b.append("minuteswarm_tracker_channel_p2p_share{channel=\"").append(name)
                .append("\"} ").append(num(c.p2pShare())).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
