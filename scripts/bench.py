#!/usr/bin/env python3
"""Paired benchmark: smtpcheck vs swaks on the same transaction, same run.

Each round runs the tools back to back (order alternating per round, so
neither always gets the warm cache), against the local Postfix that
scripts/postfix-up starts on 127.0.0.1:25. Two pairs:

  plain: smtpcheck probe postmaster@postfix.test --server 127.0.0.1 --tls off
         swaks --server 127.0.0.1 --to postmaster@postfix.test --quit-after RCPT
  tls:   smtpcheck probe ... (STARTTLS, certificate checked with --ca-file)
         swaks ... -tls --quit-after RCPT

  policy: smtpcheck probe postmaster@postfix.test through Knot DNS
         (scripts/knot-up): MX lookup, STARTTLS, and beside the conversation
         DNSSEC validation (--dnssec-anchor), TLSA, DANE matching, MTA-STS and
         TLS-RPT lookups, the sender simulation
         swaks ... -tls --quit-after RCPT (the conversation alone)
         (only when Knot answers on 127.0.0.1:53530)

All connect, read the greeting, EHLO, (STARTTLS, EHLO,) MAIL FROM, RCPT TO
and QUIT; none sends DATA. Reports the median wall time of each, the ratio
swaks/smtpcheck (above 1 means smtpcheck is faster) over all rounds and as
the median of per-round ratios, and what the TLS upgrade adds to smtpcheck.

It then measures round trips through a TCP proxy that delays every chunk by
D ms each way ((wall with delay - wall without) / 2D), and a scan of 10,000
domains (an in-process DNS zone, examples/bench_world.rs, pointing at four
fake SMTP servers) against 1,000 of them probed by swaks under xargs -P 100.

Usage: scripts/bench.py [ROUNDS] [single|rtt|scan ...]
  (needs: cargo build --release --bins --examples, swaks, scripts/postfix-up)
"""
import asyncio
import json
import tempfile
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARGS = sys.argv[1:]
ROUNDS = int(ARGS.pop(0)) if ARGS and ARGS[0].isdigit() else 100
PARTS = ARGS or ["single", "rtt", "scan"]
SMTPCHECK = os.path.join(ROOT, "target", "release", "smtpcheck")

CA_FILE = "/etc/smtpcheck-test/ca.pem"
SMTPCHECK_ARGS = [SMTPCHECK, "probe", "postmaster@postfix.test", "--server", "127.0.0.1",
                  "--helo", "bench.smtpcheck.test", "--from", "bench@postfix.test", "--json"]
SWAKS_ARGS = ["swaks", "--server", "127.0.0.1", "--to", "postmaster@postfix.test",
              "--from", "bench@postfix.test", "--helo", "bench.smtpcheck.test", "--quit-after", "RCPT"]
PAIRS = {
    "plain": {"smtpcheck": SMTPCHECK_ARGS + ["--tls", "off"], "swaks": SWAKS_ARGS},
    "tls": {"smtpcheck": SMTPCHECK_ARGS + ["--ca-file", CA_FILE], "swaks": SWAKS_ARGS + ["-tls"]},
}
KNOT_ANCHOR = "/etc/smtpcheck-test/postfix.test.anchor"
if os.path.exists(KNOT_ANCHOR):
    PAIRS["policy"] = {
        "smtpcheck": [SMTPCHECK, "probe", "postmaster@postfix.test", "--resolver", "127.0.0.1:53530",
                      "--allow-private", "--dnssec-anchor", KNOT_ANCHOR, "--ca-file", CA_FILE,
                      "--helo", "bench.smtpcheck.test", "--from", "bench@postfix.test", "--json"],
        "swaks": SWAKS_ARGS + ["-tls"],
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


def single():
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
              f"{statistics.median(ratios):.2f}x (median of per-round ratios); "
              f"smtpcheck/swaks = {med['smtpcheck']/med['swaks']:.3f}")
    added = (medians["tls"]["smtpcheck"] - medians["plain"]["smtpcheck"]) * 1000
    print(f"TLS upgrade adds {added:.2f} ms to a smtpcheck probe on loopback "
          f"(STARTTLS, handshake, certificate checks, EHLO again)")
    if "policy" in medians:
        added = (medians["policy"]["smtpcheck"] - medians["tls"]["smtpcheck"]) * 1000
        print(f"MX lookup plus DNSSEC, DANE, MTA-STS and TLS-RPT add {added:.2f} ms to a TLS probe")


class DelayProxy:
    """Forwards 127.0.0.1:port to a target, delaying every chunk by `delay`
    seconds in each direction, in order. It accepts at once, so it adds no
    round trip of its own for the TCP handshake."""

    def __init__(self, target_port, delay):
        self.target_port = target_port
        self.delay = delay
        self.loop = asyncio.new_event_loop()
        self.port = None
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self.loop)
            server = self.loop.run_until_complete(asyncio.start_server(self.handle, "127.0.0.1", 0))
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            self.loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        ready.wait()

    async def pump(self, reader, writer):
        queue = asyncio.Queue()

        async def deliver():
            while True:
                due, data = await queue.get()
                if data is None:
                    break
                wait = due - self.loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()
            writer.close()

        sender = asyncio.ensure_future(deliver())
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                queue.put_nowait((self.loop.time() + self.delay, data))
        except OSError:
            pass
        queue.put_nowait((0, None))
        await sender

    async def handle(self, client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(self.pump(client_reader, server_writer), self.pump(server_reader, client_writer),
                             return_exceptions=True)


def median_wall(argv, runs=5):
    return statistics.median(once(argv)[0] for _ in range(runs))


def rtt():
    delay = 0.05
    direct = DelayProxy(25, 0.0)
    slow = DelayProxy(25, delay)
    base = [SMTPCHECK, "probe", "postmaster@postfix.test", "--helo", "bench.smtpcheck.test",
            "--from", "bench@postfix.test", "--json", "--ca-file", CA_FILE]
    swaks = ["swaks", "--to", "postmaster@postfix.test", "--from", "bench@postfix.test",
             "--helo", "bench.smtpcheck.test", "--quit-after", "RCPT"]
    cases = {
        ("plain", "smtpcheck"): lambda p: base + ["--server", f"127.0.0.1:{p}", "--tls", "off"],
        ("plain", "swaks"): lambda p: swaks + ["--server", f"127.0.0.1:{p}"],
        ("tls", "smtpcheck"): lambda p: base + ["--server", f"127.0.0.1:{p}"],
        ("tls", "swaks"): lambda p: swaks + ["--server", f"127.0.0.1:{p}", "-tls"],
    }
    print(f"round trips through a proxy delaying every chunk by {delay*1000:.0f} ms each way "
          f"(floor: 3 plain, 6 with STARTTLS)")
    for (mode, tool), argv in cases.items():
        fast = median_wall(argv(direct.port))
        slowed = median_wall(argv(slow.port))
        trips = (slowed - fast) / (2 * delay)
        print(f"{mode:>5} {tool:>10}: {trips:4.2f} round trips ({fast*1000:.1f} ms direct, {slowed*1000:.1f} ms delayed)")


def scan():
    world_bin = os.path.join(ROOT, "target", "release", "examples", "bench_world")
    if not os.path.exists(world_bin):
        sys.exit("build first: cargo build --release --examples")
    n, peers = 10_000, 1_000
    world = subprocess.Popen([world_bin, str(n)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    info = json.loads(world.stdout.readline())
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("".join(f"d{i}.bench.test\n" for i in range(n)))
            domains = f.name
        argv = [SMTPCHECK, "scan", domains, "-j", "1000", "--per-ip", "1000", "--resolver", info["resolver"],
                "--port", str(info["port"]), "--tls", "off", "--allow-private", "--helo", "bench.smtpcheck.test", "-o", os.devnull]
        start = time.perf_counter()
        child = subprocess.Popen(argv, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        summary = child.stderr.read().decode().strip()
        cpu = usage.ru_utime + usage.ru_stime
        print(f"scan of {n} domains at -j 1000: {wall:.2f} s wall, {n / wall:.0f} probes/s, "
              f"{cpu / n * 1000:.3f} ms CPU per probe, peak RSS {usage.ru_maxrss / 1024:.1f} MiB")
        print(f"  ({summary})")
        start = time.perf_counter()
        child = subprocess.Popen(argv + ["--transport-policy"], stderr=subprocess.PIPE)
        _, status, pusage = os.wait4(child.pid, 0)
        pwall = time.perf_counter() - start
        psummary = child.stderr.read().decode().strip()
        pcpu = pusage.ru_utime + pusage.ru_stime
        print(f"the same with --transport-policy: {pwall:.2f} s wall, {n / pwall:.0f} probes/s, "
              f"{pcpu / n * 1000:.3f} ms CPU per probe, peak RSS {pusage.ru_maxrss / 1024:.1f} MiB")
        print(f"  ({psummary})")
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("".join(f"127.0.0.{10 + i % 4} d{i}.bench.test\n" for i in range(peers)))
            pairs = f.name
        script = (f"xargs -P 100 -L 1 sh -c 'swaks --server $0:{info['port']} --to postmaster@$1 "
                  f"--helo bench.smtpcheck.test --quit-after RCPT >/dev/null 2>&1' < {pairs}")
        start = time.perf_counter()
        child = subprocess.Popen(["sh", "-c", script])
        _, status, usage = os.wait4(child.pid, 0)
        swall = time.perf_counter() - start
        scpu = usage.ru_utime + usage.ru_stime
        print(f"swaks, {peers} domains under xargs -P 100: {swall:.2f} s wall, {peers / swall:.0f} probes/s, "
              f"{scpu / peers * 1000:.3f} ms CPU per probe")
        print(f"ratio: CPU per probe smtpcheck/swaks = {(cpu / n) / (scpu / peers):.4f} "
              f"(1/{(scpu / peers) / (cpu / n):.0f}); probes/s {(n / wall) / (peers / swall):.1f}x")
        os.unlink(domains)
        os.unlink(pairs)
    finally:
        world.stdin.close()
        world.wait()


def main():
    if not os.path.exists(SMTPCHECK):
        sys.exit("build first: cargo build --release")
    if not shutil.which("swaks"):
        sys.exit("swaks is missing: apt-get install swaks")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}")
    for part in PARTS:
        {"single": single, "rtt": rtt, "scan": scan}[part]()


if __name__ == "__main__":
    main()
