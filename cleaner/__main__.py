"""The entry point: ``python -m cleaner`` and the ``cleaner`` console script both run :func:`main`.

It keeps the exit codes honest. ``1`` means "findings", so a crash must not exit 1 as Python's default
does: CI would take a bug in cleaner for damage in the articles. An unexpected exception exits
``EXIT_INTERNAL`` with a one-line message (the traceback with ``CLEANER_DEBUG=1``); an interrupt exits
130, as shells expect.
"""

from __future__ import annotations

import gc
import os
import sys
import traceback
from collections.abc import Sequence

EXIT_INTERNAL = 3
"""An internal error (a bug in cleaner); 0, 1 and 2 are the documented results of a run."""
EXIT_INTERRUPTED = 130
DEBUG_ENV = "CLEANER_DEBUG"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line (``argv``: the arguments, default ``sys.argv[1:]``); return the exit code.

    Without ``argv`` this is the process's own command line (the ``cleaner`` script, ``python -m
    cleaner``), which ends when this returns, and the garbage collector is kept off what lives as long
    as the process: the objects made by start-up (modules, rules), some 10 ms of a one-article run's
    collections while importing, and those of the whole run, which the collection Python makes as it
    exits would walk once more only to find nothing (13 ms after one article, 30 ms after 380).
    ``gc.freeze`` before ``--jobs`` forks its workers also spares them copying the pages of those objects
    when a collection in the worker would touch them. Called with ``argv`` (tests, embedding), nothing
    changes."""
    own_process = argv is None
    if own_process:
        gc.disable()  # the imports make long-lived objects, not garbage
    try:
        from cleaner.cli import app

        if own_process:
            gc.freeze()
            gc.enable()
        app(args=None if argv is None else list(argv), standalone_mode=True)
    except SystemExit as exc:
        return _exit_code(exc.code)
    except KeyboardInterrupt:  # typer maps one during a command to 130; this catches the rest
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        _report_internal_error(exc)
        return EXIT_INTERNAL
    finally:
        if own_process:
            gc.freeze()
    return 0


def _exit_code(code: object) -> int:
    """``SystemExit.code`` as a number: None is success; a message is printed and means failure."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _report_internal_error(exc: BaseException) -> None:
    """One line that says it is cleaner's fault, not the article's; the traceback only when asked for."""
    debug = os.environ.get(DEBUG_ENV, "") not in ("", "0")
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    print(f"cleaner: internal error: {type(exc).__name__}: {exc}; please report it", file=sys.stderr)
    if not debug:
        print(f"(set {DEBUG_ENV}=1 to see the traceback)", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
