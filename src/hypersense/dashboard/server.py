"""Running the dashboard: uvicorn on a socket bound here, the link printed once.

The socket is bound before the server starts, so port 0 picks a free port
and the link names it. uvicorn's access log is off: it would write every
request line, ``?token=`` links included; the guard logs method, path and
status only (:mod:`hypersense.dashboard.security`).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

from hypersense._optional import import_optional
from hypersense.dashboard.app import create_app
from hypersense.dashboard.options import DashboardOptions

__all__ = ["bind", "dashboard_url", "serve"]

_log = logging.getLogger(__name__)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (IPv6 when ``host`` is one)."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def dashboard_url(host: str, port: int, token: str | None = None) -> str:
    """The address to open (with the one-time ``?token=`` part when given)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("localhost" if host == "::" else host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def serve(
    storage: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    token: str | None = None,
    allow_writes: bool = False,
    announce: Callable[[str], None] = print,
    **options: float | int,
) -> None:
    """Serve the dashboard of the studies in ``storage`` until interrupted.

    Args:
        storage: The database URL (opened read-only; writes use a second
            connection, only with ``allow_writes``).
        host: Interface to bind (loopback by default; any other needs a token).
        port: TCP port; 0 picks a free one.
        token: The secret requests must carry; made and announced when required
            (another host than loopback, or writes) and not given.
        allow_writes: Allow notes on trials and stopping a study (needs the token).
        announce: Receives the line to open the dashboard with (the link holds the
            token: it goes to the terminal, never to a log).
        **options: Further :class:`DashboardOptions` (intervals, analysis settings).

    Raises:
        ValueError: Bad options.
        StorageError: The storage cannot be opened.
        MissingDependencyError: The ``dashboard`` extra is not installed.
    """
    uvicorn = import_optional("uvicorn", extra="dashboard", purpose="the dashboard")
    sock = bind(host, port)
    try:
        settings, made = DashboardOptions(
            storage,
            host=host,
            port=sock.getsockname()[1],
            token=token,
            allow_writes=allow_writes,
            **options,  # type: ignore[arg-type]
        ).with_token()
        app = create_app(settings)
        url = dashboard_url(host, settings.port, settings.token)
        if settings.token is None:
            announce(f"hypersense dashboard on {url} (read-only; Ctrl-C to stop)")
        else:
            kind = "a new token" if made else "the given token"
            announce(
                f"hypersense dashboard on {url}\n(this link holds {kind} and sets a cookie in "
                "the browser that opens it; scripts send 'Authorization: Bearer <token>'; "
                f"{'writes allowed' if settings.allow_writes else 'read-only'}; Ctrl-C to stop)"
            )
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=3
        )
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
