#!/usr/bin/env python3
"""Re-runs every `$ cargo run --release -q -- ARGS` console block of README.md and pastes the real
output in place (stdout then stderr; with `> /dev/null`, stderr only), as tests/audit.rs checks.

    cargo build --release && python3 tools/update_readme.py
"""
import re, shlex, subprocess

PROMPT = "```console\n$ cargo run --release -q -- "
text = open("README.md", encoding="utf-8").read()
parts = text.split(PROMPT)
out = [parts[0]]
for block in parts[1:]:
    command, rest = block.split("\n", 1)
    end = rest.index("```")
    args = command
    only_stderr = args.endswith(" > /dev/null")
    if only_stderr:
        args = args[: -len(" > /dev/null")]
    p = subprocess.run(["target/release/textsweep", *args.split()], capture_output=True)
    got = (b"" if only_stderr else p.stdout) + p.stderr
    out.append(command + "\n" + got.decode("utf-8") + rest[end:])
open("README.md", "w", encoding="utf-8").write(PROMPT.join(out))
