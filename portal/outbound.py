"""Requests the portal makes to addresses that outsiders chose: webhook deliveries, and images a
partner names by URL (Open311's ``media_url``). Both go through the same checks.

Only http(s) URLs whose addresses are public are reached; private ranges only when
``WEBHOOK_ALLOW_PRIVATE_NETWORKS`` is set (government intranets), never loopback (but for the
tests' own servers, ``WEBHOOK_ALLOW_LOOPBACK``), link-local or cloud metadata addresses. The name
is resolved and checked at the moment of the request, and the connection goes to the address that
was checked: a name that resolves to a public address at the check and to 169.254.169.254 a
moment later (DNS rebinding) never reaches the second.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Cloud metadata services that do not sit in a link-local range (Alibaba Cloud's, Oracle's).
METADATA_ADDRESSES = {ipaddress.ip_address("100.100.100.200"), ipaddress.ip_address("192.0.0.192")}
USER_AGENT = "Siming-Portal/1.0"


class UnsafeDestination(ValidationError):
    pass


class FetchFailed(ValidationError):
    pass


def _refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback:
        return None if settings.WEBHOOK_ALLOW_LOOPBACK else _("不能发送到本机地址。")
    if address.is_link_local or address in METADATA_ADDRESSES:
        return _("不能发送到链路本地或云元数据地址。")
    if address.is_multicast or address.is_unspecified or address.is_reserved:
        return _("该地址不能接收推送。")
    if address.is_private or address in ipaddress.ip_network("100.64.0.0/10"):
        return (
            None
            if settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS
            else _("不能发送到内网地址（如需推送到政务内网，请由管理员开启）。")
        )
    return None


def check_destination(url: str) -> list[str]:
    """The addresses ``url`` may be reached at; ``UnsafeDestination`` says why it may not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeDestination(_("接收地址须以 http:// 或 https:// 开头。"))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError):
        raise UnsafeDestination(_("无法解析接收地址的主机名。")) from None
    addresses = sorted({info[4][0] for info in infos})
    for text in addresses:
        refusal = _refusal(ipaddress.ip_address(text.split("%")[0]))
        if refusal:
            raise UnsafeDestination(refusal)
    return addresses


def pinned_pool(
    url: str, addresses: list[str], *, connect_timeout: float, read_timeout: float
) -> urllib3.HTTPConnectionPool:
    """A connection pool to the checked address, speaking to ``url``'s host (TLS name included)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    options: dict[str, Any] = {
        "timeout": urllib3.Timeout(connect=connect_timeout, read=read_timeout),
        "retries": False,
    }
    if parts.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            addresses[0], port, server_hostname=parts.hostname, assert_hostname=parts.hostname, **options
        )
    return urllib3.HTTPConnectionPool(addresses[0], port, **options)


def target(url: str) -> tuple[str, str]:
    """The request line's path (with its query) and the Host header for ``url``."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return path, parts.netloc.rsplit("@", 1)[-1]


def fetch(url: str, *, max_bytes: int, connect_timeout: float = 3.0, total_timeout: float = 10.0) -> bytes:
    """GET ``url`` (no redirects) and return its body, at most ``max_bytes``.

    ``total_timeout`` bounds the whole transfer, not each read: a server that sends one byte a
    second is cut off as surely as a silent one. Raises ``UnsafeDestination`` or ``FetchFailed``.
    """
    addresses = check_destination(url)
    path, host = target(url)
    deadline = time.monotonic() + total_timeout
    pool = pinned_pool(url, addresses, connect_timeout=connect_timeout, read_timeout=total_timeout)
    headers = {"host": host, "user-agent": USER_AGENT, "accept-encoding": "identity"}
    try:
        with pool:
            response = pool.urlopen("GET", path, headers=headers, redirect=False, preload_content=False)
            try:
                return _read(response, max_bytes, deadline)
            finally:
                response.release_conn()
    except urllib3.exceptions.HTTPError as error:
        raise FetchFailed(
            _("无法获取该地址的内容（%(error)s）。") % {"error": type(error).__name__}
        ) from None


def _read(response: urllib3.BaseHTTPResponse, max_bytes: int, deadline: float) -> bytes:
    if response.status != 200:
        raise FetchFailed(_("该地址返回 %(code)s，未能获取内容。") % {"code": response.status})
    too_large = FetchFailed(_("该地址的内容超过 %(mb)d MB。") % {"mb": max_bytes // (1024 * 1024) or 1})
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise too_large
    chunks, size = [], 0
    # read1: what one socket read brings, so the deadline is checked between a dripping server's bytes.
    while chunk := response.read1(64 * 1024, decode_content=False):
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        if time.monotonic() > deadline:
            raise FetchFailed(_("获取该地址的内容超时。"))
        chunks.append(chunk)
    return b"".join(chunks)
