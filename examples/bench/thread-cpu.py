#!/usr/bin/env python3
"""CPU per thread name, averaged over processes, from /proc: where a listener agent's CPU goes.

Usage, while `./minuteswarm bench swarm` runs (after every agent plays):
    examples/bench/thread-cpu.py "$(pgrep -d, -f 'Xmn4m')" 25
prints, per thread name (digits folded to N), user and system CPU as % of one core per process, and
voluntary context switches (wake-ups) per second, over the given number of seconds.
"""
import collections
import os
import re
import sys
import time

USER_HZ = 100  # proc(5): CPU times are in clock ticks


def snapshot(pid):
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
            status = open(f"/proc/{pid}/task/{tid}/status").read()
        except OSError:
            continue  # the thread ended
        name = re.sub(r"\d+", "N", stat[stat.index("(") + 1:stat.rindex(")")])
        fields = stat[stat.rindex(")") + 2:].split()
        wakeups = int(re.search(r"^voluntary_ctxt_switches:\s+(\d+)", status, re.M).group(1))
        threads[tid] = (name, int(fields[11]), int(fields[12]), wakeups)
    return threads


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: thread-cpu.py PID[,PID...] SECONDS")
    pids = [int(p) for p in sys.argv[1].split(",") if p]
    seconds = float(sys.argv[2])
    if not pids:
        sys.exit("thread-cpu.py: no process ids given")
    before = {p: snapshot(p) for p in pids}
    time.sleep(seconds)
    totals = collections.defaultdict(lambda: [0, 0, 0])
    for p in pids:
        try:
            after = snapshot(p)
        except FileNotFoundError:
            sys.exit(f"thread-cpu.py: process {p} ended during the measurement")
        for tid, (name, user, system, wakeups) in after.items():
            _, user0, system0, wakeups0 = before[p].get(tid, (name, 0, 0, 0))
            t = totals[name]
            t[0] += user - user0
            t[1] += system - system0
            t[2] += wakeups - wakeups0
    n = len(pids)
    scale = 100.0 / USER_HZ / n / seconds
    rows = sorted(totals.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))
    print(f"{'user %':>7} {'sys %':>6} {'wakeups/s':>10}  thread (per process, {n} processes, {seconds:g} s)")
    for name, (user, system, wakeups) in rows[:15]:
        print(f"{user * scale:7.2f} {system * scale:6.2f} {wakeups / n / seconds:10.1f}  {name}")
    total = sum(u + s for u, s, _ in totals.values()) * scale
    print(f"{total:7.2f} % of one core per process in all")


if __name__ == "__main__":
    main()
