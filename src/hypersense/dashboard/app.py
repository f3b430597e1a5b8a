"""The dashboard's web application: pages, the JSON API and static files.

Routes (every path parameter is a number; nothing from a URL names a file):

- ``GET /``, ``/study/{id}``, ``/study/{id}/trial/{number}``: the pages.
- ``GET /api/studies``, ``/api/study/{id}``, ``/api/study/{id}/figure/{name}``,
  ``/api/study/{id}/trials?sort=&desc=&state=&q=&offset=&limit=``,
  ``/api/study/{id}/trial/{number}`` and its ``/figure``: JSON with an ETag;
  a request whose ``If-None-Match`` matches gets 304, which is how pages poll
  cheaply.
- ``POST /api/study/{id}/trial/{number}/note`` and ``/api/study/{id}/stop``:
  the only writes, refused (403) unless the server allows writes.
- ``GET /static/{name}``: the script, the style sheet and plotly.js, held in
  memory and looked up by exact name.

Storage reads and figure building run in worker threads, never in the event
loop, so one slow read does not hold up other pages.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.resources
import json
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from hypersense._optional import import_optional
from hypersense.dashboard.figures import (
    FIGURE_NAMES,
    as_json,
    page_figures,
)
from hypersense.dashboard.options import DashboardOptions
from hypersense.dashboard.pages import not_found_page, studies_page, study_page, trial_page
from hypersense.dashboard.records import (
    TrialQuery,
    trial_detail,
)
from hypersense.dashboard.security import Guard, csrf_value
from hypersense.dashboard.service import Dashboard
from hypersense.errors import StudyNotFoundError
from hypersense.storage.base import Storage

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["create_app"]

_PURPOSE = "the dashboard"
_MAX_NOTE_CHARS = 2000
_MAX_BODY_BYTES = 16_384


def _starlette() -> Any:
    import_optional("starlette", extra="dashboard", purpose=_PURPOSE)
    import starlette.responses

    return starlette


def _static_assets() -> dict[str, tuple[bytes, str]]:
    """Name to (content, media type) of every static file the pages load."""
    here = importlib.resources.files("hypersense.dashboard") / "static"
    plotly = import_optional("plotly", extra="dashboard", purpose=_PURPOSE)
    bundle = importlib.resources.files(plotly.__name__) / "package_data" / "plotly.min.js"
    return {
        "dashboard.js": ((here / "dashboard.js").read_bytes(), "text/javascript; charset=utf-8"),
        "dashboard.css": ((here / "dashboard.css").read_bytes(), "text/css; charset=utf-8"),
        "plotly.min.js": (bundle.read_bytes(), "text/javascript; charset=utf-8"),
    }


# ------------------------------------------------------------------ routes
def _json_response(
    request: Request,
    data: Any = None,
    *,
    body: bytes | None = None,
    etag: str | None = None,
    status: int = 200,
) -> Response:
    from starlette.responses import Response

    if body is None:
        body = json.dumps(data, allow_nan=False, default=str, separators=(",", ":")).encode()
    tag = '"' + (etag or hashlib.sha256(body).hexdigest()[:32]) + '"'
    headers = {"etag": tag, "cache-control": "no-cache"}
    if status == 200 and request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def _error(request: Request, status: int, message: str) -> Response:
    return _json_response(request, {"error": message}, status=status)


def _html(text: str, status: int = 200) -> Response:
    from starlette.responses import HTMLResponse

    return HTMLResponse(text, status_code=status, headers={"cache-control": "no-store"})


def _page_attrs(options: DashboardOptions) -> dict[str, str]:
    attrs = {"poll-ms": str(int(options.poll_interval_s * 1000))}
    if options.allow_writes and options.token is not None:
        attrs["writes"] = "true"
        attrs["csrf"] = csrf_value(options.token)
    return attrs


def _routes(dash: Dashboard) -> list[Any]:
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response
    from starlette.routing import Route

    assets = _static_assets()
    attrs = _page_attrs(dash.options)

    async def guarded(request: Request, work: Callable[[], Any]) -> Any:
        try:
            return await run_in_threadpool(work)
        except (StudyNotFoundError, KeyError):
            return None

    async def home(request: Request) -> Response:
        return _html(studies_page(dash.shown_storage, attrs))

    async def study(request: Request) -> Response:
        sid = request.path_params["study_id"]
        state = await guarded(request, lambda: dash.state(sid)[1])
        if state is None:
            return _html(not_found_page(f"No study with id {sid}."), 404)
        shown = page_figures(len(state.directions))
        return _html(study_page(sid, state.record.name, shown, attrs))

    async def trial(request: Request) -> Response:
        sid, number = request.path_params["study_id"], request.path_params["number"]
        found = await guarded(request, lambda: dash.trial(sid, number))
        if found is None:
            return _html(not_found_page(f"No trial {number} in study id {sid}."), 404)
        return _html(trial_page(sid, found[0].record.name, number, attrs))

    async def static(request: Request) -> Response:
        found = assets.get(request.path_params["name"])
        if found is None:
            return _error(request, 404, "no such file")
        content, media = found
        tag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
        headers = {"etag": tag, "cache-control": "no-cache"}
        if request.headers.get("if-none-match") == tag:
            return Response(status_code=304, headers=headers)
        return Response(content, media_type=media, headers=headers)

    async def api_studies(request: Request) -> Response:
        rows = await run_in_threadpool(dash.studies)
        return _json_response(request, {"storage": dash.shown_storage, "studies": rows})

    async def api_study(request: Request) -> Response:
        sid = request.path_params["study_id"]
        data = await guarded(request, lambda: dash.summary(sid))
        if data is None:
            return _error(request, 404, f"no study with id {sid}")
        return _json_response(request, data)

    async def api_figure(request: Request) -> Response:
        sid, name = request.path_params["study_id"], request.path_params["name"]
        if name not in FIGURE_NAMES:
            return _error(request, 404, f"no figure {name!r}")
        made = await guarded(request, lambda: dash.figure(sid, name))
        if made is None:
            return _error(request, 404, f"no study with id {sid}")
        return _json_response(request, body=made[0], etag=made[1])

    async def api_trials(request: Request) -> Response:
        sid = request.path_params["study_id"]
        q = request.query_params
        try:
            query = TrialQuery(
                sort=q.get("sort", "number"),
                descending=q.get("desc", "0") in ("1", "true"),
                state=q.get("state", ""),
                text=q.get("q", ""),
                offset=int(q.get("offset", "0")),
                limit=int(q.get("limit", "50")),
            )
        except ValueError as exc:
            return _error(request, 400, str(exc))
        page = await guarded(request, lambda: query.page(dash.snapshot(dash.state(sid)[1])))
        if page is None:
            return _error(request, 404, f"no study with id {sid}")
        return _json_response(request, page)

    async def api_trial(request: Request) -> Response:
        sid, number = request.path_params["study_id"], request.path_params["number"]

        def detail() -> dict[str, Any]:
            state, found = dash.trial(sid, number)
            return {
                **trial_detail(found, dash.snapshot(state)),
                "study": state.record.name,
                "writes": dash.options.allow_writes,
            }

        data = await guarded(request, detail)
        if data is None:
            return _error(request, 404, f"no trial {number} in study id {sid}")
        return _json_response(request, data)

    async def api_trial_figure(request: Request) -> Response:
        sid, number = request.path_params["study_id"], request.path_params["number"]
        found = await guarded(request, lambda: (dash.trial_figure(sid, number),))
        if found is None:
            return _error(request, 404, f"no trial {number} in study id {sid}")
        made = as_json(found[0])
        return _json_response(request, body=made.body, etag=made.etag)

    async def read_json(request: Request) -> dict[str, Any] | Response:
        if not dash.options.allow_writes:
            return _error(
                request, 403, "writes are disabled: start the dashboard with --allow-writes"
            )
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return _error(request, 415, "send JSON (Content-Type: application/json)")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > _MAX_BODY_BYTES:
                return _error(request, 413, f"the body must be under {_MAX_BODY_BYTES} bytes")
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return _error(request, 400, "the body is not JSON")
        return data if isinstance(data, dict) else {}

    async def api_note(request: Request) -> Response:
        sid, number = request.path_params["study_id"], request.path_params["number"]
        data = await read_json(request)
        if not isinstance(data, dict):
            return data
        text = data.get("text")
        if not isinstance(text, str) or len(text) > _MAX_NOTE_CHARS:
            return _error(
                request, 400, f"`text` must be a string of at most {_MAX_NOTE_CHARS} characters"
            )
        note = await guarded(request, lambda: dash.write_note(sid, number, text))
        if note is None:
            return _error(request, 404, f"no trial {number} in study id {sid}")
        return _json_response(request, {"note": note})

    async def api_stop(request: Request) -> Response:
        sid = request.path_params["study_id"]
        data = await read_json(request)
        if not isinstance(data, dict):
            return data
        stop = await guarded(request, lambda: dash.stop_study(sid))
        if stop is None:
            return _error(request, 404, f"no study with id {sid}")
        return _json_response(request, {"stop_request": stop})

    async def favicon(request: Request) -> Response:
        return Response(status_code=204, headers={"cache-control": "max-age=86400"})

    return [
        Route("/", home),
        Route("/favicon.ico", favicon),
        Route("/study/{study_id:int}", study),
        Route("/study/{study_id:int}/trial/{number:int}", trial),
        Route("/static/{name}", static),
        Route("/api/studies", api_studies),
        Route("/api/study/{study_id:int}", api_study),
        Route("/api/study/{study_id:int}/figure/{name}", api_figure),
        Route("/api/study/{study_id:int}/trials", api_trials),
        Route("/api/study/{study_id:int}/trial/{number:int}", api_trial),
        Route("/api/study/{study_id:int}/trial/{number:int}/figure", api_trial_figure),
        Route("/api/study/{study_id:int}/trial/{number:int}/note", api_note, methods=["POST"]),
        Route("/api/study/{study_id:int}/stop", api_stop, methods=["POST"]),
    ]


def create_app(options: DashboardOptions, storage: Storage | None = None) -> Any:
    """The ASGI application of the dashboard (a Starlette app behind the guard).

    Args:
        options: The settings; a token they require must be set
            (:meth:`DashboardOptions.with_token`).
        storage: The storage to read instead of opening ``options.storage``.

    Raises:
        ValueError: A required token is missing.
        MissingDependencyError: The ``dashboard`` extra is not installed.
    """
    _starlette()
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException

    dash = Dashboard(options, storage)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        dash.start()
        try:
            yield
        finally:
            dash.close()

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        if request.url.path.startswith("/api/") or status != 404:
            return _error(request, status, "not found" if status == 404 else str(exc))
        return _html(not_found_page("No such page."), 404)

    app = Starlette(
        routes=_routes(dash),
        lifespan=lifespan,
        exception_handlers={HTTPException: not_found},
    )
    app.state.dashboard = dash
    return Guard(
        app,
        token=options.token,
        port=options.port,
        check_host=options.is_local and options.token is None,
    )
