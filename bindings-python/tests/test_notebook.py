"""The example notebook runs headless (nbclient): emulator client, analysis, report, DataFrame."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "quickstart.ipynb"


def test_quickstart_notebook_executes(emulator, rdb_fixtures, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("pandas")
    monkeypatch.setenv("DCSKIT_NOTEBOOK_RDB", str(rdb_fixtures / "redis__redis" / "encodings.rdb"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = {c["id"]: c.get("outputs", []) for c in nb.cells if c.cell_type == "code"}
    assert not any(o.get("output_type") == "error" for outs in outputs.values() for o in outs)
    # The instance reached RUNNING, the report rendered as HTML, the DataFrame as a table.
    assert "RUNNING" in str(outputs["cell-2"])
    html = [o["data"]["text/html"] for o in outputs["cell-4"] if "text/html" in o.get("data", {})]
    assert html and "dcskit report" in html[0]
    frame = [o["data"] for o in outputs["cell-6"] if o.get("output_type") == "execute_result"]
    assert frame and "text/html" in frame[0] and "<table" in frame[0]["text/html"]
