package org.minuteswarm.seeder;

import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import bt.service.IdentityService;
import bt.tracker.Tracker;
import bt.tracker.TrackerFactory;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Our HTTP(S) tracker client, bound for "http" and "https" in place of bt-http-tracker-client, whose
 * single-connection client fails with "Connection is still allocated" when several torrents announce at
 * once and stays broken after any Error. One {@link HttpClient} serves all torrents of a runtime; bt caches
 * one {@link Tracker} per announce URL forever, which suits us: every segment shares one URL.
 */
@Singleton
final class HttpTrackerFactory implements TrackerFactory {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final AnnounceQuery.Source source;
    private final Duration timeout;
    private final ExecutorService executor;

    @Inject
    HttpTrackerFactory(IdentityService identity, Config config, TransferLedger ledger,
                       IRuntimeLifecycleBinder lifecycle) {
        this.timeout = config.getTrackerTimeout() == null ? DEFAULT_TIMEOUT : config.getTrackerTimeout();
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "seeder.tracker-client-" + config.getAcceptorPort() + "-"
                    + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(executor)
                .build();
        this.source = new AnnounceQuery.Source(identity.getLocalPeerId().getBytes(), config.getAcceptorPort(),
                config.getPeerAddress(), config.getNumberOfPeersToRequestFromTracker(), ledger);
        lifecycle.onShutdown("Stop minuteswarm tracker client", executor::shutdownNow);
    }

    @Override
    public Tracker getTracker(String trackerUrl) {
        return new HttpTrackerClient(trackerUrl, http, source, timeout);
    }
}
