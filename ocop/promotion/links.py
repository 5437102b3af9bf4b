"""Does a listing's link still answer? Asked by the periodic task only, never while a page is drawn.

A link answers when its server gives a page (2xx or 3xx after redirects), or refuses a robot politely (401,
403, 429: the page is there, the platform blocks automated visits). A 404 or 410, a server error, a timeout or
no server at all flag it. Only public internet addresses are visited, at every redirect too: a link that points
into a private network is flagged without being fetched (the checker must not become a way to probe our own
network).
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 10
ANSWERS_ALTHOUGH_REFUSED = frozenset({401, 403, 429})
USER_AGENT = "OCOP-link-check/1 (+https://ocop.gov.vn)"
PUBLIC_ONLY = True  # tests turn it off to check against a local server


@dataclass(frozen=True)
class Finding:
    answered: bool
    detail: str


class _PrivateAddress(Exception):
    pass


def _check_host(url: str) -> None:
    if not PUBLIC_ONLY:
        return
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError) as unknown:
        raise urllib.error.URLError(f"no such host: {host}") from unknown
    if not addresses or any(not ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        raise _PrivateAddress(host)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise urllib.error.URLError("redirect to a link that is not http(s)")
        _check_host(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_CheckedRedirects())


def _ask(url: str, method: str) -> int:
    # `check` lets only http(s) links through, here and at every redirect.
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})  # noqa: S310
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def check(url: str) -> Finding:
    """Visit `url` once (HEAD, then GET where HEAD is not allowed) and say whether it answers."""
    if not url.lower().startswith(("http://", "https://")):
        return Finding(False, "not an http(s) link")
    try:
        _check_host(url)
        status = _ask(url, "HEAD")
        if status in (405, 501):
            status = _ask(url, "GET")
    except _PrivateAddress:
        return Finding(False, "private or local address: not visited")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Finding(False, f"no answer: {reason}"[:200])
    if status < 400 or status in ANSWERS_ALTHOUGH_REFUSED:
        return Finding(True, f"HTTP {status}")
    return Finding(False, f"HTTP {status}")
