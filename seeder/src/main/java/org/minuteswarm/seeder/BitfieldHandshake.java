package org.minuteswarm.seeder;

import bt.data.Bitfield;
import bt.net.HandshakeHandler;
import bt.net.PeerConnection;
import bt.protocol.BitOrder;
import bt.protocol.Handshake;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Sends our BITFIELD after the handshake, in place of bt's BitfieldConnectionHandler, except for a torrent
 * the origin spreads ({@link OriginSpreading}): there the peer must see no pieces until they are offered
 * one by one (BEP 16: a super-seed starts out looking like a peer with no data). BEP 3 lets a peer with no
 * pieces skip the message.
 */
final class BitfieldHandshake implements HandshakeHandler {
    private final TorrentRegistry torrents;
    private final OriginSpreading spreading;

    BitfieldHandshake(TorrentRegistry torrents, OriginSpreading spreading) {
        this.torrents = torrents;
        this.spreading = spreading;
    }

    @Override
    public void processIncomingHandshake(PeerConnection connection, Handshake peerHandshake) {
        if (spreading.isSpread(connection.getTorrentId())) {
            return;
        }
        Optional<TorrentDescriptor> descriptor = torrents.getDescriptor(connection.getTorrentId());
        if (descriptor.isEmpty() || !descriptor.get().isActive() || descriptor.get().getDataDescriptor() == null) {
            return;
        }
        Bitfield bitfield = descriptor.get().getDataDescriptor().getBitfield();
        if (bitfield.getPiecesComplete() > 0) {
            try {
                connection.postMessage(new bt.protocol.Bitfield(bitfield.toByteArray(BitOrder.LITTLE_ENDIAN)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot send our bitfield to " + connection.getRemotePeer(), e);
            }
        }
    }

    @Override
    public void processOutgoingHandshake(Handshake handshake) {
        // nothing to add to our handshake
    }
}
