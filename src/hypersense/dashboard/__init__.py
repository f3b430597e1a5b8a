"""A live dashboard of the studies in a storage, in the browser.

``hypersense dashboard --storage URL`` (or :func:`serve`) starts a small web
server (Starlette on uvicorn, the ``dashboard`` extra) showing every study of
the storage: counts, best values and activity; for one study the report's own
figures (best so far, Pareto front, parallel coordinates, learning curves of
running trials growing live, importance with intervals and the noise floor,
recomputed in the background), the trial table and each trial's detail. Pages
follow the study as other processes write to it, without reloading.

Safe by default: read-only, bound to 127.0.0.1, and any other address or any
write (notes, stop requests) needs a token; see
:mod:`hypersense.dashboard.security`. Modules: :mod:`~.options` (settings),
:mod:`~.live` (incremental reads), :mod:`~.figures` (the report's figures,
cached), :mod:`~.analysis` (background importance), :mod:`~.records` (the
JSON), :mod:`~.pages` (HTML shells), :mod:`~.service` (the state the routes
serve), :mod:`~.app` (routes), :mod:`~.server`
(running it).
"""

from __future__ import annotations

from hypersense.dashboard.app import create_app
from hypersense.dashboard.options import DashboardOptions, is_loopback
from hypersense.dashboard.server import serve

__all__ = ["DashboardOptions", "create_app", "is_loopback", "serve"]
