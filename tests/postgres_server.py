"""A throw-away PostgreSQL server for the tests, started from Debian's binaries.

The cluster lives in a temporary directory, listens on 127.0.0.1 on a free
port, and runs as a non-root user (PostgreSQL refuses to run as root): the
current user if it is not root, else the ``postgres`` system user. If the
server cannot start, the fixture fails the tests that need it, loudly.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def _find_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    raise RuntimeError(
        f"PostgreSQL's {name!r} was not found on PATH or in /usr/lib/postgresql/*/bin; "
        "install Debian's 'postgresql' package"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    """A running server; ``new_database()`` gives a fresh database URL, and
    ``restart()`` stops and starts it as an operator would."""

    host: str
    port: int
    user: str
    control: Callable[[list[str]], None] | None = None  # runs pg_ctl with these arguments

    def restart(self, mode: str = "fast", down_s: float = 0.0) -> None:
        """Stop the server with ``pg_ctl -m mode`` (fast, immediate), stay down for
        ``down_s`` seconds, start it again, and wait until it accepts connections."""
        assert self.control is not None, "this server cannot be restarted"
        self.control(["stop", "-m", mode])
        time.sleep(down_s)
        self.control(["start"])
        _wait_ready(self)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        name = f"hs_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Start a temporary cluster; stop it and remove its files afterwards."""
    initdb, pg_ctl = _find_binary("initdb"), _find_binary("pg_ctl")
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        uid, gid = owner.pw_uid, owner.pw_gid
    else:
        uid, gid = os.getuid(), os.getgid()
    root = tempfile.mkdtemp(prefix="hypersense-pg-")
    os.chown(root, uid, gid)
    data = os.path.join(root, "data")
    log = os.path.join(root, "server.log")
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C", "HOME": root}

    def run(args: list[str]) -> None:
        result = subprocess.run(
            args,
            user=uid,
            group=gid,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            server_log = Path(log).read_text() if os.path.exists(log) else ""
            raise RuntimeError(
                f"{' '.join(args[:2])} failed ({result.returncode}):\n{result.stdout}\n"
                f"{result.stderr}\n{server_log}"
            )

    port = _free_port()
    options = f"-p {port} -k {root} -h 127.0.0.1 -F -c max_connections=200"

    def control(args: list[str]) -> None:
        extra = ["-o", options] if args[0] == "start" else []
        run([pg_ctl, "-D", data, "-l", log, "-w", "-t", "60", *extra, *args])

    try:
        run([initdb, "-D", data, "-U", "hs", "--auth=trust", "-E", "UTF8", "--no-sync"])
        control(["start"])
        server = PostgresServer(host="127.0.0.1", port=port, user="hs", control=control)
        _wait_ready(server)
        yield server
    finally:
        if os.path.exists(os.path.join(data, "postmaster.pid")):
            subprocess.run(
                [pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"],
                user=uid,
                group=gid,
                env=env,
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)


def _wait_ready(server: PostgresServer, timeout_s: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with psycopg.connect(
                host=server.host,
                port=server.port,
                user=server.user,
                dbname="postgres",
                connect_timeout=2,
            ):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
