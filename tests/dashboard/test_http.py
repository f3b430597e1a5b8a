"""The dashboard over plain HTTP, where a browser adds nothing: the JSON API and
its ETags, the token, read-only by default, CSRF, the Host check, no path
from a URL reaching the file system, and the report's own numbers."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

import pytest

import hypersense as hs
from hypersense.dashboard import DashboardOptions
from hypersense.dashboard.security import CSRF_HEADER, csrf_value
from hypersense.report.data import build_history_data
from hypersense.report.data.snapshot import as_snapshot
from hypersense.report.figures import figure_kind
from hypersense.report.html import spec_json
from hypersense.storage.sql.storage import SQLStorage
from hypersense.study.stop_request import current_stop_request
from tests.dashboard.conftest import (
    PAYLOAD,
    TOKEN,
    Server,
    Writer,
    start_server,
    stop_server,
    study_id,
)


def _json(server: Server, path: str, **headers: str) -> object:
    status, _, body = server.request("GET", path, headers=headers)
    assert status == 200, (path, status, body[:300])
    return json.loads(body)


def test_the_studies_list_counts_every_state(server: Server) -> None:
    data = _json(server, "/api/studies")
    assert isinstance(data, dict)
    rows = {row["name"]: row for row in data["studies"]}
    assert {"plain", "pareto", "live", PAYLOAD} <= set(rows)
    plain = rows["plain"]
    # _finished_trials: i % 7 == 5 pruned (5, 12, 19), i % 11 == 9 failed (9, 20).
    assert plain["counts"] == {"COMPLETE": 21, "PRUNED": 3, "FAIL": 2, "RUNNING": 0, "WAITING": 0}
    assert plain["n_trials"] == 26


def test_the_history_figure_is_the_reports_own(server: Server, studies_url: str) -> None:
    sid = study_id(studies_url, "plain")
    served = _json(server, f"/api/study/{sid}/figure/history")
    study = hs.load_study(study_name="plain", storage=studies_url)
    report = figure_kind("history").render(build_history_data(as_snapshot(study)))
    assert isinstance(served, dict)
    assert served["figure"] == json.loads(spec_json(report))


def test_the_learning_curves_mark_where_pruned_trials_stopped(
    server: Server, studies_url: str
) -> None:
    sid = study_id(studies_url, "plain")
    served = _json(server, f"/api/study/{sid}/figure/learning_curves")
    assert isinstance(served, dict)
    marks = [t for t in served["figure"]["data"] if t.get("name") == "pruned here"]
    assert len(marks) == 1
    # The three pruned trials (5, 12, 19) reported steps 0..3 and stopped at step 3.
    assert sorted(marks[0]["customdata"]) == [5, 12, 19]
    assert marks[0]["x"] == [3, 3, 3]


def test_an_unchanged_answer_costs_a_304(server: Server, studies_url: str) -> None:
    sid = study_id(studies_url, "plain")
    for path in (f"/api/study/{sid}", f"/api/study/{sid}/figure/parallel_coordinates"):
        status, headers, _ = server.request("GET", path)
        assert status == 200 and headers["etag"]
        again, _, body = server.request("GET", path, headers={"If-None-Match": headers["etag"]})
        assert (again, body) == (304, b"")


def test_the_trial_table_sorts_filters_and_pages(server: Server, studies_url: str) -> None:
    sid = study_id(studies_url, "plain")
    page = _json(server, f"/api/study/{sid}/trials?sort=value&state=COMPLETE&limit=5")
    assert isinstance(page, dict)
    assert page["total"] == 21 and len(page["rows"]) == 5
    values = [row["values"][0] for row in page["rows"]]
    assert values == sorted(values)
    status, _, _ = server.request("GET", f"/api/study/{sid}/trials?limit=-3")
    assert status == 400


def test_a_token_is_required_for_every_request_when_set(token_server: Server) -> None:
    for path in ("/", "/api/studies", "/static/dashboard.js", "/study/1"):
        status, headers, body = token_server.request("GET", path)
        assert status == 401, (path, status)
        assert b"token" in body and "set-cookie" not in headers
    wrong = {"Authorization": "Bearer " + "x" * len(TOKEN)}
    assert token_server.request("GET", "/api/studies", headers=wrong)[0] == 401
    assert token_server.request("GET", "/api/studies", headers=token_server.authorized())[0] == 200
    assert token_server.request("GET", "/?token=wrong-token-0123456789")[0] == 401


def test_the_token_link_becomes_a_cookie_and_leaves_the_address(token_server: Server) -> None:
    status, headers, _ = token_server.request("GET", f"/study/1?token={TOKEN}&x=1")
    assert status == 303
    assert headers["location"] == "/study/1?x=1"
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
    session = {"Cookie": cookie.split(";")[0]}
    assert token_server.request("GET", "/api/studies", headers=session)[0] == 200
    forged = {"Cookie": cookie.split("=")[0] + "=nonce.0000"}
    assert token_server.request("GET", "/api/studies", headers=forged)[0] == 401


def test_a_write_without_allow_writes_is_refused(token_server: Server, server: Server) -> None:
    body = json.dumps({"text": "hello"}).encode()
    headers = {"Content-Type": "application/json", **token_server.authorized()}
    for path in ("/api/study/1/trial/0/note", "/api/study/1/stop"):
        status, _, answer = token_server.request("POST", path, headers=headers, body=body)
        assert status == 403 and b"--allow-writes" in answer, (path, status, answer)
        # Without a token the loopback server refuses the same way.
        status, _, answer = server.request(
            "POST", path, headers={"Content-Type": "application/json"}, body=body
        )
        assert status == 403 and b"--allow-writes" in answer


def test_writes_need_the_token_and_the_csrf_header(writes_server: Server, studies_url: str) -> None:
    assert "writes allowed" in writes_server.printed("writes allowed")
    assert writes_server.token is not None
    sid = study_id(studies_url, "plain")
    path = f"/api/study/{sid}/trial/2/note"
    body = json.dumps({"text": "looks <b>odd</b>"}).encode()
    plain = {"Content-Type": "application/json"}
    assert writes_server.request("POST", path, headers=plain, body=body)[0] == 401
    _, headers, _ = writes_server.request("GET", f"/?token={writes_server.token}")
    session = {**plain, "Cookie": headers["set-cookie"].split(";")[0]}
    status, _, answer = writes_server.request("POST", path, headers=session, body=body)
    assert status == 403 and b"CSRF" in answer  # another site's form could send the cookie
    with_csrf = {**session, CSRF_HEADER: csrf_value(writes_server.token)}
    status, _, answer = writes_server.request("POST", path, headers=with_csrf, body=body)
    assert status == 200, answer
    detail = _json(writes_server, f"/api/study/{sid}/trial/2", **writes_server.authorized())
    assert isinstance(detail, dict) and detail["note"]["text"] == "looks <b>odd</b>"
    bearer = {**plain, **writes_server.authorized()}
    status, _, answer = writes_server.request(
        "POST", f"/api/study/{sid}/stop", headers=bearer, body=b"{}"
    )
    assert status == 200, answer
    storage = SQLStorage(studies_url)
    try:
        stored = current_stop_request(storage.get_study("plain").system_attrs)
        assert stored is not None and stored["by"] == "dashboard"
    finally:
        storage.close()
    too_long = json.dumps({"text": "x" * 2001}).encode()
    assert writes_server.request("POST", path, headers=bearer, body=too_long)[0] == 400


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../../../etc/passwd",
        "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e/%2e%2e/app.py",
        "/static/..%5c..%5capp.py",
        "/static/dashboard.js%00.py",
        "/static/" + quote("/etc/passwd", safe=""),
        "/static/app.py",
        "/static/__init__.py",
        "/../../etc/passwd",
        "/study/1/../../../etc/passwd",
        "/api/study/1/figure/..%2f..%2f..%2fetc%2fpasswd",
        "/study/..%2f..%2fetc%2fpasswd",
        "/study/1/trial/0/../../../../pyproject.toml",
    ],
)
def test_path_traversal_gets_404(server: Server, path: str) -> None:
    status, _, body = server.request("GET", path)
    assert status == 404, (path, status, body[:200])
    assert b"root:" not in body and b"import" not in body


def test_a_foreign_host_name_is_refused_on_loopback(server: Server) -> None:
    status, _, _ = server.request("GET", "/api/studies", headers={"Host": "evil.example:80"})
    assert status == 400
    assert server.request("GET", "/api/studies", headers={"Host": "localhost"})[0] == 200


def test_every_answer_carries_the_security_headers(server: Server) -> None:
    for path in ("/", "/api/studies", "/static/dashboard.js", "/nowhere"):
        _, headers, _ = server.request("GET", path)
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"].split("style-src")[0]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_another_host_than_loopback_gets_a_printed_token(studies_url: str) -> None:
    started = start_server(studies_url, "--host", "0.0.0.0")
    try:
        assert started.token is not None and "a new token" in started.printed("a new token")
        assert started.request("GET", "/api/studies")[0] == 401
        assert started.request("GET", "/api/studies", headers=started.authorized())[0] == 200
    finally:
        stop_server(started)


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="port"):
        DashboardOptions("sqlite:///x.db", port=70000)
    with pytest.raises(ValueError, match="token"):
        DashboardOptions("sqlite:///x.db", token="short")
    with pytest.raises(ValueError, match="not a loopback"):
        DashboardOptions("sqlite:///x.db", host="0.0.0.0").check_token()
    options, made = DashboardOptions("sqlite:///x.db", allow_writes=True).with_token()
    assert made and options.token is not None and options.token not in repr(options)


def test_a_postgresql_study_follows_writes_of_another_process(postgres_url: str) -> None:
    study = hs.create_study(study_name="pg", storage=postgres_url)
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=2)
    started = start_server(postgres_url)
    writer = Writer(postgres_url, "pg")
    try:
        sid = study_id(postgres_url, "pg")
        assert _summary(started, sid)["n_trials"] == 2
        told = int(writer.send("tell 0.25"))
        running = int(writer.send("start"))
        writer.send(f"report {running} 0 0.75")
        deadline = time.monotonic() + 10
        while (summary := _summary(started, sid))["running"] == [] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert summary["n_trials"] == 4 and summary["counts"]["COMPLETE"] == 3
        assert [(r["number"], r["last_step"], r["last_value"]) for r in summary["running"]] == [
            (running, 0, 0.75)
        ]
        assert _json(started, f"/api/study/{sid}/trial/{told}")["values"] == [0.25]  # type: ignore[index]
    finally:
        writer.close()
        stop_server(started)


def _summary(server: Server, sid: int) -> dict[str, Any]:
    data = _json(server, f"/api/study/{sid}")
    assert isinstance(data, dict)
    return data
