"""The ``kg`` command: the only package that prints or exits.

Every user error becomes one line on stderr, ``kg: error: ...``, and the exit
code of its :class:`~kg.errors.KGError` class; ``--debug`` shows the traceback.
Each command has a module of its own (``kg/cli/build.py``, ``query.py``, ...) with
an ``add(sub, parents)`` that declares its options and the function it runs; this
module only wires them together.
"""

from __future__ import annotations

import codecs
import contextlib
import importlib
import io
import sys
from collections.abc import Iterator, Sequence

from kg.cli.common import (
    EXIT_IO,
    EXIT_SOFTWARE,
    EXIT_USAGE,
    Parser,
    one_line,
    parents,
    quiet_literals,
    usable_cpus,
)
from kg.errors import KGError

__all__ = ["COMMANDS", "build_parser", "main", "usable_cpus"]

COMMANDS = ("build", "query", "eval", "info", "analyze", "view", "remove", "plugins", "validate")


def _version() -> str:
    """The installed distribution's version (pyproject.toml's)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kg")
    except PackageNotFoundError:  # run from a checkout that was never installed
        from kg import __version__

        return __version__


def build_parser() -> Parser:
    parser = Parser(
        prog="kg",
        description="Build an RDF knowledge graph of the people, companies, products, events and "
        "places in English news text, and query it.",
        epilog="Exit codes: 0 ok, 1 validation failed, 2 unreadable input, 64 bad usage, "
        "65 bad RDF or format, 66 bad query, 69 model missing, 70 a bug in kg, 71 a --jobs "
        "worker died, 73 cannot write output, 74 a read or write failed, 75 store "
        "unavailable or past --timeout, 130 interrupted (Ctrl-C), 128+N stopped by signal N "
        "(143 SIGTERM).",
    )
    parser.add_argument("--version", action="version", version=f"kg {_version()}")
    p = parents()
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS:
        importlib.import_module(f"kg.cli.{name}").add(sub, p)
    return parser


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: stop as Ctrl-C does, cleaning up on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def _stop_cleanly() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception while a command runs, so temporary
    files are removed and stores closed, as after Ctrl-C (only the main thread can
    set signal handlers; elsewhere the defaults stay)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    kinds = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    before = {kind: signal.signal(kind, _terminate) for kind in kinds}
    try:
        yield
    finally:
        for kind, handler in before.items():
            signal.signal(kind, handler)


@contextlib.contextmanager
def _printable_output() -> Iterator[None]:
    """Let standard output print what its encoding cannot hold as escapes (``Z\\xfcrich``
    under ``PYTHONIOENCODING=ascii`` or ``LANG=C``) instead of failing on a label
    with non-ASCII letters; the setting is put back afterwards."""
    before = []
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper) or stream.errors == "backslashreplace":
            continue
        if codecs.lookup(stream.encoding).name == "utf-8":
            continue  # UTF-8 holds every label
        with contextlib.suppress(ValueError, OSError):  # closed, or not reconfigurable
            errors = stream.errors
            stream.reconfigure(errors="backslashreplace")
            before.append((stream, errors))
    try:
        yield
    finally:
        for stream, errors in before:
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors=errors)


class _ClosedOutput(io.TextIOBase):
    """Standard output when it was closed (``kg query ... >&-``): Python then sets
    ``sys.stdout`` to None and ``print`` drops what it is given without a word, so a
    command would report success with its output lost. Writing here fails as a
    write to a closed file does, which the command reports (exit 74)."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError("standard output is closed; nothing can be written to it")

    @property
    def buffer(self) -> _ClosedOutput:
        return self  # ``sys.stdout.buffer.write(bytes)`` fails the same way


@contextlib.contextmanager
def _closed_output_fails() -> Iterator[None]:
    """Make writing to a closed standard output an error (:class:`_ClosedOutput`);
    commands that write nothing there (``kg build -o g.ttl``) still run."""
    if sys.stdout is not None:
        yield
        return
    sys.stdout = _ClosedOutput()
    try:
        yield
    finally:
        sys.stdout = None  # type: ignore[assignment]


def main(argv: Sequence[str] | None = None) -> int:
    with _closed_output_fails(), _printable_output(), quiet_literals():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        with _stop_cleanly():
            return int(args.func(args))
    except Terminated as exc:
        print("kg: terminated", file=sys.stderr)
        return 128 + exc.signum
    except KGError as exc:
        if args.debug:
            raise
        print(f"kg: error: {one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except MemoryError:
        if args.debug:
            raise
        print("kg: error: out of memory (try a smaller --batch-size)", file=sys.stderr)
        return EXIT_SOFTWARE
    except OSError as exc:  # a disk that fills up, a file that vanishes mid-run
        if args.debug:
            raise
        print(f"kg: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_IO
    except Exception as exc:  # a bug: say so in one line; --debug shows the traceback
        if args.debug:
            raise
        print(
            f"kg: internal error: {type(exc).__name__}: {one_line(exc)} "
            "(run with --debug for the traceback, and please report it)",
            file=sys.stderr,
        )
        return EXIT_SOFTWARE
