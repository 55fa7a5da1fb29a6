"""The package's version (one place; ``kzgame.__version__`` and reports read it)."""

__version__ = "0.1.0"
