#!/usr/bin/env python3
"""Paired benchmark: smtpcheck vs swaks on the same transaction, same run.

Each round runs the tools back to back (order alternating per round, so
neither always gets the warm cache), against the local Postfix that
scripts/postfix-up starts on 127.0.0.1:25. Two pairs:

  plain: smtpcheck probe postmaster@postfix.test --server 127.0.0.1 --tls off
         swaks --server 127.0.0.1 --to postmaster@postfix.test --quit-after RCPT
  tls:   smtpcheck probe ... (STARTTLS, certificate checked with --ca-file)
         swaks ... -tls --quit-after RCPT

All connect, read the greeting, EHLO, (STARTTLS, EHLO,) MAIL FROM, RCPT TO
and QUIT; none sends DATA. Reports the median wall time of each, the ratio
swaks/smtpcheck (above 1 means smtpcheck is faster) over all rounds and as
the median of per-round ratios, and what the TLS upgrade adds to smtpcheck.

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

CA_FILE = "/etc/postfix/smtpcheck-test/ca.pem"
SMTPCHECK_ARGS = [SMTPCHECK, "probe", "postmaster@postfix.test", "--server", "127.0.0.1",
                  "--helo", "bench.smtpcheck.test", "--from", "bench@postfix.test", "--json"]
SWAKS_ARGS = ["swaks", "--server", "127.0.0.1", "--to", "postmaster@postfix.test",
              "--from", "bench@postfix.test", "--helo", "bench.smtpcheck.test", "--quit-after", "RCPT"]
PAIRS = {
    "plain": {"smtpcheck": SMTPCHECK_ARGS + ["--tls", "off"], "swaks": SWAKS_ARGS},
    "tls": {"smtpcheck": SMTPCHECK_ARGS + ["--ca-file", CA_FILE], "swaks": SWAKS_ARGS + ["-tls"]},
}


def once(argv):
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    return elapsed, done.returncode


def measure(commands):
    """Paired rounds of `commands` (name -> argv); returns times and per-round ratios."""
    for name, argv in commands.items():
        _, rc = once(argv)
        if rc not in (0, 1):
            sys.exit(f"{name} failed (exit {rc}): is Postfix up? run scripts/postfix-up")
    for _ in range(3):  # warm-up
        for argv in commands.values():
            once(argv)
    times = {name: [] for name in commands}
    ratios = []
    for i in range(ROUNDS):
        order = list(commands) if i % 2 == 0 else list(reversed(commands))
        got = {}
        for name in order:
            got[name], _ = once(commands[name])
            times[name].append(got[name])
        ratios.append(got["swaks"] / got["smtpcheck"])
    return times, ratios


def main():
    if not os.path.exists(SMTPCHECK):
        sys.exit("build first: cargo build --release")
    if not shutil.which("swaks"):
        sys.exit("swaks is missing: apt-get install swaks")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}")
    print(f"rounds: {ROUNDS} paired per mode (order alternating)")
    medians = {}
    for mode, commands in PAIRS.items():
        times, ratios = measure(commands)
        med = {name: statistics.median(t) for name, t in times.items()}
        medians[mode] = med
        for name in commands:
            t = times[name]
            print(f"{mode:>5} {name:>10}: median {med[name]*1000:7.2f} ms  (min {min(t)*1000:.2f}, max {max(t)*1000:.2f})")
        print(f"{mode:>5} ratio swaks/smtpcheck: {med['swaks']/med['smtpcheck']:.2f}x (medians), "
              f"{statistics.median(ratios):.2f}x (median of per-round ratios)")
    added = (medians["tls"]["smtpcheck"] - medians["plain"]["smtpcheck"]) * 1000
    print(f"TLS upgrade adds {added:.2f} ms to a smtpcheck probe on loopback "
          f"(STARTTLS, handshake, certificate checks, EHLO again)")


if __name__ == "__main__":
    main()
