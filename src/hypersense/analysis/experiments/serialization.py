"""Turning experiment results into JSON-ready data and pandas tables.

Results are frozen dataclasses of floats, tuples and mappings; ``to_dict``
output must go through ``json.dumps(..., allow_nan=False)``, so non-finite
floats become None here, in one place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersense._optional import import_optional

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["json_dict", "json_number", "json_ready", "rows_to_frame"]


def json_number(x: float | None) -> float | None:
    """A float for JSON: NaN and infinities become None."""
    if x is None or not math.isfinite(x):
        return None
    return float(x)


def json_ready(value: Any) -> Any:
    """A copy of ``value`` made of dicts, lists, str, int, finite float, bool and None.

    NaN and infinities become None; tuples and numpy arrays become lists; numpy
    scalars become Python scalars; mapping keys become strings.
    """
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return [json_ready(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, np.generic):
        return json_ready(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


def json_dict(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`json_ready` of a mapping, typed as the dict it returns."""
    return {str(k): json_ready(v) for k, v in mapping.items()}


def rows_to_frame(rows: Sequence[Mapping[str, Any]], *, purpose: str) -> pd.DataFrame:
    """A pandas DataFrame of ``rows`` (pandas is imported only now)."""
    pandas = import_optional("pandas", extra="pandas", purpose=purpose)
    return pandas.DataFrame([dict(r) for r in rows])
