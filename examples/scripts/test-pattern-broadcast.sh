#!/usr/bin/env bash
# Broadcast an ffmpeg test pattern with a tone (H.264 + AAC in MPEG-TS), piped into minuteswarm.
#
# What you should see: ffmpeg encoding at about 1x speed on stderr, then minuteswarm printing
#   channel: http://127.0.0.1:7070/channels/testpattern?key=...
# and a status line every 5 s. Listen with ./examples/scripts/play.sh "$(cat DATA-DIR/channel.url)".
# The picture is ffmpeg's colour bars with a running clock; the tone is 1 kHz.
#
# Usage: examples/scripts/test-pattern-broadcast.sh [SEGMENT-SECONDS]   (default 6)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${1:-6}"
ffmpeg -hide_banner -loglevel warning -re \
  -f lavfi -i "testsrc2=size=1280x720:rate=25" \
  -f lavfi -i "sine=frequency=1000:sample_rate=48000" \
  -c:v libx264 -preset veryfast -tune zerolatency -b:v 1500k -maxrate 1500k -bufsize 3000k \
  -g 50 -keyint_min 50 -sc_threshold 0 -pix_fmt yuv420p \
  -c:a aac -b:a 128k -f mpegts - \
| "$root/minuteswarm" broadcast --input - --channel testpattern --segment-seconds "$seconds" \
    --data-dir "$root/minuteswarm-data/broadcast-testpattern"
