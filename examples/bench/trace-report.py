#!/usr/bin/env python3
"""Where a segment's distribution time goes, from a traced benchmark run.

Run the benchmark with the per-piece trace on, the origin's log (the bench JVM's stderr) kept:

    MINUTESWARM_TRACE=DEBUG ./minuteswarm bench swarm --listeners 20 ... --out DIR 2> DIR/origin.log
    examples/bench/trace-report.py DIR

and this prints, per segment of the minuteswarm run, in milliseconds after its publication: when the
listeners started its torrent, when the origin sent its first block and the last first copy of a piece,
when the median and the last listener held it all, and, for the last listener, which piece it waited for,
when that piece first left the origin and how long its request waited in its uploader's queue. Then the
medians over the segments. The trace slows the agents a little (a log line per block).
"""
import csv
import glob
import os
import re
import statistics
import sys

LINE = re.compile(r"trace (\d+) (start|running|got|verified|sent|cancelled|stuck|announced|connected|loop|connections) "
                  r"(\S+) (\S+)(.*)")


def read_trace(path):
    events = []
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.search(line)
            if m:
                t, kind, ih, arg, rest = m.groups()
                fields = dict(kv.split("=", 1) for kv in rest.split() if "=" in kv)
                events.append((int(t), kind, ih, arg, fields))
    return events


def pct(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def main(out_dir):
    origin_log = os.path.join(out_dir, "origin.log")
    if not os.path.exists(origin_log):
        sys.exit("no %s: run the bench with 2> %s" % (origin_log, origin_log))
    segments = {}
    with open(os.path.join(out_dir, "bench-segments.csv")) as f:
        for row in csv.DictReader(f):
            if row["run"] == "minuteswarm":
                segments[int(row["sequence"])] = int(row["published_at_ms"])
    if not segments:
        sys.exit("no minuteswarm rows in %s/bench-segments.csv" % out_dir)

    origin = read_trace(origin_log)
    names = {}  # info-hash prefix -> sequence number
    for t, kind, ih, arg, _ in origin:
        if kind == "start":
            m = re.match(r"(\d+)\.", arg)
            if m:
                names[ih] = int(m.group(1))
    listeners = {}
    for log in sorted(glob.glob(os.path.join(out_dir, "work", "minuteswarm", "agent-*", "agent.log"))):
        listeners[os.path.basename(os.path.dirname(log))] = read_trace(log)
    if not any(kind == "sent" for _, kind, _, _, _ in origin):
        sys.exit("no trace lines in %s: was MINUTESWARM_TRACE=DEBUG set?" % origin_log)

    # every upload queue's waits, and who sent which piece when (for the last pieces)
    rows = []
    header = ("seq", "start50", "start_max", "origin_first", "origin_last_first_copy", "origin_copies",
              "done50", "done_max", "last_piece", "left_origin", "last_got", "queue_wait")
    for seq, published in sorted(segments.items()):
        ihs = [ih for ih, s in names.items() if s == seq]
        if not ihs:
            continue
        ih = ihs[0]
        sends = [(t, int(arg)) for t, kind, h, arg, _ in origin if kind == "sent" and h == ih]
        if not sends:
            continue
        first_copy = {}
        for t, piece in sends:
            first_copy.setdefault(piece, t)
        starts, done = [], {}
        for name, events in listeners.items():
            mine = [e for e in events if e[2] == ih]
            started = [t for t, kind, _, _, _ in mine if kind == "start"]
            verified = [(t, int(arg)) for t, kind, _, arg, _ in mine if kind == "verified"]
            if started:
                starts.append(started[0] - published)
            if verified:
                done[name] = (max(verified), len({piece for _, piece in verified}))
        # only listeners that verified every piece (as many as the most any listener verified)
        pieces = max((n for _, n in done.values()), default=0)
        done = {name: last for name, (last, n) in done.items() if n == pieces}
        if not done:
            continue
        last_name = max(done, key=lambda n: done[n][0])
        last_t, last_piece = done[last_name]
        got = [(t, f) for t, kind, _, arg, f in listeners[last_name] if kind == "got" and _ == ih
               and int(arg) == last_piece]
        # the wait of the request that delivered it: the latest 'sent' of that piece to this listener (its
        # listening port, which bt learns from the extended handshake) before it arrived
        port = next((f.get("port") for _, kind, h, _, f in listeners[last_name] if kind == "start" and h == ih), None)
        waits = [(t, int(f.get("waited", 0))) for events in list(listeners.values()) + [origin]
                 for t, kind, h, arg, f in events
                 if kind == "sent" and h == ih and int(arg) == last_piece and t <= last_t and f.get("to") == port]
        wait = max(waits)[1] if waits else -1
        rows.append((seq, pct(starts, 50), max(starts) if starts else -1, sends[0][0] - published,
                     max(first_copy.values()) - published, len(sends),
                     pct([t for t, _ in done.values()], 50) - published, last_t - published, last_piece,
                     first_copy.get(last_piece, 0) - published, (got[-1][0] - published) if got else -1, wait))

    print("ms after publication; copies = blocks the origin sent; the last listener's last piece: when it "
          "left the origin, when it arrived, how long its request waited in its uploader's queue")
    print(" ".join("%11s" % h for h in header))
    for r in rows:
        print(" ".join("%11s" % v for v in r))
    if rows:
        print(" ".join("%11s" % "median" if i == 0 else "%11s" % int(statistics.median(r[i] for r in rows))
                       for i in range(len(header))))
    all_waits = [int(f.get("waited", 0)) for events in listeners.values() for _, kind, _, _, f in events
                 if kind == "sent"]
    origin_waits = [int(f.get("waited", 0)) for _, kind, _, _, f in origin if kind == "sent"]
    received = sum(1 for events in listeners.values() for _, kind, _, _, _ in events if kind == "got")
    # the origin's releases against the verification by the listener it went to (by listening port)
    ports = {f.get("port"): events for events in listeners.values()
             for _, kind, _, _, f in events[:1] if kind == "start"}
    latencies = []
    for t, kind, ih, arg, f in origin:
        if kind == "sent" and f.get("to") in ports:
            after = [v - t for v, k, h, a, _ in ports[f.get("to")]
                     if k == "verified" and h == ih and a == arg and 0 <= v - t < 3000]
            if after:
                latencies.append(min(after))
    print("listener upload queue wait ms: p50 %s p90 %s p99 %s max %s over %d blocks"
          % (pct(all_waits, 50), pct(all_waits, 90), pct(all_waits, 99), max(all_waits, default=0),
             len(all_waits)))
    print("origin upload queue wait ms:   p50 %s p90 %s p99 %s max %s over %d blocks"
          % (pct(origin_waits, 50), pct(origin_waits, 90), pct(origin_waits, 99), max(origin_waits, default=0),
             len(origin_waits)))
    print("blocks released by all uploaders %d, received by listeners %d (%.1f%% never arrived)"
          % (len(all_waits) + len(origin_waits), received,
             100.0 * (1 - received / max(1, len(all_waits) + len(origin_waits)))))
    print("origin release -> listener verified ms: p50 %s p99 %s max %s over %d blocks"
          % (pct(latencies, 50), pct(latencies, 99), max(latencies, default=0), len(latencies)))
    # the listeners' message loops, from their lines every 5 s (means per line)
    for kind, keys in (("loop", ("passes", "asks", "busy-asks", "named-asks", "in", "quiet-in", "out")),
                       ("connections", ("all", "seeding"))):
        lines = [f for events in listeners.values() for _, k, _, _, f in events if k == kind]
        if lines:
            print("listener %s per 5-s line (mean of %d): %s" % (kind, len(lines), " ".join(
                "%s %.0f" % (key, sum(int(f.get(key, 0)) for f in lines) / len(lines)) for key in keys)))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: trace-report.py BENCH-OUT-DIR (with BENCH-OUT-DIR/origin.log)")
    main(sys.argv[1])
