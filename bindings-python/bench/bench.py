"""Call throughput against the emulator: dcskit vs the official huaweicloudsdkdcs on the same
operations in the same run, and the binding's per-call overhead over the core.

    python bench.py URL AK SK PROJECT_ID [N]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List

import dcskit

URL, AK, SK, PROJECT = sys.argv[1:5]
N = int(sys.argv[5]) if len(sys.argv) > 5 else 2000
CONCURRENCY = 64


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def best_of(k: int, fn: Callable[[], Any]) -> float:
    return min(timed(fn) for _ in range(k))


# --- dcskit -------------------------------------------------------------------------------
client = dcskit.Client(endpoint=URL, ak=AK, sk=SK, project_id=PROJECT)
aclient = dcskit.AsyncClient(endpoint=URL, ak=AK, sk=SK, project_id=PROJECT)
created = client.create_instance(body={
    "name": "bench-1", "engine": "Redis", "engine_version": "6.0", "capacity": 1,
    "spec_code": "redis.ha.xu1.tiny.r2.128", "az_codes": ["cn-north-4a"], "vpc_id": "vpc-1", "subnet_id": "subnet-1",
})
IID = created["instances"][0]["instance_id"]
for _ in range(50):  # warm up connections
    client.show_instance(instance_id=IID)


def dcskit_seq() -> None:
    for _ in range(N):
        client.show_instance(instance_id=IID)


def dcskit_async() -> None:
    async def go() -> None:
        sem = asyncio.Semaphore(CONCURRENCY)

        async def one() -> None:
            async with sem:
                await aclient.show_instance(instance_id=IID)

        await asyncio.gather(*(one() for _ in range(N)))

    asyncio.run(go())


def dcskit_threads() -> None:
    with ThreadPoolExecutor(CONCURRENCY) as ex:
        list(ex.map(lambda _: client.show_instance(instance_id=IID), range(N)))


# --- the official SDK ---------------------------------------------------------------------
def official_client() -> Any:
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkdcs.v2 import DcsClient

    cfg = HttpConfig.get_default_config()
    cfg.ignore_ssl_verification = True
    return (DcsClient.new_builder()
            .with_http_config(cfg)
            .with_credentials(BasicCredentials(AK, SK, PROJECT))
            .with_endpoints([URL])
            .build())


def main() -> None:
    results: Dict[str, float] = {}
    results["dcskit sequential"] = rate(N, best_of(3, dcskit_seq))
    results["dcskit async (64 in flight)"] = rate(N, best_of(3, dcskit_async))
    results["dcskit threads (64)"] = rate(N, best_of(3, dcskit_threads))
    core_s = best_of(3, lambda: client._native._bench_core("ShowInstance", {"instance_id": IID}, N))
    core_seq = N / core_s
    results["core alone sequential (Rust loop)"] = core_seq

    try:
        from huaweicloudsdkdcs.v2 import ShowInstanceRequest
        import logging
        logging.disable(logging.CRITICAL)
        off = official_client()
        off.show_instance(ShowInstanceRequest(instance_id=IID))
        n_off = max(200, N // 4)
        results["official sequential"] = rate(n_off, best_of(2, lambda: [off.show_instance(ShowInstanceRequest(instance_id=IID)) for _ in range(n_off)]))
        local = threading.local()

        def off_one(_: int) -> None:
            if not hasattr(local, "c"):
                local.c = official_client()
            local.c.show_instance(ShowInstanceRequest(instance_id=IID))

        def off_threads() -> None:
            with ThreadPoolExecutor(CONCURRENCY) as ex:
                list(ex.map(off_one, range(n_off)))

        results["official threads (64)"] = rate(n_off, best_of(2, off_threads))
    except ImportError as e:
        print(f"official SDK not installed ({e}); no ratios", file=sys.stderr)

    width = max(len(k) for k in results)
    load = os.getloadavg()
    print(f"calls: ShowInstance against the emulator at {URL}, N={N}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} CPUs (figures swing with load: compare ratios from one run)")
    for k, v in results.items():
        print(f"  {k:<{width}}  {v:10.0f} calls/s")
    if "official sequential" in results:
        print(f"  ratio sequential          dcskit/official = {results['dcskit sequential'] / results['official sequential']:.1f}x")
        print(f"  ratio concurrent (async)  dcskit/official threads = {results['dcskit async (64 in flight)'] / results['official threads (64)']:.1f}x")
        print(f"  ratio concurrent (threads) dcskit/official = {results['dcskit threads (64)'] / results['official threads (64)']:.1f}x")
    py_us = 1e6 / results["dcskit sequential"]
    core_us = 1e6 / core_seq
    print(f"  per-call: python {py_us:.1f} us, core {core_us:.1f} us -> binding overhead {py_us - core_us:.1f} us/call")


if __name__ == "__main__":
    main()
