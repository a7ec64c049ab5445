#!/usr/bin/env python3
"""CPU per agent over the segment cycle: how an agent's CPU is spread from a segment's publication on.

Usage, while `./minuteswarm bench swarm ... --out DIR 2> DIR/origin.log` runs (after every agent plays):
    examples/bench/cycle-cpu.py "$(pgrep -d, -f 'Xmn4m')" 60 DIR 5
samples the summed CPU ticks (/proc/PID/stat) of the given processes every 10 ms for the given seconds, then
prints, per 100 ms after each publication in that time (from DIR/origin.log) and averaged over the cycles, the
CPU of one process as % of one core. The last argument is the segment length in seconds.
"""
import bisect
import datetime
import os
import re
import sys
import time

USER_HZ = 100  # proc(5): CPU times are in clock ticks
BIN = 0.1


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            stat = open(f"/proc/{pid}/stat").read()
        except OSError:
            continue  # the process ended
        fields = stat[stat.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])
    return total / USER_HZ


def publications(log, day):
    times = []
    for line in open(log, errors="replace"):
        m = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) .*segment \d+ published", line)
        if m:
            h, mi, s, ms = map(int, m.groups())
            times.append(datetime.datetime(day.year, day.month, day.day, h, mi, s, ms * 1000).timestamp())
    return times


def main(pids, seconds, out_dir, period):
    samples = []
    end = time.time() + seconds
    while time.time() < end:
        samples.append((time.time(), cpu_seconds(pids)))
        time.sleep(0.01)

    times = [ts for ts, _ in samples]

    def at(t):  # CPU seconds at time t, from the last sample at or before it
        return samples[max(0, bisect.bisect_right(times, t) - 1)][1]

    day = datetime.datetime.fromtimestamp(samples[0][0]).date()  # the log's times are local
    cycles = [p for p in publications(os.path.join(out_dir, "origin.log"), day)
              if samples[0][0] <= p and p + period <= samples[-1][0]]
    if not cycles:
        sys.exit("no publication in the sampled time: is %s/origin.log the bench's stderr?" % out_dir)
    print("%d cycles, %d processes; CPU per process in %% of one core per %d ms after publication"
          % (len(cycles), len(pids), BIN * 1000))
    for i in range(int(period / BIN)):
        used = sum(at(p + (i + 1) * BIN) - at(p + i * BIN) for p in cycles)
        share = used / len(cycles) / BIN / len(pids) * 100
        print("%4.1f s %6.2f%% %s" % (i * BIN, share, "#" * int(share * 4)))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: cycle-cpu.py PIDS SECONDS BENCH-OUT-DIR SEGMENT-SECONDS")
    main(sys.argv[1].split(","), float(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
