"""Real dashboards for the tests: ``hypersense dashboard`` processes on 127.0.0.1
(a free port each) serving one SQLite file, and the studies in it.

The servers are started once for these tests, each the first time a test asks
for it, and stopped when the last test of this folder has run. Studies:

- ``plain``: 26 finished trials (complete, pruned, failed) with learning
  curves, enough for the background importance;
- ``pareto``: two objectives;
- ``live``: a few trials; tests add more from another process
  (:mod:`tests.dashboard.writer`);
- :data:`PAYLOAD` as the study name, and in parameter names and values, user
  attributes, a note and a failure message.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

import pytest

import hypersense as hs
from hypersense.dashboard.records import NOTE_ATTR
from hypersense.storage.sql.storage import SQLStorage

#: Markup that runs script if a page ever parses it as HTML.
PAYLOAD = "<img src=x onerror=\"window.__xss='img'\"><script>window.__xss='script'</script>"
TOKEN = "test-token-0123456789-abcdefghij"
_ANNOUNCED = re.compile(r"http://127\.0\.0\.1:(\d+)/")


@dataclass
class Server:
    """A running ``hypersense dashboard`` process."""

    process: subprocess.Popen[str]
    port: int
    token: str | None
    announced: str = ""
    output: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request with ``path`` sent exactly as given (no normalisation)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
            if body is not None:
                sent["Content-Length"] = str(len(body))
            for name, value in sent.items():
                conn.putheader(name, value)
            conn.endheaders(body)
            response = conn.getresponse()
            return (
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
            )
        finally:
            conn.close()

    def printed(self, text: str, timeout_s: float = 10.0) -> str:
        """What the process printed, once it holds ``text`` (or after the timeout)."""
        deadline = time.monotonic() + timeout_s
        while text not in "".join(self.output) and time.monotonic() < deadline:
            time.sleep(0.05)
        return "".join(self.output)

    def authorized(self) -> dict[str, str]:
        """The header that carries this server's token."""
        assert self.token is not None
        return {"Authorization": f"Bearer {self.token}"}


class Writer:
    """A second process writing to the study (:mod:`tests.dashboard.writer`)."""

    def __init__(self, studies_url: str, study: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.dashboard.writer", studies_url, study],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.read() == "ready"

    def read(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def send(self, command: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = self.read()
        assert answer.startswith("ok"), (command, answer)
        return answer[2:].strip()

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


def start_server(storage: str, *args: str, token: str | None = None) -> Server:
    """A ``hypersense dashboard`` process on a free port, once it accepts requests."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("HYPERSENSE_DASHBOARD_TOKEN", None)
    if token is not None:
        env["HYPERSENSE_DASHBOARD_TOKEN"] = token  # not on the command line
    command = [sys.executable, "-m", "hypersense.cli", "dashboard", "--storage", storage]
    process = subprocess.Popen(
        [*command, "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # the announcement, or an error
    found = _ANNOUNCED.search(line)
    if found is None:
        process.kill()
        rest = process.communicate(timeout=10)[0]
        process.stdout.close()
        raise AssertionError(f"the dashboard did not start: {line}{rest}")
    token_in_link = re.search(r"\?token=(\S+)", line)
    server = Server(
        process, int(found.group(1)), token_in_link.group(1) if token_in_link else None, line
    )
    server.output.append(line)
    threading.Thread(target=_drain, args=(process.stdout, server.output), daemon=True).start()
    deadline = time.monotonic() + 20
    while True:  # the socket is bound before the announcement; wait for the app
        try:
            server.request("GET", "/favicon.ico", headers=server.authorized() if token else {})
            return server
        except OSError:
            assert time.monotonic() < deadline, "the dashboard never answered"
            time.sleep(0.05)


def _drain(stream: IO[str], into: list[str]) -> None:
    for line in stream:
        into.append(line)


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)
    finally:
        assert server.process.stdout is not None
        server.process.stdout.close()


def _finished_trials(study: hs.Study, n: int) -> None:
    for i in range(n):
        trial = study.ask()
        x = trial.suggest_float("x", 0.0, 1.0)
        y = trial.suggest_int("y", 1, 8)
        for step in range(4):
            trial.report((x - 0.3) ** 2 + y / (step + 1), step)
        if i % 7 == 5:
            study.tell(trial, state=hs.TrialState.PRUNED)
        elif i % 11 == 9:
            study.tell(trial, state=hs.TrialState.FAIL)
        else:
            study.tell(trial, (x - 0.3) ** 2 + 0.1 * y)


def _payload_study(url: str) -> None:
    study = hs.create_study(study_name=PAYLOAD, storage=url)
    for i in range(4):
        trial = study.ask()
        trial.suggest_float(PAYLOAD, 0.0, 1.0)
        trial.suggest_categorical("choice", [PAYLOAD, "plain"])
        trial.set_user_attr(PAYLOAD, PAYLOAD)
        trial.report(float(i), 0)
        study.tell(trial, float(i))

    def failing(trial: hs.Trial) -> float:
        trial.suggest_float(PAYLOAD, 0.0, 1.0)
        raise ValueError(PAYLOAD)

    study.optimize(failing, n_trials=1, catch=ValueError)
    storage = SQLStorage(url)
    try:
        first = storage.get_trials(storage.get_study(PAYLOAD).study_id)[0]
        storage.set_trial_attrs(
            first.trial_id,
            {NOTE_ATTR: {"text": PAYLOAD, "written_at": time.time(), "by": "test"}},
            system=True,
            require_running=False,
        )
    finally:
        storage.close()


@pytest.fixture(scope="package")
def studies_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The SQLite file every dashboard of these tests serves."""
    url = f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'studies.db'}"
    _finished_trials(hs.create_study(study_name="plain", storage=url), 26)
    pareto = hs.create_study(study_name="pareto", storage=url, directions=["minimize", "maximize"])
    for _ in range(10):
        trial = pareto.ask()
        x = trial.suggest_float("x", 0.0, 1.0)
        pareto.tell(trial, [x, x * x])
    _finished_trials(hs.create_study(study_name="live", storage=url), 3)
    _payload_study(url)
    return url


def study_id(url: str, name: str) -> int:
    storage = SQLStorage(url)
    try:
        return storage.get_study(name).study_id
    finally:
        storage.close()


@pytest.fixture(scope="package")
def server(studies_url: str) -> Iterator[Server]:
    """The default dashboard: loopback, read-only, no token."""
    started = start_server(studies_url)
    yield started
    stop_server(started)


@pytest.fixture(scope="package")
def token_server(studies_url: str) -> Iterator[Server]:
    """A read-only dashboard with a token."""
    started = start_server(studies_url, token=TOKEN)
    yield started
    stop_server(started)


@pytest.fixture(scope="package")
def writes_server(studies_url: str) -> Iterator[Server]:
    """A dashboard with --allow-writes (and a token it made and printed)."""
    started = start_server(studies_url, "--allow-writes")
    yield started
    stop_server(started)
