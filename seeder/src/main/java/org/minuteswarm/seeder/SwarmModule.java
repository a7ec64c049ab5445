package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.module.BitTorrentProtocol;
import bt.module.PeerConnectionSelector;
import bt.module.ServiceModule;
import bt.net.DataReceiver;
import bt.net.IConnectionHandlerFactory;
import bt.net.IPeerConnectionFactory;
import bt.net.PeerConnectionFactory;
import bt.net.SharedSelector;
import bt.net.buffer.IBufferManager;
import bt.net.pipeline.IBufferedPieceRegistry;
import bt.net.pipeline.IChannelPipelineFactory;
import bt.protocol.Message;
import bt.protocol.handler.MessageHandler;
import bt.runtime.Config;
import bt.torrent.TorrentRegistry;
import bt.torrent.data.BlockCache;
import com.google.inject.Binder;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;

/**
 * Our bindings on top of bt's. bt's runtime builder combines custom modules with
 * {@code Modules.override(standard).with(custom)}, so a binding here replaces bt's binding of the same key.
 */
final class SwarmModule implements Module {
    private final TransferLedger ledger;
    private final UploadThrottle throttle;

    SwarmModule(TransferLedger ledger, UploadThrottle throttle) {
        this.ledger = ledger;
        this.throttle = throttle;
    }

    @Override
    public void configure(Binder binder) {
        binder.bind(TransferLedger.class).toInstance(ledger);
        binder.bind(UploadThrottle.class).toInstance(throttle);
        // bt #252: registrations done by the selector thread itself instead of a lock spin.
        binder.bind(DataReceiver.class).to(QueuedDataReceiver.class).asEagerSingleton();
        // Counts and caps piece data served to peers (bt has no rate limiting and undercounts).
        binder.bind(BlockCache.class).to(UploadMeter.class).asEagerSingleton();
        // Not bt-http-tracker-client: it is not safe for several torrents per runtime.
        ServiceModule.extend(binder).addTrackerFactory(HttpTrackerFactory.class, "http", "https");
        // Received blocks kept per connection: bt's runtime-wide registry mixes up torrents.
        binder.bind(IBufferedPieceRegistry.class).to(ConnectionPieceRegistry.class);
        binder.bind(IChannelPipelineFactory.class).to(ConnectionScopedPipelines.PipelineFactory.class)
                .in(Singleton.class);
        ServiceModule.extend(binder).addMessagingAgentType(PieceDispatch.class);
    }

    /** bt's own connection factory (as ServiceModule provides it), wrapped to key each pipeline's blocks. */
    @Provides
    @Singleton
    IPeerConnectionFactory peerConnectionFactory(@PeerConnectionSelector SharedSelector selector,
                                                 IConnectionHandlerFactory handlers,
                                                 @BitTorrentProtocol MessageHandler<Message> protocol,
                                                 TorrentRegistry torrents, IChannelPipelineFactory pipelines,
                                                 IBufferManager buffers, DataReceiver receiver, EventSource events,
                                                 Config config, ConnectionPieceRegistry registry) {
        return new ConnectionScopedPipelines.ConnectionFactory(new PeerConnectionFactory(selector, handlers,
                pipelines, protocol, torrents, buffers, receiver, events, config), registry);
    }
}
