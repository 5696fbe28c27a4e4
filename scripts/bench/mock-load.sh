#!/usr/bin/env bash
# Load on `dcskit mock` (not CI): 50 concurrent clients (the official huaweicloudsdkdcs SDK,
# one client per thread) send 10,000 signed requests (ShowInstance, ListInstances, tag
# create/delete); no request may fail. Prints p50/p99 latency, throughput and the server's
# RSS (after warm-up, at the end, peak), then the same run against an emulator without
# authentication (the peer) and the signed/unsigned ratios.
# Usage: scripts/bench/mock-load.sh [REQUESTS] [CLIENTS]   (MOCK_BIN=path skips the build)
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
REQUESTS="${1:-10000}"
CLIENTS="${2:-50}"
BIN="${MOCK_BIN:-}"
if [ -z "$BIN" ]; then build_cli; BIN="$DCSKIT_BIN"; fi
ensure_venv huaweicloudsdkdcs==3.1.219

"$VENV/bin/python" - "$BIN" "$REQUESTS" "$CLIENTS" <<'PY'
import concurrent.futures as cf
import subprocess, sys, threading, time

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkdcs.v2 import (BatchCreateOrDeleteTagsRequest, CreateInstanceBody,
    CreateInstanceRequest, CreateOrDeleteInstanceTags, DcsClient, ListInstancesRequest,
    ResourceTag, ShowInstanceRequest)

binary, total, clients = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
AK, SK, PROJECT = "LOADAK00000000000001", "load-secret", "0123456789abcdef0123456789abcdef"

def rss_kib(pid, field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0

def run(signed):
    args = [binary, "mock", "--project-id", PROJECT, "--running-delay", "0"]
    if signed:
        args += ["--ak", AK, "--sk", SK]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    url = proc.stdout.readline().strip()
    local = threading.local()
    def client():
        if not hasattr(local, "c"):
            cfg = HttpConfig.get_default_config()
            cfg.retry_times = 0
            local.c = (DcsClient.new_builder().with_credentials(BasicCredentials(AK, SK, PROJECT))
                       .with_endpoints([url]).with_http_config(cfg).build())
        return local.c
    c0 = client()
    body = CreateInstanceBody(name="load-1", engine="Redis", capacity=1, spec_code="s",
                              az_codes=["az1"], vpc_id="v", subnet_id="s")
    ids = [c0.create_instance(CreateInstanceRequest(body=body)).instances[0].instance_id for _ in range(20)]
    def one(i):
        c = client()
        iid = ids[i % len(ids)]
        t = time.perf_counter()
        k = i % 10
        if k < 7:
            c.show_instance(ShowInstanceRequest(instance_id=iid))
        elif k < 9:
            c.list_instances(ListInstancesRequest(limit=10))
        else:
            action = "create" if (i // 10) % 2 == 0 else "delete"
            c.batch_create_or_delete_tags(BatchCreateOrDeleteTagsRequest(instance_id=iid,
                body=CreateOrDeleteInstanceTags(action=action, tags=[ResourceTag(key="load", value="1")])))
        return time.perf_counter() - t
    with cf.ThreadPoolExecutor(clients) as pool:          # warm-up: connections, allocator
        list(pool.map(one, range(clients * 10)))
    rss_warm = rss_kib(proc.pid, "VmRSS")
    errors, lat = 0, []
    start = time.perf_counter()
    with cf.ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(one, i) for i in range(total)]
        for f in futures:
            try:
                lat.append(f.result())
            except Exception as e:  # noqa: BLE001 - every failure counts
                errors += 1
                if errors <= 3:
                    print("error:", repr(e)[:200])
    wall = time.perf_counter() - start
    rss_end, rss_peak = rss_kib(proc.pid, "VmRSS"), rss_kib(proc.pid, "VmHWM")
    proc.terminate(); proc.wait(10)
    lat.sort()
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
    return dict(errors=errors, p50=pct(0.50), p99=pct(0.99), rps=total / wall,
                rss_warm=rss_warm, rss_end=rss_end, rss_peak=rss_peak)

signed, plain = run(True), run(False)
for name, r in (("signed (AK/SK verified)", signed), ("unsigned (peer)", plain)):
    print(f"{name:24} {total} requests, {clients} clients: errors {r['errors']}, "
          f"p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms, {r['rps']:.0f} req/s, "
          f"server RSS warm {r['rss_warm']/1024:.1f} MiB -> end {r['rss_end']/1024:.1f} MiB, peak {r['rss_peak']/1024:.1f} MiB")
print(f"ratio signed/unsigned: p99 {signed['p99']/plain['p99']:.2f}x, throughput {signed['rps']/plain['rps']:.2f}x")
sys.exit(1 if signed["errors"] or plain["errors"] else 0)
PY

# The same load from Rust clients (tokio, 50 connection pools, the core signer): the
# server's own figures without the Python client's overhead.
log "Rust clients"
LOAD_REQUESTS="$REQUESTS" LOAD_CLIENTS="$CLIENTS" MOCK_BIN="$BIN" \
  cargo test --release -p dcskit --test mock_load -- --ignored --nocapture 2>&1 | grep -E "rust clients|test result|panicked"
