package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.metainfo.Torrent;
import bt.net.ConnectionKey;
import bt.protocol.Cancel;
import bt.protocol.Message;
import bt.protocol.Request;
import bt.runtime.Config;
import bt.torrent.TorrentRegistry;
import bt.torrent.annotation.Consumes;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.MessageContext;
import bt.torrent.messaging.Mapper;
import com.google.inject.Inject;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

/**
 * Runtime-wide bt messaging agent for CANCEL, both ways.
 *
 * <p>Ours: bt 1.10 never cancels a request for a piece that another connection completed meanwhile. That
 * happens in its endgame, where the last pieces are asked of several peers at once: exactly when every
 * uploader's queue is longest. The block comes anyway and is thrown away; traced at 20 capped listeners, a listener's last
 * piece was sent to it by four peers, three of them after it had arrived, each 200-670 ms of some uploader's
 * queue that other listeners waited behind. So once a piece is verified, every connection of the torrent with
 * a request for one of its blocks still pending cancels it, on the pass the verification wakes.
 *
 * <p>Theirs: bt drops a cancelled block only when it is about to send it, after the read, so a capped runtime
 * had already spent its upload on it ({@link UploadScheduler} takes the tokens when it releases a request).
 * A CANCEL for a request still waiting in our upload queue now takes it out of the queue at once, and the block
 * is never read ({@link UploadScheduler#cancel}). Public only because bt binds agent methods with a public lookup.
 */
public final class RequestCancels {
    private final TorrentRegistry torrents;
    private final UploadScheduler uploads;
    private final int blockSize;
    /** Per torrent, the pieces we verified, in order; per connection, how many of them it has looked at. */
    private final RunningTorrents<Verified> verified;
    private final ConcurrentMap<ConnectionKey, Integer> seen = new ConcurrentHashMap<>();

    @Inject
    RequestCancels(TorrentRegistry torrents, UploadScheduler uploads, Config config, EventSource events) {
        this.torrents = torrents;
        this.uploads = uploads;
        this.blockSize = config.getTransferBlockSize();
        this.verified = new RunningTorrents<>(events, torrents);
        events.onPieceVerified(null, e -> verified.of(e.getTorrentId(), Verified::new)
                .ifPresent(pieces -> pieces.add(e.getPieceIndex())));
        // a pass that raced a disconnect may have put a closed connection back: gone with its torrent
        events.onTorrentStopped(null, e -> seen.keySet().removeIf(k -> k.getTorrentId().equals(e.getTorrentId())));
        events.onPeerDisconnected(null, e -> seen.remove(e.getConnectionKey()));
    }

    /**
     * A request for a block the peer cancelled before: bt forgets a cancel only when it drops the cancelled block
     * on its way out, so a cancel that came after the block had left (or of a request our upload queue dropped,
     * whose block is never read) stays, and bt would drop the block of this new request instead (the requester
     * waits for its piece-receiving timeout). At worst, now, a block released before its cancel came is sent
     * twice, both times through the upload cap.
     */
    @Consumes
    public void consume(Request request, MessageContext context) {
        Set<Object> cancelled = context.getConnectionState().getCancelledPeerRequests();
        if (!cancelled.isEmpty()) {
            cancelled.remove(Mapper.mapper().buildKey(request.getPieceIndex(), request.getOffset(),
                    request.getLength()));
        }
    }

    @Consumes
    public void consume(Cancel cancel, MessageContext context) {
        ConnectionKey key = context.getConnectionKey();
        uploads.cancel(key.getTorrentId(), key.getPeer(), cancel.getPieceIndex(), cancel.getOffset(),
                cancel.getLength());
    }

    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        ConnectionKey key = context.getConnectionKey();
        Verified pieces = verified.get(key.getTorrentId()).orElse(null);
        if (pieces == null) {
            return;
        }
        int count = pieces.count();
        Integer from = seen.get(key);
        if (from != null && from == count) {
            return;
        }
        seen.put(key, count);
        Set<Object> pending = context.getConnectionState().getPendingRequests();
        if (pending.isEmpty()) {
            return;
        }
        Torrent torrent = torrents.getTorrent(key.getTorrentId()).orElse(null);
        if (torrent == null) {
            return;
        }
        for (int i = from == null ? 0 : from; i < count; i++) {
            cancelPending(pieces.get(i), torrent, pending, messages);
        }
    }

    /** Cancels every block of {@code piece} still pending on this connection. */
    private void cancelPending(int piece, Torrent torrent, Set<Object> pending, Consumer<Message> messages) {
        for (Block block : Block.ofPiece(torrent, piece, blockSize)) {
            if (pending.remove(block.key())) {
                messages.accept(new Cancel(piece, block.offset(), block.length()));
            }
        }
    }

    /** An append-only list of piece indexes, read without a lock by the dispatcher. */
    private static final class Verified {
        private volatile int[] pieces = new int[0];

        synchronized void add(int piece) {
            int[] next = Arrays.copyOf(pieces, pieces.length + 1);
            next[pieces.length] = piece;
            pieces = next;
        }

        int count() {
            return pieces.length;
        }

        int get(int i) {
            return pieces[i];
        }
    }
}
