"""Which backend Keras gets when hypersense imports it (fresh interpreters: Keras
chooses its backend once, on first import)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

CODE = """
import hypersense as hs
try:
    import hypersense.integrations.keras
    import keras
    print("BACKEND", keras.backend.backend())
except hs.MissingDependencyError as exc:
    print("MESSAGE", exc)
"""


def _run(backend: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    if backend is not None:
        env["KERAS_BACKEND"] = backend
    done = subprocess.run(
        [sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_an_unset_backend_becomes_torch() -> None:
    assert _run(None) == "BACKEND torch"


def test_a_chosen_backend_is_kept_and_a_missing_one_is_named() -> None:
    if importlib.util.find_spec("tensorflow") is not None:
        assert _run("tensorflow") == "BACKEND tensorflow"
    else:
        message = _run("tensorflow")
        assert message.startswith("MESSAGE Keras could not load its backend 'tensorflow'")
        assert 'pip install "hypersense[keras]"' in message
