"""Bad input of every kind, for every command: one clear line, a documented exit code,
nothing half-written. Then hostile text through the whole pipeline, as properties.

Each entry of ``KINDS`` is one kind of bad (or merely odd) input: how to make it,
the command that meets it, the exit code, and a word the message must contain.
``python -m pytest tests/test_robustness.py -k kinds -v`` lists them.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import pytest
from conftest import free_port
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal

from kg.cli import main
from kg.sources import parse_article
from kg.store import save

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "articles"
NEWS = "Sam Altman, the chief executive of OpenAI, met studio executives in Los Angeles.\n"

Setup = Callable[[Path], list[str]]


def _write(tmp: Path, name: str, data: bytes | str) -> str:
    path = tmp / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def _build(tmp: Path, name: str, data: bytes | str, *extra: str) -> list[str]:
    return ["build", _write(tmp, name, data), "-o", str(tmp / "out.ttl"), *extra]


def _graph(tmp: Path) -> str:
    """A good graph file to query."""
    target = tmp / "g.trig"
    assert main(["build", str(EXAMPLE), "-o", str(target), "-q"]) == 0
    return str(target)


def _huge(tmp: Path) -> list[str]:
    path = tmp / "huge.txt"
    with path.open("wb") as handle:  # 100 MB, sparse: refused by its size, never read
        handle.truncate(100 * 1024 * 1024)
    return ["build", str(path), "-o", str(tmp / "out.ttl")]


#: Things a setup opens for the command to meet (a listening socket, a store held
#: open); the test closes them afterwards.
_OPEN: list[object] = []


def _slow_server(tmp: Path) -> list[str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts, never answers
    _OPEN.append(listener)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}?timeout=0.5"
    return ["query", "leaders", "--store", url]


def _locked_store(tmp: Path) -> list[str]:
    """An Oxigraph directory another process holds open (RocksDB's lock)."""
    location = tmp / "locked"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); "
            "print('ready', flush=True); sys.stdin.read()",
            str(location),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == b"ready"
    _OPEN.append(holder)
    return ["info", "--store", str(location)]


def _store(tmp: Path) -> str:
    """A store with the example articles in it."""
    location = tmp / "store"
    assert main(["build", str(EXAMPLE), "--store", str(location), "-q"]) == 0
    return str(location)


def _gold(tmp: Path, entity_type: str) -> list[str]:
    gold = {"text": NEWS, "entities": [{"name": "Sam Altman", "type": entity_type}]}
    return ["eval", _write(tmp, "gold.json", json.dumps(gold))]


def _gold_file(tmp: Path, gold: object) -> list[str]:
    return ["eval", _write(tmp, "gold.json", json.dumps(gold))]


def _option(command: str, option: str, value: str, tmp: Path) -> list[str]:
    """``command`` on good input with ``option`` set to ``value``."""
    if command == "build":
        return _build(tmp, "a.txt", NEWS, option, value)
    graph = _write(tmp, "g.nt", "<a:b> <a:c> <a:d> .\n")
    first = ["query", "leaders"] if command == "query" else [command]
    extra = ["-o", str(tmp / "v.html")] if command == "view" else []
    return [*first, graph, *extra, option, value]


# (id, setup, exit code, a word the one-line message holds)
KINDS: list[tuple[str, Setup, int, str]] = [
    # -- build: the article text
    (
        "missing-file",
        lambda t: ["build", str(t / "nope.txt"), "-o", str(t / "o.ttl")],
        2,
        "no such",
    ),
    ("empty-file", lambda t: _build(t, "a.txt", b""), 2, "empty"),
    ("whitespace-only", lambda t: _build(t, "a.txt", " \n\t\r\n"), 2, "empty"),
    (
        "binary-file",
        lambda t: _build(t, "a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        2,
        "binary",
    ),
    ("huge-100MB", _huge, 2, "up to"),
    ("latin-1", lambda t: _build(t, "a.txt", b"Caf\xe9 owner Ana Ruiz"), 2, "UTF-8"),
    ("mixed-encodings", lambda t: _build(t, "a.txt", NEWS.encode() + b"\xe9t\xe9\n"), 2, "UTF-8"),
    ("utf-16", lambda t: _build(t, "a.txt", NEWS.encode("utf-16")), 2, "UTF-16"),
    ("html-only-markup", lambda t: _build(t, "a.html", "<script>alert(1)</script>"), 2, "markup"),
    ("front-matter-only", lambda t: _build(t, "a.txt", "---\ntitle: T\n---\n"), 2, "no text"),
    ("bad-front-matter-date", lambda t: _build(t, "a.txt", "---\ndate: soon\n---\nHi."), 2, "date"),
    ("too-many-entities", lambda t: _build(t, "a.txt", NEWS, "--max-entities", "2"), 2, "entities"),
    ("jsonl-bad-line", lambda t: _build(t, "a.jsonl", '{"text": "ok"}\n{oops\n'), 2, "line 2"),
    ("jsonl-no-text", lambda t: _build(t, "a.jsonl", '{"title": "x"}\n'), 2, "'text'"),
    (
        "duplicate-article-ids",
        lambda t: [
            "build",
            _write(t, "a.txt", "---\nid: x\n---\nHi."),
            _write(t, "b.txt", "---\nid: x\n---\nYo."),
            "-o",
            str(t / "o.ttl"),
        ],
        64,
        "would both be",
    ),
    (
        "directory-without-articles",
        lambda t: ["build", str(t), "-o", str(t / "o.ttl")],
        2,
        "no article",
    ),
    (
        "glob-matching-nothing",
        lambda t: ["build", str(t / "*.txt"), "-o", str(t / "o.ttl")],
        2,
        "match",
    ),
    (
        "unknown-output-format",
        lambda t: [*_build(t, "a.txt", NEWS)[:-1], str(t / "o.xyz")],
        65,
        "extension",
    ),
    (
        "output-in-missing-directory",
        lambda t: [*_build(t, "a.txt", NEWS)[:-1], str(t / "no" / "o.ttl")],
        73,
        "does not exist",
    ),
    ("output-is-a-directory", lambda t: [*_build(t, "a.txt", NEWS)[:-1], str(t)], 65, "extension"),
    ("unknown-option", lambda t: _build(t, "a.txt", NEWS, "--colour"), 64, "unrecognized"),
    ("zero-jobs", lambda t: _build(t, "a.txt", NEWS, "--jobs", "0"), 64, "--jobs"),
    (
        "confidence-out-of-range",
        lambda t: _build(t, "a.txt", NEWS, "--min-confidence", "2"),
        64,
        "between",
    ),
    ("missing-model", lambda t: _build(t, "a.txt", NEWS, "--model", "no_such_model"), 69, "model"),
    (
        "bad-config-toml",
        lambda t: _build(t, "a.txt", NEWS, "--config", _write(t, "c.toml", "[x")),
        64,
        "TOML",
    ),
    (
        "unknown-rule",
        lambda t: _build(t, "a.txt", NEWS, "--exclude-rule", "kg.nope.v9"),
        64,
        "unknown rule",
    ),
    (
        "malformed-ontology",
        lambda t: _build(t, "a.txt", NEWS, "--ontology", _write(t, "o.ttl", "kg:X a")),
        65,
        "ontology",
    ),
    (
        "unknown-store-scheme",
        lambda t: [*_build(t, "a.txt", NEWS)[:-2], "--store", "ftp://host/x"],
        64,
        "store",
    ),
    (
        "server-down",
        lambda t: ["query", "leaders", "--store", f"http://127.0.0.1:{free_port()}"],
        75,
        "reach",
    ),
    ("server-slow", _slow_server, 75, "time"),
    ("store-locked-by-another-process", _locked_store, 75, "store"),
    # -- query
    (
        "sparql-syntax-error",
        lambda t: ["query", _write(t, "q.rq", "SELEC ?x WHERE {"), _graph(t)],
        66,
        "malformed",
    ),
    (
        "sparql-update",
        lambda t: ["query", _write(t, "q.rq", "DELETE WHERE { ?s ?p ?o }"), _graph(t)],
        66,
        "update",
    ),
    (
        "unknown-class",
        lambda t: [
            "query",
            _write(
                t,
                "q.rq",
                "PREFIX kg: <https://kg.example.org/ontology#>\nSELECT ?x WHERE { ?x a kg:Persn }",
            ),
            _graph(t),
        ],
        66,
        "kg:Person",
    ),
    (
        "unknown-property",
        lambda t: [
            "query",
            _write(
                t,
                "q.rq",
                "PREFIX kg: <https://kg.example.org/ontology#>\nSELECT ?x WHERE { ?x kg:ceo ?y }",
            ),
            _graph(t),
        ],
        66,
        "kg:ceo",
    ),
    (
        "unknown-parameter",
        lambda t: ["query", "leaders", _graph(t), "--param", "nobody=x"],
        66,
        "no variable",
    ),
    ("unknown-shipped-query", lambda t: ["query", "leaderz", _graph(t)], 66, "shipped queries"),
    (
        "query-file-not-utf8",
        lambda t: ["query", _write(t, "q.rq", b"SELECT \xff"), _graph(t)],
        66,
        "UTF-8",
    ),
    # -- graph files, for every reading command
    ("malformed-turtle", lambda t: ["info", _write(t, "g.ttl", "<a> <b> ")], 65, "parse"),
    (
        "malformed-trig",
        lambda t: ["analyze", _write(t, "g.trig", "<g> { <a> <b> <c> ")],
        65,
        "parse",
    ),
    (
        "malformed-jsonld",
        lambda t: ["view", _write(t, "g.jsonld", '{"@id": '), "-o", str(t / "v.html")],
        65,
        "parse",
    ),
    (
        "graph-not-utf8",
        lambda t: ["validate", _write(t, "g.nt", b'<a:b> <a:c> "\xff" .\n')],
        65,
        "parse",
    ),
    ("empty-graph-file", lambda t: ["info", _write(t, "g.ttl", "")], 2, "empty"),
    ("graph-file-missing", lambda t: ["analyze", str(t / "none.ttl")], 2, "no such"),
    (
        "view-unknown-entity",
        lambda t: ["view", _graph(t), "-o", str(t / "v.html"), "--focus", "Nobody At All"],
        66,
        "Nobody",
    ),
    ("view-not-html", lambda t: ["view", _graph(t), "-o", str(t / "v.png")], 64, "HTML"),
    (
        "remove-unknown-article",
        lambda t: ["remove", "nope", "--store", _store(t)],
        64,
        "no article",
    ),
    (
        "store-that-does-not-exist",
        lambda t: ["remove", "nope", "--store", str(t / "no-store")],
        75,
        "no Oxigraph store",
    ),
    ("eval-unknown-class", lambda t: _gold(t, "Robot"), 2, "Robot"),
    # -- malformed structures: user input, never "a bug in kg" (exit 70)
    ("jsonl-nested-too-deep", lambda t: _build(t, "a.jsonl", "[" * 50_000), 2, "deeply"),
    (
        "jsonl-date-not-a-string",
        lambda t: _build(t, "a.jsonl", '{"text": "Hi.", "date": 20240101}\n'),
        2,
        "'date'",
    ),
    (
        "jsonl-impossible-date",
        lambda t: _build(t, "a.jsonl", '{"text": "Hi.", "date": "2024-02-30"}\n'),
        2,
        "calendar",
    ),
    (
        "front-matter-impossible-date",
        lambda t: _build(t, "a.txt", "---\ndate: 2024-02-30\n---\nHi."),
        2,
        "calendar",
    ),
    (
        "front-matter-year-zero",
        lambda t: _build(t, "a.txt", "---\ndate: 0000-00-00\n---\nHi."),
        2,
        "calendar",
    ),
    (
        "jsonl-lone-surrogate",
        lambda t: _build(t, "a.jsonl", '{"text": "Sam \\ud800 Altman leads OpenAI."}\n'),
        2,
        "surrogate",
    ),
    (
        "over-spacy-length-limit",
        lambda t: _build(t, "a.txt", "Word. " * 200_000),
        2,
        "spaCy",
    ),
    (
        "gold-entities-not-a-list",
        lambda t: _gold_file(t, {"text": NEWS, "entities": "x"}),
        2,
        "list",
    ),
    (
        "gold-entity-not-an-object",
        lambda t: _gold_file(t, {"text": NEWS, "entities": [3]}),
        2,
        "name",
    ),
    (
        "gold-aliases-not-a-list",
        lambda t: _gold_file(
            t, {"text": NEWS, "entities": [{"name": "A", "type": "Person", "aliases": 5}]}
        ),
        2,
        "aliases",
    ),
    (
        "gold-relation-not-a-triple",
        lambda t: _gold_file(t, {"text": NEWS, "relations": [7]}),
        2,
        "subject, property, object",
    ),
    (
        "gold-impossible-date",
        lambda t: _gold_file(t, {"text": NEWS, "date": "2023-13-01"}),
        2,
        "calendar",
    ),
    ("gold-nested-too-deep", lambda t: ["eval", _write(t, "g.json", "[" * 50_000)], 2, "deeply"),
    (
        "config-nested-too-deep",
        lambda t: _build(t, "a.txt", NEWS, "--config", _write(t, "c.toml", "x = " + "[" * 5000)),
        64,
        "TOML",
    ),
    (
        "ontology-nested-too-deep",
        lambda t: _build(
            t, "a.txt", NEWS, "--ontology", _write(t, "o.ttl", "<a:b> <a:c> " + "(" * 20_000)
        ),
        65,
        "deeply",
    ),
    # -- odd store URLs and directories that are not stores
    ("store-url-without-host", lambda t: ["info", "--store", "http://"], 64, "host"),
    ("store-url-bad-ipv6", lambda t: ["info", "--store", "http://[::1"], 64, "URL"),
    ("store-url-port-out-of-range", lambda t: ["info", "--store", "http://h:99999"], 64, "port"),
    (
        "store-url-bad-timeout",
        lambda t: ["info", "--store", "http://h:1?timeout=soon"],
        64,
        "timeout",
    ),
    (
        "store-url-unknown-option",
        lambda t: ["info", "--store", "http://h:1?colour=1"],
        64,
        "colour",
    ),
    ("oxigraph-without-directory", lambda t: ["info", "--store", "oxigraph:"], 64, "directory"),
    ("memory-with-a-path", lambda t: ["info", "--store", "memory:x"], 64, "memory"),
    (
        "store-directory-that-is-not-a-store",
        lambda t: ["query", "leaders", "--store", str(EXAMPLE)],
        75,
        "not an Oxigraph store",
    ),
    (
        "build-into-a-directory-that-is-not-a-store",
        lambda t: ["build", _write(t, "a.txt", NEWS), "--store", str(EXAMPLE)],
        75,
        "not an Oxigraph store",
    ),
    # -- option values out of range, on every command
    *(
        (
            f"{command}-{option}-{value}",
            functools.partial(_option, command, option, value),
            64,
            option,
        )
        for command, option, value in [
            ("build", "--batch-size", "-1"),
            ("build", "--max-bytes", "-5"),
            ("build", "--max-entities", "0"),
            ("build", "--jobs", "100000"),
            ("build", "--min-confidence", "nan"),
            ("query", "--timeout", "-1"),
            ("query", "--timeout", "nan"),
            ("query", "--max-bytes", "0"),
            ("info", "--timeout", "-3"),
            ("analyze", "--top", "0"),
            ("view", "--depth", "-1"),
            ("view", "--max-nodes", "0"),
            ("view", "--min-degree", "-2"),
            ("view", "--k-core", "-1"),
            ("view", "--community", "-1"),
            ("validate", "--timeout", "-1"),
        ]
    ),
]


@pytest.mark.parametrize(
    ("setup", "code", "word"), [k[1:] for k in KINDS], ids=[k[0] for k in KINDS]
)
def test_kinds_of_bad_input(tmp_path, capsys, setup, code, word):
    argv = setup(tmp_path)
    output = tmp_path / "out.ttl"
    capsys.readouterr()
    try:
        try:
            got = main(argv)
        except SystemExit as exc:  # argparse's own errors
            got = int(exc.code or 0)
        assert got == code
    finally:
        while _OPEN:
            thing = _OPEN.pop()
            if isinstance(thing, subprocess.Popen):
                thing.kill()
                thing.wait()
            else:
                thing.close()  # type: ignore[attr-defined]
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("kg: error:"), err
    assert word.lower() in err.lower(), err
    assert "Traceback" not in err
    assert not output.exists()
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind


# -- odd but valid text: kg builds it, and every output format parses --------------

ODD_TEXTS = {
    "html-page": (
        "a.html",
        "<html><head><title>Deal</title><style>p{}</style></head><body>"
        "<p>Sam Altman, the CEO of OpenAI, met <b>Disney</b> &amp; Netflix.</p>"
        "<script>document.write('x')</script></body></html>",
    ),
    "markdown": (
        "a.md",
        "# OpenAI courts Hollywood\n\n**Sam Altman**, the [CEO](https://x.y) of "
        "*OpenAI*, met studios.\n\n- one\n- two\n",
    ),
    "punctuation-only": ("a.txt", "... !!! ??? --- ;;; ,,, (((( ))))\n"),
    "one-very-long-sentence": ("a.txt", " ".join(["Mira Chen of Lumen Labs met Omar Ali"] * 400)),
    "control-characters": ("a.txt", "Sam Altman\x07 leads\x1b[31m OpenAI.\x0c Ana \x01Ruiz spoke."),
    "emoji": ("a.txt", "🚀 Sam Altman 🤖 leads OpenAI 🎬, which makes Sora 🎥. 👍🏽\n"),
    "right-to-left": (
        "a.txt",
        "سام ألتمان هو الرئيس التنفيذي لشركة OpenAI. שלום עולם. Sam Altman spoke.\n",
    ),
    "zero-width-and-bidi-controls": ("a.txt", "Sam\u200b Altman \u202eleads\u202c OpenAI\ufeff.\n"),
}


@pytest.fixture(scope="module")
def odd_outputs(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("odd")
    files = []
    for key, (name, text) in ODD_TEXTS.items():
        folder = tmp / key
        folder.mkdir()
        path = folder / f"{key}{Path(name).suffix}"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    out = tmp / "odd.trig"
    # the full provenance level: every sentence a name is in, so every literal there is
    assert main(["build", *map(str, files), "-o", str(out), "-q", "--provenance", "full"]) == 0
    return {"trig": out, "folder": tmp}


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nq", "nt", "jsonld", "rdf"])
def test_odd_text_builds_and_every_format_parses(odd_outputs, fmt):
    from kg.store import load

    target = odd_outputs["folder"] / f"odd.{fmt}"
    save(load(odd_outputs["trig"]), target)  # what kg build -o odd.FMT writes
    graph = Dataset() if fmt in ("trig", "nq") else Graph()
    graph.parse(target)
    assert len(graph) > 50
    if fmt != "jsonld":  # pyoxigraph parses the rest itself
        assert len(list(pyoxigraph.parse(path=str(target)))) > 50


def test_html_input_keeps_text_not_markup(odd_outputs):
    text = odd_outputs["trig"].read_text("utf-8")
    assert "Sam Altman, the CEO of OpenAI, met Disney & Netflix." in text
    assert "document.write" not in text and "<b>" not in text


@pytest.mark.parametrize(
    "hidden",
    [
        "<p hidden>Viktor Orlov</p>",
        '<div style="color: red; DISPLAY : none">Viktor <b>Orlov</b></div>',
        "<span style='visibility:hidden'>Viktor Orlov</span>",
        '<span aria-hidden="true">Viktor Orlov</span>',
        "<svg><title>Viktor Orlov</title><text>Viktor Orlov</text></svg>",
        "<template><p>Viktor Orlov</p></template>",
        "<div hidden><div>Viktor</div> Orlov</div>",
        "<ul><li hidden>Viktor Orlov<li>Shown item.</ul>",
        # issue 34, item F6: a style sheet's rules, and other ways a page hides text
        '<style>.x{display:none}</style><p class="lead x">Viktor Orlov</p>',
        "<style>/* ads */ .y, #promo { visibility : hidden !important }</style>"
        '<div id="promo">Viktor <b>Orlov</b></div>',
        "<style>aside.note{display:none}</style><aside class='note'>Viktor Orlov</aside>",
        '<div style="font-size:0">Viktor Orlov</div>',
        '<div style="opacity: 0.0">Viktor Orlov</div>',
        '<div style="position:absolute;left:-9999px">Viktor Orlov</div>',
        '<h2 style="text-indent: -999em">Viktor Orlov</h2>',
        "<math><semantics><mi>x</mi>"
        '<annotation encoding="application/x-tex">Viktor Orlov</annotation></semantics></math>',
        "<math><annotation-xml><mtext>Viktor Orlov</mtext></annotation-xml></math>",
    ],
    ids=[
        "hidden",
        "display-none",
        "visibility",
        "aria-hidden",
        "svg-title",
        "template",
        "nested",
        "list-item",
        "style-sheet-class",
        "style-sheet-id-in-a-list",
        "style-sheet-element-and-class",
        "font-size-zero",
        "opacity-zero",
        "off-screen",
        "text-indent",
        "math-annotation",
        "math-annotation-xml",
    ],
)
def test_html_text_a_reader_never_sees_is_not_read(hidden):
    from kg.sources import html_article

    page = f"<html><head><title>Deal</title></head><body><p>Sam Altman spoke.</p>{hidden}"
    page += '<img hidden src="x.png"><p>Disney listened.</p></body></html>'
    article = html_article(page, "a", "a.html")
    assert article.title == "Deal"
    assert "Viktor" not in article.text and "Orlov" not in article.text
    assert article.text.startswith("Sam Altman spoke.")
    assert article.text.endswith("Disney listened.")  # what follows is read again


@pytest.mark.parametrize(
    "sheet",
    ["@a" * 100_000, "a" * 100_000 + "}", "/*" * 100_000, "}" * 100_000, "a{" * 100_000],
    ids=["at-signs", "no-braces", "open-comments", "stray-braces", "open-blocks"],
)
def test_a_hostile_style_sheet_is_read_in_linear_time(sheet):
    """A style sheet is scanned once: one built to make pattern matching backtrack
    (a quadratic reader took minutes on these) reads at once, and a rule after it
    still hides what it names."""
    import time

    from kg.sources import html_article

    page = f"<style>{sheet}</style><style>.x{{display:none}}</style>"
    page += '<p>Sam Altman spoke.</p><p class="x">Viktor Orlov</p>'
    began = time.perf_counter()
    article = html_article(page, "a", "a.html")
    assert time.perf_counter() - began < 5
    assert article.text == "Sam Altman spoke."


@pytest.mark.parametrize(
    "shown",
    [
        '<style media="print">.x{display:none}</style><p class="x">Viktor Orlov</p>',
        "<style>@media (max-width: 600px) { .x{display:none} }</style>"
        '<p class="x">Viktor Orlov</p>',
        '<style>.x:hover{display:none} nav .x{display:none}</style><p class="x">Viktor Orlov</p>',
        '<style>.y{display:none} .x{color:red}</style><p class="x">Viktor Orlov</p>',
        "<style>body{display:none !important}</style><p>Viktor Orlov</p>",
        '<p style="opacity:0.5; margin-left:-10px; font-size:0.9em">Viktor Orlov</p>',
    ],
    ids=["print-sheet", "media-query", "not-simple", "other-class", "framing-guard", "faint"],
)
def test_html_text_styles_do_not_hide_is_read(shown):
    """What a style sheet does not simply hide on screen is read: kg honours simple
    rules only, and a page that hides its <body> until a script runs is still read."""
    from kg.sources import html_article

    page = f"<html><head><title>Deal</title></head><body><p>Sam Altman spoke.</p>{shown}"
    article = html_article(page + "</body></html>", "a", "a.html")
    assert "Viktor Orlov" in article.text


def test_control_characters_become_spaces_and_offsets_hold(odd_outputs):
    data = Dataset(default_union=True)
    data.parse(odd_outputs["trig"])
    texts = [str(o) for o in data.objects(None, None) if isinstance(o, Literal)]
    assert not [t for t in texts if re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", t)]
    # one space for each control character: offsets still count the same characters
    assert any("Sam Altman  leads [31m OpenAI." in t for t in texts)


# -- interruptions and the disk -------------------------------------------------------


def test_a_full_disk_is_one_error_and_the_old_output_survives(tmp_path, capsys, monkeypatch):
    article = _write(tmp_path, "a.txt", NEWS)
    out = tmp_path / "out.ttl"
    out.write_text("# the good graph of yesterday\n", encoding="utf-8")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    assert main(["build", article, "-o", str(out)]) == 73
    err = capsys.readouterr().err.strip()
    assert err.startswith("kg: error:") and "No space left on device" in err
    assert out.read_text("utf-8") == "# the good graph of yesterday\n"
    assert not list(tmp_path.glob(".*.tmp"))


def test_permission_denied_is_one_error(tmp_path, capsys, monkeypatch):
    article = Path(_write(tmp_path, "a.txt", NEWS))
    original = Path.read_bytes

    def denied(self):
        if self == article:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert main(["build", str(article), "-o", str(tmp_path / "o.ttl")]) == 2
    assert "permission denied" in capsys.readouterr().err


def test_a_bug_is_one_line_and_exit_70_and_debug_shows_it(tmp_path, capsys, monkeypatch):
    import kg.info

    def broken(store):
        raise RuntimeError("something kg did not expect")

    monkeypatch.setattr(kg.info, "summarize", broken)
    graph = _graph(tmp_path)
    capsys.readouterr()
    assert main(["info", graph]) == 70
    err = capsys.readouterr().err.strip()
    assert err.startswith("kg: internal error: RuntimeError") and len(err.splitlines()) == 1
    with pytest.raises(RuntimeError):
        main(["info", graph, "--debug"])


def _kg_patched(patch: str, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``kg ARGV`` in a process of its own, after ``patch`` (Python source) has run."""
    code = patch + "from kg.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=timeout
    )


def test_ctrl_c_exits_130_and_leaves_no_output(tmp_path):
    article = _write(tmp_path, "a.txt", NEWS)
    patch = (
        "import signal, sys, kg.pipeline as p\n"
        "def stop(*a, **k): raise KeyboardInterrupt\n"
        "p.Pipeline.extract = stop\n"
    )
    out = tmp_path / "o.ttl"
    run = _kg_patched(patch, "build", article, "-o", str(out))
    assert run.returncode == 130 and run.stderr.strip() == "kg: interrupted"
    assert not out.exists()


# -- hostile text through the whole pipeline, as properties ----------------------------


@functools.cache
def _baseline_page() -> str:
    """The view of the same two-entity graph, with a harmless label."""
    from kg.analysis.graph import to_networkx
    from kg.store.backends import MemoryStore
    from kg.view import ViewOptions, render

    dataset = Dataset(default_union=True)
    dataset.parse(data=_two_entities("Plain Name").serialize(format="nt"), format="nt")
    return render(to_networkx(MemoryStore(dataset)), ViewOptions())


def _two_entities(label: str) -> Graph:
    from rdflib import RDF, RDFS, URIRef

    from kg.vocab import ID, KG

    node, other = URIRef(f"{ID}person/x"), URIRef(f"{ID}organization/y")
    graph = Graph()
    graph.add((node, RDF.type, KG.Person))
    graph.add((node, RDFS.label, Literal(label)))
    graph.add((other, RDF.type, KG.Company))
    graph.add((other, RDFS.label, Literal("Acme")))
    graph.add((node, KG.worksFor, other))
    return graph


HOSTILE = (
    st.lists(
        st.sampled_from(
            [
                *"<>&\"'\\\n\r\t{}`$?#;/ Aé🚀\u202e",
                "</script>",
                "<img src=x onerror=alert(1)>",
                '"}; DROP GRAPH <x>',
                "\\u0022",
                "]]>",
            ]
        ),
        min_size=1,
        max_size=12,
    )
    .map("".join)
    .filter(lambda s: s.strip())
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(label=HOSTILE)
@example(label='\n\\"')  # a line break, then a backslash and a quote: rdflib's n3() breaks
@example(label="\\u0022")  # a codepoint escape SPARQL would expand, if written as it is
def test_hostile_labels_survive_rdf_sparql_and_views_unchanged_and_inert(label, tmp_path_factory):
    """A label full of quotes, brackets, backslashes and markup goes text -> RDF (every
    format) -> SPARQL (as a bound value) -> HTML view, and comes back the same string,
    never as markup or query syntax."""
    from rdflib import RDFS, URIRef

    from kg.analysis import to_networkx
    from kg.query import run_query
    from kg.store.backends import MemoryStore, OxigraphStore
    from kg.view import ViewOptions, render
    from kg.vocab import ID

    tmp = tmp_path_factory.mktemp("hostile")
    node = URIRef(f"{ID}person/x")
    graph = _two_entities(label)
    dataset = Dataset(default_union=True)
    named = dataset.graph(URIRef(f"{ID}article/x"))
    for triple in graph:
        named.add(triple)
    query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?e WHERE { ?e rdfs:label ?name }"
    )
    for fmt in ("ttl", "trig", "nq", "jsonld", "rdf"):
        path = tmp / f"g.{fmt}"
        save(dataset, path)
        back = Dataset(default_union=True)
        back.parse(path)
        assert Literal(label) in set(back.objects(node, RDFS.label)), fmt
    for store in (MemoryStore(dataset), OxigraphStore(str(tmp / "ox"))):
        if isinstance(store, OxigraphStore):
            store.replace_graph(f"{ID}article/x", graph)
        rows = run_query(store, query, {"name": Literal(label)}).rows
        assert [str(r[0]) for r in rows] == [str(node)]
        page = render(to_networkx(store), ViewOptions())
        store.close()
        # the label reaches the page only as JSON data, escaped, and decodes unchanged
        data = re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page, re.DOTALL)
        assert data is not None
        assert label in {n["label"] for n in json.loads(data.group(1))}
        # and adds no markup: as many tags as a page about a harmless name has
        for tag in ("<script", "</script>", "<img"):
            assert page.count(tag) == _baseline_page().count(tag), tag


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=1, max_size=300))
@example(text="0A&\t\x850")  # NEL in a name: the TriG writer once split the literal there
@example(text="Acme\u2028Corp and Zed\u2029Labs said so.")
def test_any_unicode_text_builds_and_its_graph_parses(text, pipeline, tmp_path_factory):
    """Arbitrary unicode never crashes the pipeline, and what it writes always parses."""
    from kg.errors import InputError
    from kg.sources import decode

    try:
        clean = decode(text.encode("utf-8", "surrogatepass"), "text")
        article = parse_article(clean, key="random", source="random")
    except (InputError, UnicodeEncodeError):
        return  # empty, binary-looking or unencodable: refused with a clear error instead
    tmp = tmp_path_factory.mktemp("random")
    dataset = pipeline.build([article])
    for fmt in ("trig", "nq", "jsonld", "rdf"):
        path = tmp / f"g.{fmt}"
        save(dataset, path)
        Dataset().parse(path)
        if fmt != "jsonld":
            list(pyoxigraph.parse(path=str(path)))


def test_a_dead_worker_is_one_error_exit_71(tmp_path):
    """A --jobs worker that dies (the OOM killer, kill -9) ends the build with one line."""
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        "\n".join(json.dumps({"text": NEWS, "id": f"a{n}"}) for n in range(6)), encoding="utf-8"
    )
    patch = (
        "import os, sys, kg.build\n"
        "def die(*args): os._exit(9)\n"
        "die.__module__, die.__qualname__ = 'kg.build', '_worker_extract'\n"
        "kg.build._worker_extract = die\n"
    )
    out = tmp_path / "o.nq"
    run = _kg_patched(patch, "build", str(corpus), "-o", str(out), "--jobs", "2")
    assert run.returncode == 71, run.stderr
    assert run.stderr.startswith("kg: error: a worker process died")
    assert len(run.stderr.strip().splitlines()) == 1
    assert not out.exists()


# -- builds fail whole, outputs keep what users set up -------------------------------


def _store_state(location: Path) -> list[str]:
    """Everything a store holds, as sorted N-Quads lines (empty for no store)."""
    if not location.exists():
        return []
    store = pyoxigraph.Store(str(location))
    lines = sorted(str(quad) for quad in store)
    del store
    import gc

    gc.collect()  # release RocksDB's lock
    return lines


def _corpus(path: Path, n: int, last: str | None = None, edit: str = "") -> Path:
    people = ["Mira Chen", "Omar Ali", "Lena Park", "Tom Reyes", "Ana Ruiz", "Ivo Berg"]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            text = f"{people[i % 6]}, the CEO of Lumen Labs {i}{edit}, met Sam Altman in Paris."
            handle.write(json.dumps({"id": f"a{i}", "text": text}) + "\n")
        if last is not None:
            handle.write(json.dumps({"id": "last", "text": last}) + "\n")
    return path


#: An article naming hundreds of entities: refused by --max-entities, found only by NLP.
CROWDED = " ".join(f"Person{i} Smith met Person{i} Jones of Acme{i} Corp." for i in range(120))


@pytest.mark.parametrize("before", ["new-store", "store-with-articles"])
def test_an_article_refused_during_nlp_leaves_the_store_as_it_was(tmp_path, capsys, before):
    """Item 4: the last of 201 articles names too many entities; with batches of 64,
    three batches are written before it is found. All of it is taken back."""
    store = tmp_path / "store"
    if before == "store-with-articles":
        old = _corpus(tmp_path / "old.jsonl", 70, edit=" Ltd")
        assert main(["build", str(old), "--store", str(store), "-q"]) == 0
    state = _store_state(store)
    corpus = _corpus(tmp_path / "c.jsonl", 200, last=CROWDED)
    code = main(["build", str(corpus), "--store", str(store), "--max-entities", "100", "-q"])
    assert code == 2
    err = capsys.readouterr().err
    assert "at most 100" in err and len(err.strip().splitlines()) == 1
    assert _store_state(store) == state
    # and the same corpus without the crowded article builds, whole
    fine = _corpus(tmp_path / "fine.jsonl", 200)
    assert main(["build", str(fine), "--store", str(store), "-q"]) == 0
    assert len(_store_state(store)) > len(state)


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ({"id": "bad", "text": "Sam \ud800 Altman leads OpenAI."}, "surrogate"),
        ({"id": "bad", "text": "Word. " * 200_000}, "spaCy"),
        ({"id": "bad", "text": "Hi.", "date": "2024-02-30"}, "calendar"),
    ],
    ids=["lone-surrogate", "over-spacy-limit", "impossible-date"],
)
def test_input_spacy_would_fail_on_is_refused_before_anything_is_written(
    tmp_path, capsys, line, word
):
    corpus = _corpus(tmp_path / "c.jsonl", 200)
    with corpus.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")  # ensure_ascii: the surrogate as \ud800
    store = tmp_path / "store"
    assert main(["build", str(corpus), "--store", str(store), "-q"]) == 2
    err = capsys.readouterr().err
    assert word in err and "line 201" in err
    assert _store_state(store) == []


def test_json_escaped_control_characters_never_reach_the_outputs(tmp_path):
    """Item 5: \\u0000 and friends in a JSON line's text and title become spaces (as in
    text files), so every output parses, RDF/XML included."""
    escaped = "Sam Altman\\u0000 leads\\u0007 OpenAI\\u001b[0m, maker of Sora\\uffff."
    title = "A\\u0000 title\\u001b"
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(f'{{"text": "{escaped}", "title": "{title}"}}\n', encoding="utf-8")
    for fmt in ("rdf", "ttl", "nt", "jsonld", "trig", "nq"):
        out = tmp_path / f"o.{fmt}"
        assert main(["build", str(corpus), "-o", str(out), "-q"]) == 0
        data = Dataset(default_union=True)
        data.parse(out)  # rdflib
        if fmt != "jsonld":
            list(pyoxigraph.parse(path=str(out)))  # and Oxigraph
        texts = [str(o) for o in data.objects() if isinstance(o, Literal)]
        assert not [t for t in texts if re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", t)]
        assert "Sam Altman  leads  OpenAI" in texts and "A  title " in texts, fmt
    assert main(["info", str(tmp_path / "o.rdf")]) == 0


def test_rdf_xml_refuses_characters_xml_cannot_hold(tmp_path, capsys):
    """A graph from elsewhere (a knowledge base, a graph file) may hold them: writing
    RDF/XML is refused in one line rather than made unreadable."""
    from rdflib import URIRef

    from kg.errors import FormatError

    dataset = Dataset(default_union=True)
    dataset.graph(URIRef("urn:g")).add((URIRef("urn:a"), URIRef("urn:b"), Literal("x\x00y")))
    with pytest.raises(FormatError, match="U\\+0000"):
        save(dataset, tmp_path / "o.rdf")
    assert not (tmp_path / "o.rdf").exists()


def test_dates_at_the_calendar_edges_build(tmp_path, capsys):
    """Item 6's class: relative dates against the first and last days of the calendar."""
    text = (
        "The Lumen Summit took place yesterday. The Lumen Awards take place tomorrow. "
        "The Lumen Fair was held last year, and the Lumen Expo opens next month."
    )
    for day in ("0001-01-01", "9999-12-31"):
        article = _write(tmp_path, f"{day}.txt", f"---\ndate: {day}\n---\n{text}\n")
        out = tmp_path / f"{day}.ttl"
        assert main(["build", article, "-o", str(out), "-q"]) == 0, capsys.readouterr().err
        Graph().parse(out)  # every xsd:date written is a valid one


def test_remove_refuses_the_shared_entities_graph(tmp_path, capsys):
    """Item 7: removing it emptied every query while builds skipped every article."""
    from kg.vocab import ENTITIES

    store = _store(tmp_path)
    state = _store_state(Path(store))
    assert main(["remove", str(ENTITIES), "--store", store]) == 64
    assert "not an article" in capsys.readouterr().err
    assert main(["remove", f"{ENTITIES}/quarantine", "--store", store]) == 64
    assert _store_state(Path(store)) == state


def test_two_keys_that_slug_alike_do_not_replace_each_other_across_builds(tmp_path, capsys):
    """Item 8: "A B C" and "a-b-c" are the same IRI; one build refused them, two did not."""
    store = str(tmp_path / "store")
    first = _write(tmp_path, "A B C.txt", NEWS)
    assert main(["build", first, "--store", store, "-q"]) == 0
    state = _store_state(Path(store))
    (tmp_path / "other").mkdir()
    second = _write(tmp_path / "other", "a-b-c.txt", "Mira Chen leads Lumen Labs.\n")
    assert main(["build", second, "--store", store, "-q"]) == 64
    err = capsys.readouterr().err
    assert "'A B C'" in err and "would replace" in err
    assert _store_state(Path(store)) == state
    assert main(["build", first, "--store", store, "--no-resume", "-q"]) == 0  # itself: fine


def test_jobs_is_bounded_by_the_cpus(tmp_path, capsys):
    """Item 9: --jobs forked every worker up front, however many were asked for."""
    from kg.cli import usable_cpus

    article = _write(tmp_path, "a.txt", NEWS)
    with pytest.raises(SystemExit) as refused:
        main(["build", article, "-o", str(tmp_path / "o.ttl"), "--jobs", "1000"])
    assert refused.value.code == 64
    assert f"from 1 to {usable_cpus()}" in capsys.readouterr().err


def test_a_worker_that_cannot_be_started_ends_the_build_at_once(tmp_path):
    """Item 9: when a fork failed kg printed one line and never exited."""
    corpus = _corpus(tmp_path / "c.jsonl", 40)
    patch = (
        "import os, sys\n"
        "real, calls = os.fork, []\n"
        "def fork():\n"
        "    calls.append(1)\n"
        "    if len(calls) > 1: raise OSError(11, 'Resource temporarily unavailable')\n"
        "    return real()\n"
        "os.fork = fork\n"
    )
    out = tmp_path / "o.nq"
    run = _kg_patched(patch, "build", str(corpus), "-o", str(out), "--jobs", "2")
    assert run.returncode == 71, run.stderr
    assert run.stderr.strip().splitlines() == [
        "kg: error: cannot start 2 worker processes: Resource temporarily unavailable; "
        "try fewer --jobs"
    ]
    assert not out.exists()


def test_an_output_keeps_its_permissions_and_its_symlink(tmp_path):
    """Item 10: a private 0600 file came back 0644; -o through a link replaced the link."""
    article = _write(tmp_path, "a.txt", NEWS)
    private = tmp_path / "private.ttl"
    private.write_text("old\n", encoding="utf-8")
    private.chmod(0o600)
    assert main(["build", article, "-o", str(private), "-q"]) == 0
    assert private.stat().st_mode & 0o777 == 0o600 and private.read_text() != "old\n"
    target = tmp_path / "target.ttl"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.ttl"
    link.symlink_to(target.name)
    assert main(["build", article, "-o", str(link), "-q"]) == 0
    assert link.is_symlink() and link.readlink() == Path(target.name)
    assert target.read_text(encoding="utf-8").startswith("PREFIX")


def test_sigterm_during_the_final_write_leaves_no_temporary_file(tmp_path):
    """Item 10: SIGTERM while the output is written: the old file stays, nothing hidden
    is left behind, exit 143."""
    article = _write(tmp_path, "a.txt", NEWS)
    out = tmp_path / "o.ttl"
    out.write_text("# yesterday's graph\n", encoding="utf-8")
    patch = (
        "import os, signal, sys, time\n"
        "def slow(fd):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    time.sleep(30)\n"
        "os.fsync = slow\n"
    )
    run = _kg_patched(patch, "build", article, "-o", str(out), timeout=60)
    assert run.returncode == 143 and run.stderr.strip() == "kg: terminated"
    assert out.read_text(encoding="utf-8") == "# yesterday's graph\n"
    assert not list(tmp_path.glob(".*.tmp"))


def test_diff_into_a_store_shows_the_entities_graph_as_a_file_does(tmp_path, capsys):
    """Item 12: a rebuild that names a new entity and drops one only it named."""
    from kg.vocab import ENTITIES

    first = _write(tmp_path, "news.txt", "Mira Chen, the CEO of Lumen Labs, met Omar Ali.\n")
    store, trig = str(tmp_path / "store"), str(tmp_path / "g.trig")
    assert main(["build", first, "--store", store, "-q"]) == 0
    assert main(["build", first, "-o", trig, "-q"]) == 0
    Path(first).write_text("Mira Chen, the CEO of Lumen Labs, met Sam Altman.\n", encoding="utf-8")
    seen = {}
    for target in (["--store", store], ["-o", trig]):
        capsys.readouterr()
        assert main(["build", first, *target, "--diff", "-q"]) == 0
        captured = capsys.readouterr()
        entity_lines = {
            line for line in captured.out.splitlines() if "/id/person/" in line.split(" ")[1]
        }
        assert f"kg: {ENTITIES}: +" in captured.err or target[0] == "-o"
        seen[target[0]] = entity_lines
    added = {line for line in seen["--store"] if line.startswith("+ ")}
    removed = {line for line in seen["--store"] if line.startswith("- ")}
    assert any("sam-altman" in line and "Sam Altman" in line for line in added)
    assert any("omar-ali" in line and "Omar Ali" in line for line in removed)
    assert added | removed <= seen["-o"]
