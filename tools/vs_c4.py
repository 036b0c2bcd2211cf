#!/usr/bin/env python3
"""The issue's throughput comparison in one command: datatrove's C4 line filter and textsweep on
the same JSONL, in the same window, as README "Performance" reports it.

    cargo build --release
    python3 tools/vs_c4.py                                  # target/release/textsweep
    python3 tools/vs_c4.py --base /tmp/old-textsweep        # and another build, alternating

The input (default /tmp/perf.jsonl, the trafilatura texts repeated to >= 200 MB) is built with
../shared/eval/c4_speed.py when it is missing. The C4 filter runs before, between and after two
rounds of `--jsonl -j1` runs (each build in turn, the order reversed in the second round, so that
neither always runs first), then `-j2` runs. Wall time of each run, its CPU time and peak RSS
from the kernel's accounting of the child (`wait4`; the start-up's rule compile uses both cores,
so CPU time can exceed wall time on one thread), MB/s on the texts' bytes as c4_speed.py counts them
(not the file's, 1.4 % more), and the ratio of the best run against the fastest C4 run of the
window: the machine's speed moves from one window to the next, so only runs made side by side are
compared. Nothing here is a test: timing never decides one.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
C4 = os.path.join(ROOT, "..", "shared", "eval", "c4_speed.py")


def c4(path):
    """The C4 filter's MB/s on `path`, as c4_speed.py prints it."""
    out = subprocess.run([sys.executable, C4, path], capture_output=True, text=True, check=True).stdout
    m = re.search(r"([0-9.]+) MB/s", out)
    if not m:
        sys.exit(f"vs_c4: no MB/s in c4_speed.py's output: {out!r}")
    return float(m.group(1))


def run(binary, path, threads):
    """One end-to-end run: (wall seconds, CPU seconds (user and system), peak RSS in MB)."""
    with open(path, "rb") as inp, open(os.devnull, "wb") as out:
        start = time.perf_counter()
        p = subprocess.Popen([binary, "--jsonl", f"-j{threads}"], stdin=inp, stdout=out)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"vs_c4: {binary} failed on {path}")
    # KB, as `/usr/bin/time` prints it; the README quotes it divided by 1000.
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "textsweep"))
    ap.add_argument("--base", help="another build, run alternating with --bin")
    ap.add_argument("--input", default="/tmp/perf.jsonl")
    ap.add_argument("--runs", type=int, default=4, help="-j1 runs of each build per round (two rounds)")
    ap.add_argument("--j2-runs", type=int, default=3)
    a = ap.parse_args()
    if not os.path.exists(a.input):
        subprocess.run([sys.executable, C4, "--build-input", a.input], check=True)
    # Throughput on the texts' bytes, as c4_speed.py counts them for the C4 filter (the JSONL
    # around them adds 1.4 % to the trafilatura file): the ratio is then the two programs' times
    # on the same texts, ours end to end.
    with open(a.input, encoding="utf-8") as f:
        mb = sum(len(json.loads(line)["text"].encode()) for line in f) / 1e6
    file_mb = os.path.getsize(a.input) / 1e6
    builds = [("bin", a.bin)] + ([("base", a.base)] if a.base else [])
    times = {name: {1: [], 2: []} for name, _ in builds}
    cpu = {name: {1: [], 2: []} for name, _ in builds}
    rss = {name: {1: [], 2: []} for name, _ in builds}

    def one(name, binary, threads):
        wall, seconds, peak = run(binary, a.input, threads)
        times[name][threads].append(wall)
        cpu[name][threads].append(seconds)
        rss[name][threads].append(peak)

    print(f"{time.strftime('%H:%M:%S', time.gmtime())} UTC, {file_mb:.0f} MB, {mb:.1f} MB of texts: {a.input}")
    speeds = [c4(a.input)]
    for r in range(2):
        for _ in range(a.runs):
            for name, binary in builds if r == 0 else builds[::-1]:
                one(name, binary, 1)
        speeds.append(c4(a.input))
    for _ in range(a.j2_runs):
        for name, binary in builds:
            one(name, binary, 2)
    print(f"{time.strftime('%H:%M:%S', time.gmtime())} UTC, done")
    fastest = max(speeds)
    print("C4 line filter: " + " / ".join(f"{s:.2f}" for s in speeds) + " MB/s (before, between, after)")
    for name, binary in builds:
        for threads in (1, 2):
            t = sorted(times[name][threads])
            best = mb / t[0]
            line = f"{name:4} -j{threads}: {t[0]:.2f}-{t[-1]:.2f} s, median {statistics.median(t):.3f} s, best {best:.1f} MB/s of texts"
            if threads == 1:
                line += f" = {best / fastest:.1f}x the fastest C4 run"
            else:
                line += f", {sorted(times[name][1])[0] / t[0]:.2f}x its -j1 best"
            line += f"; CPU (user + system) best {min(cpu[name][threads]):.2f} s, median {statistics.median(cpu[name][threads]):.2f} s"
            line += f"; peak RSS {min(rss[name][threads]):.1f}-{max(rss[name][threads]):.1f} MB  ({binary})"
            print(line)


if __name__ == "__main__":
    main()
