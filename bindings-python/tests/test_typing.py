"""The generated stubs type-check a real program (mypy), and catch a wrong one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "typed_usage.py"

BAD = '''
import dcskit
c = dcskit.Client(region="cn-north-4")
c.show_instance()                      # missing required instance_id
c.list_instances(limit="ten")          # wrong type
n: str = c.list_instances()["instance_num"]   # int, not str
c.no_such_operation()
'''


def _mypy(*args: str) -> subprocess.CompletedProcess:
    pytest.importorskip("mypy")
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *args],
                          capture_output=True, text=True)


def test_example_script_type_checks():
    out = _mypy(str(EXAMPLE))
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_catches_misuse(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(BAD)
    out = _mypy(str(bad))
    assert out.returncode != 0
    text = out.stdout
    assert 'Missing named argument "instance_id"' in text, text
    assert '"limit"' in text and "incompatible type" in text.lower(), text
    assert "no attribute \"no_such_operation\"" in text, text
    assert text.count("error:") >= 4, text


def test_py_typed_ships():
    import dcskit

    pkg = Path(dcskit.__file__).parent
    assert (pkg / "py.typed").exists()
    assert (pkg / "_generated" / "operations.pyi").exists()
    assert (pkg / "_native.pyi").exists()
