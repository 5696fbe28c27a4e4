"""`Report`: the result of `dcskit.analyze`, the DCS offline key analysis report plus extras."""

from __future__ import annotations

import html
import json
from typing import Any, Dict, Iterator, List, Mapping

__all__ = ["Report"]


def _human(n: Any) -> str:
    if not isinstance(n, (int, float)):
        return str(n)
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(n)


def _per_type(rows: Any, field: str) -> Dict[str, int]:
    """DCS lists ``[{"type": "string", "bytes": 1}, ...]`` (or a mapping) -> ``{type: value}``."""
    if isinstance(rows, dict):
        return {str(k): int(v) for k, v in rows.items()}
    return {str(r["type"]): int(r.get(field, 0)) for r in rows or [] if isinstance(r, dict) and "type" in r}


class Report(Mapping[str, Any]):
    """A read-only view of the report JSON (``report["total_bytes"]`` works too).

    The DCS fields: ``total_bytes``, ``total_num``, ``type_bytes``, ``type_num``,
    ``largest_keys``, ``largest_key_prefixes``; other fields are dcskit's extras.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Dict[str, Any]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def to_dict(self) -> Dict[str, Any]:
        """The report as plain JSON-compatible data (what ``dcskit analyze --format json`` prints)."""
        return self._data

    @property
    def total_bytes(self) -> int:
        return int(self._data.get("total_bytes", 0))

    @property
    def total_num(self) -> int:
        return int(self._data.get("total_num", 0))

    @property
    def type_bytes(self) -> Dict[str, int]:
        """Bytes per type, ``{"string": 5520, ...}`` (``report["type_bytes"]`` is the DCS list)."""
        return _per_type(self._data.get("type_bytes"), "bytes")

    @property
    def type_num(self) -> Dict[str, int]:
        """Keys per type, ``{"string": 50, ...}`` (``report["type_num"]`` is the DCS list)."""
        return _per_type(self._data.get("type_num"), "num")

    @property
    def largest_keys(self) -> List[Dict[str, Any]]:
        return list(self._data.get("largest_keys") or [])

    @property
    def largest_key_prefixes(self) -> List[Dict[str, Any]]:
        return list(self._data.get("largest_key_prefixes") or [])

    def to_pandas(self) -> Dict[str, Any]:
        """DataFrames: ``largest_keys``, ``largest_key_prefixes`` and ``types`` (bytes and
        count per type). Needs pandas (``pip install pandas``)."""
        try:
            import pandas as pd
        except ImportError as e:  # keep the import optional
            raise ImportError("Report.to_pandas() needs pandas: pip install pandas") from e
        types = sorted(set(self.type_bytes) | set(self.type_num))
        return {
            "largest_keys": pd.DataFrame(self.largest_keys),
            "largest_key_prefixes": pd.DataFrame(self.largest_key_prefixes),
            "types": pd.DataFrame(
                {"type": types,
                 "bytes": [self.type_bytes.get(t, 0) for t in types],
                 "keys": [self.type_num.get(t, 0) for t in types]}
            ),
        }

    def __repr__(self) -> str:
        return (f"Report(total_num={self.total_num}, total_bytes={self.total_bytes}, "
                f"largest_keys={len(self.largest_keys)}, largest_key_prefixes={len(self.largest_key_prefixes)})")

    def to_html(self, compact: bool = False) -> str:
        """The report as one self-contained HTML page (what ``dcskit analyze --format html`` writes)."""
        from . import _native
        return _native.report_html(json.dumps(self.to_dict()), compact)

    def _repr_html_(self, rows: int = 10) -> str:
        """Jupyter's rich view: the compact HTML report (charts, prefix treemap, top keys) in a
        sandboxed frame, after a plain summary that shows even where scripts do not run."""
        esc = html.escape
        frame = (f'<iframe sandbox="allow-scripts" style="width:100%;height:760px;border:0" '
                 f'srcdoc="{esc(self.to_html(compact=True), quote=True)}"></iframe>')
        return self._summary_html(rows) + frame

    def _summary_html(self, rows: int) -> str:
        esc = html.escape
        out = [f"<div><b>dcskit report</b>: {self.total_num} keys, {esc(_human(self.total_bytes))}"]
        out.append("<table><tr><th>type</th><th>keys</th><th>bytes</th></tr>")
        for t in sorted(set(self.type_bytes) | set(self.type_num)):
            out.append(f"<tr><td>{esc(str(t))}</td><td>{self.type_num.get(t, 0)}</td>"
                       f"<td>{esc(_human(self.type_bytes.get(t, 0)))}</td></tr>")
        out.append("</table>")
        keys = self.largest_keys[:rows]
        if keys:
            cols = list(keys[0].keys())
            out.append("<table><tr>" + "".join(f"<th>{esc(str(c))}</th>" for c in cols) + "</tr>")
            for k in keys:
                out.append("<tr>" + "".join(f"<td>{esc(str(k.get(c, '')))}</td>" for c in cols) + "</tr>")
            out.append("</table>")
        out.append("</div>")
        return "".join(out)
