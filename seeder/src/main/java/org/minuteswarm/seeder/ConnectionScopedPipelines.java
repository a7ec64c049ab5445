package org.minuteswarm.seeder;

import bt.metainfo.TorrentId;
import bt.net.ConnectionResult;
import bt.net.IPeerConnectionFactory;
import bt.net.Peer;
import bt.net.buffer.IBufferManager;
import bt.net.pipeline.ChannelPipelineBuilder;
import bt.net.pipeline.ChannelPipelineFactory;
import bt.net.pipeline.IChannelPipelineFactory;
import com.google.inject.Inject;
import java.nio.channels.SocketChannel;

/** The two connection-side hooks of {@link ConnectionPieceRegistry}. */
final class ConnectionScopedPipelines {
    private ConnectionScopedPipelines() {
    }

    /** Builds bt's own pipeline, but with a piece registry of the connection's own. */
    static final class PipelineFactory implements IChannelPipelineFactory {
        private final IBufferManager bufferManager;
        private final ConnectionPieceRegistry registry;

        @Inject
        PipelineFactory(IBufferManager bufferManager, ConnectionPieceRegistry registry) {
            this.bufferManager = bufferManager;
            this.registry = registry;
        }

        @Override
        public ChannelPipelineBuilder buildPipeline(Peer peer) {
            return new ChannelPipelineFactory(bufferManager, registry.newConnection()).buildPipeline(peer);
        }
    }

    /** bt's connection factory, telling the registry which connection the pipeline just built belongs to. */
    static final class ConnectionFactory implements IPeerConnectionFactory {
        private final IPeerConnectionFactory bt;
        private final ConnectionPieceRegistry registry;

        ConnectionFactory(IPeerConnectionFactory bt, ConnectionPieceRegistry registry) {
            this.bt = bt;
            this.registry = registry;
        }

        @Override
        public ConnectionResult createOutgoingConnection(Peer peer, TorrentId torrentId) {
            ConnectionResult result = bt.createOutgoingConnection(peer, torrentId);
            registry.connected(result);
            return result;
        }

        @Override
        public ConnectionResult createIncomingConnection(Peer peer, SocketChannel channel) {
            ConnectionResult result = bt.createIncomingConnection(peer, channel);
            registry.connected(result);
            return result;
        }
    }
}
