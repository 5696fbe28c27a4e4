"""Memory-model accuracy harness: how close dcskit's per-key in-memory estimate is to what
the server itself reports with `MEMORY USAGE key SAMPLES 0`.

It starts a real server (redis-server from PATH, or --server BIN), loads a generated data set
with every type and encoding (small and large, with and without TTLs), records MEMORY USAGE
for every key, saves, analyzes the dump with `dcskit analyze --format csv`, and compares.

Usage: accuracy.py --dcskit BIN [--server redis-server] [--server-prefix CMD] [--workdir DIR]
       [--target redis-7] [--scale N] [--live]
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


def unescape(text):
    r"""Key bytes from dcskit's text form: `\\` is a backslash, `\xHH` a raw byte."""
    out, i = bytearray(), 0
    while i < len(text):
        c = text[i]
        if c == "\\" and text[i + 1:i + 2] == "\\":
            out += b"\\"; i += 2
        elif c == "\\" and text[i + 1:i + 2] == "x":
            out.append(int(text[i + 2:i + 4], 16)); i += 4
        else:
            out += c.encode("utf-8", "surrogateescape"); i += 1
    return bytes(out)


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
        k = f"str:raw:{i}"; r.send("SET", k, os.urandom(rng.randint(23, 1000)).hex()); ttl(k)
        k = f"str:numtext:{i}"; r.send("SET", k, f"0{rng.randint(0, 10**6)}"); ttl(k)
    for i in range(20 * scale):
        r.send("SET", f"str:big:{i}", "x" * rng.randint(10_000, 200_000))
        r.send("SET", f"str:shared:{i}", rng.randint(0, 9999))
        r.send("SET", b"bin:\x00\xff" + bytes([i % 256]), os.urandom(rng.randint(1, 80)))
    for i in range(100 * scale):
        k = f"list:small:{i}"; r.send("RPUSH", k, *[f"item-{j}" for j in range(rng.randint(1, 100))]); ttl(k)
        k = f"list:int:{i}"; r.send("RPUSH", k, *[rng.randint(-10**6, 10**9) for _ in range(rng.randint(1, 300))]); ttl(k)
    for i in range(10 * scale):
        r.send("RPUSH", f"list:big:{i}", *[os.urandom(rng.randint(5, 60)).hex() for _ in range(rng.randint(2000, 8000))])
    for i in range(100 * scale):
        k = f"set:int:{i}"; r.send("SADD", k, *[rng.randint(0, 10**9) for _ in range(rng.randint(1, 400))]); ttl(k)
        k = f"set:small:{i}"; r.send("SADD", k, *[f"m{rng.randint(0, 10**6)}" for _ in range(rng.randint(1, 120))]); ttl(k)
        k = f"set:mid:{i}"; r.send("SADD", k, *[f"member:{rng.randint(0, 10**9)}" for _ in range(rng.randint(129, 500))]); ttl(k)
    for i in range(10 * scale):
        r.send("SADD", f"set:big:{i}", *[f"member-{j}-{rng.random()}" for j in range(rng.randint(600, 3000))])
        r.send("SADD", f"set:bigint:{i}", *range(rng.randint(600, 3000)))
        r.send("SADD", f"set:longmember:{i}", "y" * 100, "z")
    for i in range(100 * scale):
        k = f"zset:small:{i}"
        args = []
        for j in range(rng.randint(1, 120)):
            args += [rng.random() * 1000 if j % 3 else rng.randint(0, 1000), f"z{j}"]
        r.send("ZADD", k, *args); ttl(k)
    for i in range(10 * scale):
        args = []
        for j in range(rng.randint(200, 3000)):
            args += [rng.random() * 1e6, f"zmember-{j}-{rng.randint(0, 10**6)}"]
        r.send("ZADD", f"zset:big:{i}", *args)
        r.send("ZADD", f"zset:longmember:{i}", 1, "w" * 80, 2, "v")
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
        args = []
        for j in range(rng.randint(5, 100)):
            args += [f"attr:{j}", "q" * rng.randint(50, 300)]
        r.send("HSET", f"hash:mixed:{i}", *args)
    for i in range(10 * scale):
        k = f"stream:{i}"
        for j in range(rng.randint(5, 500)):
            r.send("XADD", k, "*", "field", j, "payload", "p" * rng.randint(1, 50))
        if i % 2 == 0:
            r.send("XGROUP", "CREATE", k, "g1", "0")
            r.send("XREADGROUP", "GROUP", "g1", "c1", "COUNT", 3, "STREAMS", k, ">")
            r.send("XGROUP", "CREATE", k, "g2", "$")
            r.send("XGROUP", "CREATECONSUMER", k, "g2", "idle-consumer")
    r.drain()


def percentile(values, q):
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


class Server:
    """A server process: local, or run through a prefix (e.g. the trixie chroot runner)."""

    def __init__(self, binary, prefix, workdir):
        self.port = free_port()
        self.workdir = workdir
        cmd = (prefix.split() if prefix else []) + [
            binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", workdir,
            "--save", "", "--appendonly", "no", "--dbfilename", "dump.rdb"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                self.r = Resp(self.port)
                self.r.call("PING")
                return
            except (OSError, RuntimeError):
                if self.proc.poll() is not None:
                    sys.exit(f"server {binary} exited with status {self.proc.returncode}")
                time.sleep(0.1)
        sys.exit("server did not start")

    def usage(self, keys):
        out = {}
        self.r.drain()
        for i in range(0, len(keys), 400):
            batch = keys[i:i + 400]
            self.r.sock.sendall(b"".join(Resp.encode("MEMORY", "USAGE", k, "SAMPLES", "0") for k in batch))
            for k in batch:
                out[k] = self.r.read()
        return out

    def stop(self):
        try:
            self.r.call("SHUTDOWN", "NOSAVE")
        except (OSError, RuntimeError, ConnectionError):
            pass
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            self.proc.wait(10)


def compare(truth, est, title):
    """Prints per-type figures; returns (median, p95, total error) over all keys."""
    by_type = {}
    total_truth = total_est = 0
    for k, real in truth.items():
        if k not in est or not real:
            continue
        t, e = est[k]
        by_type.setdefault(t, []).append((e - real) / real)
        total_truth += real
        total_est += e
    print(f"-- {title}")
    print(f"{'type':8} {'keys':>6} {'median|err|':>12} {'p95|err|':>10} {'max|err|':>10} {'total err':>10}")
    all_errs = []
    for t in sorted(by_type):
        errs = by_type[t]
        all_errs += errs
        a = [abs(e) for e in errs]
        tt = sum(truth[k] for k in truth if k in est and est[k][0] == t)
        te = sum(est[k][1] for k in truth if k in est and est[k][0] == t)
        print(f"{t:8} {len(errs):6} {100*statistics.median(a):11.2f}% {100*percentile(a, .95):9.2f}% "
              f"{100*max(a):9.2f}% {100*(te-tt)/tt:+9.2f}%")
    a = [abs(e) for e in all_errs]
    total_err = (total_est - total_truth) / total_truth if total_truth else 0.0
    med, p95 = statistics.median(a), percentile(a, .95)
    print(f"{'all':8} {len(a):6} {100*med:11.2f}% {100*p95:9.2f}% {100*max(a):9.2f}% {100*total_err:+9.2f}%"
          f"   ({total_est} vs {total_truth} bytes)")
    return med, p95, total_err


def analyze(args, dump, out_csv):
    dc = [args.dcskit, "analyze", dump, "--format", "csv", "--out", out_csv]
    if args.target:
        dc += ["--memory-target", args.target]
    subprocess.run(dc, check=True)
    est = {}
    with open(out_csv, newline="", encoding="utf-8", errors="surrogateescape") as f:
        for row in csv.DictReader(f):
            est[unescape(row["key"])] = (row["type"], int(row["size_in_bytes"]))
    return est


def measure_dump(args, tmp):
    """An existing dump: the server loads it, every key is measured, dcskit estimates."""
    dump = os.path.join(tmp, "dump.rdb")
    shutil.copyfile(args.dump, dump)
    server = Server(args.server, args.server_prefix, tmp)
    try:
        truth = {}
        for db in range(16):
            server.r.call("SELECT", db)
            keys = server.r.call("KEYS", "*")
            for k, v in server.usage(keys).items():
                truth[(db, k)] = v
        server.r.call("SELECT", 0)
    finally:
        server.stop()
    try:
        est_rows = {}
        dc = [args.dcskit, "analyze", dump, "--format", "csv", "--out", os.path.join(tmp, "keys.csv")]
        if args.target:
            dc += ["--memory-target", args.target]
        subprocess.run(dc, check=True)
        with open(os.path.join(tmp, "keys.csv"), newline="", encoding="utf-8", errors="surrogateescape") as f:
            for row in csv.DictReader(f):
                est_rows[(int(row["database"]), unescape(row["key"]))] = (row["type"], int(row["size_in_bytes"]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"dump {args.dump}: {len(truth)} keys loaded, {len(est_rows)} in the report")
    for k in sorted(truth, key=lambda k: -abs(est_rows.get(k, ("", 0))[1] - truth[k])):
        if k in est_rows:
            t, e = est_rows[k]
            print(f"  {t:7} {truth[k]:>9} {e:>9} {100 * (e - truth[k]) / truth[k]:+7.2f}%  db{k[0]} {k[1][:40]!r}")
    compare(truth, est_rows, "fixture keys after loading")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dcskit", required=True)
    ap.add_argument("--server", default=shutil.which("redis-server") or "redis-server")
    ap.add_argument("--server-prefix", default="", help="command prefix, e.g. a chroot runner")
    ap.add_argument("--workdir", default=None,
                    help="directory for the dump, visible at the same path to the server (default: a temp dir)")
    ap.add_argument("--target", default=None, help="memory model target passed to dcskit")
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--load-server", default=None,
                    help="load the dump into this server instead (cross-version: re-encoding on load)")
    ap.add_argument("--load-prefix", default=None, help="command prefix for --load-server")
    ap.add_argument("--dump", default=None,
                    help="measure an existing RDB file instead of a generated data set (loaded by --server)")
    ap.add_argument("--live", action="store_true",
                    help="judge the targets against MEMORY USAGE before the save instead of after reloading")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="dcskit-acc-", dir=args.workdir)
    os.chmod(tmp, 0o777)
    if args.dump:
        return measure_dump(args, tmp)
    server = Server(args.server, args.server_prefix, tmp)
    try:
        info = server.r.call("INFO", "server").decode()
        name = "valkey" if "valkey_version:" in info else "redis"
        version = info.split(("valkey" if name == "valkey" else "redis") + "_version:")[1].split()[0]
        t0 = time.time()
        load_dataset(server.r, random.Random(args.seed), args.scale)
        keys = server.r.call("KEYS", "*")
        live = server.usage(keys)
        server.r.call("SAVE")
        server.stop()
        # What the model estimates: the keys as the server holds them after loading the file.
        load_server = args.load_server or args.server
        load_prefix = args.server_prefix if args.load_prefix is None else args.load_prefix
        server = Server(load_server, load_prefix, tmp)
        info = server.r.call("INFO", "server").decode()
        loaded_by = "valkey" if "valkey_version:" in info else "redis"
        loaded_by += "-" + info.split(loaded_by + "_version:")[1].split()[0]
        reloaded = server.usage(keys)
        server.stop()
        dump = os.path.join(tmp, "dump.rdb")
        out_csv = os.path.join(tmp, "keys.csv")
        dc = [args.dcskit, "analyze", dump, "--format", "csv", "--out", out_csv]
        if args.target:
            dc += ["--memory-target", args.target]
        t1 = time.time()
        subprocess.run(dc, check=True)
        t_an = time.time() - t1
        est = {}
        with open(out_csv, newline="", encoding="utf-8", errors="surrogateescape") as f:
            for row in csv.DictReader(f):
                est[unescape(row["key"])] = (row["type"], int(row["size_in_bytes"]))
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    missing = [k for k in reloaded if k not in est]
    print(f"{name} {version} wrote the dump, {loaded_by} loaded it; model {args.target or 'default'}; {len(keys)} keys; {len(missing)} missing from the"
          f" report; load+measure {t1 - t0:.1f}s, analyze {t_an:.2f}s")
    if missing[:3]:
        print("missing, e.g.:", missing[:3])
    med, p95, total = compare(reloaded, est, "against MEMORY USAGE after loading the dump (what the model estimates)")
    lmed, lp95, ltotal = compare(live, est, "against MEMORY USAGE before the save (history-dependent state)")
    if args.live:
        med, p95, total = lmed, lp95, ltotal
    ok = med <= 0.02 and p95 <= 0.10 and abs(total) <= 0.03 and not missing
    print(f"RESULT {name}-{version}->{loaded_by} model={args.target or 'default'} median={100*med:.2f}% p95={100*p95:.2f}%"
          f" total={100*total:+.2f}% targets(median<=2%, p95<=10%, total within 3%)={'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
