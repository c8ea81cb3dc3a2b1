#!/usr/bin/env python3
"""Peak memory of smtpcheck against hostile servers, measured by the OS.

Starts three servers on loopback, runs `smtpcheck probe --server` against
each, and reads the child's peak resident set size (ru_maxrss from wait4):

  normal     a well-behaved server (the baseline)
  flood      10 MiB with no line end after the greeting starts
  endless    an EHLO reply of endless "250-" continuation lines

The promise (README, "Limits"): hostile input costs no more than a few MiB
over the baseline, because every buffer is bounded.

Usage: scripts/memory.py   (needs: cargo build --release)
"""
import os
import socket
import subprocess
import sys
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMTPCHECK = os.path.join(ROOT, "target", "release", "smtpcheck")


def serve(kind):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def handle(conn):
        try:
            if kind == "flood":
                chunk = b"2" * 65536
                for _ in range(160):  # 10 MiB
                    conn.sendall(chunk)
                return
            conn.sendall(b"220 memory.test ESMTP\r\n")
            f = conn.makefile("rb")
            for line in f:
                verb = line.strip().upper()
                if verb.startswith(b"EHLO") and kind == "endless":
                    while True:
                        conn.sendall(b"250-" + b"x" * 70 + b"\r\n" * 1)
                elif verb.startswith(b"EHLO"):
                    conn.sendall(b"250-memory.test\r\n250 PIPELINING\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 ok\r\n")
        except OSError:
            pass
        finally:
            conn.close()

    def accept_loop():
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    return listener.getsockname()[1]


def peak_rss_kib(port):
    argv = [SMTPCHECK, "probe", "memory.test", "--server", f"127.0.0.1:{port}",
            "--tls", "off", "--timeout", "5", "--json"]
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    return usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def main():
    if not os.path.exists(SMTPCHECK):
        sys.exit("build first: cargo build --release")
    results = {}
    for kind in ("normal", "flood", "endless"):
        port = serve(kind)
        runs = [peak_rss_kib(port) for _ in range(3)]
        results[kind] = max(r[0] for r in runs)
        print(f"{kind:>8}: peak RSS {results[kind] / 1024:6.2f} MiB (max of 3 runs), exit {runs[0][1]}")
    for kind in ("flood", "endless"):
        print(f"{kind:>8}: {(results[kind] - results['normal']) / 1024:+.2f} MiB over the normal probe")


if __name__ == "__main__":
    main()
