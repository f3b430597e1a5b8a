"""`import hypersense` needs only the light core; optional packages stay optional."""

from __future__ import annotations

import subprocess
import sys

import pytest

OPTIONAL = [
    "starlette",
    "uvicorn",
    "torch",
    "dask",
    "distributed",
    "psycopg",
    "plotly",
    "pandas",
    "cmaes",
    "SALib",
    "playwright",
    "optuna",
    "matplotlib",
]

BLOCKER = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ImportError(f"blocked for the test: {{name}}")
        return None
sys.meta_path.insert(0, Block())
"""


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def test_import_and_a_study_work_with_every_optional_package_blocked() -> None:
    code = (
        BLOCKER.format(blocked=OPTIONAL)
        + """
import hypersense as hs
s = hs.create_study()
s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {blocked!r})
print("LOADED", loaded)
""".replace("{blocked!r}", repr(OPTIONAL))
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stdout


def test_import_does_not_load_heavy_packages() -> None:
    result = run_python(
        "import sys, hypersense\n"
        "heavy = [m for m in ('sqlalchemy', 'pandas', 'torch', 'sklearn', 'pydantic', 'typer', "
        "'rich', 'scipy') if m in sys.modules]\n"
        "print(heavy)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("module", "call", "extra"),
    [
        ("pandas", "hs.create_study().trials_dataframe()", "pandas"),
        ("psycopg", "hs.create_study(storage='postgresql://u@127.0.0.1:1/db')", "postgres"),
        ("keras", "import hypersense.integrations.keras", "keras"),
        ("lightning", "import hypersense.integrations.lightning", "lightning"),
        ("uvicorn", "hs.dashboard.serve('sqlite:///absent.db', port=0)", "dashboard"),
        (
            "starlette",
            "hs.dashboard.create_app(hs.dashboard.DashboardOptions('sqlite:///absent.db'))",
            "dashboard",
        ),
    ],
)
def test_a_missing_optional_package_is_named_with_its_extra(
    module: str, call: str, extra: str
) -> None:
    code = (
        BLOCKER.format(blocked=[module])
        + f"""
import hypersense as hs
try:
    {call}
except hs.MissingDependencyError as exc:
    print("MESSAGE", exc)
"""
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert f'pip install "hypersense[{extra}]"' in result.stdout
    assert repr(module) in result.stdout


def test_the_lr_tools_load_without_torch_and_name_its_extra_when_they_train() -> None:
    code = (
        BLOCKER.format(blocked=["torch"])
        + """
import hypersense as hs
lr = hs.lr  # reachable as an attribute, loaded on first use
print("RULES", [r.name for r in lr.default_rules()])
try:
    lr.range_test
except hs.MissingDependencyError as exc:
    print("MESSAGE", exc)
"""
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert "RULES ['steepest', 'valley', 'minimum']" in result.stdout
    assert 'pip install "hypersense[torch]"' in result.stdout and "'torch'" in result.stdout
    assert "range test" in result.stdout


def test_import_hypersense_does_not_load_the_lr_tools() -> None:
    result = run_python("import sys, hypersense; print('hypersense.lr' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
