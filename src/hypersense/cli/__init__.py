"""The ``hypersense`` command line: ``run``, ``demo``, ``studies``, ``trials``,
``best``, ``delete`` and ``export``. The only part of hypersense that prints."""

# The command is the interface; the modules behind it are not Python API.
__all__: list[str] = []
