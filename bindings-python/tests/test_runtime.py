"""One runtime: every call made from Python runs on the core's tokio runtime, including 200
concurrent async calls; a negative control shows the check can fail."""

from __future__ import annotations

import asyncio

import dcskit
from dcskit import _native


def test_runtime_id_is_the_cores_and_a_foreign_one_differs():
    rid = dcskit.runtime_id()
    assert rid and rid == _native.runtime_id()
    # Negative control: a runtime that is not the core's reports another id.
    assert _native._foreign_runtime_id() != rid


def test_awaitables_run_on_the_core_runtime():
    async def go():
        return await _native._async_runtime_id()

    assert asyncio.run(go()) == dcskit.runtime_id()


def test_blocking_call_runs_on_the_core_runtime(recorder, client_for):
    recorder.answer(200, {"instance_id": "i-1"})
    out, rid = client_for(recorder.url)._native._call_traced("ShowInstance", {"instance_id": "i-1"})
    assert out == {"instance_id": "i-1"}
    assert rid == dcskit.runtime_id()


def test_200_concurrent_async_calls_on_the_one_runtime(recorder, client_for):
    recorder.answer(200, {"instance_id": "i-1", "status": "RUNNING"})
    client = client_for(recorder.url, cls=dcskit.AsyncClient)

    async def go():
        return await asyncio.gather(
            *(client._native._call_traced_async("ShowInstance", {"instance_id": f"i-{n}"}) for n in range(200))
        )

    results = asyncio.run(go())
    assert len(results) == 200
    assert {rid for _, rid in results} == {dcskit.runtime_id()}
    assert all(out["status"] == "RUNNING" for out, _ in results)
    paths = sorted(r["path"] for r in recorder.requests)
    assert len(paths) == 200 and len(set(paths)) == 200


def test_200_concurrent_generated_calls_against_the_emulator(emulator, client_for):
    client = client_for(emulator.url, cls=dcskit.AsyncClient)

    async def go():
        return await asyncio.gather(*(client.list_instances(limit=1) for _ in range(200)))

    results = asyncio.run(go())
    assert len(results) == 200 and all(isinstance(r, dict) and "instances" in r for r in results)


def test_blocking_calls_release_the_gil(recorder, client_for):
    import threading
    import time

    recorder.delay = 1.0
    client = client_for(recorder.url)
    done = threading.Event()

    def slow_call():
        client.show_instance(instance_id="i-1")
        done.set()

    t = threading.Thread(target=slow_call)
    t.start()
    ticks = 0
    t0 = time.monotonic()
    while not done.is_set() and time.monotonic() - t0 < 5:
        ticks += 1  # pure Python work: only possible while the call waits without the GIL
    t.join()
    assert done.is_set()
    assert ticks > 100_000, f"the main thread barely ran ({ticks} ticks) while the call waited"


def test_async_client_results_come_from_the_core_runtime(recorder, client_for):
    # AsyncClient settles its futures through the event loop's completion queue.
    from dcskit.client import _completions

    recorder.answer(200, {"instance_id": "i-1", "status": "RUNNING"})
    client = client_for(recorder.url, cls=dcskit.AsyncClient)

    async def one(n):
        loop = asyncio.get_running_loop()
        completions = _completions(loop)
        assert completions is not None
        future = loop.create_future()
        client._native.submit(completions, "ShowInstance", {"instance_id": f"i-{n}"}, future, traced=True)
        return await future

    async def go():
        return await asyncio.gather(*(one(n) for n in range(200)))

    results = asyncio.run(go())
    assert len(results) == 200
    assert {rid for _, rid in results} == {dcskit.runtime_id()}
    assert all(out["status"] == "RUNNING" for out, _ in results)
