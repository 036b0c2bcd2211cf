#!/usr/bin/env python3
"""Development aid: compare textsweep's edits with the labelled spans of the synth set.

    cargo build --release --example dump_edits
    python3 tools/synth_errors.py [--gold ../shared/data/synth/public.jsonl] [--show N] [--cat CATEGORY]

Prints false removals (edit bytes outside every noise span, non-whitespace only) and missed noise
spans per category. Reads the evaluation data at run time; copies none of it.
"""
import argparse, json, subprocess, sys, collections

ap = argparse.ArgumentParser()
ap.add_argument("--gold", default="../shared/data/synth/public.jsonl")
ap.add_argument("--show", type=int, default=25)
ap.add_argument("--cat", default=None)
ap.add_argument("--bin", default="target/release/examples/dump_edits")
a = ap.parse_args()
gold = [json.loads(l) for l in open(a.gold, encoding="utf-8")]
payload = "".join(json.dumps({"id": g["id"], "text": g["noisy"]}, ensure_ascii=False) + "\n" for g in gold)
p = subprocess.run([a.bin], input=payload.encode(), capture_output=True, check=True)
got = {o["id"]: o["edits"] for o in map(json.loads, p.stdout.decode().splitlines())}
false, missed = [], collections.defaultdict(list)
for g in gold:
    b = g["noisy"].encode()
    noise = bytearray(len(b))
    for s in g["spans"]:
        for i in range(s["start"], s["end"]):
            noise[i] = 1
    removed = bytearray(len(b))
    for e in got[g["id"]]:
        bad = bytes(b[i] for i in range(e["start"], e["end"]) if not noise[i])
        if bad.decode("utf-8", "replace").strip():
            false.append((g["id"], g["lang"], e["rule"], e["text"], bad.decode("utf-8", "replace")))
        for i in range(e["start"], e["end"]):
            removed[i] = 1
    for s in g["spans"]:
        kept = bytes(b[i] for i in range(s["start"], s["end"]) if not removed[i]).decode("utf-8", "replace")
        if kept.strip():
            missed[s["category"]].append((g["id"], g["lang"], s["text"], kept))
print(f"false removals: {len(false)}")
for f in false[: a.show]:
    print("  FALSE", f[0], f[1], f[2], repr(f[3][:200]))
for cat, lst in sorted(missed.items()):
    if a.cat and cat != a.cat:
        continue
    print(f"missed {cat}: {len(lst)}")
    for m in lst[: a.show if a.cat else 5]:
        print("   ", m[0], m[1], repr(m[2][:160]), "| kept:", repr(m[3][:80]))
