"""Entry-point targets that are wrong on purpose (see pyproject.toml)."""


class NotASampler:
    """A class that subclasses nothing of hypersense's."""
