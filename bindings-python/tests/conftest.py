"""Shared fixtures: the dcskit emulator (`dcskit mock --port 0`), a local recorder HTTP
server whose answers each test scripts, and the RDB fixtures. Network: 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

REPO = Path(__file__).resolve().parents[2]
PROJECT_ID = "0123456789abcdef0123456789abcdef"


class _Server(ThreadingHTTPServer):
    # The stdlib default listen backlog is 5: 200 concurrent calls would overflow it and the
    # kernel would drop SYNs (seconds of retransmits, then connect timeouts on a busy machine).
    request_queue_size = 1024
    daemon_threads = True


AK, SK = "TESTAK0123456789ABCD", "testsk-not-a-secret-0123456789"


def fixtures_dir() -> Optional[Path]:
    d = Path(os.environ.get("DCSKIT_FIXTURES", REPO.parent / "shared" / "fixtures" / "rdb"))
    return d if d.is_dir() else None


@pytest.fixture(scope="session")
def rdb_fixtures() -> Path:
    d = fixtures_dir()
    if d is None:
        if os.environ.get("CI") == "true":
            pytest.fail("RDB fixtures missing (required when CI=true)")
        pytest.skip("RDB fixtures absent")
    return d


# --- the emulator -------------------------------------------------------------------------

def dcskit_bin() -> Optional[str]:
    b = os.environ.get("DCSKIT_BIN")
    if b and os.access(b, os.X_OK):
        return b
    return shutil.which("dcskit")


class Emulator:
    def __init__(self, args: List[str]) -> None:
        binary = dcskit_bin()
        if binary is None:
            raise RuntimeError("no dcskit binary (set DCSKIT_BIN)")
        self.proc = subprocess.Popen([binary, "mock", "--port", "0", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.url = self._read_url()

    def _read_url(self) -> str:
        assert self.proc.stdout is not None
        deadline = time.time() + 20
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                err = self.proc.stderr.read() if self.proc.stderr else ""
                raise RuntimeError(f"dcskit mock exited: {err.strip()}")
            m = re.search(r"https?://127\.0\.0\.1:\d+", line)
            if m:
                return m.group(0)
        raise RuntimeError("dcskit mock printed no URL in 20 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _start_emulator(args: List[str]) -> Emulator:
    try:
        return Emulator(args)
    except RuntimeError as e:
        if os.environ.get("CI") == "true" or os.environ.get("DCSKIT_REQUIRE_EMULATOR"):
            pytest.fail(f"the emulator is required: {e}")
        pytest.skip(f"emulator unavailable: {e}")


@pytest.fixture(scope="session")
def emulator():
    """The dcskit emulator, open (no authentication), fast state transitions."""
    emu = _start_emulator(["--project-id", PROJECT_ID, "--running-delay", "300", "--task-delay", "200"])
    yield emu
    emu.stop()


@pytest.fixture(scope="session")
def signed_emulator():
    """An emulator that checks AK/SK signatures."""
    emu = _start_emulator(["--project-id", PROJECT_ID, "--ak", AK, "--sk", SK])
    yield emu
    emu.stop()


# --- the recorder -------------------------------------------------------------------------

Answer = Tuple[int, Dict[str, str], bytes]


class Recorder:
    """A local HTTP server: records every request and answers with what the test scripted
    (`answer(fn)`), by default 200 `{}`."""

    def __init__(self) -> None:
        self.requests: List[Dict[str, Any]] = []
        self.handler: Callable[[Dict[str, Any]], Answer] = lambda req: (200, {}, b"{}")
        self.delay = 0.0
        rec = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                req = {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
                rec.requests.append(req)
                if rec.delay:
                    time.sleep(rec.delay)
                status, headers, out = rec.handler(req)
                self.send_response(status)
                headers = {"Content-Type": "application/json", **headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                try:
                    self.wfile.write(out)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def answer(self, status: int, body: Any = None, headers: Optional[Dict[str, str]] = None) -> None:
        raw = body if isinstance(body, bytes) else json.dumps({} if body is None else body).encode()
        self.handler = lambda req: (status, headers or {}, raw)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder():
    r = Recorder()
    yield r
    r.stop()


@pytest.fixture
def client_for():
    """client_for(url, **config) -> dcskit.Client with test credentials and project id."""
    import dcskit

    def make(url: str, cls: Any = dcskit.Client, **config: Any) -> Any:
        config.setdefault("ak", AK)
        config.setdefault("sk", SK)
        config.setdefault("project_id", PROJECT_ID)
        config.setdefault("max_retries", 0)
        return cls(endpoint=url, **config)

    return make


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a slow RDB source (long analyses: progress, Ctrl-C, cancellation) --------------------

def synthetic_rdb(n_keys: int) -> bytes:
    """A valid RDB v9 file (no checksum) with `n_keys` string keys `user:<i>`."""
    out = bytearray(b"REDIS0009")
    out += b"\xfe\x00"  # SELECTDB 0

    def enc_len(n: int) -> bytes:
        if n < 64:
            return bytes([n])
        if n < 16384:
            return bytes([0x40 | (n >> 8), n & 0xFF])
        return b"\x80" + n.to_bytes(4, "big")

    def enc_str(b: bytes) -> bytes:
        return enc_len(len(b)) + b

    for i in range(n_keys):
        out += b"\x00" + enc_str(b"user:%d" % i) + enc_str(b"v" * (20 + i % 50))
    out += b"\xff" + b"\x00" * 8  # EOF, checksum disabled
    return bytes(out)


class SlowSource:
    """Serves one RDB over HTTP in small chunks with pauses (about `seconds` in total)."""

    def __init__(self, data: bytes, seconds: float = 8.0, chunk: int = 2048) -> None:
        self.data = data
        pause = seconds / max(1, len(data) // chunk)
        src = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(src.data)))
                self.end_headers()
                try:
                    for i in range(0, len(src.data), chunk):
                        self.wfile.write(src.data[i:i + chunk])
                        self.wfile.flush()
                        time.sleep(pause)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/dump.rdb"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slow_rdb_url():
    src = SlowSource(synthetic_rdb(20000))
    yield src.url
    src.stop()
