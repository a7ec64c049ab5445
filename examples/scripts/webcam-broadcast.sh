#!/usr/bin/env bash
# Broadcast your webcam and microphone (Linux: V4L2 camera, PulseAudio/PipeWire microphone).
#
# What you should see: the camera light turns on, ffmpeg reports its input devices, then
#   channel: http://HOST:7070/channels/webcam?key=...
# Listeners on other machines need --host set to a name or address they can reach:
#   HOST=192.0.2.10 examples/scripts/webcam-broadcast.sh
#
# Usage: [VIDEO=/dev/video0] [AUDIO=default] [HOST=127.0.0.1] examples/scripts/webcam-broadcast.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ffmpeg -hide_banner -loglevel warning \
  -f v4l2 -framerate 25 -video_size 1280x720 -i "${VIDEO:-/dev/video0}" \
  -f pulse -i "${AUDIO:-default}" \
  -c:v libx264 -preset veryfast -tune zerolatency -b:v 2000k -maxrate 2000k -bufsize 4000k \
  -g 50 -keyint_min 50 -sc_threshold 0 -pix_fmt yuv420p \
  -c:a aac -b:a 128k -f mpegts - \
| "$root/minuteswarm" broadcast --input - --channel webcam --segment-seconds 10 \
    --host "${HOST:-127.0.0.1}" --data-dir "$root/minuteswarm-data/broadcast-webcam"
