"""Importing Keras 3 on its PyTorch backend.

Keras picks its backend once, when it is first imported, from the environment
variable ``KERAS_BACKEND`` (else its config file, which Keras itself writes
with ``tensorflow`` on first use). hypersense's ``keras`` extra installs
PyTorch, not TensorFlow, so when ``KERAS_BACKEND`` is unset and Keras is not
imported yet, :func:`import_keras` sets it to ``torch`` first. A backend the
user chose (the variable, or Keras already imported) is left alone.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import sys
from types import ModuleType

from hypersense._optional import import_optional
from hypersense.errors import MissingDependencyError

__all__ = ["import_keras"]

_log = logging.getLogger(__name__)

_PURPOSE = "the Keras callbacks and schedules (hypersense.integrations.keras)"


def import_keras() -> ModuleType:
    """Keras, on the torch backend unless another one was chosen before.

    Raises:
        MissingDependencyError: Keras is not installed (the message names the
            ``keras`` extra), or its backend's framework is not.
    """
    try:
        is_installed = importlib.util.find_spec("keras") is not None
    except ImportError:  # a finder refused it (an import hook, a broken install)
        is_installed = False
    if not is_installed:
        return import_optional("keras", extra="keras", purpose=_PURPOSE)  # raises, naming it
    if "keras" not in sys.modules and "KERAS_BACKEND" not in os.environ:
        os.environ["KERAS_BACKEND"] = "torch"
        _log.info("KERAS_BACKEND was unset; Keras runs on PyTorch (KERAS_BACKEND=torch)")
    try:
        return importlib.import_module("keras")
    except ImportError as exc:
        backend = os.environ.get("KERAS_BACKEND", "its configured one")
        raise MissingDependencyError(
            f"Keras could not load its backend {backend!r} ({exc}); hypersense.integrations.keras "
            "runs Keras on PyTorch: set KERAS_BACKEND=torch and install it with: "
            'pip install "hypersense[keras]"'
        ) from exc
