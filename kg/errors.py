"""One exception tree for every error a user can cause.

The CLI turns a :class:`KGError` into a one-line message and the exit code the
class names; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class KGError(Exception):
    """Base of all of kg's user-facing errors."""

    exit_code = 1


class InputError(KGError):
    """An article or graph file cannot be read: missing, empty, binary, wrong encoding."""

    exit_code = 2


class UsageError(KGError):
    """An option or argument has a value kg does not know."""

    exit_code = 64


class FormatError(KGError):
    """An RDF file is malformed, or an output format is unknown."""

    exit_code = 65


class QueryError(KGError):
    """A SPARQL query is malformed, or names a parameter it does not use."""

    exit_code = 66


class ModelError(KGError):
    """The spaCy model cannot be loaded."""

    exit_code = 69


class WorkerError(KGError):
    """A worker process of ``kg build --jobs N`` died (killed, or out of memory)."""

    exit_code = 71


class OutputError(KGError):
    """An output file cannot be written."""

    exit_code = 73


class StoreError(KGError):
    """A store cannot be opened, read or written: a server down or slow, a locked directory."""

    exit_code = 75


class TimeLimitError(KGError):
    """A query, or the reading of a file, ran past its time limit (``--timeout``)."""

    exit_code = 75
