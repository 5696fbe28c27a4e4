#!/usr/bin/env python3
"""Writes Redis protocol for a mixed data set to stdout (for `redis-cli --pipe`).

Usage: rdb-gen.py UNITS [SEED [START]] (env RDBGEN_NO_LISTS=1 leaves lists out). One unit is about 10 small strings (some LZF-compressible),
3 small hashes, and a list, a set and a sorted set of a few to a few hundred elements; every
2000th unit adds a big key (hash, list, set or zset with 10k-50k elements)."""
import os
import random
import sys

units = int(sys.argv[1])
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
start = int(sys.argv[3]) if len(sys.argv) > 3 else 0
# RDBGEN_NO_LISTS=1: no lists (Redis 7 writes them as quicklist 2, which RDB-9 tools cannot read).
no_lists = os.environ.get("RDBGEN_NO_LISTS") == "1"
rnd = random.Random(seed)
out = sys.stdout.buffer
buf = []


def cmd(*args):
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        if not isinstance(a, bytes):
            a = str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    buf.append(b"".join(parts))
    if len(buf) >= 2000:
        out.write(b"".join(buf))
        buf.clear()


words = [b"alpha", b"beta", b"gamma", b"delta", b"omega", b"status", b"ok", b"pending", b"user", b"order"]
for u in range(start, start + units):
    for j in range(10):
        if j < 6:
            v = b"%d" % rnd.randrange(10**9) if j == 0 else bytes(rnd.choice(words)) * rnd.randrange(1, 8)
        else:
            v = (b"{\"id\":%d,\"name\":\"user-%d\",\"tags\":[\"a\",\"b\"],\"pad\":\"" % (u, u)) + b"x" * rnd.randrange(20, 300) + b"\"}"
        cmd(b"SET", b"str:%d:%d" % (u, j), v)
    for j in range(3):
        fields = []
        for f in range(rnd.randrange(2, 10)):
            fields += [b"f%d" % f, rnd.choice(words) + b"%d" % rnd.randrange(1000)]
        cmd(b"HSET", b"user:%d:h%d" % (u, j), *fields)
    n = rnd.choice([3, 5, 10, 30, 100, 300])
    if not no_lists:
        cmd(b"RPUSH", b"list:%d" % u, *[b"item-%d" % i for i in range(n)])
    n = rnd.choice([3, 10, 50, 200])
    if u % 2:
        cmd(b"SADD", b"set:%d" % u, *[b"%d" % (i * 7) for i in range(n)])
    else:
        cmd(b"SADD", b"set:%d" % u, *[b"member-%d" % i for i in range(n)])
    n = rnd.choice([3, 10, 50, 150])
    args = []
    for i in range(n):
        args += [b"%d" % rnd.randrange(100000), b"m%d" % i]
    cmd(b"ZADD", b"zset:%d" % u, *args)
    if rnd.random() < 0.05:
        cmd(b"EXPIRE", b"str:%d:0" % u, rnd.randrange(60, 86400 * 30))
    if u % 2000 == 1999:
        kind = (u // 2000) % 4
        if kind == 1 and no_lists:
            kind = 2
        key = b"big:%d" % u
        for chunk in range(10):
            if kind == 0:
                a = []
                for i in range(chunk * 2000, chunk * 2000 + 2000):
                    a += [b"field-%d" % i, b"value-%d" % i]
                cmd(b"HSET", key, *a)
            elif kind == 1:
                cmd(b"RPUSH", key, *[b"element-%d" % i for i in range(chunk * 5000, chunk * 5000 + 5000)])
            elif kind == 2:
                cmd(b"SADD", key, *[b"member-%d" % i for i in range(chunk * 2000, chunk * 2000 + 2000)])
            else:
                a = []
                for i in range(chunk * 2000, chunk * 2000 + 2000):
                    a += [b"%d" % i, b"player-%d" % i]
                cmd(b"ZADD", key, *a)
out.write(b"".join(buf))
