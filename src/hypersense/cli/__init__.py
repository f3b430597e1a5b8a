"""The ``hypersense`` command line: ``run``, ``demo``, ``studies``, ``trials``,
``best``, ``delete`` and ``export``. The only part of hypersense that prints."""
