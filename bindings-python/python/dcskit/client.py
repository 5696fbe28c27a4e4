"""`Client` (blocking) and `AsyncClient` (awaitables) over the core's one runtime.

Both take the same configuration. Unset credentials and project id come from the environment
(`CLOUD_SDK_AK`, `CLOUD_SDK_SK`, `CLOUD_SDK_SECURITY_TOKEN`, `CLOUD_SDK_AUTH_TOKEN`,
`CLOUD_SDK_PROJECT_ID`). Timeouts are in seconds. Results are plain dicts and lists.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from typing import Any, AsyncIterator, Dict, Iterator, Mapping, Optional, Union

from . import _native
from ._generated.operations import AsyncOperations, SyncOperations

__all__ = ["Client", "AsyncClient"]

PathLike = Union[str, "os.PathLike[str]"]


def _native_client(
    endpoint: Optional[str],
    region: Optional[str],
    project_id: Optional[str],
    ak: Optional[str],
    sk: Optional[str],
    security_token: Optional[str],
    token: Optional[str],
    connect_timeout: Optional[float],
    read_timeout: Optional[float],
    timeout: Optional[float],
    max_retries: Optional[int],
    retry_non_idempotent: Optional[bool],
    proxy: Optional[str],
    ca_bundle: Optional[PathLike],
    insecure_skip_tls_verify: bool,
) -> _native.NativeClient:
    return _native.NativeClient(
        endpoint=endpoint,
        region=region,
        project_id=project_id,
        ak=ak,
        sk=sk,
        security_token=security_token,
        token=token,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        timeout=timeout,
        max_retries=max_retries,
        retry_non_idempotent=retry_non_idempotent,
        proxy=proxy,
        ca_bundle=os.fspath(ca_bundle) if ca_bundle is not None else None,
        insecure_skip_tls_verify=insecure_skip_tls_verify,
    )


# Each event loop's queue of finished calls, watched by the loop (see _native.Completions):
# results reach asyncio without runtime threads waiting for the GIL. None: the loop cannot
# watch a socket (e.g. Windows' proactor loop), calls use plain awaitables instead.
_COMPLETIONS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Optional[_native.Completions]]" = (
    weakref.WeakKeyDictionary()
)


def _completions(loop: asyncio.AbstractEventLoop) -> Optional[_native.Completions]:
    try:
        return _COMPLETIONS[loop]
    except KeyError:
        pass
    c = _native.Completions()
    try:
        loop.add_reader(c.fileno(), c.drain)
    except NotImplementedError:
        _COMPLETIONS[loop] = None
        return None
    _COMPLETIONS[loop] = c
    return c


async def _call_async(native: _native.NativeClient, operation: str, input: Optional[Mapping[str, Any]]) -> Any:
    loop = asyncio.get_running_loop()
    completions = _completions(loop)
    if completions is None:
        return await native.call_async(operation, input)
    future = loop.create_future()
    in_flight = native.submit(completions, operation, input, future)
    try:
        return await future
    except asyncio.CancelledError:
        in_flight.abort()
        raise


class _Base:
    __slots__ = ("_native",)

    def __init__(
        self,
        *,
        endpoint: Optional[str] = None,
        region: Optional[str] = None,
        project_id: Optional[str] = None,
        ak: Optional[str] = None,
        sk: Optional[str] = None,
        security_token: Optional[str] = None,
        token: Optional[str] = None,
        connect_timeout: Optional[float] = None,
        read_timeout: Optional[float] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        retry_non_idempotent: Optional[bool] = None,
        proxy: Optional[str] = None,
        ca_bundle: Optional[PathLike] = None,
        insecure_skip_tls_verify: bool = False,
    ) -> None:
        """Args:
        endpoint: full URL (``https://...``; ``http://`` for a local emulator); wins over region.
        region: e.g. ``cn-north-4``; the endpoint becomes ``https://dcs.{region}.myhuaweicloud.com``.
        project_id: filled into every path that needs it.
        ak, sk, security_token: AK/SK credentials (temporary ones with a security token).
        token: an IAM token instead of AK/SK.
        connect_timeout, read_timeout, timeout: seconds (timeout bounds a whole call).
        max_retries: retries on connection errors, 429 and 5xx (0 disables them).
        retry_non_idempotent: also retry POST/PATCH.
        proxy: proxy URL (else HTTPS_PROXY / NO_PROXY apply).
        ca_bundle: extra PEM CA bundle to trust.
        """
        self._native = _native_client(
            endpoint, region, project_id, ak, sk, security_token, token, connect_timeout,
            read_timeout, timeout, max_retries, retry_non_idempotent, proxy, ca_bundle,
            insecure_skip_tls_verify,
        )

    @property
    def base_url(self) -> str:
        return self._native.base_url

    @property
    def project_id(self) -> Optional[str]:
        return self._native.project_id

    def __repr__(self) -> str:
        try:
            where = self._native.base_url
        except Exception:  # no endpoint configured yet: still printable
            where = "?"
        return f"{type(self).__name__}(endpoint={where!r}, project_id={self.project_id!r})"


class Client(_Base, SyncOperations):
    """Blocking DCS client: every call waits with the GIL released; Ctrl-C interrupts it.

    ``client.list_instances(limit=10)``, ``client.call("ListInstances", {...})``,
    ``for inst in client.paginate("list_instances", status="RUNNING")``,
    ``client.wait("instance_running", instance_id=..., timeout=600)``."""

    __slots__ = ()

    def call(self, operation: str, input: Optional[Mapping[str, Any]] = None) -> Any:
        """Calls an operation by name (``ListInstances``, ``list_instances`` or ``list-instances``).
        ``input`` holds path and query parameters by wire name, the request body under ``"body"``."""
        return self._native.call(operation, input)

    def _call(self, operation: str, input: Dict[str, Any]) -> Any:
        return self._native.call(operation, input)

    def _paginate(self, operation: str, input: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
        return self._native.paginate(operation, input)

    def _wait(self, waiter: str, input: Dict[str, Any], timeout: Optional[float], interval: Optional[float]) -> Any:
        return self._native.wait(waiter, input, timeout=timeout, interval=interval)


class AsyncClient(_Base, AsyncOperations):
    """Asyncio DCS client: every call is an awaitable running on the core's tokio runtime."""

    __slots__ = ()

    async def call(self, operation: str, input: Optional[Mapping[str, Any]] = None) -> Any:
        """Like :meth:`Client.call`, awaitable."""
        return await _call_async(self._native, operation, input)

    async def _call(self, operation: str, input: Dict[str, Any]) -> Any:
        return await _call_async(self._native, operation, input)

    def _paginate(self, operation: str, input: Dict[str, Any]) -> AsyncIterator[Dict[str, Any]]:
        return self._native.paginate(operation, input)

    async def _wait(self, waiter: str, input: Dict[str, Any], timeout: Optional[float], interval: Optional[float]) -> Any:
        return await self._native.wait_async(waiter, input, timeout=timeout, interval=interval)
