"""The gate every request passes: host check, token, write protection, headers.

Lifecycle of a browser with a token: the user opens the one-time link the
command printed, ``http://host:port/?token=T``. The guard checks ``T``,
answers with a redirect to the same page *without* the token (so it leaves
the address bar, the history and any Referer) and sets an HttpOnly,
SameSite=Strict session cookie: a random nonce and its HMAC under the token,
so the cookie is not the token and needs no server-side state. Scripts send
``Authorization: Bearer T`` instead. Without a valid cookie or header a
request gets 401 and nothing else.

Writes (any method but GET and HEAD) authenticated by the cookie must also
carry the header ``X-Hypersense-CSRF`` with a value derived from the token
that only the dashboard's own pages hold: another site cannot set that header
without a CORS preflight, which is never granted. On a loopback address
without a token, the ``Host`` header must name the loopback (``localhost``,
``127.0.0.1``, ``[::1]``), which stops DNS-rebinding pages from reading the
dashboard. Every answer gets a strict Content-Security-Policy (scripts only
from the dashboard itself), ``nosniff``, no framing and no Referer.

Nothing here logs a query string or a header value.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = ["CSRF_HEADER", "Guard", "csrf_value", "session_cookie_name"]

_log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Header a cookie-authenticated write must carry (value: :func:`csrf_value`).
CSRF_HEADER = "x-hypersense-csrf"
_SAFE_METHODS = frozenset({"GET", "HEAD"})
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
_HEADERS = [
    (b"content-security-policy", _CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def _mac(token: str, message: str) -> str:
    return hmac.new(token.encode(), message.encode(), hashlib.sha256).hexdigest()


def csrf_value(token: str) -> str:
    """The value of :data:`CSRF_HEADER` for ``token`` (handed to the pages)."""
    return _mac(token, "csrf")


def session_cookie_name(port: int) -> str:
    """The session cookie's name; cookies ignore ports, so each port gets its own."""
    return f"hypersense_dashboard_{port}"


def _host_name(host_header: str) -> str:
    host = host_header.strip().lower()
    if host.startswith("["):  # [::1]:8080
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    """ASGI middleware enforcing the rules of this module's docstring.

    Args:
        app: The application behind it.
        token: The secret, or None (then no authentication: loopback only).
        port: The port served (names the cookie).
        check_host: Whether the Host header must name the loopback.
    """

    def __init__(self, app: ASGIApp, *, token: str | None, port: int, check_host: bool) -> None:
        self._app = app
        self._token = token
        self._cookie = session_cookie_name(port)
        self._check_host = check_host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope.get("path", "")
        method = scope.get("method", "GET")

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_HEADERS]
                _log.info("%s %s %s", method, path, message["status"])
            await send(message)

        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _plain(send_secured, *refusal)
            return
        if self._token is not None:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            if "token" in query:
                await self._exchange(send_secured, path, query)
                return
        await self._app(scope, receive, send_secured)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        """(status, text) when the request may not go on, else None."""
        if self._check_host and _host_name(headers.get("host", "")) not in _LOOPBACK_NAMES:
            return 400, "This dashboard answers only to localhost, 127.0.0.1 and [::1]."
        token = self._token
        if token is None:
            return None
        query = scope.get("query_string", b"").decode("latin-1")
        if "token=" in query and scope.get("method") in _SAFE_METHODS:
            return None  # checked by the exchange
        bearer = headers.get("authorization", "")
        if bearer.startswith("Bearer ") and hmac.compare_digest(bearer[7:].strip(), token):
            return None
        if self._has_session(headers.get("cookie", "")):
            if scope.get("method") in _SAFE_METHODS or hmac.compare_digest(
                headers.get(CSRF_HEADER, ""), csrf_value(token)
            ):
                return None
            return 403, "A write needs the dashboard's own page (the CSRF header is missing)."
        return 401, (
            "This dashboard needs its token: open the link `hypersense dashboard` printed, "
            "or send the header 'Authorization: Bearer <token>'."
        )

    def _has_session(self, cookie_header: str) -> bool:
        cookies: SimpleCookie = SimpleCookie()
        try:
            cookies.load(cookie_header)
        except Exception:  # noqa: BLE001 - a malformed Cookie header is no session
            return False
        morsel = cookies.get(self._cookie)
        if morsel is None or "." not in morsel.value:
            return False
        nonce, mac = morsel.value.split(".", 1)
        assert self._token is not None
        return hmac.compare_digest(mac, _mac(self._token, nonce))

    async def _exchange(self, send: Send, path: str, query: dict[str, str]) -> None:
        """A ``?token=`` link: a session cookie and a redirect to the clean URL."""
        assert self._token is not None
        if not hmac.compare_digest(query.pop("token"), self._token):
            await _plain(send, 401, "Wrong token.")
            return
        nonce = secrets.token_urlsafe(16)
        cookie = (
            f"{self._cookie}={nonce}.{_mac(self._token, nonce)}; Path=/; HttpOnly; SameSite=Strict"
        )
        # One leading slash: "//host/..." would send the browser to another site.
        target = "/" + path.lstrip("/") + ("?" + urlencode(query) if query else "")
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", target.encode("latin-1", "replace")),
                    (b"set-cookie", cookie.encode()),
                    (b"cache-control", b"no-store"),
                    (b"content-length", b"0"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
