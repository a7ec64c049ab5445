#!/usr/bin/env bash
# Announce throughput: our tracker vs opentracker, same machine, same load, same info-hashes.
#
# Needs (installs nothing itself):  apt-get install wrk opentracker   plus a JDK 17 and Maven,
# and the project built once:       cd /work/main && mvn -q -B install -DskipTests
#
# Usage: tracker/bench/run.sh [SECONDS=10] [CONNECTIONS=64] [HASHES=100] [ROUNDS=3]
#   HTTP: wrk -t2 -cCONNECTIONS --latency with announce.lua (random peer ids/ports, BEP 3 compact)
#   UDP:  UdpLoad.java, 2 threads x 64 announces in flight (BEP 15), connection ID reused
# Both trackers run on 127.0.0.1 with the same whitelist of HASHES random info-hashes; ours with
# its per-address rate limit off (every request comes from 127.0.0.1). Runs alternate between the
# two trackers for ROUNDS rounds and each figure is the median round, so a burst of other load
# on the machine hits both alike. Every process this script starts is stopped by its PID on exit.
set -euo pipefail

SECONDS_PER_RUN=${1:-10}
CONNECTIONS=${2:-64}
HASHES=${3:-100}
ROUNDS=${4:-3}
ONLY=${ONLY:-}   # ONLY=http or ONLY=udp measures one transport
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OURS_PORT=${OURS_PORT:-17070}
OT_PORT=${OT_PORT:-16969}

for tool in wrk opentracker java mvn curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (apt-get install wrk opentracker)" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/tracker-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# The same info-hashes for both: opentracker's whitelist file (the Debian build is compiled with
# WANT_ACCESSLIST_WHITE) is read after it chroots into -d, so it is named relative to that folder.
for _ in $(seq "$HASHES"); do head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n'; echo; done > "$WORK/whitelist.txt"
chmod 644 "$WORK/whitelist.txt"

(cd "$ROOT" && mvn -q -B -o dependency:build-classpath -pl tracker -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/cp.txt")
CP="$ROOT/tracker/target/classes:$(cat "$WORK/cp.txt")"

# opentracker refuses to run as root: -u nobody; -d chroot folder.
opentracker -i 127.0.0.1 -p "$OT_PORT" -P "$OT_PORT" -d "$WORK" -u nobody -w whitelist.txt >"$WORK/opentracker.log" 2>&1 &
PIDS+=($!)
java ${TRACKER_JAVA_OPTS:--Xms2g -Xmx2g -XX:+UseParallelGC} -cp "$CP" org.minuteswarm.tracker.TrackerCommand --bind 127.0.0.1 \
  --http-port "$OURS_PORT" --udp-port "$OURS_PORT" --data-dir "$WORK/ours" --rate-limit 0 \
  --register-info-hashes "$WORK/whitelist.txt" >"$WORK/ours.log" 2>&1 &
PIDS+=($!)

H1=$(head -1 "$WORK/whitelist.txt" | sed 's/../%&/g')
PROBE="/announce?info_hash=$H1&peer_id=-PR0001-000000000000&port=6881&uploaded=0&downloaded=0&left=0&compact=1"
for port in "$OURS_PORT" "$OT_PORT"; do
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port$PROBE" >/dev/null && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$port$PROBE" | grep -q "8:intervali" || { echo "run.sh: tracker on $port not answering" >&2; cat "$WORK"/*.log >&2; exit 1; }
done

wrk_run() { # port seconds -> "req/s p50ms p99ms"
  wrk -t2 -c"$CONNECTIONS" -d"$2"s --latency -s "$HERE/announce.lua" "http://127.0.0.1:$1" -- "$WORK/whitelist.txt" \
    | awk '
      function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
      /Requests\/sec/ { rps = $2 }
      $1 == "50%" { p50 = ms($2) }
      $1 == "99%" { p99 = ms($2) }
      / Non-2xx/ { bad = $NF }
      END { printf "%.0f %.3f %.3f %s\n", rps, p50, p99, (bad == "" ? 0 : bad) }'
}
udp_run() { # port seconds -> "req/s p50ms p99ms timeouts"
  java "$HERE/UdpLoad.java" 127.0.0.1 "$1" "$WORK/whitelist.txt" "$2" 2 64 | awk '/^udp:/ { print $2, $3, $4, $5 }'
}

echo "warming up (JIT) ..." >&2
if [ "$ONLY" != udp ]; then wrk_run "$OURS_PORT" 5 >/dev/null; wrk_run "$OT_PORT" 5 >/dev/null; fi
if [ "$ONLY" != http ]; then udp_run "$OURS_PORT" 3 >/dev/null; udp_run "$OT_PORT" 3 >/dev/null; fi

echo "measuring: $ROUNDS alternating rounds of ${SECONDS_PER_RUN}s per tracker and transport, $CONNECTIONS HTTP connections, $HASHES info-hashes ..." >&2
: >"$WORK/h_ours"; : >"$WORK/h_ot"; : >"$WORK/u_ours"; : >"$WORK/u_ot"; : >"$WORK/failures"
last() { [ -s "$1" ] && tail -1 "$1" | cut -d' ' -f1 || echo -; }
for round in $(seq "$ROUNDS"); do
  if [ "$ONLY" != udp ]; then
    wrk_run "$OURS_PORT" "$SECONDS_PER_RUN" >>"$WORK/h_ours"
    wrk_run "$OT_PORT" "$SECONDS_PER_RUN" >>"$WORK/h_ot"
  fi
  if [ "$ONLY" != http ]; then
    udp_run "$OURS_PORT" "$SECONDS_PER_RUN" >>"$WORK/u_ours"
    udp_run "$OT_PORT" "$SECONDS_PER_RUN" >>"$WORK/u_ot"
  fi
  echo "round $round: HTTP $(last "$WORK/h_ours") vs $(last "$WORK/h_ot")," \
       "UDP $(last "$WORK/u_ours") vs $(last "$WORK/u_ot") announces/s" >&2
done
median() { sort -n -k1,1 "$1" | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2)'; }
row() { # transport ours-file opentracker-file
  local o o50 o99 obad t t50 t99 tbad
  read -r o o50 o99 obad <<<"$(median "$2")"
  read -r t t50 t99 tbad <<<"$(median "$3")"
  printf '%-9s | %12s %7s %7s     | %12s %7s %7s     | %.2fx\n' "$1" "$o" "$o50" "$o99" "$t" "$t50" "$t99" \
    "$(echo "$o / $t" | bc -l)"
  echo "$1 $obad $tbad" >>"$WORK/failures"
}

printf '\n%-9s | %-32s | %-32s | %s\n' transport "minuteswarm: ann/s  p50 ms  p99 ms" "opentracker: ann/s  p50 ms  p99 ms" "ratio"
[ "$ONLY" != udp ] && row HTTP "$WORK/h_ours" "$WORK/h_ot"
[ "$ONLY" != http ] && row UDP "$WORK/u_ours" "$WORK/u_ot"
awk '{ printf "(%s %s: ours %s, opentracker %s)\n", $1, ($1 == "HTTP" ? "non-2xx" : "time-outs"), $2, $3 }' "$WORK/failures"
