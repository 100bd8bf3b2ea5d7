"""What ``kg build`` writes: every format parses in rdflib and pyoxigraph alike,
the same input gives byte-identical output, and writes are atomic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDFS, Dataset

from kg.cli import main
from kg.store import load, save

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"
FORMATS = {
    ".ttl": pyoxigraph.RdfFormat.TURTLE,
    ".trig": pyoxigraph.RdfFormat.TRIG,
    ".jsonld": pyoxigraph.RdfFormat.JSON_LD,
    ".nt": pyoxigraph.RdfFormat.N_TRIPLES,
    ".nq": pyoxigraph.RdfFormat.N_QUADS,
}


@pytest.fixture(scope="module")
def dataset(pipeline) -> Dataset:
    from kg.sources import read_articles

    return pipeline.build(list(read_articles([EXAMPLES])))


@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_rdflib_and_pyoxigraph_read_the_same_triples(dataset, tmp_path, suffix):
    path = tmp_path / f"graph{suffix}"
    save(dataset, path)
    ours = load(path)
    rdflib_count = sum(1 for _ in ours.quads((None, None, None, None)))
    oxi = list(pyoxigraph.parse(path=str(path), format=FORMATS[suffix]))
    assert rdflib_count == len(oxi) > 500
    if suffix in (".trig", ".nq"):
        # one named graph per article and one of entity descriptions, nothing in the
        # default graph
        graphs = {q.graph_name for q in oxi}
        assert len(graphs) == 4
        assert pyoxigraph.DefaultGraph() not in graphs


def test_triple_formats_hold_the_union(dataset, tmp_path):
    save(dataset, tmp_path / "a.ttl")
    save(dataset, tmp_path / "a.trig")
    triples = {
        (q.subject, q.predicate, q.object)
        for q in pyoxigraph.parse(path=str(tmp_path / "a.trig"), format=FORMATS[".trig"])
    }
    flat = {
        (t.subject, t.predicate, t.object)
        for t in pyoxigraph.parse(path=str(tmp_path / "a.ttl"), format=FORMATS[".ttl"])
    }
    assert triples == flat


def _build_in_new_process(out: Path, seed: str, *extra: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", str(EXAMPLES), "-o", str(out), "-q", *extra],
        check=True,
        env=env,
    )
    return out.read_bytes()


@pytest.mark.parametrize("suffix", [".ttl", ".trig", ".jsonld", ".nt", ".nq", ".rdf"])
def test_same_input_gives_byte_identical_output(tmp_path, suffix):
    """Every format, in processes whose string hashes (and so set orders) differ, and
    with the NLP in worker processes."""
    first = _build_in_new_process(tmp_path / f"one{suffix}", "1")
    second = _build_in_new_process(tmp_path / f"two{suffix}", "2")
    jobs = _build_in_new_process(tmp_path / f"jobs{suffix}", "3", "--jobs", "2")
    assert first == second == jobs


def test_failed_write_keeps_the_old_file(dataset, tmp_path, monkeypatch):
    path = tmp_path / "graph.ttl"
    path.write_text("old content\n")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    from kg.errors import OutputError

    with pytest.raises(OutputError, match="No space left"):
        save(dataset, path)
    assert path.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]  # no temporary left behind


def test_build_writes_trig_with_named_graphs(tmp_path):
    out = tmp_path / "g.trig"
    assert main(["build", str(EXAMPLES / "01_sora_hollywood.txt"), "-o", str(out), "-q"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "https://kg.example.org/id/article/" in text


@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_literals_with_unicode_line_separators_come_back_unchanged(tmp_path, suffix):
    """NEL, U+2028 and U+2029 are line ends to Python's str.splitlines() but plain
    characters to RDF: a name holding one is written and read back as it was."""
    from rdflib import Literal, URIRef

    dataset = Dataset()
    graph = dataset.graph(URIRef("https://kg.example.org/id/article/x"))
    subject, label = (
        URIRef("https://kg.example.org/id/x"),
        URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
    )
    names = {"0A&\t\x850", "Acme\u2028Corp", "Zed\u2029Labs", "two\nlines \x85 and more"}
    for name in names:
        graph.add((subject, label, Literal(name)))
    path = tmp_path / f"graph{suffix}"
    save(dataset, path)
    assert {str(o) for o in load(path).objects(subject, label)} == names
    assert {q.object.value for q in pyoxigraph.parse(path=str(path))} == names


def test_store_lines_are_the_graph_rdflib_would_write(pipeline):
    """A store build writes N-Triples text made straight from the extraction; it must
    be exactly the text of the same graph's rdflib terms, escapes and all (each
    literal on one line), and the graph must give the same rdflib terms when read
    triple by triple."""
    from rdflib import Literal, URIRef

    from kg.pipeline import link_batch
    from kg.rdf import extraction_graph, extraction_lines, new_graph
    from kg.sources import parse_article
    from kg.store import ntriples_lines
    from kg.types import PROVENANCE_LEVELS

    text = (
        'Sam "the boss" Altman, the CEO of OpenAI, said\nthe C:\\studio plan\r\nwas ready. '
        'Mira Murati, the "CTO" of OpenAI, met Paramount in Los Angeles.'
    )
    [extraction] = link_batch(list(pipeline.extract([parse_article(text, "quotes", "-")])))
    for level in PROVENANCE_LEVELS:  # every level writes what its rdflib graph holds
        graph = extraction_graph(extraction, new_graph(False), False, pipeline.lexicon, level)
        lines = extraction_lines(extraction, pipeline.lexicon, level)
        assert ntriples_lines(lines) == ntriples_lines(graph) and len(lines) == len(graph)
    # the full level holds every literal the text gives: the sentences and the mentions
    graph = extraction_graph(extraction, new_graph(False), False, pipeline.lexicon, "full")
    lines = extraction_lines(extraction, pipeline.lexicon, "full")
    written = ntriples_lines(graph)
    assert ntriples_lines(lines) == written and len(lines) == len(graph)
    assert any('\\"CTO\\"' in line for line in written)  # escaped quotes
    assert any('"C:\\\\studio"' in line for line in written)  # an escaped backslash
    assert any("said\\nthe" in line for line in written)  # a line break, escaped
    assert not any("\n" in line for line in written)  # one triple, one line
    assert set(lines) == set(graph)  # the same terms, made when read
    node = URIRef("https://example.org/extra")
    lines.add((node, node, Literal("x")))  # a change: the lines no longer hold it all
    assert len(lines) == len(graph) + 1
    assert ntriples_lines(lines) == written | {
        '<https://example.org/extra> <https://example.org/extra> "x" .'
    }


#: Acme, typed Organization by one article and Company by another (the shared entity
#: description holds both), and an extension's union, typed Organization too.
TWO_CLASSES_TRIG = """\
PREFIX kg: <https://kg.example.org/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX labor: <https://example.org/labor#>
PREFIX id: <https://kg.example.org/id/>
PREFIX org: <https://kg.example.org/id/organization/>
PREFIX art: <https://kg.example.org/id/article/>

id:entities {
  org:acme a kg:Organization, kg:Company ; rdfs:label "Acme" .
  org:guild a kg:Organization, labor:LaborUnion ; rdfs:label "Writers Guild" .
  org:un a kg:Organization ; rdfs:label "United Nations" .
}
art:a { art:a a kg:NewsArticle ; rdfs:label "A" ; kg:mentions org:acme, org:guild, org:un . }
art:b { art:b a kg:NewsArticle ; rdfs:label "B" ; kg:mentions org:acme . }
"""


def _graph_source(tmp_path: Path, text: str, backend: str) -> list[str]:
    """Arguments that give ``kg`` the TriG ``text``: as a file, or as an Oxigraph store."""
    path = tmp_path / "g.trig"
    path.write_text(text, encoding="utf-8")
    if backend == "file":
        return [str(path)]
    from kg.store import open_store

    store = open_store(str(tmp_path / "store"), create=True)
    store.store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TRIG)  # type: ignore[attr-defined]
    store.close()
    return ["--store", str(tmp_path / "store")]


@pytest.mark.parametrize("backend", ["file", "oxigraph"])
def test_an_entity_with_two_classes_is_listed_and_counted_once(tmp_path, capsys, backend):
    import csv
    import io
    import json

    source = _graph_source(tmp_path, TWO_CLASSES_TRIG, backend)
    assert main(["query", "entities", *source, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["label"], r["class"], r["articles"]) for r in rows] == [
        ("Acme", "Company", "2"),
        ("Writers Guild", "LaborUnion", "1"),
        ("United Nations", "Organization", "1"),
    ]
    assert main(["info", *source, "--format", "json"]) == 0
    classes = json.loads(capsys.readouterr().out)["classes"]
    assert classes == {"Company": 1, "LaborUnion": 1, "Organization": 1}


#: A fact said twice, once with a title and once without, with a long evidence sentence.
EVIDENCE_TRIG = """\
PREFIX kg: <https://kg.example.org/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX id: <https://kg.example.org/id/>
PREFIX person: <https://kg.example.org/id/person/>
PREFIX org: <https://kg.example.org/id/organization/>
PREFIX art: <https://kg.example.org/id/article/>

id:entities {
  person:ann-lee a kg:Person ; rdfs:label "Ann Lee" .
  org:harbour-club a kg:Organization ; rdfs:label "Harbour Club" .
}
art:a {
  art:a a kg:NewsArticle ; rdfs:label "Harbour news" ; kg:mentions person:ann-lee .
  art:a-s0 kg:text "%s" ; kg:inArticle art:a .
  art:a-s1 kg:text "Ann Lee leads the Harbour Club." ; kg:inArticle art:a .
  person:ann-lee kg:ceoOf org:harbour-club .
  art:a-f0 a kg:Assertion ; rdf:subject person:ann-lee ; rdf:predicate kg:ceoOf ;
    rdf:object org:harbour-club ; kg:inSentence art:a-s0 ; kg:rule "test" ;
    kg:confidence 0.9 ; kg:title "captain" ; prov:wasDerivedFrom art:a .
  art:a-f1 a kg:Assertion ; rdf:subject person:ann-lee ; rdf:predicate kg:ceoOf ;
    rdf:object org:harbour-club ; kg:inSentence art:a-s1 ; kg:rule "test" ;
    kg:confidence 0.9 ; prov:wasDerivedFrom art:a .
}
"""
LONG_SENTENCE = (
    "Ann Lee, who has been the captain of the Harbour Club since the storm of 1998 "
    "closed the old pier, said on Tuesday that the club would rebuild the boathouse "
    "before the regatta."
)


@pytest.mark.parametrize("backend", ["file", "oxigraph"])
def test_tables_show_the_whole_evidence_sentence(tmp_path, capsys, backend):
    source = _graph_source(tmp_path, EVIDENCE_TRIG % LONG_SENTENCE, backend)
    assert main(["query", "entity", *source, "--param", "entity=Ann Lee"]) == 0
    out = capsys.readouterr().out
    assert "\u2026" not in out
    # wrapped onto lines of its column, rows parted by a blank line: read it back
    lines = out.splitlines()
    start, end = lines[0].index("sentence"), lines[0].index("rule")
    rows = "\n".join(line[start:end].strip() for line in lines[2:-1]).split("\n\n")
    assert [" ".join(row.split()) for row in rows] == [
        "Ann Lee leads the Harbour Club.",
        LONG_SENTENCE,
    ]
    assert max(len(line) for line in lines) < len(LONG_SENTENCE)


@pytest.mark.parametrize("backend", ["file", "oxigraph"])
def test_a_title_given_once_is_listed_without_a_stray_separator(tmp_path, capsys, backend):
    import csv
    import io

    source = _graph_source(tmp_path, EVIDENCE_TRIG % LONG_SENTENCE, backend)
    assert main(["query", "leaders", *source, "--format", "csv"]) == 0
    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert (row["person"], row["title"]) == ("Ann Lee", "captain")


#: Labels that would take over a terminal or a spreadsheet, or disguise a name: an ANSI
#: colour and screen clear, BEL, C1's CSI, a right-to-left override, isolates, a
#: zero-width space, a Cyrillic "A" in a Latin name, and formulas (Turtle \u escapes).
HOSTILE_TRIG = r"""
PREFIX kg: <https://kg.example.org/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX id: <https://kg.example.org/id/>
PREFIX org: <https://kg.example.org/id/organization/>
PREFIX art: <https://kg.example.org/id/article/>

id:entities {
  org:red a kg:Company ; rdfs:label "\u001B[31mRed\u001B[2J Corp\u0007" .
  org:csi a kg:Company ; rdfs:label "Csi\u009B31m Ltd" .
  org:rlo a kg:Company ; rdfs:label "Evil \u202Egnp.exe\u2066x\u2069 Inc" .
  org:zw a kg:Company ; rdfs:label "Zero\u200BWidth" .
  org:apple a kg:Company ; rdfs:label "\u0410pple" .
  org:link a kg:Company ; rdfs:label "=HYPERLINK(\"https://evil.example\",\"click\")" .
  org:plus a kg:Company ; rdfs:label "+1 Media" .
  org:minus a kg:Company ; rdfs:label "-2+3" .
  org:at a kg:Company ; rdfs:label "@SUM(A1)" .
  org:zoe a kg:Company ; rdfs:label "Zoë Москва" .
}
art:a {
  art:a a kg:NewsArticle ; rdfs:label "News\u001B]0;owned\u0007" ;
    kg:mentions org:red, org:csi, org:rlo, org:zw, org:apple, org:link, org:plus, org:minus,
      org:at, org:zoe .
  art:a-s0 kg:text "\u001B[31mRed\u001B[2J Corp\u0007 sued \u202EEvil." ; kg:inArticle art:a .
  org:red kg:partnersWith org:rlo .
  art:a-f0 a kg:Assertion ; rdf:subject org:red ; rdf:predicate kg:partnersWith ;
    rdf:object org:rlo ; kg:inSentence art:a-s0 ; kg:rule "test" ; kg:confidence 0.7 ;
    prov:wasDerivedFrom art:a .
}
"""
#: What must never reach a terminal raw.
HIDDEN = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\u2069", "\u200b", "\u0410")


def _shown_safely(text: str) -> None:
    assert not [c for c in HIDDEN if c in text], text
    assert "\\x1b[31mRed\\x1b[2J Corp\\x07" in text
    assert "Csi\\x9b31m Ltd" in text
    assert "Evil \\u202egnp.exe\\u2066x\\u2069 Inc" in text
    assert "Zero\\u200bWidth" in text
    assert "\\u0410pple" in text  # a look-alike letter in a Latin name shows as what it is
    assert "Zoë Москва" in text  # a name in one script each word is left alone


@pytest.mark.parametrize("backend", ["file", "oxigraph"])
def test_tables_show_control_and_bidi_characters_as_escapes(tmp_path, capsys, backend):
    source = _graph_source(tmp_path, HOSTILE_TRIG, backend)
    assert main(["query", "entities", *source]) == 0
    _shown_safely(capsys.readouterr().out)
    assert main(["analyze", *source, "--top", "20"]) == 0
    _shown_safely(capsys.readouterr().out)
    # an error line names the nearest names just as safely
    assert main(["analyze", *source, "--path", "\u0410ppl", "Csi\x9b31m Ltd"]) == 66
    assert capsys.readouterr().err == (
        "kg: error: no entity is named '\\u0410ppl'; nearest: \\u0410pple\n"
    )


def test_csv_cells_are_never_formulas_or_terminal_controls(tmp_path, capsys):
    import csv
    import io

    source = _graph_source(tmp_path, HOSTILE_TRIG, "file")
    assert main(["query", "entities", *source, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    _shown_safely(out)
    labels = {row["label"] for row in csv.DictReader(io.StringIO(out))}
    assert {
        '\'=HYPERLINK("https://evil.example","click")',
        "'+1 Media",
        "'-2+3",
        "'@SUM(A1)",
    } <= labels
    assert not [label for label in labels if label[:1] in "=+-@"]


@pytest.mark.parametrize(
    ("command", "fmt"),
    [
        (["query", "entities"], "json"),
        (["query", "entities"], "sparql-json"),
        (["analyze"], "json"),
    ],
)
def test_json_escapes_what_a_terminal_would_obey_and_keeps_the_text(tmp_path, capsys, command, fmt):
    import json

    source = _graph_source(tmp_path, HOSTILE_TRIG, "file")
    assert main([*command, *source, "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert not [c for c in HIDDEN[:-1] if c in out]

    def strings(value: object) -> set[str]:
        if isinstance(value, dict):
            return set().union(*(strings(v) for v in value.values()))
        if isinstance(value, list):
            return set().union(*(strings(v) for v in value))
        return {value} if isinstance(value, str) else set()

    # a JSON reader gets every name back as it was
    assert {"\x1b[31mRed\x1b[2J Corp\x07", "Evil \u202egnp.exe\u2066x\u2069 Inc", "\u0410pple"} <= (
        strings(json.loads(out))
    )


def test_constructed_turtle_escapes_what_a_terminal_would_obey_and_reads_back_the_same(
    tmp_path, capsys
):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    source = _graph_source(tmp_path, HOSTILE_TRIG, "file")
    query = "CONSTRUCT { ?s rdfs:label ?o } WHERE { ?s rdfs:label ?o }"
    assert main(["query", "-e", query, *source]) == 0
    out = capsys.readouterr().out
    assert not [c for c in HIDDEN[:-1] if c in out]
    assert "\\u001b[31mRed" in out
    expected = Graph()
    for s, o in load(tmp_path / "g.trig").subject_objects(RDFS.label):
        expected.add((s, RDFS.label, o))
    assert isomorphic(Graph().parse(data=out, format="turtle"), expected)


ILL_TYPED = (
    "<http://a> <http://b> <http://c> .\n"
    '<http://a> <http://b> "x"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    '<http://a> <http://b> "2023-02-30"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
)


def _kg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """``kg`` run as a user runs it, in a process of its own (its own stdout encoding
    and logging, which an in-process call would share with pytest)."""
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        capture_output=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    "command", [["info"], ["query", "entities"], ["analyze"], ["validate"]], ids=" ".join
)
def test_ill_typed_literals_cost_one_warning_line_not_a_traceback(tmp_path, command):
    path = tmp_path / "bad.ttl"
    path.write_text(ILL_TYPED)
    done = _kg(*command, str(path))
    assert done.returncode == 0
    err = done.stderr.decode()
    assert "Traceback" not in err and "Failed to convert" not in err
    warnings = [line for line in err.splitlines() if line.startswith("kg: warning:")]
    assert warnings == ['kg: warning: 2 ill-typed literals kept as text, e.g. "x"^^xsd:integer']


ACCENTED_TRIG = """
PREFIX kg: <https://kg.example.org/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX id: <https://kg.example.org/id/>
PREFIX art: <https://kg.example.org/id/article/>

id:entities {
  <https://kg.example.org/id/person/josé-müller> a kg:Person ; rdfs:label "José Müller" .
  <https://kg.example.org/id/organization/ærø-fjord-bank> a kg:Company ;
    rdfs:label "Ærø Fjord Bank" .
}
art:a {
  art:a a kg:NewsArticle ; rdfs:label "Zürich news" ;
    kg:mentions <https://kg.example.org/id/person/josé-müller>,
      <https://kg.example.org/id/organization/ærø-fjord-bank> .
  <https://kg.example.org/id/person/josé-müller> kg:ceoOf
    <https://kg.example.org/id/organization/ærø-fjord-bank> .
}
"""
ACCENTED = {"José Müller", "Ærø Fjord Bank"}


def _strings(value: object) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value))
    return {value} if isinstance(value, str) else set()


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize(
    ("command", "fmt"),
    [
        (["query", "entities"], "json"),
        (["query", "entities"], "sparql-json"),
        (["analyze"], "json"),
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(v),
)
def test_json_is_valid_and_keeps_the_names_whatever_the_output_encoding(
    tmp_path, command, fmt, encoding
):
    import json

    path = tmp_path / "g.trig"
    path.write_text(ACCENTED_TRIG, encoding="utf-8")
    done = _kg(*command, str(path), "--format", fmt, env={"PYTHONIOENCODING": encoding})
    assert done.returncode == 0, done.stderr
    assert done.stdout.isascii()  # \u escapes, which any reader reads as JSON
    assert ACCENTED <= _strings(json.loads(done.stdout.decode("utf-8")))


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_constructed_turtle_is_utf8_whatever_the_output_encoding(tmp_path, encoding):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    path = tmp_path / "g.trig"
    path.write_text(ACCENTED_TRIG, encoding="utf-8")
    query = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
    done = _kg("query", "-e", query, str(path), env={"PYTHONIOENCODING": encoding})
    assert done.returncode == 0, done.stderr
    out = tmp_path / "c.ttl"
    out.write_bytes(done.stdout)
    expected = Graph()
    for s, p, o, _ in load(path).quads((None, None, None, None)):
        expected.add((s, p, o))
    assert isomorphic(Graph().parse(out, format="turtle"), expected)
    # and kg reads back what it wrote
    assert _kg("info", str(out)).returncode == 0


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"], ids=["CR", "LF", "CRLF"])
def test_csv_cells_with_line_breaks_read_back_as_one_row_and_no_line_is_a_formula(
    tmp_path, capsys, newline
):
    import csv
    import io
    import json

    labels = [
        f"{newline}=1+1",
        f"ok{newline}-2+3{newline}@SUM(A1)",
        f"=A1{newline}+B2",
        f"plain{newline}-0.5",
    ]
    path = tmp_path / "g.nt"
    path.write_text(
        "".join(
            f"<http://e/{n}> <http://www.w3.org/2000/01/rdf-schema#label> {json.dumps(label)} .\n"
            for n, label in enumerate(labels)
        ),
        encoding="utf-8",
    )
    query = "SELECT ?l ?x WHERE { ?e rdfs:label ?l BIND(STR(?e) AS ?x) } ORDER BY ?x"
    assert main(["query", "-e", query, str(path), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out, newline="")))
    # each row reads back whole: its label, then its entity
    assert rows[0] == ["l", "x"]
    assert [row[1] for row in rows[1:]] == [f"http://e/{n}" for n in range(len(labels))]
    assert all(len(row) == 2 for row in rows)
    cells = [row[0] for row in rows[1:]]
    for cell in cells:
        for line in cell.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            assert line[:1] not in ("=", "+", "-", "@") or line == "-0.5", cells
    # a cell keeps its text, with a ' before a formula's line
    assert cells[1] == f"ok{newline}'-2+3{newline}'@SUM(A1)"
    assert cells[3] == f"plain{newline}-0.5"


def test_the_ill_typed_literal_warning_shows_the_start_of_a_long_literal(tmp_path):
    path = tmp_path / "long.nt"
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    path.write_text(f'<http://a> <http://b> "{"9" * 30}{"x" * 5000}"^^{integer} .\n')
    done = _kg("info", str(path))
    assert done.returncode == 0
    assert done.stderr.decode().splitlines() == [
        "kg: warning: 1 ill-typed literal kept as text, "
        f'e.g. "{"9" * 30}{"x" * 10}..."^^xsd:integer'
    ]


def test_rdflib_warnings_other_than_ill_typed_literals_still_show(caplog, capsys):
    import logging

    from rdflib import XSD, Literal

    from kg.cli.common import quiet_literals

    with caplog.at_level(logging.WARNING, logger="rdflib.term"), quiet_literals():
        assert Literal("x", datatype=XSD.integer).value is None  # kept, as text
        logging.getLogger("rdflib.term").warning("http://a b does not look like a valid URI")
    assert [r.getMessage() for r in caplog.records] == ["http://a b does not look like a valid URI"]
    assert capsys.readouterr().err == (
        'kg: warning: 1 ill-typed literal kept as text, e.g. "x"^^xsd:integer\n'
    )
