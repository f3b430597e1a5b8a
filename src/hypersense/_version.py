"""The version of hypersense."""

__version__ = "0.1.0"
