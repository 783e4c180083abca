"""handover: track territorial handovers agreed in ceasefires and peace agreements."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("handover")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"
