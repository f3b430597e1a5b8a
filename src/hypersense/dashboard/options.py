"""The dashboard's settings, checked once at the boundary.

Safe by default: the server binds to the loopback interface, reads the
storage only, and needs no token there. Any other address (``0.0.0.0``, a
LAN address, a host name other than ``localhost``) needs a token, and so do
writes (``allow_writes``), because a page on another site could otherwise send
requests to a dashboard on this machine. :meth:`DashboardOptions.with_token`
makes one when it is required and not given.
"""

from __future__ import annotations

import ipaddress
import math
import secrets
from dataclasses import dataclass, field, replace

__all__ = ["DashboardOptions", "is_loopback", "new_token"]

_MIN_TOKEN_CHARS = 16


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (``localhost``,
    ``127.0.0.0/8``, ``::1``)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # another host name: it may resolve to any interface


def new_token() -> str:
    """A fresh random token (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class DashboardOptions:
    """How the dashboard serves a storage.

    Attributes:
        storage: The database URL of the studies (opened read-only).
        host: Interface to bind; non-loopback addresses need ``token``.
        port: TCP port (0: any free port).
        token: Secret every request must carry (a header, or the cookie a
            ``?token=`` link sets); None on loopback without writes.
        allow_writes: Allow notes on trials and stop requests (needs ``token``).
        refresh_interval_s: Shortest time between two reads of one study.
        poll_interval_s: How often open pages ask for changes.
        analysis_min_trials: Fewest COMPLETE trials before importance is computed.
        analysis_new_share: Importance is recomputed once the COMPLETE trials
            grew by this share (and by at least 5) since the last computation.
    """

    storage: str
    host: str = "127.0.0.1"
    port: int = 8080
    token: str | None = field(default=None, repr=False)  # a secret: never in a repr or log
    allow_writes: bool = False
    refresh_interval_s: float = 0.5
    poll_interval_s: float = 1.0
    analysis_min_trials: int = 20
    analysis_new_share: float = 0.1

    def __post_init__(self) -> None:
        if not isinstance(self.storage, str) or not self.storage:
            raise ValueError(f"`storage` must be a database URL (got {self.storage!r})")
        if not isinstance(self.host, str) or not self.host.strip():
            raise ValueError(f"`host` must be an address or host name (got {self.host!r})")
        if (
            isinstance(self.port, bool)
            or not isinstance(self.port, int)
            or not 0 <= self.port < 65536
        ):
            raise ValueError(f"`port` must be an integer in [0, 65535] (got {self.port!r})")
        if self.token is not None and (
            not isinstance(self.token, str)
            or len(self.token) < _MIN_TOKEN_CHARS
            or not self.token.isascii()
            or not self.token.isprintable()
            or any(c in self.token for c in " ;,\"'\\")
        ):
            raise ValueError(
                f"`token` must be at least {_MIN_TOKEN_CHARS} printable ASCII characters "
                "without spaces, quotes, commas, semicolons or backslashes"
            )
        for name in ("refresh_interval_s", "poll_interval_s", "analysis_new_share"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not (math.isfinite(value) and value > 0)
            ):
                raise ValueError(f"`{name}` must be a positive number (got {value!r})")
        if (
            isinstance(self.analysis_min_trials, bool)
            or not isinstance(self.analysis_min_trials, int)
            or self.analysis_min_trials < 4
        ):
            raise ValueError(
                f"`analysis_min_trials` must be an integer >= 4 (got {self.analysis_min_trials!r})"
            )

    @property
    def is_local(self) -> bool:
        """Whether the server is reachable from this machine only."""
        return is_loopback(self.host)

    @property
    def needs_token(self) -> bool:
        """Whether a token is required: off the loopback interface, or with writes."""
        return not self.is_local or self.allow_writes

    def check_token(self) -> None:
        """ValueError saying why when a required token is missing."""
        if self.needs_token and self.token is None:
            why = (
                f"host {self.host!r} is not a loopback address"
                if not self.is_local
                else ("writes are allowed")
            )
            raise ValueError(f"a token is required because {why}: pass `token` (--token)")

    def with_token(self) -> tuple[DashboardOptions, bool]:
        """These options with a new token when one is required and missing, and
        whether one was made."""
        if self.needs_token and self.token is None:
            return replace(self, token=new_token()), True
        return self, False
