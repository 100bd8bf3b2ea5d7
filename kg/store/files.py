"""Reading and writing graphs as files.

Formats are resolved through rdflib's own plugin registry from the file
extension. Writes are atomic: kg writes a temporary file beside the target and
renames it into place, so an interrupted or failed write never leaves a
truncated file where a good one was.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.parsers import expat

from rdflib import Dataset, Graph, URIRef
from rdflib.plugin import PluginException
from rdflib.plugin import get as get_plugin
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.serializer import Serializer
from rdflib.term import Node
from rdflib.util import SUFFIX_FORMAT_MAP, guess_format

from kg.errors import FormatError, InputError, OutputError
from kg.limits import DEFAULT_MAX_GRAPH_BYTES, load_json, read_limited

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
#: ``--format`` names: the extension without its dot.
FORMAT_NAMES = tuple(suffix[1:] for suffix in WRITE_FORMATS)
#: The output path that means standard output.
STDOUT = "-"
#: Named graphs that hold an article's facts that break the ontology.
QUARANTINE_SUFFIX = "/quarantine"


def output_format(path: str | Path, name: str | None = None) -> str:
    """The rdflib format name for an output path (or for ``name``, one of
    :data:`FORMAT_NAMES`, whatever the path's extension), or a :class:`FormatError`."""
    if name is not None:
        if name not in FORMAT_NAMES:
            raise FormatError(f"unknown format {name!r}; use one of {', '.join(FORMAT_NAMES)}")
        suffix = "." + name
    elif str(path) == STDOUT:
        raise FormatError(f"writing to standard output needs --format ({', '.join(FORMAT_NAMES)})")
    else:
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


def _bound_graph(dataset: Dataset, ordered: bool = False) -> Graph:
    """A graph with the dataset's prefixes; ``ordered``: one that gives back its
    triples in the order they were added (rdflib's default store keeps a set)."""
    graph = Graph(store=SimpleMemory()) if ordered else Graph()
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
        # split on "\n" only: str.splitlines() also splits on NEL, U+2028 and
        # U+2029, which may stand inside a literal and must stay there
        lines = graph.serialize(format="longturtle").split("\n")
        body = [line for line in lines if not line.startswith("PREFIX ")]
        prefixes += [line for line in lines if line.startswith("PREFIX ")]
        name = context.identifier
        # not indented: a line may be the inside of a multi-line literal, and
        # indenting it would change the literal
        inner = "\n".join(body).strip("\n")
        blocks.append(f"<{name}> {{\n{inner}\n}}\n" if isinstance(name, URIRef) else inner + "\n")
    head = "\n".join(sorted(set(prefixes)))
    return (head + "\n\n" + "\n".join(blocks)).encode("utf-8")


def _file_triples(dataset: Dataset) -> Iterable[tuple[Node, Node, Node]]:
    """The triples a triple format writes: every graph's but the quarantine graphs'
    (a triple format has no place to keep quarantined facts apart)."""
    return (
        (s, p, o)
        for s, p, o, context in dataset.quads((None, None, None, None))
        if not str(getattr(context, "identifier", context)).endswith(QUARANTINE_SUFFIX)
    )


def written_count(dataset: Dataset, fmt: str) -> int:
    """How many distinct triples (quads, in a format that keeps named graphs) a file of
    ``dataset`` in ``fmt`` holds: what ``kg info`` counts on it."""
    if fmt in QUAD_FORMATS:
        quads = dataset.quads((None, None, None, None))
        return len({(s, p, o, getattr(g, "identifier", g)) for s, p, o, g in quads})
    return len(set(_file_triples(dataset)))


def serialize(dataset: Dataset, fmt: str) -> bytes:
    """The dataset in ``fmt``; triple formats get the union of its graphs.

    Output is deterministic: the same dataset gives the same bytes in every process.
    """
    if fmt == "trig":
        return _trig(dataset)
    if fmt == "nquads":
        lines = dataset.serialize(format="nquads", encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(set(lines)))
    ordered = fmt in ("xml", "json-ld")
    graph = _bound_graph(dataset, ordered)
    triples: Iterable[tuple[Node, Node, Node]] = _file_triples(dataset)
    if ordered:
        # rdflib writes these in the order the graph holds its triples: in a
        # SimpleMemory store that is the order they came in, so sort them first
        triples = sorted(set(triples), key=lambda t: tuple(term.n3() for term in t))
    for triple in triples:
        graph.add(triple)
    if fmt == "nt":
        lines = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(set(lines)))
    if fmt == "json-ld":
        data = json.loads(graph.serialize(format=fmt, encoding="utf-8"))
        return json.dumps(_sorted_json(data), sort_keys=True, indent=2, ensure_ascii=False).encode(
            "utf-8"
        )
    if fmt == "xml":
        _refuse_xml_unsafe(graph)
        return _sorted_namespaces(graph.serialize(format=fmt, encoding="utf-8"))
    if fmt == "turtle":
        fmt = "longturtle"  # rdflib's sorted Turtle: same graph, same bytes
    return graph.serialize(format=fmt, encoding="utf-8")


def _sorted_json(value: Any, key: str = "") -> Any:
    """JSON-LD with every array but an @list's in sorted order (they are sets)."""
    if isinstance(value, dict):
        return {k: _sorted_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        if key == "@list":
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _sorted_namespaces(xml: bytes) -> bytes:
    """RDF/XML with its namespace declarations sorted (rdflib lists them in set order)."""
    lines = xml.split(b"\n")
    declared = [i for i, line in enumerate(lines) if line.startswith(b"   xmlns")]
    if declared:
        first, last = declared[0], declared[-1] + 1
        lines[first:last] = sorted(lines[first:last])
    return b"\n".join(lines)


#: Characters XML 1.0 cannot hold, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _refuse_xml_unsafe(graph: Graph) -> None:
    """RDF/XML cannot carry some characters at all: refuse rather than write a file no
    XML parser reads (kg cleans them out of articles; a graph from elsewhere may not)."""
    for triple in graph:
        for term in triple:
            found = _NOT_XML.search(str(term))
            if found:
                raise FormatError(
                    f"cannot write RDF/XML: {term.n3()[:80]} holds U+{ord(found.group()):04X}, "
                    "which XML cannot carry; write .ttl, .nt, .trig, .nq or .jsonld instead"
                )


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A symbolic link stays a link: the file it points to is replaced. A file that
    exists keeps its permissions (a private 0600 output stays private); a new one
    gets those a plain ``open()`` would give it. The temporary file is removed
    on any error, Ctrl-C and (in the ``kg`` command) SIGTERM.

    What is there and is not a regular file (a FIFO, ``/dev/null``, a terminal,
    ``/dev/fd/N`` from a shell's process substitution) is written into in place:
    renaming over it would put a regular file where a device or a pipe was.
    """
    try:
        kind = os.stat(path).st_mode  # follows links: /dev/stdout, /dev/fd/N
    except FileNotFoundError:
        kind = None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from exc
    if kind is not None and stat.S_ISDIR(kind):
        raise OutputError(f"cannot write {path}: it is a directory")
    if kind is not None and not stat.S_ISREG(kind):
        _write_in_place(path, data)
        return
    path = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"cannot write {path}: directory {directory} does not exist")
    owner: tuple[int, int] | None = None
    try:
        held = path.stat()
        mode, owner = held.st_mode & 0o7777, (held.st_uid, held.st_gid)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from exc
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from exc
    try:
        if owner is not None and hasattr(os, "fchown"):
            with contextlib.suppress(OSError):  # only root may give a file away
                os.fchown(fd, *owner)
        os.fchmod(fd, mode)
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


def _write_in_place(path: str | Path, data: bytes) -> None:
    """Write ``data`` into a FIFO or a device, opened as it is: no temporary file,
    no rename, nothing created or truncated that is not a regular file."""
    try:
        # O_NOCTTY: writing to a terminal must not make it this process's terminal
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BrokenPipeError as exc:  # the reader of the FIFO went away
        raise OutputError(f"cannot write {path}: its reader closed it") from exc
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from exc


def save(dataset: Dataset, path: str | Path, name: str | None = None) -> str:
    """Write a dataset to ``path`` in the format its extension (or ``name``) names;
    returns the format."""
    fmt = output_format(path, name)
    atomic_write(path, serialize(dataset, fmt))
    return fmt


def load(
    path: str | Path, max_bytes: int = DEFAULT_MAX_GRAPH_BYTES, allow_remote: bool = False
) -> Dataset:
    """Read an RDF file into a dataset whose default graph is the union of its graphs.

    kg reads the file and nothing else: a JSON-LD ``@context`` or ``@import``
    that names another document (fetched from the web, or read from disk) is
    refused unless ``allow_remote``, and so are XML entity declarations and
    external DTDs (which expand or read other files). Files over ``max_bytes``
    and nesting too deep for the parser are refused too.

    Raises:
        InputError: the file is missing, unreadable, empty or too large.
        FormatError: the file does not parse, or asks for what kg refuses.
    """
    path = Path(path)
    data = read_limited(path, max_bytes, str(path))
    fmt = input_format(path)
    if not data.strip():
        raise InputError(f"{path} is empty")
    if fmt == "json-ld" and not allow_remote:
        _refuse_remote_contexts(data, path)
    if fmt in ("xml", "trix"):
        _refuse_xml_entities(data, path)
    dataset = Dataset(default_union=True)
    try:
        if fmt in QUAD_FORMATS or fmt in ("json-ld", "trix"):
            dataset.parse(data=data, format=fmt)
        else:
            dataset.default_graph.parse(data=data, format=fmt)
    except RecursionError as exc:
        raise FormatError(f"cannot parse {path} as {fmt}: it nests too deeply") from exc
    except Exception as exc:  # rdflib raises many parser-specific types
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise FormatError(f"cannot parse {path} as {fmt}: {message[:300]}") from exc
    return dataset


def _refuse_remote_contexts(data: bytes, path: Path) -> None:
    """Refuse JSON-LD whose context names another document, which rdflib would fetch."""
    try:
        document = load_json(data, str(path))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(f"cannot parse {path} as json-ld: {exc}") from exc
    pending = [document]
    while pending:  # iterative: a deep document cannot exhaust the stack here
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                named = [value] if isinstance(value, str) else value
                if key in ("@context", "@import") and isinstance(named, list):
                    remote = next((v for v in named if isinstance(v, str)), None)
                    if remote is not None:
                        raise FormatError(
                            f"{path}: {key} names another document ({remote[:100]}), which "
                            "kg does not fetch or read unless you pass --allow-remote"
                        )
                pending.append(value)


def _refuse_xml_entities(data: bytes, path: Path) -> None:
    """Refuse XML with entity declarations or an external DTD: entities can expand a
    small file into gigabytes, and external ones read other files or URLs."""

    def refuse(what: str) -> None:
        raise FormatError(f"{path}: XML {what} are refused (they expand or read other files)")

    parser = expat.ParserCreate()
    parser.EntityDeclHandler = lambda *args: refuse("entity declarations")

    def doctype(name: str, system: str | None, public: str | None, internal: int) -> None:
        if system or public:
            refuse("external DTDs")

    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        pass  # malformed XML: rdflib's parser says where
