"""The error model (tests/error-model.json) mapped exactly, and every class raised for its
real cause."""

from __future__ import annotations

import builtins
import json
import os
import socket
import threading

import pytest

import dcskit
from conftest import AK, PROJECT_ID, REPO, SK, free_port

MODEL = json.loads((REPO / "tests" / "error-model.json").read_text())


def test_every_kind_has_its_class_code_and_builtin():
    base = getattr(dcskit, MODEL["base"]["python"])
    service_base = getattr(dcskit, MODEL["service_base"]["python"])
    assert base is dcskit.DcsError and issubclass(base, Exception)
    assert len(MODEL["kinds"]) == len(dcskit.errors.BY_CODE) == 13
    for kind in MODEL["kinds"]:
        cls = getattr(dcskit, kind["python"])
        assert issubclass(cls, base), kind
        assert cls.code == kind["code"]
        assert dcskit.errors.BY_CODE[kind["code"]] is cls
        if kind["python_builtin"]:
            assert issubclass(cls, getattr(builtins, kind["python_builtin"])), kind
        assert issubclass(cls, service_base) == bool(kind.get("service")), kind
        # The exception the extension builds for this code is this class.
        exc = dcskit.errors._from_native({"code": kind["code"], "message": "m"})
        assert type(exc) is cls and exc.code == kind["code"]
    for field in MODEL["service_fields"]["python"]:
        e = dcskit.errors._from_native({"code": "CLIENT_REQUEST", "message": "m", field: "v"})
        assert getattr(e, field) == "v"


def test_negative_control_a_wrong_mapping_is_caught():
    # The check above must be able to fail: a class whose code disagrees with the table.
    kind = next(k for k in MODEL["kinds"] if k["code"] == "TIMEOUT")
    assert dcskit.ConnectionError.code != kind["code"]
    assert not issubclass(dcskit.InvalidInputError, builtins.TimeoutError)


# --- each class from its real cause -------------------------------------------------------

def test_client_request_error_from_a_4xx(recorder, client_for):
    recorder.answer(404, {"error_code": "DCS.4133", "error_msg": "instance not found"},
                    {"X-Request-Id": "rid-404"})
    with pytest.raises(dcskit.ClientRequestError) as ei:
        client_for(recorder.url).show_instance(instance_id="i-1")
    e = ei.value
    assert isinstance(e, dcskit.ServiceError) and e.code == "CLIENT_REQUEST"
    assert (e.status_code, e.error_code, e.error_msg, e.request_id) == (404, "DCS.4133", "instance not found", "rid-404")


def test_throttled_error_from_a_429_with_retry_after(recorder, client_for):
    recorder.answer(429, {"error_code": "DCS.4290", "error_msg": "slow down"}, {"Retry-After": "3", "X-Request-Id": "r429"})
    with pytest.raises(dcskit.ThrottledError) as ei:
        client_for(recorder.url).show_instance(instance_id="i-1")
    assert ei.value.status_code == 429 and ei.value.retry_after == 3.0 and ei.value.request_id == "r429"
    assert isinstance(ei.value, dcskit.ServiceError)


def test_server_response_error_from_a_5xx(recorder, client_for):
    recorder.answer(503, {"error_code": "DCS.5000", "error_msg": "busy"}, {"X-Request-Id": "r503"})
    with pytest.raises(dcskit.ServerResponseError) as ei:
        client_for(recorder.url).show_instance(instance_id="i-1")
    assert ei.value.status_code == 503 and ei.value.error_code == "DCS.5000"


def test_connection_error_from_an_unreachable_port(client_for):
    with pytest.raises(dcskit.ConnectionError) as ei:
        client_for(f"http://127.0.0.1:{free_port()}", connect_timeout=2).show_instance(instance_id="i-1")
    assert isinstance(ei.value, builtins.ConnectionError)


def test_timeout_error_from_a_slow_server(recorder, client_for):
    recorder.delay = 2.0
    with pytest.raises(dcskit.TimeoutError) as ei:
        client_for(recorder.url, timeout=0.2, read_timeout=0.2).show_instance(instance_id="i-1")
    assert isinstance(ei.value, builtins.TimeoutError)


def test_tls_error_from_a_server_that_does_not_speak_tls(recorder, client_for):
    url = recorder.url.replace("http://", "https://")
    with pytest.raises(dcskit.TlsError) as ei:
        client_for(url, connect_timeout=3).show_instance(instance_id="i-1")
    assert isinstance(ei.value, builtins.ConnectionError)


def test_decode_error_from_a_body_that_is_not_json(recorder, client_for):
    recorder.answer(200, b"<html>not json</html>", {"Content-Type": "text/html"})
    with pytest.raises(dcskit.DecodeError):
        client_for(recorder.url).show_instance(instance_id="i-1")


def test_invalid_input_error_from_a_missing_required_parameter(recorder, client_for):
    c = client_for(recorder.url)
    with pytest.raises(dcskit.InvalidInputError) as ei:
        c.show_instance()  # type: ignore[call-arg]
    assert isinstance(ei.value, ValueError) and ei.value.param == "instance_id"
    with pytest.raises(ValueError):
        c.call("ShowInstance", {})
    assert recorder.requests == [], "nothing may be sent for invalid input"


def test_invalid_input_error_from_a_bad_config():
    with pytest.raises(dcskit.InvalidInputError) as ei:
        dcskit.Client(endpoint="http://127.0.0.1:1", ak=AK, sk=SK, timeout=-1)
    assert ei.value.param == "timeout"


def test_credentials_error_from_half_set_credentials(monkeypatch):
    with pytest.raises(dcskit.CredentialsError):
        dcskit.Client(endpoint="http://127.0.0.1:1", ak=AK)
    monkeypatch.delenv("CLOUD_SDK_SK", raising=False)
    monkeypatch.setenv("CLOUD_SDK_AK", AK)
    with pytest.raises(dcskit.CredentialsError):
        dcskit.Client(endpoint="http://127.0.0.1:1")


def test_credentials_error_from_an_empty_secret_key(recorder):
    # Unusable credentials are refused before anything is sent.
    c = dcskit.Client(endpoint=recorder.url, ak=AK, sk="", project_id=PROJECT_ID)
    with pytest.raises(dcskit.CredentialsError):
        c.show_instance(instance_id="i-1")
    assert recorder.requests == []


def test_analysis_error_with_offset_from_a_truncated_dump(rdb_fixtures, tmp_path):
    src = (rdb_fixtures / "sripathikrishnan__redis-rdb-tools" / "dictionary.rdb").read_bytes()
    cut = tmp_path / "truncated.rdb"
    cut.write_bytes(src[:5000])
    with pytest.raises(dcskit.AnalysisError) as ei:
        dcskit.analyze(cut)
    assert isinstance(ei.value.offset, int) and 0 < ei.value.offset <= 5000


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs Linux /proc")
def test_io_error_from_a_file_whose_read_fails():
    # Reading /proc/self/mem at offset 0 fails in the kernel (EIO): a real local I/O error.
    with pytest.raises(dcskit.IoError) as ei:
        dcskit.analyze("/proc/self/mem")
    assert isinstance(ei.value, OSError)


def test_a_missing_file_is_invalid_input_naming_it(tmp_path):
    with pytest.raises(dcskit.InvalidInputError) as ei:
        dcskit.analyze(tmp_path / "no-such.rdb")
    assert "no-such.rdb" in str(ei.value)


def test_cancelled_error_when_progress_says_stop(slow_rdb_url):
    with pytest.raises(dcskit.CancelledError):
        dcskit.analyze(slow_rdb_url, progress=lambda done, total, keys: False)


def test_internal_error_from_a_blocking_call_inside_the_runtime(recorder, client_for, slow_rdb_url):
    import asyncio

    c = client_for(recorder.url)
    seen = []

    def progress(done, total, keys):
        # analyze_async calls this on a runtime thread: a blocking call there is a misuse
        # that must be refused with InternalError, not deadlock.
        try:
            c.show_instance(instance_id="i-1")
        except dcskit.DcsError as e:
            seen.append(e)
        return False

    with pytest.raises(dcskit.CancelledError):
        asyncio.run(dcskit.analyze_async(slow_rdb_url, progress=progress))
    assert seen and type(seen[0]) is dcskit.InternalError and seen[0].code == "INTERNAL"
    assert recorder.requests == []
