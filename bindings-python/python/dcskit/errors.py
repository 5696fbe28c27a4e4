"""The dcskit exception hierarchy: the core's one error model (tests/error-model.json).

Every exception is a :class:`DcsError` whose ``code`` is the core's stable code string.
Errors the service answered with are :class:`ServiceError` and carry ``status_code``,
``error_code``, ``error_msg`` and ``request_id``. Some classes also derive from the matching
builtin, so ``except ValueError`` / ``except TimeoutError`` / ``except OSError`` work too.
"""

from __future__ import annotations

import builtins
from typing import Any, Dict, Optional, Type

__all__ = [
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


class DcsError(Exception):
    """Base of every dcskit error. ``code`` is the core's stable code (e.g. ``TIMEOUT``)."""

    code: str = "INTERNAL"

    def __init__(self, message: str = "", **details: Any) -> None:
        super().__init__(message)
        self.message = message
        #: The parameter at fault, for INVALID_INPUT errors (else None).
        self.param: Optional[str] = details.pop("param", None)
        #: Every field the core reported, as a plain dict.
        self.details: Dict[str, Any] = dict(details)

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class ServiceError(DcsError):
    """The service answered with an error status."""

    def __init__(self, message: str = "", **details: Any) -> None:
        self.status_code: Optional[int] = details.pop("status_code", None)
        self.error_code: Optional[str] = details.pop("error_code", None)
        self.error_msg: Optional[str] = details.pop("error_msg", None)
        self.request_id: Optional[str] = details.pop("request_id", None)
        super().__init__(message, **details)


class ClientRequestError(ServiceError):
    """HTTP 4xx (other than 429)."""

    code = "CLIENT_REQUEST"


class ThrottledError(ServiceError):
    """HTTP 429; ``retry_after`` is the server's ``Retry-After`` in seconds, when sent."""

    code = "THROTTLED"

    def __init__(self, message: str = "", **details: Any) -> None:
        self.retry_after: Optional[float] = details.pop("retry_after", None)
        super().__init__(message, **details)


class ServerResponseError(ServiceError):
    """HTTP 5xx."""

    code = "SERVER_RESPONSE"


class InvalidInputError(DcsError, ValueError):
    """Nothing was sent: a parameter is missing, mistyped or out of range (see ``param``)."""

    code = "INVALID_INPUT"


class CredentialsError(DcsError):
    """Credentials are missing or unusable."""

    code = "CREDENTIALS"


class ConnectionError(DcsError, builtins.ConnectionError):  # noqa: A001 - mirrors the builtin on purpose
    """The connection could not be made or broke."""

    code = "CONNECTION"

    def __init__(self, message: str = "", **details: Any) -> None:
        DcsError.__init__(self, message, **details)


class TlsError(DcsError, builtins.ConnectionError):
    """The TLS handshake or certificate check failed."""

    code = "TLS"

    def __init__(self, message: str = "", **details: Any) -> None:
        DcsError.__init__(self, message, **details)


class TimeoutError(DcsError, builtins.TimeoutError):  # noqa: A001
    """A connect, read or total timeout expired."""

    code = "TIMEOUT"

    def __init__(self, message: str = "", **details: Any) -> None:
        DcsError.__init__(self, message, **details)


class DecodeError(DcsError):
    """A response body could not be decoded."""

    code = "DECODE"


class AnalysisError(DcsError):
    """An RDB file could not be analysed; ``offset`` is the byte offset where it failed."""

    code = "ANALYSIS"

    def __init__(self, message: str = "", **details: Any) -> None:
        self.offset: Optional[int] = details.pop("offset", None)
        super().__init__(message, **details)


class IoError(DcsError, OSError):
    """Local I/O failed (e.g. the file to analyse does not exist)."""

    code = "IO"

    def __init__(self, message: str = "", **details: Any) -> None:
        DcsError.__init__(self, message, **details)


class CancelledError(DcsError):
    """The operation was cancelled (e.g. a progress callback returned False)."""

    code = "CANCELLED"


class InternalError(DcsError):
    """A bug in dcskit, or a misuse it cannot serve (a blocking call inside its runtime)."""

    code = "INTERNAL"


#: Core code -> class, one entry per kind of the error model.
BY_CODE: Dict[str, Type[DcsError]] = {
    cls.code: cls
    for cls in (
        InvalidInputError,
        CredentialsError,
        ConnectionError,
        TlsError,
        TimeoutError,
        ThrottledError,
        ClientRequestError,
        ServerResponseError,
        DecodeError,
        AnalysisError,
        IoError,
        CancelledError,
        InternalError,
    )
}


def _from_native(err: Dict[str, Any]) -> DcsError:
    """Builds the exception for a core error's JSON (called by the extension)."""
    fields = dict(err)
    code = fields.pop("code", "INTERNAL")
    message = fields.pop("message", "")
    cls = BY_CODE.get(code, InternalError)
    exc = cls(message, **fields)
    if cls is InternalError and code != "INTERNAL":
        exc.code = code  # a kind newer than this module: keep its code
    return exc
