"""Property: any valid distribution written in a config file is read back equal."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hypersense.config import build_run, load_config
from hypersense.space import Distribution
from tests.strategies import categorical_distributions, float_distributions, int_distributions

# JSON escapes a character beyond U+FFFF as a UTF-16 surrogate pair; YAML reads
# each \uXXXX alone, so such characters must be written as one \UXXXXXXXX.
_SURROGATE_PAIR = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})")


def _yaml_escape(match: re.Match[str]) -> str:
    high, low = int(match.group(1), 16), int(match.group(2), 16)
    return f"\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08x}"


def _as_yaml_entry(distribution: Distribution) -> str:
    # JSON is valid YAML; ASCII escapes keep odd characters of choices exact.
    spec = {k: v for k, v in distribution.to_dict().items() if v is not None}
    return _SURROGATE_PAIR.sub(_yaml_escape, json.dumps(spec, ensure_ascii=True))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(float_distributions(), int_distributions(), categorical_distributions()),
        min_size=1,
        max_size=4,
    )
)
def test_a_space_written_in_yaml_builds_the_same_distributions(
    distributions: list[Distribution],
) -> None:
    lines = ["objective: math:fabs", "n_trials: 1", "space:"]
    lines += [f"  p{i}: {_as_yaml_entry(d)}" for i, d in enumerate(distributions)]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "space.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        spec = build_run(load_config(path))
    assert spec.space is not None
    assert dict(spec.space) == {f"p{i}": d for i, d in enumerate(distributions)}
