"""The analyzer from Python: reports, progress, Ctrl-C, cancellation, async, pandas, HTML."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import threading
import time

import pytest

import dcskit
from conftest import dcskit_bin, synthetic_rdb

DCS_FIELDS = ("total_bytes", "total_num", "type_bytes", "type_num", "largest_keys", "largest_key_prefixes")


@pytest.fixture
def dump(tmp_path):
    p = tmp_path / "synthetic.rdb"
    p.write_bytes(synthetic_rdb(500))
    return p


def test_report_has_the_dcs_fields(dump):
    r = dcskit.analyze(dump, top=10, prefix_top=5)
    assert isinstance(r, dcskit.Report)
    d = r.to_dict()
    for f in DCS_FIELDS:
        assert f in d, f
    assert r.total_num == 500 == d["total_num"]
    assert len(r.largest_keys) == 10
    assert r.type_bytes["string"] == r.total_bytes and r.type_num["string"] == 500
    assert all(isinstance(v, int) for v in r.type_bytes.values())
    assert r["total_bytes"] == r.total_bytes > 0
    # The key sizes grow with i % 50: the largest keys are the ones with 69-byte values.
    assert all(isinstance(k, dict) for k in r.largest_keys)
    assert r.largest_key_prefixes and "user" in json.dumps(r.largest_key_prefixes)


def test_options_reach_the_core(dump):
    small = dcskit.analyze(dump, top=3, prefix_top=1, delimiters="|")
    assert len(small.largest_keys) == 3
    with pytest.raises(dcskit.InvalidInputError):
        dcskit.analyze(dump, top=-1)


def test_same_report_as_the_cli(rdb_fixtures):
    binary = dcskit_bin()
    if binary is None:
        pytest.skip("no dcskit binary")
    f = rdb_fixtures / "redis__redis" / "encodings.rdb"
    cli = subprocess.run([binary, "analyze", str(f), "--format", "json"], capture_output=True, text=True)
    if cli.returncode != 0:
        pytest.skip(f"dcskit analyze unavailable: {cli.stderr.strip()[:200]}")
    mine = dcskit.analyze(f).to_dict()
    theirs = json.loads(cli.stdout)
    for field in DCS_FIELDS:
        assert mine[field] == theirs[field], field


def test_progress_callback_sees_bytes_grow(slow_rdb_url):
    seen = []
    r = dcskit.analyze(slow_rdb_url, progress=lambda done, total, keys: seen.append((done, total, keys)))
    assert r.total_num == 20000
    assert len(seen) >= 3
    dones = [d for d, _, _ in seen]
    assert dones == sorted(dones) and dones[-1] > dones[0]
    assert seen[-1][1] in (None, dones[-1]) or seen[-1][1] >= dones[-1]


def test_keyboard_interrupt_stops_a_long_analysis_promptly(slow_rdb_url):
    # SIGINT after 0.5 s; the dump takes ~8 s to arrive.
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    t0 = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        dcskit.analyze(slow_rdb_url)
    elapsed = time.monotonic() - t0
    timer.cancel()
    assert elapsed < 2.0, f"took {elapsed:.2f}s to stop"


def test_a_progress_callback_exception_stops_the_analysis(slow_rdb_url):
    def boom(done, total, keys):
        raise RuntimeError("stop here")

    t0 = time.monotonic()
    with pytest.raises(RuntimeError, match="stop here"):
        dcskit.analyze(slow_rdb_url, progress=boom)
    assert time.monotonic() - t0 < 2.0


def test_async_variant_and_cancellation(dump, slow_rdb_url):
    async def go():
        r = await dcskit.analyze_async(dump, top=5)
        task = asyncio.ensure_future(dcskit.analyze_async(slow_rdb_url))
        await asyncio.sleep(0.3)
        task.cancel()
        t0 = time.monotonic()
        with pytest.raises(asyncio.CancelledError):
            await task
        return r, time.monotonic() - t0

    r, stop = asyncio.run(go())
    assert r.total_num == 500 and len(r.largest_keys) == 5
    assert stop < 1.0


def test_pandas_and_html(dump):
    pd = pytest.importorskip("pandas")
    r = dcskit.analyze(dump, top=20)
    frames = r.to_pandas()
    assert isinstance(frames["largest_keys"], pd.DataFrame) and len(frames["largest_keys"]) == 20
    assert int(frames["types"]["keys"].sum()) == 500
    html = r._repr_html_()
    assert html.startswith("<div>") and "500 keys" in html and "<table>" in html
    # The compact page of the core's HTML report rides along in a sandboxed frame.
    assert "<iframe" in html and "srcdoc=" in html and "allow-scripts" in html
    page = r.to_html()
    assert page.startswith("<!doctype html>") and "report-data" in page
    assert '"total_num":500' in page.replace(" ", "")
    assert r.to_html(compact=True) != page
