#!/usr/bin/python3
"""N libtorrent 2.0 listeners in one process: the baseline of `minuteswarm bench swarm --baseline libtorrent`.

Usage: lt_listeners.py CHANNEL_URL LISTENERS UPLOAD_CAP_BYTES_PER_S SEED_WINDOW SAVE_DIR

Each listener is its own libtorrent session on 127.0.0.1 (an ephemeral port), so each has its own
upload cap and its own peer connections, as N separate machines would. The listeners follow the
channel like minuteswarm's agent does: a long poll on the manifest (GET /channels/NAME?after=SEQ&wait=25,
bencoded; the signature is not checked here, the torrent's info-hash is checked by libtorrent),
then GET /channels/NAME/SEQ.torrent for every new segment from the live edge on, added to every
session at once. A listener keeps the newest SEED_WINDOW segments and seeds them.

A fair capped baseline on loopback (see shared/BT-NOTES.md):
- every address goes into the global peer class: libtorrent otherwise puts 127.0.0.0/8 in the
  unlimited "local" class, which ignores upload_rate_limit;
- allow_multiple_connections_per_ip (all peers share 127.0.0.1);
- DHT, LSD, UPnP, NAT-PMP off: peers come from the tracker only;
- TCP only (the origin, bt, has no uTP) and plaintext handshakes (the origin has MSE off);
- torrents added unpaused and not auto-managed (no queueing).
Everything else is libtorrent's default (rarest first, 8 unchoke slots, choking algorithm).

Output on stdout, one line each (times are epoch milliseconds):
  READY <n>                 sessions listening
  START <seq>               the live edge at start: the first segment joined
  DONE <listener> <seq> <ms>  a listener holds a segment (all pieces checked)
  BYTES <listener> <down> <up>  payload bytes so far, every second
Diagnostics go to stderr. Ends on SIGTERM or when stdin closes.
"""
import os
import signal
import sys
import threading
import time
import urllib.parse
import urllib.request

import libtorrent as lt


def log(msg):
    print("lt_listeners: %s" % msg, file=sys.stderr, flush=True)


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def bdecode(data, i=0):
    """Minimal bencode (BEP 3): returns (value, next index); strings stay bytes."""
    c = data[i:i + 1]
    if c == b"i":
        end = data.index(b"e", i)
        return int(data[i + 1:end]), end + 1
    if c == b"l":
        i += 1
        items = []
        while data[i:i + 1] != b"e":
            v, i = bdecode(data, i)
            items.append(v)
        return items, i + 1
    if c == b"d":
        i += 1
        d = {}
        while data[i:i + 1] != b"e":
            k, i = bdecode(data, i)
            v, i = bdecode(data, i)
            d[k] = v
        return d, i + 1
    colon = data.index(b":", i)
    n = int(data[i:colon])
    return data[colon + 1:colon + 1 + n], colon + 1 + n


def segment_numbers(manifest_bytes):
    """The sequence numbers in a signed manifest (the signed document may be nested one level)."""
    doc, _ = bdecode(manifest_bytes)
    found = []

    def walk(v):
        if isinstance(v, dict):
            if b"segments" in v and isinstance(v[b"segments"], list):
                found.extend(s[b"seq"] for s in v[b"segments"] if isinstance(s, dict) and b"seq" in s)
                return
            for x in v.values():
                walk(x)
        elif isinstance(v, bytes) and v[:1] == b"d":
            try:
                walk(bdecode(v)[0])
            except (ValueError, IndexError):
                pass

    walk(doc)
    return sorted(found)


def make_session(cap):
    s = lt.session({
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "allow_multiple_connections_per_ip": True,
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        "out_enc_policy": int(lt.enc_policy.pe_disabled),
        "in_enc_policy": int(lt.enc_policy.pe_disabled),
        "upload_rate_limit": cap,
        "alert_mask": int(lt.alert.category_t.error_notification | lt.alert.category_t.status_notification),
    })
    f = lt.ip_filter()
    f.add_rule("0.0.0.0", "255.255.255.255", 1 << lt.session.global_peer_class_id)
    s.set_peer_class_filter(f)
    return s


class Follower(threading.Thread):
    """Long-polls the manifest and queues (seq, torrent bytes) for every new segment from the live edge."""

    def __init__(self, manifest_url, queue, lock, stop):
        super().__init__(daemon=True)
        self.manifest_url, self.queue, self.lock, self.stop = manifest_url, queue, lock, stop
        self.after = None

    def get(self, url, timeout):
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.read()

    def run(self):
        while not self.stop.is_set():
            try:
                url = self.manifest_url if self.after is None else "%s?after=%d&wait=25" % (self.manifest_url, self.after)
                seqs = segment_numbers(self.get(url, 40))
                if not seqs:
                    self.after = -1
                    continue
                if self.after is None:
                    self.after = seqs[-1] - 1  # start at the live edge, as the agent does
                    out("START %d" % seqs[-1])
                for seq in seqs:
                    if seq > self.after:
                        torrent = self.get("%s/%d.torrent" % (self.manifest_url, seq), 10)
                        with self.lock:
                            self.queue.append((seq, torrent))
                        self.after = seq
            except Exception as e:  # noqa: BLE001 - keep following; the next poll may work
                log("manifest poll failed: %s" % e)
                time.sleep(0.5)


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    channel_url, n, cap, seed_window, save_dir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
        int(sys.argv[4]), sys.argv[5]
    u = urllib.parse.urlsplit(channel_url)
    manifest_url = urllib.parse.urlunsplit((u.scheme, u.netloc, u.path, "", ""))

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()

    sessions = [make_session(cap) for _ in range(n)]
    out("READY %d" % n)
    handles = [dict() for _ in range(n)]   # seq -> handle
    seq_of = [dict() for _ in range(n)]    # info-hash str -> seq
    done_bytes = [[0, 0] for _ in range(n)]  # payload of removed torrents: down, up
    queue, lock = [], threading.Lock()
    Follower(manifest_url, queue, lock, stop).start()
    last_bytes = 0.0
    while not stop.is_set():
        with lock:
            new, queue[:] = list(queue), []
        for seq, torrent in new:
            info = lt.torrent_info(lt.bdecode(torrent))
            for i, s in enumerate(sessions):
                p = lt.add_torrent_params()
                p.ti = info
                # a directory per segment: segment torrents may share a file name
                p.save_path = os.path.join(save_dir, str(i), str(seq))
                p.flags &= ~lt.torrent_flags.auto_managed
                p.flags &= ~lt.torrent_flags.paused
                h = s.add_torrent(p)
                handles[i][seq] = h
                seq_of[i][str(info.info_hash())] = seq
            newest = max(seq for seq, _ in new)
            for i, s in enumerate(sessions):
                for old in [q for q in handles[i] if q <= newest - seed_window]:
                    st = handles[i][old].status()
                    done_bytes[i][0] += st.total_payload_download
                    done_bytes[i][1] += st.total_payload_upload
                    s.remove_torrent(handles[i].pop(old), lt.session.delete_files)
        for i, s in enumerate(sessions):
            for a in s.pop_alerts():
                if isinstance(a, lt.torrent_finished_alert):
                    seq = seq_of[i].get(str(a.handle.info_hash()))
                    if seq is not None:
                        out("DONE %d %d %d" % (i, seq, int(time.time() * 1000)))
                elif isinstance(a, (lt.torrent_error_alert, lt.file_error_alert)):
                    log("listener %d: %s" % (i, a.message()))
        now = time.monotonic()
        if now - last_bytes >= 1.0:
            last_bytes = now
            for i in range(n):
                down, up = done_bytes[i]
                for h in handles[i].values():
                    st = h.status()
                    down += st.total_payload_download
                    up += st.total_payload_upload
                out("BYTES %d %d %d" % (i, down, up))
        time.sleep(0.05)
    return 0


if __name__ == "__main__":
    sys.exit(main())
