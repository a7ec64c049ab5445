#!/usr/bin/env bash
# Take a live MPEG-TS feed over UDP, as OBS (Settings > Output > Recording, type "Custom Output
# (FFmpeg)", "Output to URL", container mpegts, URL udp://127.0.0.1:5000) or ffmpeg send it.
#
# What you should see:
#   channel: http://127.0.0.1:7070/channels/obs?key=...
# and nothing more until the sender starts; then segments are published every SEGMENT-SECONDS.
# To try it without OBS, in another terminal:
#   ffmpeg -re -f lavfi -i testsrc2=rate=25 -f lavfi -i sine -c:v libx264 -g 50 -c:a aac \
#          -f mpegts udp://127.0.0.1:5000?pkt_size=1316
#
# Usage: examples/scripts/obs-udp-broadcast.sh [PORT] [SEGMENT-SECONDS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec "$root/minuteswarm" broadcast --input "udp://127.0.0.1:${1:-5000}" --channel obs \
  --segment-seconds "${2:-10}" --data-dir "$root/minuteswarm-data/broadcast-obs"
