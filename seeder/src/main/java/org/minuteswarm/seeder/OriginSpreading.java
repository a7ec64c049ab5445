package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.metainfo.TorrentId;
import bt.net.Peer;
import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The origin's piece spreading, after the idea of super-seeding (BEP 16): a torrent seeded in spreading mode
 * shows peers no bitfield at all ({@link BitfieldHandshake}) and instead offers each peer a few pieces by HAVE
 * ({@link PieceOffers}). While some piece has not left the origin yet, a peer is only offered such pieces, each
 * to one peer at a time, so the origin never sends a piece twice while a piece nobody else has is still
 * unsent (unless the first copy was lost, below): the peers must trade with each other for the rest. After
 * every piece has left once, each peer is offered what it lacks and is rarest among the origin's peers.
 *
 * <p>An offer stays open until the peer has been sent all of the piece or announces that it has it; then the
 * peer is offered the next one, so the origin's upload never runs dry while peers still lack pieces. At most
 * {@link #UNCAPPED_OFFERS_PER_PEER} offers are open per peer, and one when the origin is capped. A
 * listener claims an offered piece on its origin connection and will not fetch it from a faster peer
 * meanwhile, so a second open offer to a capped origin is a piece parked in its queue: with four per peer
 * and 12 listeners the queue held 3-4 s of upload and the swarm fell behind the stream (also, startup
 * took 15 s instead of 5 s). An uncapped origin serves at once, and several offers keep a lone
 * listener's first segment coming in play order. An offer left unserved for {@link #OFFER_TIMEOUT_NANOS}
 * is withdrawn. The {@link UploadScheduler} sends pieces that have never left the origin before any
 * other copy. Peers are keyed by bt's Peer object, which is one per connection.
 *
 * <p>A piece has left the origin once the peer it went to announces it. A copy whose connection closes before
 * that, or that the peer has not announced {@link #CONFIRM_TIMEOUT_NANOS} after its latest block was sent, is
 * lost and the piece counts as unsent again. Traced in the 20-listener bench: a listener connected to the origin twice
 * (each dialed the other), the origin sent a first copy on the connection that was then closed as the
 * duplicate, counted the piece as sent and never offered it again while other pieces were unsent; the
 * whole swarm waited 3-8 s for that piece, until every listener asked the origin for it at once.
 */
@Singleton
final class OriginSpreading {
    static final int UNCAPPED_OFFERS_PER_PEER = 4;
    /**
     * The offers of a peer that has asked us for nothing and been sent nothing for this long are withdrawn, so
     * the piece can go to another peer: a peer whose pieces are all claimed elsewhere may never ask for it, and
     * while pieces are unsent an open offer is the only way that piece leaves the origin (a 34-s whole-swarm
     * stall without it).
     */
    static final long OFFER_TIMEOUT_NANOS = 1_500_000_000L;
    /**
     * A piece sent to a peer that has not announced it this long after its latest block counts as not sent (its
     * copy was lost). Traced at 20 capped listeners (examples/bench/trace-report.py, "origin release -> listener
     * verified"): a listener verified the origin's block 17-35 ms after its release (p50), 190-400 ms at p99,
     * and announces it at once. A lost
     * first copy holds the whole swarm back until this runs out (one did, in one segment of ten, for 2 s, which
     * made that segment the run's slowest); counting a slow copy as lost costs one more copy of a piece.
     */
    static final long CONFIRM_TIMEOUT_NANOS = 1_000_000_000L;

    private final ConcurrentMap<TorrentId, Spread> spreads = new ConcurrentHashMap<>();
    private final int offersPerPeer;
    private final long confirmTimeoutNanos;

    @Inject
    OriginSpreading(EventSource events, UploadThrottle throttle) {
        this(events, throttle, CONFIRM_TIMEOUT_NANOS);
    }

    OriginSpreading(EventSource events, UploadThrottle throttle, long confirmTimeoutNanos) {
        this.offersPerPeer = throttle.isUnlimited() ? UNCAPPED_OFFERS_PER_PEER : 1;
        this.confirmTimeoutNanos = confirmTimeoutNanos;
        events.onPeerDisconnected(null, e -> {
            Spread spread = spreads.get(e.getConnectionKey().getTorrentId());
            if (spread != null) {
                spread.disconnected(e.getConnectionKey().getPeer());
            }
        });
    }

    void enable(TorrentId torrentId, int pieceCount, int pieceLength, long length) {
        spreads.put(torrentId, new Spread(pieceCount, pieceLength, length, offersPerPeer, confirmTimeoutNanos));
    }

    void disable(TorrentId torrentId) {
        spreads.remove(torrentId);
    }

    boolean isSpread(TorrentId torrentId) {
        // asked for every connection on every dispatcher pass: a listener spreads nothing, skip the hashing
        return !spreads.isEmpty() && spreads.containsKey(torrentId);
    }

    void peerHas(TorrentId torrentId, Peer peer, int piece) {
        Spread spread = spreads.get(torrentId);
        if (spread != null) {
            spread.peerHas(peer, piece);
        }
    }

    /** Pieces to offer this peer now by HAVE (usually none). */
    List<Integer> newOffers(TorrentId torrentId, Peer peer) {
        Spread spread = spreads.get(torrentId);
        return spread == null ? List.of() : spread.newOffers(peer);
    }

    /**
     * Whether {@code piece} has not left the origin: no block of it has been sent to anybody, or every copy was
     * lost, and no peer announced it (false for a torrent not spread).
     */
    boolean isUnsent(TorrentId torrentId, int piece) {
        Spread spread = spreads.get(torrentId);
        return spread != null && spread.isUnsent(piece);
    }

    /** {@code peer} asked for a block of {@code piece} (it may wait in the upload queue): its offer is alive. */
    void requested(TorrentId torrentId, Peer peer, int piece) {
        Spread spread = spreads.get(torrentId);
        if (spread != null) {
            spread.requested(peer, piece);
        }
    }

    /** A block of {@code piece} is being sent to {@code peer}. */
    void served(TorrentId torrentId, Peer peer, int piece, int length) {
        Spread spread = spreads.get(torrentId);
        if (spread != null) {
            spread.served(peer, piece, length);
        }
    }

    /**
     * Pieces in the order they started to leave for a peer (a piece appears once per peer it went to; a copy
     * that was lost is taken out again).
     */
    List<Integer> sendOrder(TorrentId torrentId) {
        Spread spread = spreads.get(torrentId);
        return spread == null ? List.of() : spread.sendOrder();
    }

    private static final class Spread {
        private final int pieceCount;
        private final int pieceLength;
        private final long length;
        private final int[] sent;      // peers the piece started to go to (lost copies not counted) or announce it
        private final int[] inFlight;  // open offers
        private final int[] holders;   // connected peers that have it
        private int unsent;
        private final Map<Peer, PeerState> peers = new HashMap<>();
        private final List<Integer> order = new ArrayList<>();
        private final Random random = new Random();
        private final int offersPerPeer;
        private final long confirmTimeoutNanos;

        Spread(int pieceCount, int pieceLength, long length, int offersPerPeer, long confirmTimeoutNanos) {
            this.offersPerPeer = offersPerPeer;
            this.confirmTimeoutNanos = confirmTimeoutNanos;
            this.pieceCount = pieceCount;
            this.pieceLength = pieceLength;
            this.length = length;
            this.sent = new int[pieceCount];
            this.inFlight = new int[pieceCount];
            this.holders = new int[pieceCount];
            this.unsent = pieceCount;
        }

        private PeerState peer(Peer peer) {
            return peers.computeIfAbsent(peer, p -> new PeerState());
        }

        private long pieceBytes(int piece) {
            return piece == pieceCount - 1 ? length - (long) piece * pieceLength : pieceLength;
        }

        synchronized void peerHas(Peer peer, int piece) {
            if (piece < 0 || piece >= pieceCount) {
                return;
            }
            PeerState state = peer(peer);
            if (!state.has.get(piece)) {
                state.has.set(piece);
                holders[piece]++;
                close(state, piece);
            }
            state.unconfirmed.remove(piece);
            if (sent[piece] == 0) {
                // a copy we counted as lost arrived after all, or a peer got it from one that left: it is out
                sent[piece]++;
                unsent--;
            }
        }

        synchronized boolean isUnsent(int piece) {
            return piece >= 0 && piece < pieceCount && sent[piece] == 0;
        }

        synchronized void requested(Peer peer, int piece) {
            PeerState state = peers.get(peer);
            if (state != null) {
                state.activeNanos = System.nanoTime();
                state.unconfirmed.replace(piece, state.activeNanos); // more blocks of it are on their way
            }
        }

        synchronized void served(Peer peer, int piece, int bytes) {
            PeerState state = peers.get(peer);
            if (piece < 0 || piece >= pieceCount || state == null) {
                // No state: the peer disconnected while this block was on its way out, so the copy is lost
                // (or it never was offered anything); if it arrives anyway, the peer's HAVE counts it.
                return;
            }
            state.activeNanos = System.nanoTime();
            if (!state.started.get(piece) && !state.has.get(piece)) {
                state.started.set(piece);
                if (sent[piece]++ == 0) {
                    unsent--;
                }
                order.add(piece);
                state.unconfirmed.put(piece, state.activeNanos);
            } else {
                state.unconfirmed.replace(piece, state.activeNanos); // its last block so far
            }
            Offer offer = state.open.get(piece);
            if (offer != null) {
                offer.bytes += bytes;
                offer.lastNanos = System.nanoTime();
                if (offer.bytes >= pieceBytes(piece)) {
                    close(state, piece);
                }
            }
        }

        /** The copy of {@code piece} sent to this peer never arrived: it has not left the origin after all. */
        private void lost(PeerState state, int piece) {
            state.started.clear(piece);
            if (--sent[piece] == 0) {
                unsent++;
            }
            order.remove(order.lastIndexOf(piece));
        }

        private void close(PeerState state, int piece) {
            if (state.open.remove(piece) != null) {
                inFlight[piece]--;
            }
        }

        synchronized List<Integer> newOffers(Peer peer) {
            PeerState state = peer(peer);
            long now = System.nanoTime();
            // Only a peer that asks us for nothing at all: one busy with its other offers (bt requests at
            // most three pieces per connection at a time, a capped origin serves them slowly) keeps them.
            boolean idle = now - state.activeNanos > OFFER_TIMEOUT_NANOS;
            state.unconfirmed.entrySet().removeIf(e -> {
                boolean lost = now - e.getValue() > confirmTimeoutNanos;
                if (lost) {
                    lost(state, e.getKey());
                }
                return lost;
            });
            state.open.entrySet().removeIf(e -> {
                boolean stale = idle && now - e.getValue().lastNanos > OFFER_TIMEOUT_NANOS;
                if (stale) {
                    inFlight[e.getKey()]--;
                }
                return stale;
            });
            List<Integer> offers = List.of();
            while (state.open.size() < offersPerPeer) {
                int piece = choose(state);
                if (piece < 0) {
                    break;
                }
                if (offers.isEmpty()) {
                    offers = new ArrayList<>();
                }
                offers.add(piece);
                state.offered.set(piece);
                state.open.put(piece, new Offer(now));
                inFlight[piece]++;
            }
            return offers;
        }

        /**
         * While pieces are unsent: a random unsent piece no other peer is being offered, or none (wait).
         * Then: the piece this peer lacks that the fewest of our peers have or are being sent.
         */
        private int choose(PeerState state) {
            int best = -1;
            int bestScore = Integer.MAX_VALUE;
            int ties = 0;
            for (int p = 0; p < pieceCount; p++) {
                if (state.has.get(p) || state.offered.get(p)) {
                    continue;
                }
                int score;
                if (unsent > 0) {
                    if (sent[p] > 0 || inFlight[p] > 0) {
                        continue;
                    }
                    score = 0;
                } else {
                    score = holders[p] + inFlight[p];
                }
                if (score < bestScore) {
                    best = p;
                    bestScore = score;
                    ties = 1;
                } else if (score == bestScore && random.nextInt(++ties) == 0) {
                    best = p; // reservoir sampling: a uniform choice among the ties
                }
            }
            return best;
        }

        synchronized void disconnected(Peer peer) {
            PeerState state = peers.remove(peer);
            if (state == null) {
                return;
            }
            state.open.keySet().forEach(p -> inFlight[p]--);
            state.has.stream().forEach(p -> holders[p]--);
            state.unconfirmed.keySet().forEach(p -> lost(state, p));
        }

        synchronized List<Integer> sendOrder() {
            return List.copyOf(order);
        }
    }

    private static final class PeerState {
        final BitSet has = new BitSet();
        final BitSet offered = new BitSet();
        final BitSet started = new BitSet();
        final Map<Integer, Offer> open = new HashMap<>();
        /** Pieces sent to this peer that it has not announced yet, with when their latest block was sent. */
        final Map<Integer, Long> unconfirmed = new HashMap<>();
        long activeNanos = System.nanoTime(); // last request from or block to this peer
    }

    /** An open offer: bytes of the piece sent so far, and when the offer was made or last served. */
    private static final class Offer {
        long bytes;
        long lastNanos;

        Offer(long nanos) {
            this.lastNanos = nanos;
        }
    }
}
