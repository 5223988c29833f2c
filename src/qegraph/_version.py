"""qegraph's version, the one place it is written (pyproject.toml reads it from here).

``qegraph --version`` prints it without importing :mod:`importlib.metadata` (0.04 s).
"""

__version__ = "0.1.0"
