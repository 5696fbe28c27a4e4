"""`analyze` / `analyze_async`: the offline RDB analyzer (a path, a .gz, a tar of RDB files,
``-`` for stdin, or an http(s) URL)."""

from __future__ import annotations

import os
from typing import Callable, Optional, Union

from . import _native
from .report import Report

__all__ = ["analyze", "analyze_async", "ProgressCallback"]

#: ``progress(bytes_read, total_bytes_or_None, keys)``; return False to stop (CancelledError).
ProgressCallback = Callable[[int, Optional[int], int], Optional[bool]]
Source = Union[str, "os.PathLike[str]"]


def _source(path_or_url: Source) -> str:
    return path_or_url if isinstance(path_or_url, str) else os.fspath(path_or_url)


def analyze(
    path_or_url: Source,
    *,
    top: int = 100,
    prefix_top: int = 50,
    delimiters: str = ":",
    progress: Optional[ProgressCallback] = None,
) -> Report:
    """Analyzes an RDB dump like DCS's offline key analysis.

    ``progress`` is called on this thread at most every 50 ms (and once at the end); with tqdm::

        bar = tqdm(unit="B", unit_scale=True)
        def progress(done, total, keys):
            bar.total = total; bar.update(done - bar.n)

    Ctrl-C stops the analysis promptly (KeyboardInterrupt). Errors: AnalysisError (with the
    byte ``offset``) for a corrupt or truncated dump, IoError for a missing file.
    """
    if top < 0 or prefix_top < 0:
        from .errors import InvalidInputError

        raise InvalidInputError(("top" if top < 0 else "prefix_top") + ": must not be negative",
                                param="top" if top < 0 else "prefix_top")
    data = _native.analyze(_source(path_or_url), top=top, prefix_top=prefix_top,
                           delimiters=delimiters, progress=progress)
    return Report(data)


async def analyze_async(
    path_or_url: Source,
    *,
    top: int = 100,
    prefix_top: int = 50,
    delimiters: str = ":",
    progress: Optional[ProgressCallback] = None,
) -> Report:
    """:func:`analyze` as an awaitable on the core runtime (cancelling the task stops it).
    ``progress`` is called from a runtime thread."""
    if top < 0 or prefix_top < 0:
        from .errors import InvalidInputError

        raise InvalidInputError(("top" if top < 0 else "prefix_top") + ": must not be negative",
                                param="top" if top < 0 else "prefix_top")
    data = await _native.analyze_async(_source(path_or_url), top=top, prefix_top=prefix_top,
                                       delimiters=delimiters, progress=progress)
    return Report(data)
