"""Sync and async calls against the emulator: dynamic and generated methods, paginators across
pages, waiters, configuration."""

from __future__ import annotations

import asyncio
import os

import pytest

import dcskit
from conftest import AK, PROJECT_ID, SK


def _body(name: str) -> dict:
    return {
        "name": name,
        "engine": "Redis",
        "engine_version": "6.0",
        "capacity": 0.125,
        "spec_code": "redis.ha.xu1.tiny.r2.128",
        "az_codes": ["cn-north-4a"],
        "vpc_id": "vpc-1",
        "subnet_id": "subnet-1",
        "password": "Secret-Passw0rd",
    }


@pytest.fixture(scope="module")
def instances(emulator):
    """Seven instances created through the generated method, for listing and paging."""
    c = dcskit.Client(endpoint=emulator.url, ak=AK, sk=SK, project_id=PROJECT_ID)
    ids = []
    for i in range(7):
        out = c.create_instance(body=_body(f"py-page-{i}"))
        ids.append(out["instances"][0]["instance_id"] if "instances" in out else out["instance_id"])
    return ids


def test_sync_dynamic_and_generated_calls_agree(emulator, client_for, instances):
    c = client_for(emulator.url)
    a = c.call("ListInstances", {"limit": 100})
    b = c.call("list_instances", {"limit": 100})
    g = c.list_instances(limit=100)
    assert isinstance(g, dict) and isinstance(g["instances"], list)
    ids = lambda r: sorted(i["instance_id"] for i in r["instances"])  # noqa: E731
    assert ids(a) == ids(b) == ids(g)
    assert set(instances) <= set(ids(g))


def test_show_instance_sync_and_async(emulator, client_for, instances):
    c = client_for(emulator.url)
    shown = c.show_instance(instance_id=instances[0])
    assert shown["instance_id"] == instances[0]

    async def go():
        ac = client_for(emulator.url, cls=dcskit.AsyncClient)
        return await ac.show_instance(instance_id=instances[0]), await ac.call("ShowInstance", {"instance_id": instances[1]})

    s0, s1 = asyncio.run(go())
    assert s0["instance_id"] == instances[0] and s1["instance_id"] == instances[1]


def test_unknown_instance_is_a_client_request_error(emulator, client_for):
    with pytest.raises(dcskit.ClientRequestError) as ei:
        client_for(emulator.url).show_instance(instance_id="00000000-0000-0000-0000-000000000000")
    assert ei.value.status_code in (400, 404) and ei.value.error_code


def test_paginator_walks_every_page(emulator, client_for, instances):
    c = client_for(emulator.url)
    total = c.list_instances(limit=100)
    every = [i["instance_id"] for i in total["instances"]]
    paged = [i["instance_id"] for i in c.paginate("list_instances", limit=2)]
    assert len(every) >= 7
    assert sorted(paged) == sorted(every), "paging by 2 must yield every instance exactly once"
    pages = list(c._native.paginate("ListInstances", {"limit": 2}, pages=True))
    assert len(pages) >= 4 and all(len(p["instances"]) <= 2 for p in pages)


def test_async_paginator(emulator, client_for, instances):
    async def go():
        ac = client_for(emulator.url, cls=dcskit.AsyncClient)
        return [i["instance_id"] async for i in ac.paginate("ListInstances", limit=3)]

    got = asyncio.run(go())
    assert set(instances) <= set(got) and len(got) == len(set(got))


def test_waiter_sync_and_async(emulator, client_for):
    c = client_for(emulator.url)
    created = c.create_instance(body=_body("py-wait-sync"))
    iid = created["instances"][0]["instance_id"] if "instances" in created else created["instance_id"]
    final = c.wait("instance_running", instance_id=iid, timeout=30, interval=0.1)
    assert final["status"] == "RUNNING"

    async def go():
        ac = client_for(emulator.url, cls=dcskit.AsyncClient)
        out = await ac.create_instance(body=_body("py-wait-async"))
        aid = out["instances"][0]["instance_id"] if "instances" in out else out["instance_id"]
        return await ac.wait("instance_running", instance_id=aid, timeout=30, interval=0.1)

    assert asyncio.run(go())["status"] == "RUNNING"


def test_waiter_times_out(emulator, client_for):
    c = client_for(emulator.url)
    created = c.create_instance(body=_body("py-wait-timeout"))
    iid = created["instances"][0]["instance_id"] if "instances" in created else created["instance_id"]
    # The emulator needs longer than this to reach RUNNING.
    with pytest.raises(dcskit.TimeoutError):
        c.wait("instance_running", instance_id=iid, timeout=0.05, interval=0.01)


def test_signed_requests_are_accepted_and_bad_keys_refused(signed_emulator):
    good = dcskit.Client(endpoint=signed_emulator.url, ak=AK, sk=SK, project_id=PROJECT_ID)
    assert "instances" in good.list_instances(limit=1)
    bad = dcskit.Client(endpoint=signed_emulator.url, ak=AK, sk="wrong-secret", project_id=PROJECT_ID, max_retries=0)
    with pytest.raises(dcskit.ClientRequestError) as ei:
        bad.list_instances(limit=1)
    assert ei.value.status_code == 401


def test_credentials_and_project_from_the_environment(monkeypatch, recorder):
    recorder.answer(200, {"instances": [], "instance_num": 0})
    monkeypatch.setenv("CLOUD_SDK_AK", AK)
    monkeypatch.setenv("CLOUD_SDK_SK", SK)
    monkeypatch.setenv("CLOUD_SDK_PROJECT_ID", "envproject")
    c = dcskit.Client(endpoint=recorder.url)
    assert c.project_id == "envproject"
    c.list_instances()
    req = recorder.requests[-1]
    assert "/envproject/" in req["path"]
    auth = {k.lower(): v for k, v in req["headers"].items()}["authorization"]
    assert auth.startswith("SDK-HMAC-SHA256") and f"Access={AK}" in auth
    assert SK not in repr(c) and SK not in str(req["headers"])


def test_region_builds_the_endpoint():
    c = dcskit.Client(region="cn-north-4", ak=AK, sk=SK, project_id=PROJECT_ID)
    assert c.base_url == "https://dcs.cn-north-4.myhuaweicloud.com"
    with pytest.raises(dcskit.InvalidInputError) as ei:
        dcskit.Client(region="bad/region", ak=AK, sk=SK).base_url
    assert ei.value.param == "region"


def test_retries_follow_the_config(recorder, client_for):
    recorder.answer(503, {"error_code": "DCS.5000", "error_msg": "busy"})
    with pytest.raises(dcskit.ServerResponseError):
        client_for(recorder.url, max_retries=2).show_instance(instance_id="i-1")
    assert len(recorder.requests) == 3


def test_keyboard_interrupt_stops_a_slow_blocking_call(recorder, client_for):
    import signal
    import threading
    import time

    recorder.delay = 5.0
    client = client_for(recorder.url, timeout=30)
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    t0 = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.list_instances()
    finally:
        timer.cancel()
    elapsed = time.monotonic() - t0
    assert elapsed < 2.0, f"took {elapsed:.2f}s to stop"
    # The interrupted call left the client usable.
    recorder.delay = 0.0
    recorder.answer(200, {"instances": [], "instance_num": 0})
    assert client.list_instances() == {"instances": [], "instance_num": 0}


def test_back_to_back_blocking_calls_from_threads_all_finish(emulator, client_for, instances):
    # Sequential callers poll briefly for their result; concurrent ones must not starve.
    from concurrent.futures import ThreadPoolExecutor

    client = client_for(emulator.url)
    iid = instances[0]
    with ThreadPoolExecutor(16) as ex:
        got = list(ex.map(lambda _: client.show_instance(instance_id=iid)["instance_id"], range(200)))
    assert got == [iid] * 200
    assert [client.show_instance(instance_id=iid)["instance_id"] for _ in range(50)] == [iid] * 50


def test_cancelling_an_async_call_returns_promptly_and_the_loop_goes_on(recorder, client_for):
    import time

    recorder.delay = 3.0
    client = client_for(recorder.url, cls=dcskit.AsyncClient)

    async def go():
        t0 = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.list_instances(), timeout=0.2)
        cancelled_after = time.monotonic() - t0
        recorder.delay = 0.0
        recorder.answer(200, {"instances": [], "instance_num": 0})
        return cancelled_after, await client.list_instances()

    cancelled_after, out = asyncio.run(go())
    assert cancelled_after < 1.0
    assert out == {"instances": [], "instance_num": 0}


def test_async_errors_and_results_in_one_batch(emulator, client_for, instances):
    client = client_for(emulator.url, cls=dcskit.AsyncClient)

    async def go():
        return await asyncio.gather(
            *(client.show_instance(instance_id=iid) for iid in instances),
            client.show_instance(instance_id="00000000-0000-0000-0000-000000000000"),
            return_exceptions=True,
        )

    results = asyncio.run(go())
    assert [r["instance_id"] for r in results[:-1]] == instances
    assert isinstance(results[-1], dcskit.ClientRequestError) and results[-1].status_code in (400, 404)
