#!/usr/bin/env bash
# Relay an Icecast/SHOUTcast (HTTP) radio stream: minuteswarm pulls it itself.
#
# What you should see:
#   channel: http://127.0.0.1:7070/channels/radio?key=...
# and, once a segment's worth of audio has arrived (60 s by default), 'published' segments in the
# status line. Play it with examples/scripts/play.sh; VLC and mpv play the audio stream.
#
# Usage: examples/scripts/relay-radio.sh http://RADIO-HOST:8000/MOUNT [SEGMENT-SECONDS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
url="${1:?usage: relay-radio.sh http://RADIO-HOST:PORT/MOUNT [SEGMENT-SECONDS]}"
exec "$root/minuteswarm" broadcast --input "$url" --channel radio --segment-seconds "${2:-60}" \
  --data-dir "$root/minuteswarm-data/broadcast-radio"
