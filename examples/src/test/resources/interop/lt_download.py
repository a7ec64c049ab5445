#!/usr/bin/python3
"""Downloads one torrent with libtorrent (python3-libtorrent) on loopback, for minuteswarm's interop tests.

Usage: lt_download.py TORRENT SAVE_DIR LISTEN_PORT TIMEOUT_SECONDS [ENCRYPTION [TRANSPORT]]

ENCRYPTION is "disabled" (default: plaintext handshakes only) or "enabled" (libtorrent's default:
try MSE, fall back to plaintext). TRANSPORT is "utp+tcp" (default, libtorrent's default: try uTP
first, then TCP), "tcp" (outgoing uTP off) or "incoming" (no outgoing connections at all: peers
must connect to this client).

Peers are found through the torrent's tracker only: DHT, LSD, UPnP and NAT-PMP are off. Waits
until the torrent is seeding (every piece downloaded and checked), then until the tracker answered
the "completed" announce (at most 5 s more), and exits.

Prints one result line and exits 0 on success, 1 on failure or timeout:
  OK download_ms=... payload_bytes=... redundant_bytes=... peers=... incoming=... utp_fallbacks=...
     completed_announced=yes|no tracker=...   (all on one line)
  FAIL <reason> ...
Diagnostics (alerts) go to stderr.
"""
import sys
import time

import libtorrent as lt

COMPLETED_ANNOUNCE_WAIT = 5.0


T0 = time.monotonic()


def log(msg):
    print("%7.3f %s" % (time.monotonic() - T0, msg), file=sys.stderr, flush=True)


def main():
    if len(sys.argv) not in (5, 6, 7):
        print("FAIL usage: lt_download.py TORRENT SAVE_DIR LISTEN_PORT TIMEOUT_SECONDS"
              " [disabled|enabled [utp+tcp|tcp|incoming]]")
        return 1
    torrent, save_dir, port, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    encryption = sys.argv[5] if len(sys.argv) > 5 else "disabled"
    transport = sys.argv[6] if len(sys.argv) > 6 else "utp+tcp"
    if transport not in ("utp+tcp", "tcp", "incoming"):
        print("FAIL unknown transport %s" % transport)
        return 1
    policy = {"disabled": lt.enc_policy.pe_disabled, "enabled": lt.enc_policy.pe_enabled}[encryption]

    settings = {
        "listen_interfaces": "127.0.0.1:%d" % port,
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "allow_multiple_connections_per_ip": True,
        "enable_outgoing_utp": transport == "utp+tcp",
        "enable_outgoing_tcp": transport != "incoming",
        "out_enc_policy": int(policy),
        "in_enc_policy": int(policy),
        "alert_mask": int(lt.alert.category_t.error_notification | lt.alert.category_t.status_notification
                          | lt.alert.category_t.tracker_notification | lt.alert.category_t.peer_notification
                          | lt.alert.category_t.connect_notification),
    }
    session = lt.session(settings)
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = save_dir
    params.flags &= ~lt.torrent_flags.auto_managed
    params.flags &= ~lt.torrent_flags.paused
    started = time.monotonic()
    handle = session.add_torrent(params)

    deadline = started + timeout
    done_at = None
    completed_sent = False
    completed_answered = False
    peers = set()
    incoming = 0
    utp_fallbacks = 0
    tracker = "no announce"
    result = None
    while time.monotonic() < deadline:
        session.wait_for_alert(100)
        for a in session.pop_alerts():
            if isinstance(a, lt.tracker_announce_alert):
                if int(a.event) == int(lt.event_t.completed):
                    completed_sent = True
                tracker = "announced"
            elif isinstance(a, lt.tracker_reply_alert):
                tracker = "reply with %d peers" % a.num_peers
                if completed_sent:
                    completed_answered = True
            elif isinstance(a, lt.tracker_error_alert):
                tracker = "error: %s" % a.message()
                log("tracker error: %s" % a.message())
            elif isinstance(a, lt.peer_connect_alert):
                peers.add(str(a.endpoint))  # an outgoing connection for this torrent
                log(a.message())
            elif isinstance(a, lt.incoming_connection_alert):
                incoming += 1  # any torrent's: accepted before the handshake names the info-hash
                log(a.message())
            elif isinstance(a, (lt.torrent_error_alert, lt.file_error_alert)):
                result = "FAIL torrent error: %s" % a.message()
            else:
                if isinstance(a, lt.peer_disconnected_alert) and "(uTP) [connect]" in a.message():
                    utp_fallbacks += 1  # a uTP connect that failed: libtorrent tries TCP next
                log(a.message())
        if result:
            break
        status = handle.status()
        if done_at is None and status.is_seeding:
            done_at = time.monotonic()
            log("seeding: all %d bytes downloaded and checked" % status.total_wanted)
        if done_at is not None and (completed_answered or time.monotonic() - done_at > COMPLETED_ANNOUNCE_WAIT):
            break

    status = handle.status()
    if result is None:
        if done_at is None:
            result = ("FAIL timeout after %.1f s: state=%s progress=%.3f payload_bytes=%d peers=%d incoming=%d"
                      " utp_fallbacks=%d tracker=%s") % (timeout, status.state, status.progress,
                                                        status.total_payload_download, len(peers), incoming,
                                                        utp_fallbacks, tracker)
        else:
            result = ("OK download_ms=%d payload_bytes=%d redundant_bytes=%d peers=%d incoming=%d utp_fallbacks=%d"
                      " completed_announced=%s tracker=%s") % (
                (done_at - started) * 1000, status.total_payload_download, status.total_redundant_bytes,
                len(peers), incoming, utp_fallbacks, "yes" if completed_answered else "no", tracker)
    print(result, flush=True)
    session.remove_torrent(handle)
    del session  # sends the "stopped" announce, waiting at most stop_tracker_timeout (1 s)
    return 0 if result.startswith("OK") else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001 - one line for the test, whatever went wrong
        print("FAIL %s: %s" % (type(e).__name__, e), flush=True)
        sys.exit(1)
