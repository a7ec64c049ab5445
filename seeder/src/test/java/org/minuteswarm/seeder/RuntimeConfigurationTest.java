package org.minuteswarm.seeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bt.net.DataReceiver;
import bt.net.IPeerConnectionFactory;
import bt.net.pipeline.IBufferedPieceRegistry;
import bt.peer.lan.LocalServiceDiscoveryPeerSourceFactory;
import bt.peerexchange.PeerExchangePeerSourceFactory;
import bt.runtime.Config;
import bt.torrent.data.BlockCache;
import bt.tracker.ITrackerService;
import com.google.inject.Injector;
import com.google.inject.Key;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Must-have 3: the bt settings and bindings that our runtime depends on. */
class RuntimeConfigurationTest {
    @Test
    @Timeout(20)
    void btIsConfiguredAroundItsPitfalls() throws Exception {
        SwarmConfig swarmConfig = new SwarmConfig(InetAddress.getLoopbackAddress(), 0, Duration.ofSeconds(7),
                64 * 1024, 0);
        try (SwarmRuntime runtime = SwarmRuntime.start(swarmConfig)) {
            Config config = runtime.bt().getConfig();
            assertTrue(config.isMseDisabled());
            assertEquals(64 * 1024, config.getNetworkBufferSize());
            assertEquals(InetAddress.getLoopbackAddress(), config.getAcceptorAddress());
            assertEquals(runtime.peerPort(), config.getAcceptorPort());
            assertEquals(Duration.ofSeconds(7), config.getPeerConnectionInactivityThreshold());
            assertTrue(config.getPeerAddress().isEmpty());

            Injector injector = runtime.bt().getInjector();
            assertInstanceOf(QueuedDataReceiver.class, injector.getInstance(DataReceiver.class));
            assertInstanceOf(UploadMeter.class, injector.getInstance(BlockCache.class));
            assertInstanceOf(ConnectionPieceRegistry.class, injector.getInstance(IBufferedPieceRegistry.class));
            assertInstanceOf(ConnectionScopedPipelines.ConnectionFactory.class,
                    injector.getInstance(IPeerConnectionFactory.class));
            ITrackerService trackers = injector.getInstance(ITrackerService.class);
            assertTrue(trackers.isSupportedProtocol("http://127.0.0.1:1/announce"));
            assertInstanceOf(HttpTrackerClient.class, trackers.getTracker("http://127.0.0.1:1/announce"));
            // PEX and LSD are not loaded; DHT is neither auto-loaded nor on the class path.
            assertEquals(null, injector.getExistingBinding(Key.get(PeerExchangePeerSourceFactory.class)));
            assertEquals(null, injector.getExistingBinding(Key.get(LocalServiceDiscoveryPeerSourceFactory.class)));
            assertFalse(injector.getAllBindings().keySet().stream()
                    .anyMatch(k -> k.getTypeLiteral().getRawType().getName().startsWith("bt.dht")));
        }
    }

    @Test
    void configIsValidatedOnce() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        assertThrows(IllegalArgumentException.class, () -> new SwarmConfig(lo, 70000, Duration.ofSeconds(1), 65536, 0));
        assertThrows(IllegalArgumentException.class, () -> new SwarmConfig(lo, 0, Duration.ZERO, 65536, 0));
        assertThrows(IllegalArgumentException.class, () -> new SwarmConfig(lo, 0, Duration.ofSeconds(1), 16384, 0));
        assertThrows(IllegalArgumentException.class, () -> new SwarmConfig(lo, 0, Duration.ofSeconds(1), 65536, -1));
        assertThrows(IllegalArgumentException.class, () -> SwarmConfig.loopback().withMaxDialsPerTorrent(-1));
        assertEquals(SwarmConfig.DEFAULT_MAX_DIALS_PER_TORRENT, SwarmConfig.loopback().maxDialsPerTorrent());
        assertEquals(0, SwarmConfig.loopback().withMaxDialsPerTorrent(0).withMaxUploadBytesPerSecond(1000)
                .withOriginSpreading(true).maxDialsPerTorrent(), "withers keep the limit");
        SwarmConfig loopback = SwarmConfig.loopback();
        assertEquals(Duration.ofSeconds(15), loopback.peerInactivityTimeout());
        assertEquals(64 * 1024, loopback.networkBufferBytes());
        assertEquals(0, loopback.peerPort());
    }
}
