"""The console script and `python -m handover`: the program, with an interrupt (Ctrl-C,
SIGINT) at any moment, even while it is still loading, ending quietly with exit code 130
(128 + SIGINT), as shells expect. This module imports only `sys` and `typing`, so that an
interrupt is caught from the first moment the program runs."""

from __future__ import annotations

import sys
from typing import Any

_interrupted = False


def main() -> None:
    # An interrupt that lands in a callback Python runs for itself (a weakref callback of the
    # import machinery, say) is not raised: Python prints "Exception ignored in ..." with a
    # traceback and goes on. It is kept quiet, and the run ends as an interrupted one.
    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: _unraisable(unraisable, previous)
    try:
        from handover.cli import main as run

        run(prog_name="handover")
    except KeyboardInterrupt:
        interrupted()
    except SystemExit:
        if _interrupted:
            interrupted()
        raise


def _unraisable(unraisable: Any, previous: Any) -> None:
    global _interrupted
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        _interrupted = True
        return
    previous(unraisable)


def interrupted() -> None:
    """End after an interrupt: a line break after the terminal's ^C, and exit 130. A file
    being written is left as it was (atomic writes clean up as the interrupt unwinds)."""
    from handover.errors import EXIT_INTERRUPTED

    try:
        sys.stderr.write("\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # stderr closed or gone: nothing to say
        pass
    sys.exit(EXIT_INTERRUPTED)
