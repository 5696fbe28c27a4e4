"""dcskit: the Huawei Cloud DCS API and an offline Redis RDB analyzer, on one Rust core.

>>> import dcskit
>>> client = dcskit.Client(region="cn-north-4")          # credentials from CLOUD_SDK_AK / _SK
>>> client.list_instances(limit=10, status="RUNNING")    # -> dict
>>> report = dcskit.analyze("dump.rdb")                  # -> Report
"""

from . import types
from ._native import __version__, runtime_id
from .analysis import ProgressCallback, analyze, analyze_async
from .client import AsyncClient, Client
from .errors import (
    AnalysisError,
    CancelledError,
    ClientRequestError,
    ConnectionError,
    CredentialsError,
    DcsError,
    DecodeError,
    InternalError,
    InvalidInputError,
    IoError,
    ServerResponseError,
    ServiceError,
    ThrottledError,
    TimeoutError,
    TlsError,
)
from .report import Report

__all__ = [
    "__version__",
    "runtime_id",
    "operations",
    "types",
    "Client",
    "AsyncClient",
    "analyze",
    "analyze_async",
    "ProgressCallback",
    "Report",
    "DcsError",
    "ServiceError",
    "ClientRequestError",
    "ThrottledError",
    "ServerResponseError",
    "InvalidInputError",
    "CredentialsError",
    "ConnectionError",
    "TlsError",
    "TimeoutError",
    "DecodeError",
    "AnalysisError",
    "IoError",
    "CancelledError",
    "InternalError",
]


def operations() -> "list[dict[str, object]]":
    """Every operation of the spec: name, snake_name, camel_name, method, path, version,
    deprecated, replacement, paginated."""
    from ._native import operations as _ops

    return _ops()
