#!/usr/bin/python3
"""Seeds one torrent with libtorrent (python3-libtorrent) on loopback, for minuteswarm's interop tests.

Usage: lt_seed.py TORRENT SAVE_DIR LISTEN_PORT TIMEOUT_SECONDS [ENCRYPTION]

The torrent's data must already be in SAVE_DIR: libtorrent checks it and seeds it, as a client
does that has completed a segment. ENCRYPTION is "enabled" (default, libtorrent's default: MSE
or plaintext) or "disabled". DHT, LSD, UPnP and NAT-PMP are off: peers find this seed through
the torrent's tracker only.

Prints "SEEDING ..." once every piece is checked and the tracker answered an announce, then
seeds until SIGTERM or TIMEOUT_SECONDS, and prints one result line:
  OK uploaded_bytes=... peers=...            (on SIGTERM, exit 0)
  FAIL <reason> ...                          (exit 1)
Diagnostics (alerts) go to stderr.
"""
import signal
import sys
import time

import libtorrent as lt

T0 = time.monotonic()
stopping = False


def log(msg):
    print("%7.3f %s" % (time.monotonic() - T0, msg), file=sys.stderr, flush=True)


def on_term(signum, frame):
    global stopping
    stopping = True


def main():
    if len(sys.argv) not in (5, 6):
        print("FAIL usage: lt_seed.py TORRENT SAVE_DIR LISTEN_PORT TIMEOUT_SECONDS [enabled|disabled]")
        return 1
    torrent, save_dir, port, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    encryption = sys.argv[5] if len(sys.argv) == 6 else "enabled"
    policy = {"disabled": lt.enc_policy.pe_disabled, "enabled": lt.enc_policy.pe_enabled}[encryption]
    signal.signal(signal.SIGTERM, on_term)

    session = lt.session({
        "listen_interfaces": "127.0.0.1:%d" % port,
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "allow_multiple_connections_per_ip": True,
        "out_enc_policy": int(policy),
        "in_enc_policy": int(policy),
        "alert_mask": int(lt.alert.category_t.error_notification | lt.alert.category_t.status_notification
                          | lt.alert.category_t.tracker_notification | lt.alert.category_t.peer_notification
                          | lt.alert.category_t.connect_notification),
    })
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = save_dir
    params.flags &= ~lt.torrent_flags.auto_managed
    params.flags &= ~lt.torrent_flags.paused
    handle = session.add_torrent(params)

    deadline = T0 + timeout
    tracker_replied = False
    seeding_printed = False
    peers = set()
    result = None
    while not stopping and time.monotonic() < deadline:
        session.wait_for_alert(100)
        for a in session.pop_alerts():
            if isinstance(a, lt.tracker_reply_alert):
                tracker_replied = True
            elif isinstance(a, lt.tracker_error_alert):
                log("tracker error: %s" % a.message())
            elif isinstance(a, (lt.torrent_error_alert, lt.file_error_alert)):
                result = "FAIL torrent error: %s" % a.message()
            elif isinstance(a, lt.incoming_connection_alert):
                peers.add(str(a.endpoint))
            log(a.message())
        if result:
            break
        # Seeding and known to the tracker (as a seed or, if it announced while checking, a leecher:
        # either way a leecher announcing now is given this peer).
        if not seeding_printed and tracker_replied and handle.status().is_seeding:
            print("SEEDING %d bytes" % handle.status().total_wanted, flush=True)
            seeding_printed = True

    status = handle.status()
    if result is None:
        if not seeding_printed:
            result = "FAIL never seeded (state=%s progress=%.3f tracker replied=%s)" % (
                status.state, status.progress, tracker_replied)
        elif not stopping:
            result = "FAIL not stopped within %.0f s; uploaded_bytes=%d" % (timeout, status.total_payload_upload)
        else:
            result = "OK uploaded_bytes=%d peers=%d" % (status.total_payload_upload, len(peers))
    print(result, flush=True)
    session.remove_torrent(handle)
    del session
    return 0 if result.startswith("OK") else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001 - one line for the test, whatever went wrong
        print("FAIL %s: %s" % (type(e).__name__, e), flush=True)
        sys.exit(1)
