"""Starts `dcskit mock` (the binary in $DCSKIT_BIN) on a free port for each test module."""

import os
import shutil
import subprocess
import time

import pytest

AK = "EMULATORAK0000000001"
SK = "emulator-secret-key"
PROJECT = "0123456789abcdef0123456789abcdef"


def dcskit_bin():
    path = os.environ.get("DCSKIT_BIN") or shutil.which("dcskit")
    if not path or not os.path.exists(path):
        pytest.fail("set DCSKIT_BIN to the dcskit binary")
    return path


class Emulator:
    def __init__(self, *extra):
        self.proc = subprocess.Popen(
            [dcskit_bin(), "mock", "--ak", AK, "--sk", SK, "--project-id", PROJECT,
             "--running-delay", "1000", "--task-delay", "200", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The first stdout line is the URL, printed once the server accepts connections.
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.proc.kill()
            raise RuntimeError("dcskit mock did not start: " + self.proc.stderr.read())

    def stop(self):
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@pytest.fixture(scope="module")
def emulator():
    e = Emulator()
    yield e
    assert e.stop() == 0, "dcskit mock exits cleanly on SIGTERM"


def wait_until(check, timeout=15.0, interval=0.1):
    end = time.time() + timeout
    while time.time() < end:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met within %.0fs" % timeout)
