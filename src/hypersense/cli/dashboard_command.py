"""``hypersense dashboard``: watch the studies of a storage live in the browser."""

from __future__ import annotations

from typing import Annotated

import typer

from hypersense.config.storage_url import DEFAULT_STORAGE

__all__ = ["dashboard"]


def dashboard(
    storage: Annotated[
        str, typer.Option("--storage", metavar="URL", help="Database URL holding the studies.")
    ] = DEFAULT_STORAGE,
    host: Annotated[
        str,
        typer.Option(
            help="Interface to listen on. Anything but the loopback (e.g. 0.0.0.0) needs a token."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0: any free one).")] = 8080,
    token: Annotated[
        str | None,
        typer.Option(
            help="Secret every request must carry (made and printed when required and not "
            "given). Also readable from HYPERSENSE_DASHBOARD_TOKEN.",
            envvar="HYPERSENSE_DASHBOARD_TOKEN",
            show_envvar=False,
        ),
    ] = None,
    allow_writes: Annotated[
        bool,
        typer.Option(
            "--allow-writes",
            help="Allow notes on trials and stopping a study from the page (needs the token).",
        ),
    ] = False,
) -> None:
    """Serve a live dashboard of the studies (read-only unless --allow-writes)."""
    from hypersense.cli.report_command import fail
    from hypersense.errors import HypersenseError

    try:
        from hypersense.dashboard import serve

        serve(
            storage,
            host=host,
            port=port,
            token=token,
            allow_writes=allow_writes,
            announce=lambda line: typer.echo(line),
        )
    except (HypersenseError, ValueError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
