#!/usr/bin/env bash
# Listen to a channel and play it in the first player found (mpv, VLC, ffplay), or the one named.
#
# What you should see: 'play: http://127.0.0.1:PORT/stream.ts' on stderr, then the player window
# once the live-edge segment has arrived (a segment's download, usually well under its duration).
# The listener keeps seeding to other listeners while it plays; Ctrl-C stops both.
#
# Usage: examples/scripts/play.sh CHANNEL-URL [mpv|vlc|ffplay|hls]
#   hls: play /playlist.m3u8 instead of /stream.ts (with mpv, VLC or ffplay, whichever is found)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
url="${1:?usage: play.sh CHANNEL-URL [mpv|vlc|ffplay|hls]}"
want="${2:-}"
log="$(mktemp)"
"$root/minuteswarm" listen "$url" --play-port 0 --data-dir "$(mktemp -d)" 2> >(tee "$log" >&2) > "$log.out" &
agent=$!
trap 'kill "$agent" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  play="$(sed -n 's/^play: //p' "$log.out")"
  [[ -n "$play" ]] && break
  sleep 0.1
done
[[ -n "${play:-}" ]] || { echo "play.sh: the listener did not start; see above" >&2; exit 1; }
target="$play"
[[ "$want" == hls ]] && { target="${play%/stream.ts}/playlist.m3u8"; want=""; }
for p in ${want:-mpv vlc ffplay}; do
  if command -v "$p" >/dev/null; then
    case "$p" in
      ffplay) ffplay -hide_banner -loglevel warning "$target" ;;
      *) "$p" "$target" ;;
    esac
    exit
  fi
done
echo "play.sh: no player found; open $target in VLC, mpv, ffplay or a browser" >&2
wait "$agent"
