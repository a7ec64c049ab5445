package org.minuteswarm.seeder;

import bt.event.EventSource;
import bt.metainfo.TorrentId;
import bt.torrent.TorrentRegistry;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * State kept per torrent while it runs: dropped when the torrent stops, and never created again for a torrent
 * that has stopped (a call racing the stop event would otherwise leave an entry nobody removes).
 */
final class RunningTorrents<V> {
    private final ConcurrentMap<TorrentId, V> state = new ConcurrentHashMap<>();
    private final Predicate<TorrentId> running;

    RunningTorrents(EventSource events, TorrentRegistry torrents) {
        this(events, torrents::isSupportedAndActive);
    }

    /** With {@code running} telling whether a torrent runs (bt's registry, or a test's own). */
    RunningTorrents(EventSource events, Predicate<TorrentId> running) {
        this.running = running;
        events.onTorrentStopped(null, e -> state.remove(e.getTorrentId()));
    }

    /** The torrent's state, created if absent; empty if the torrent is not running. */
    Optional<V> of(TorrentId torrent, Supplier<V> create) {
        V v = state.computeIfAbsent(torrent, t -> create.get());
        if (!running.test(torrent)) {
            state.remove(torrent, v); // it stopped meanwhile: its stop event has already cleaned up
            return Optional.empty();
        }
        return Optional.of(v);
    }

    /** The torrent's state if there is any; nothing is created. */
    Optional<V> get(TorrentId torrent) {
        return Optional.ofNullable(state.get(torrent));
    }

    /** Whether {@code torrent} runs in bt's registry with pieces still to download. */
    static boolean downloading(TorrentRegistry torrents, TorrentId torrent) {
        return torrents.getDescriptor(torrent)
                .map(d -> d.getDataDescriptor())
                .map(data -> data.getBitfield().getPiecesRemaining() > 0)
                .orElse(false);
    }
}
