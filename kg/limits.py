"""Bounds on what kg reads and how long it works on one request.

Every reader takes a size limit, turns too-deep nesting into a one-line error,
and can run under a time limit: :func:`bounded` runs a call in a thread of its
own and stops waiting when the time is up or the user presses Ctrl-C.

>>> bounded(lambda: 6 * 7, timeout=5.0, what="a sum")
42
>>> import time
>>> bounded(lambda: time.sleep(3), timeout=0.1, what="a nap")
Traceback (most recent call last):
...
kg.errors.TimeLimitError: a nap ran past its time limit of 0.1 s (see --timeout)
"""

from __future__ import annotations

import ctypes
import io
import json
import math
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from kg.errors import FormatError, InputError, TimeLimitError

__all__ = [
    "DEFAULT_MAX_GRAPH_BYTES",
    "DEFAULT_TIMEOUT",
    "bounded",
    "load_json",
    "read_limited",
]

#: Seconds a read command (query, info, analyze, view, validate) may spend on one
#: query or one file before it stops with an error (``--timeout``; 0 for no limit).
DEFAULT_TIMEOUT = 60.0
#: Largest graph, ontology, query, config or gold file kg reads (``--max-bytes``).
#: rdflib holds about 1 KB of memory per triple; bigger graphs belong in a store.
DEFAULT_MAX_GRAPH_BYTES = 256_000_000

T = TypeVar("T")


#: Seconds between the waiting thread's checks for Ctrl-C (see :func:`bounded`).
_HEAR_SIGNALS_EVERY = 0.1


class _Cancelled(BaseException):
    """Raised inside an abandoned worker thread to stop the Python code it runs."""


def _cancel(thread: threading.Thread) -> None:
    # CPython raises the exception in the thread at its next Python instruction; a
    # thread inside native code (Oxigraph's query engine) sees it when it returns
    if thread.ident is not None and thread.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(_Cancelled)
        )


def _clear_frames(exc: BaseException) -> None:
    """Clear the locals of every frame of ``exc``'s traceback and of the errors it
    was raised from or while handling (its cause and context, and theirs)."""
    pending, seen = [exc], set()
    while pending:
        error = pending.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        traceback.clear_frames(error.__traceback__)
        pending += [e for e in (error.__cause__, error.__context__) if e is not None]


def bounded(call: Callable[[], T], timeout: float | None, what: str) -> T:
    """``call()``, given at most ``timeout`` seconds (``math.inf``: no limit, but
    Ctrl-C still stops it; ``None``: run it here, in this thread).

    The call runs in a daemon thread while this one waits, so Ctrl-C is heard
    even while the call is inside native code. When the time is up, or on
    Ctrl-C, the thread is told to stop (Python code stops at once; native code
    when it next returns to Python) and its result is dropped.

    Raises:
        TimeLimitError: the call took longer than ``timeout`` seconds.
    """
    if timeout is None:
        return call()
    result: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            result.append(call())
        except _Cancelled:
            pass
        except BaseException as exc:  # handed to the waiting thread
            # without the locals of its frames, nor of the errors it was raised from
            # (a generator reading a pyoxigraph result is in its cause's frames):
            # pyoxigraph's results must be freed in this thread, not the one that
            # gets the error
            _clear_frames(exc)
            error.append(exc)

    thread = threading.Thread(target=run, name="kg-bounded", daemon=True)
    thread.start()
    deadline = math.inf if math.isinf(timeout) else time.monotonic() + timeout
    try:
        # wait in short steps: Ctrl-C may be delivered to a thread inside native code
        # (Oxigraph's), and Python runs its handler in this thread only when this
        # thread wakes; a wait without end would not hear it
        while thread.is_alive() and (left := deadline - time.monotonic()) > 0:
            thread.join(min(_HEAR_SIGNALS_EVERY, left))
    except BaseException:  # Ctrl-C while waiting
        _cancel(thread)
        raise
    if thread.is_alive():
        _cancel(thread)
        raise TimeLimitError(f"{what} ran past its time limit of {timeout:g} s (see --timeout)")
    if error:
        raise error[0]
    return result[0]


def read_limited(path: str | Path, max_bytes: int, what: str) -> bytes:
    """The bytes of a regular file no larger than ``max_bytes``.

    Raises:
        InputError: the file is missing, not a regular file, unreadable or too large.
    """
    path = Path(path)
    try:
        if not path.is_file():
            raise InputError(
                f"no such file: {path}" if not path.exists() else f"not a regular file: {path}"
            )
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{what} is {size:,} bytes; kg reads up to {max_bytes:,} bytes (--max-bytes)"
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # a file that grows while read stays bounded
    except PermissionError as exc:
        raise InputError(f"permission denied: {path}") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise InputError(f"{what} grew past {max_bytes:,} bytes while kg read it")
    return data


def load_json(text: str | bytes, what: str) -> Any:
    """Parsed JSON; nesting too deep for Python is a :class:`FormatError`, not a crash.

    Raises:
        json.JSONDecodeError: the text is not JSON (callers word their own message).
        FormatError: the JSON nests deeper than Python's recursion limit.
    """
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise FormatError(f"{what} nests too deeply to read") from exc


# -- standard input ---------------------------------------------------------------

__all__ += ["DEFAULT_MAX_STDIN_BYTES", "copy_limited", "copy_lines_limited"]

#: Most bytes of JSON Lines kg copies from standard input (into a temporary file, so
#: that every article is checked before any is built); a bigger corpus is read from
#: its file, line by line, with no copy.
DEFAULT_MAX_STDIN_BYTES = 1_000_000_000
#: Bytes read from a stream at a time while copying it.
_CHUNK = 1 << 16


def copy_limited(source: BinaryIO, out: BinaryIO, budget: int, what: str, limit: int) -> None:
    """Copy ``source`` to ``out`` until it ends, refusing it as soon as more than
    ``budget`` bytes come (``limit``: the whole limit, for the message): endless
    input stops at the limit instead of filling the disk.

    >>> import io
    >>> copy_limited(io.BytesIO(b"abc"), io.BytesIO(), 3, "<stdin>", 3)
    >>> copy_limited(io.BytesIO(b"abcd"), io.BytesIO(), 3, "<stdin>", 3)
    Traceback (most recent call last):
    ...
    kg.errors.InputError: <stdin> is over 3 bytes; kg reads articles up to 3 bytes (--max-bytes)
    """
    while chunk := source.read(min(_CHUNK, budget + 1)):
        budget -= len(chunk)
        if budget < 0:
            raise InputError(
                f"{what} is over {limit:,} bytes; kg reads articles up to {limit:,} bytes "
                "(--max-bytes)"
            )
        out.write(chunk)


def copy_lines_limited(
    source: BinaryIO, out: BinaryIO, head: bytes, max_line: int, max_total: int, what: str
) -> None:
    """Copy JSON Lines (``head``, then the rest of ``source``) to ``out`` a line at a
    time, refusing a line over ``max_line`` bytes, or more than ``max_total`` bytes
    in all, as soon as it is read: endless input never fills the disk.

    >>> import io
    >>> copy_lines_limited(io.BytesIO(b"2}\\n"), io.BytesIO(), b'{"a": ', 9, 99, "<stdin>")
    >>> copy_lines_limited(io.BytesIO(b"3" * 40), io.BytesIO(), b'{"a": ', 9, 99, "<stdin>")
    Traceback (most recent call last):
    ...
    kg.errors.InputError: <stdin> line 1 is over 9 bytes; kg reads articles up to that (--max-bytes)
    """
    total = 0
    for n, raw in enumerate(_lines(head, source, max_line + 3), start=1):
        if len(raw.rstrip(b"\r\n")) > max_line:
            raise InputError(
                f"{what} line {n} is over {max_line:,} bytes; kg reads articles up to that "
                "(--max-bytes)"
            )
        total += len(raw)
        if total > max_total:
            raise InputError(
                f"{what} is over {max_total:,} bytes of JSON Lines, more than kg copies from "
                "standard input; save them to a file and give kg build the file"
            )
        out.write(raw)


def _lines(head: bytes, source: BinaryIO, limit: int) -> Iterator[bytes]:
    """The lines of ``head`` followed by ``source``, each at most ``limit`` bytes
    (a longer one is cut there: the caller refuses it without reading the rest)."""
    first = io.BytesIO(head)
    while raw := first.readline(limit):
        if not raw.endswith(b"\n") and len(raw) < limit:  # the line goes on in source
            raw += source.readline(limit - len(raw))
        yield raw
    while raw := source.readline(limit):
        yield raw
