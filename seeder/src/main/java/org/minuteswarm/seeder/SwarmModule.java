package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.module.BitTorrentProtocol;
import bt.module.PeerConnectionSelector;
import bt.module.ServiceModule;
import bt.net.DataReceiver;
import bt.net.IMessageDispatcher;
import bt.net.IConnectionHandlerFactory;
import bt.net.IConnectionSource;
import bt.net.IPeerConnectionFactory;
import bt.net.PeerConnectionFactory;
import bt.net.SharedSelector;
import bt.net.buffer.IBufferManager;
import bt.net.pipeline.IBufferedPieceRegistry;
import bt.net.pipeline.IChannelPipelineFactory;
import bt.protocol.Message;
import bt.protocol.handler.MessageHandler;
import bt.runtime.Config;
import bt.data.ChunkVerifier;
import bt.net.ConnectionHandlerFactory;
import bt.net.HandshakeHandler;
import bt.net.extended.ExtendedProtocolHandshakeHandler;
import bt.protocol.IHandshakeFactory;
import bt.protocol.extended.ExtendedHandshakeFactory;
import bt.service.IRuntimeLifecycleBinder;
import bt.torrent.TorrentRegistry;
import bt.torrent.data.BlockCache;
import bt.torrent.data.DataWorker;
import bt.torrent.data.DefaultDataWorker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
    private final SegmentDeadlines deadlines;
    private final SwarmConfig config;

    SwarmModule(SwarmConfig config, TransferLedger ledger, UploadThrottle throttle, SegmentDeadlines deadlines) {
        this.config = config;
        this.ledger = ledger;
        this.throttle = throttle;
        this.deadlines = deadlines;
    }

    @Override
    public void configure(Binder binder) {
        binder.bind(SwarmConfig.class).toInstance(config);
        binder.bind(TransferLedger.class).toInstance(ledger);
        binder.bind(UploadThrottle.class).toInstance(throttle);
        binder.bind(UnsentBlocks.class).toInstance(UnsentBlocks.forRate(config.maxUploadBytesPerSecond()));
        binder.bind(SegmentDeadlines.class).toInstance(deadlines);
        binder.bind(OriginSpreading.class).in(Singleton.class);
        // bt 1.10 never drops a closed connection's message handlers: a reconnect to the same peer port
        // answered every request twice (fixed upstream in #255, unreleased). Ours keys them by connection.
        binder.bind(IMessageDispatcher.class).to(ConnectionMessageDispatcher.class).asEagerSingleton();
        // bt #252: registrations done by the selector thread itself instead of a lock spin.
        binder.bind(DataReceiver.class).to(QueuedDataReceiver.class).asEagerSingleton();
        // Counts piece data served to peers (bt undercounts); UploadScheduler caps it.
        binder.bind(BlockCache.class).to(UploadMeter.class).asEagerSingleton();
        // Not bt-http-tracker-client: it is not safe for several torrents per runtime.
        ServiceModule.extend(binder).addTrackerFactory(HttpTrackerFactory.class, "http", "https");
        // Peers met on the channel's other segments, tried for a new segment before the tracker answers.
        ServiceModule.extend(binder).addPeerSourceFactory(ChannelPeers.class);
        // Received blocks kept per connection: bt's runtime-wide registry mixes up torrents.
        binder.bind(IBufferedPieceRegistry.class).to(ConnectionPieceRegistry.class);
        binder.bind(IChannelPipelineFactory.class).to(ConnectionScopedPipelines.PipelineFactory.class)
                .in(Singleton.class);
        ServiceModule.extend(binder).addMessagingAgentType(PieceDispatch.class);
        // The origin's piece offers (super-seeding), and no 10-s choke of a peer that lost interest for a moment.
        ServiceModule.extend(binder).addMessagingAgentType(PieceOffers.class);
        // bt leaves a connection idle when its piece assignment runs dry, until a timeout: refresh it.
        ServiceModule.extend(binder).addMessagingAgentType(AssignmentRefresh.class);
        ServiceModule.extend(binder).addMessagingAgentType(EagerUnchoke.class);
        // bt neither cancels requests for pieces it completed elsewhere nor drops a cancelled one before the read.
        ServiceModule.extend(binder).addMessagingAgentType(RequestCancels.class);
        // Seed-to-seed connections of finished segments carry nothing but cost a dispatcher visit each pass.
        ServiceModule.extend(binder).addMessagingAgentType(RedundantConnections.class);
        // Who holds which piece: a capped upload serves the rarest piece first, and AssignmentRefresh frees a
        // connection stuck on a piece that others hold too.
        ServiceModule.extend(binder).addMessagingAgentType(PieceHolders.class);
        binder.bind(bt.net.ConnectionSource.class).asEagerSingleton(); // starts bt's incoming listener
        binder.bind(IConnectionSource.class).to(DialFilter.class).asEagerSingleton();
    }

    /** bt's data worker for writes and verification; its reads are released by our upload scheduler. */
    @Provides
    @Singleton
    UploadScheduler uploadScheduler(IRuntimeLifecycleBinder lifecycle, TorrentRegistry torrents,
                                    ChunkVerifier verifier, BlockCache blocks, Config config, EventSource events,
                                    OriginSpreading spreading, PieceHolders holders, DispatchSignal signal,
                                    UnsentBlocks unsent) {
        return new UploadScheduler(new DefaultDataWorker(lifecycle, torrents, verifier, blocks, config), throttle,
                deadlines, spreading, holders, events, lifecycle, config, signal, ledger, unsent);
    }

    @Provides
    DataWorker dataWorker(UploadScheduler uploads) {
        return uploads;
    }

    /**
     * bt's handshake handlers (as ProtocolModule provides them), with our bitfield handler instead of bt's, reading
     * the peer's handshake when it arrives rather than up to 100 ms later ({@link PromptHandshakes}).
     */
    @Provides
    @Singleton
    IConnectionHandlerFactory connectionHandlers(IHandshakeFactory handshakes, TorrentRegistry torrents,
                                                 Set<HandshakeHandler> bound, ExtendedHandshakeFactory extended,
                                                 Config config, OriginSpreading spreading) {
        List<HandshakeHandler> handlers = new ArrayList<>(bound);
        handlers.add(new BitfieldHandshake(torrents, spreading));
        handlers.add(new ExtendedProtocolHandshakeHandler(extended));
        return new PromptHandshakes(new ConnectionHandlerFactory(handshakes, torrents, handlers,
                config.getPeerHandshakeTimeout()));
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
