"""handover: track territorial handovers agreed in ceasefires and peace agreements."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # The version comes from the installed package's metadata, read only when asked for:
    # importing importlib.metadata costs more than click itself at start-up.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("handover")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    raise AttributeError(name)
