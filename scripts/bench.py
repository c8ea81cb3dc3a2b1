#!/usr/bin/env python3
"""Paired benchmark: smtpcheck vs swaks on the same transaction, same run.

Each round runs the two tools back to back (order alternating per round, so
neither always gets the warm cache), against the local Postfix that
scripts/postfix-up starts on 127.0.0.1:25:

  smtpcheck probe postmaster@postfix.test --server 127.0.0.1
  swaks --server 127.0.0.1 --to postmaster@postfix.test --quit-after RCPT

Both connect, read the greeting, EHLO, MAIL FROM, RCPT TO and QUIT; neither
sends DATA. Reports the median wall time of each and the ratio
swaks/smtpcheck (above 1 means smtpcheck is faster), over all rounds and as
the median of per-round ratios.

Usage: scripts/bench.py [ROUNDS]   (needs: cargo build --release, swaks, Postfix up)
"""
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
SMTPCHECK = os.path.join(ROOT, "target", "release", "smtpcheck")

COMMANDS = {
    "smtpcheck": [SMTPCHECK, "probe", "postmaster@postfix.test", "--server", "127.0.0.1",
                  "--helo", "bench.smtpcheck.test", "--from", "bench@postfix.test", "--json"],
    "swaks": ["swaks", "--server", "127.0.0.1", "--to", "postmaster@postfix.test",
              "--from", "bench@postfix.test", "--helo", "bench.smtpcheck.test", "--quit-after", "RCPT"],
}


def once(argv):
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    return elapsed, done.returncode


def main():
    if not os.path.exists(SMTPCHECK):
        sys.exit("build first: cargo build --release")
    if not shutil.which("swaks"):
        sys.exit("swaks is missing: apt-get install swaks")
    for name, argv in COMMANDS.items():
        _, rc = once(argv)
        if rc != 0:
            sys.exit(f"{name} failed (exit {rc}): is Postfix up? run scripts/postfix-up")
    for _ in range(3):  # warm-up
        for argv in COMMANDS.values():
            once(argv)
    times = {name: [] for name in COMMANDS}
    ratios = []
    for i in range(ROUNDS):
        order = list(COMMANDS) if i % 2 == 0 else list(reversed(COMMANDS))
        got = {}
        for name in order:
            got[name], _ = once(COMMANDS[name])
            times[name].append(got[name])
        ratios.append(got["swaks"] / got["smtpcheck"])
    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}")
    print(f"rounds: {ROUNDS} paired (order alternating)")
    for name in COMMANDS:
        t = times[name]
        print(f"{name:>10}: median {med[name]*1000:7.2f} ms  (min {min(t)*1000:.2f}, max {max(t)*1000:.2f})")
    print(f"ratio swaks/smtpcheck: {med['swaks']/med['smtpcheck']:.2f}x (medians), "
          f"{statistics.median(ratios):.2f}x (median of per-round ratios)")


if __name__ == "__main__":
    main()
