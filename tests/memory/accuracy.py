"""Memory-model accuracy harness: how close dcskit's per-key in-memory estimate is to what
the server itself reports with `MEMORY USAGE key SAMPLES 0`.

It starts a real server (redis-server from PATH, or --server BIN), loads a generated data set
with every type and encoding (small and large, with and without TTLs), records MEMORY USAGE
for every key, saves, analyzes the dump with `dcskit analyze --format csv`, and compares.

Usage: accuracy.py --dcskit BIN [--server redis-server] [--target redis-7] [--scale N]
Prints per-type and overall figures: median |error|, p95 |error|, total error.
"""
import argparse
import csv
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


class Resp:
    """A minimal RESP2 client: enough to load data and read MEMORY USAGE."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""
        self.pending = 0

    @staticmethod
    def encode(*args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if not isinstance(a, bytes):
                a = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def send(self, *args):
        self.sock.sendall(self.encode(*args))
        self.pending += 1
        if self.pending >= 500:
            self.drain()

    def drain(self):
        while self.pending:
            self.read()
            self.pending -= 1

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self.buf += self.sock.recv(1 << 16)
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if kind == b"*":
            return [self.read() for _ in range(int(rest))]
        raise RuntimeError(f"unexpected reply {line!r}")

    def call(self, *args):
        self.drain()
        self.sock.sendall(self.encode(*args))
        return self.read()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_dataset(r, rng, scale):
    """Every type and encoding the server writes, small and large, some with TTLs."""
    def ttl(key):
        if rng.random() < 0.3:
            r.send("PEXPIRE", key, rng.randint(60_000, 86_400_000))

    for i in range(200 * scale):
        k = f"str:int:{i}"; r.send("SET", k, rng.randint(-10**12, 10**12)); ttl(k)
        k = f"str:small:{i}"; r.send("SET", k, "v" * rng.randint(1, 44)); ttl(k)
        k = f"str:raw:{i}"; r.send("SET", k, os.urandom(rng.randint(45, 2000)).hex()); ttl(k)
    for i in range(20 * scale):
        r.send("SET", f"str:big:{i}", "x" * rng.randint(10_000, 200_000))
        r.send("SET", f"str:shared:{i}", rng.randint(0, 9999))
    for i in range(100 * scale):
        k = f"list:small:{i}"; r.send("RPUSH", k, *[f"item-{j}" for j in range(rng.randint(1, 100))]); ttl(k)
    for i in range(10 * scale):
        r.send("RPUSH", f"list:big:{i}", *[os.urandom(rng.randint(5, 60)).hex() for _ in range(rng.randint(2000, 8000))])
    for i in range(100 * scale):
        k = f"set:int:{i}"; r.send("SADD", k, *[rng.randint(0, 10**9) for _ in range(rng.randint(1, 400))]); ttl(k)
        k = f"set:small:{i}"; r.send("SADD", k, *[f"m{rng.randint(0, 10**6)}" for _ in range(rng.randint(1, 120))]); ttl(k)
    for i in range(10 * scale):
        r.send("SADD", f"set:big:{i}", *[f"member-{j}-{rng.random()}" for j in range(rng.randint(600, 3000))])
        r.send("SADD", f"set:bigint:{i}", *range(rng.randint(600, 3000)))
    for i in range(100 * scale):
        k = f"zset:small:{i}"
        args = []
        for j in range(rng.randint(1, 120)):
            args += [rng.random() * 1000, f"z{j}"]
        r.send("ZADD", k, *args); ttl(k)
    for i in range(10 * scale):
        args = []
        for j in range(rng.randint(200, 3000)):
            args += [rng.random() * 1e6, f"zmember-{j}-{rng.randint(0, 10**6)}"]
        r.send("ZADD", f"zset:big:{i}", *args)
    for i in range(150 * scale):
        k = f"hash:small:{i}"
        args = []
        for j in range(rng.randint(1, 60)):
            args += [f"f{j}", "v" * rng.randint(1, 60)]
        r.send("HSET", k, *args); ttl(k)
    for i in range(10 * scale):
        args = []
        for j in range(rng.randint(600, 3000)):
            args += [f"field-{j}", os.urandom(rng.randint(4, 40)).hex()]
        r.send("HSET", f"hash:big:{i}", *args)
        r.send("HSET", f"hash:longval:{i}", "f", "y" * 200, "g", "z")
    for i in range(10 * scale):
        k = f"stream:{i}"
        for j in range(rng.randint(5, 500)):
            r.send("XADD", k, "*", "field", j, "payload", "p" * rng.randint(1, 50))
        if i % 2 == 0:
            r.send("XGROUP", "CREATE", k, "g1", "0")
            r.send("XREADGROUP", "GROUP", "g1", "c1", "COUNT", 3, "STREAMS", k, ">")
    r.drain()


def percentile(values, q):
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dcskit", required=True)
    ap.add_argument("--server", default=shutil.which("redis-server") or "redis-server")
    ap.add_argument("--server-prefix", default="", help="command prefix, e.g. a chroot runner")
    ap.add_argument("--target", default=None, help="memory model target passed to dcskit")
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="dcskit-acc-")
    port = free_port()
    cmd = (args.server_prefix.split() if args.server_prefix else []) + [
        args.server, "--port", str(port), "--bind", "127.0.0.1", "--dir", tmp,
        "--save", "", "--appendonly", "no", "--dbfilename", "dump.rdb"]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                r = Resp(port)
                r.call("PING")
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("server did not start")
        version = r.call("INFO", "server").decode().split("redis_version:")[1].split()[0]
        rng = random.Random(args.seed)
        load_dataset(r, rng, args.scale)
        keys = r.call("KEYS", "*")
        truth = {}
        for k in keys:
            truth[k] = r.call("MEMORY", "USAGE", k, "SAMPLES", "0")
        r.call("SAVE")
        dump = os.path.join(tmp, "dump.rdb")
        out_csv = os.path.join(tmp, "keys.csv")
        dc = [args.dcskit, "analyze", dump, "--format", "csv", "--out", out_csv]
        if args.target:
            dc += ["--memory-target", args.target]
        subprocess.run(dc, check=True)
        est = {}
        with open(out_csv, newline="", encoding="utf-8", errors="surrogateescape") as f:
            for row in csv.DictReader(f):
                est[row["key"].encode("utf-8", "surrogateescape")] = (row["type"], int(row["size_in_bytes"]))
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)

    missing = [k for k in truth if k not in est]
    by_type = {}
    total_truth = total_est = 0
    for k, real in truth.items():
        if k not in est:
            continue
        t, e = est[k]
        err = (e - real) / real
        by_type.setdefault(t, []).append(err)
        total_truth += real
        total_est += e
    print(f"server {version}; model {args.target or 'default'}; {len(truth)} keys; {len(missing)} missing from the report")
    print(f"{'type':8} {'keys':>6} {'median|err|':>12} {'p95|err|':>10} {'max|err|':>10} {'mean err':>9}")
    all_errs = []
    for t in sorted(by_type):
        errs = by_type[t]
        all_errs += errs
        a = [abs(e) for e in errs]
        print(f"{t:8} {len(errs):6} {100*statistics.median(a):11.2f}% {100*percentile(a, .95):9.2f}% {100*max(a):9.2f}% {100*statistics.mean(errs):8.2f}%")
    a = [abs(e) for e in all_errs]
    total_err = (total_est - total_truth) / total_truth if total_truth else 0.0
    print(f"{'all':8} {len(a):6} {100*statistics.median(a):11.2f}% {100*percentile(a, .95):9.2f}%"
          f" {100*max(a):9.2f}%   total {100*total_err:+.2f}% ({total_est} vs {total_truth} bytes)")
    ok = statistics.median(a) <= 0.02 and percentile(a, .95) <= 0.10 and abs(total_err) <= 0.03 and not missing
    print("targets (median <= 2%, p95 <= 10%, total within 3%):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
