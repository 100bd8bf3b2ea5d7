"""Reading and writing graphs as files.

Formats are resolved through rdflib's own plugin registry from the file
extension. Writes are atomic: kg writes a temporary file beside the target and
renames it into place, so an interrupted or failed write never leaves a
truncated file where a good one was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.plugin import PluginException
from rdflib.plugin import get as get_plugin
from rdflib.serializer import Serializer
from rdflib.util import SUFFIX_FORMAT_MAP, guess_format

from kg.errors import FormatError, InputError, OutputError

#: Extensions kg writes, and whether the format keeps named graphs.
WRITE_FORMATS = {
    ".ttl": ("turtle", False),
    ".trig": ("trig", True),
    ".jsonld": ("json-ld", False),
    ".nt": ("nt", False),
    ".nq": ("nquads", True),
    ".rdf": ("xml", False),
}
QUAD_FORMATS = frozenset({"trig", "nquads"})
#: Named graphs that hold an article's facts that break the ontology.
QUARANTINE_SUFFIX = "/quarantine"


def output_format(path: str | Path) -> str:
    """The rdflib format name for an output path, or a :class:`FormatError`."""
    suffix = Path(path).suffix.lower()
    if suffix not in WRITE_FORMATS:
        known = ", ".join(WRITE_FORMATS)
        raise FormatError(
            f"unknown output extension {suffix or '(none)'!r} for {path}; use one of {known}"
        )
    fmt = WRITE_FORMATS[suffix][0]
    try:
        get_plugin(fmt, Serializer)
    except PluginException as exc:  # pragma: no cover - rdflib ships all of these
        raise FormatError(f"rdflib has no serializer for {fmt}") from exc
    return fmt


def input_format(path: str | Path) -> str:
    fmt = guess_format(str(path), {**SUFFIX_FORMAT_MAP, "jsonld": "json-ld", "json": "json-ld"})
    if fmt is None:
        raise FormatError(f"cannot tell the RDF format of {path} from its extension")
    return fmt


def _bound_graph(dataset: Dataset) -> Graph:
    graph = Graph()
    for prefix, ns in dataset.namespaces():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def _trig(dataset: Dataset) -> bytes:
    """TriG with graphs, subjects and predicates in sorted order (rdflib's own is not)."""
    prefixes: list[str] = []
    blocks: list[str] = []
    for context in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        if not len(context):
            continue
        graph = _bound_graph(dataset)
        for triple in context:
            graph.add(triple)
        lines = graph.serialize(format="longturtle").splitlines()
        body = [line for line in lines if not line.startswith("PREFIX ")]
        prefixes += [line for line in lines if line.startswith("PREFIX ")]
        name = context.identifier
        # not indented: a line may be the inside of a multi-line literal, and
        # indenting it would change the literal
        inner = "\n".join(body).strip("\n")
        blocks.append(f"<{name}> {{\n{inner}\n}}\n" if isinstance(name, URIRef) else inner + "\n")
    head = "\n".join(sorted(set(prefixes)))
    return (head + "\n\n" + "\n".join(blocks)).encode("utf-8")


def serialize(dataset: Dataset, fmt: str) -> bytes:
    """The dataset in ``fmt``; triple formats get the union of its graphs.

    Output is deterministic: the same dataset gives the same bytes in every process.
    """
    if fmt == "trig":
        return _trig(dataset)
    if fmt == "nquads":
        lines = dataset.serialize(format="nquads", encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(set(lines)))
    graph = _bound_graph(dataset)
    for s, p, o, context in dataset.quads((None, None, None, None)):
        name = getattr(context, "identifier", context)
        if str(name).endswith(QUARANTINE_SUFFIX):
            continue  # a triple format has no place to keep quarantined facts apart
        graph.add((s, p, o))
    if fmt == "nt":
        lines = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(set(lines)))
    if fmt == "json-ld":
        return graph.serialize(format=fmt, encoding="utf-8", sort_keys=True, indent=2)
    if fmt == "turtle":
        fmt = "longturtle"  # rdflib's sorted Turtle: same graph, same bytes
    return graph.serialize(format=fmt, encoding="utf-8")


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"cannot write {path}: directory {directory} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from exc
    try:
        # mkstemp makes the file private; give it the mode a plain open() would
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save(dataset: Dataset, path: str | Path) -> str:
    """Write a dataset to ``path`` in the format its extension names; returns the format."""
    fmt = output_format(path)
    atomic_write(path, serialize(dataset, fmt))
    return fmt


def load(path: str | Path) -> Dataset:
    """Read an RDF file into a dataset whose default graph is the union of its graphs."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if not path.is_file():
        raise InputError(f"not a regular file: {path}")
    fmt = input_format(path)
    dataset = Dataset(default_union=True)
    try:
        data = path.read_bytes()
    except PermissionError as exc:
        raise InputError(f"permission denied: {path}") from exc
    if not data.strip():
        raise InputError(f"{path} is empty")
    try:
        if fmt in QUAD_FORMATS or fmt == "json-ld":
            dataset.parse(data=data, format=fmt)
        else:
            dataset.default_graph.parse(data=data, format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific types
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise FormatError(f"cannot parse {path} as {fmt}: {message[:300]}") from exc
    return dataset
