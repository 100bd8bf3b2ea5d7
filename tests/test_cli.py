"""End-to-end tests of the ``kg`` command, driven through ``kg.cli.main(argv)``.

Users rely on three promises here: every mistake they can make is reported as
one ``kg: error: ...`` line with the exit code its error class names, a failed
build never creates or damages an output file, and a good build can be read
back by ``kg info`` and ``kg query``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import kg.pipeline
from kg.cli import main
from kg.errors import FormatError, InputError, QueryError, UsageError

ARTICLE = (
    "Sam Altman, OpenAI's CEO, met with studio executives in Los Angeles. "
    "OpenAI's Sora is a video generator.\n"
)
GOOD_TURTLE = b"@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\n"


@dataclass
class Run:
    code: int
    out: str
    err: str


def run(argv: list[str | Path], capsys: pytest.CaptureFixture[str]) -> Run:
    """Run ``kg argv`` like the console script does: a SystemExit code counts as the exit code."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse reports usage errors by exiting
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return Run(code, out, err)


def assert_one_error_line(result: Run, code: int) -> None:
    assert result.code == code, result
    assert result.err.startswith("kg: error:"), result.err
    assert result.err.endswith("\n") and result.err.count("\n") == 1, result.err
    assert result.out == ""


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graph built once for the whole module from ARTICLE (the only model load here)."""
    folder = tmp_path_factory.mktemp("built")
    article = folder / "altman.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    output = folder / "g.ttl"
    assert main(["build", str(article), "-o", str(output), "-q"]) == 0
    assert output.is_file() and output.stat().st_size > 0
    return output


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if kg tries to load the spaCy model."""

    class NoPipeline:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise AssertionError("bad input must be refused before the spaCy model loads")

    monkeypatch.setattr(kg.pipeline, "Pipeline", NoPipeline)


# -- kg build: bad input ----------------------------------------------------


def _missing(tmp: Path) -> list[str | Path]:
    return [tmp / "missing.txt"]


def _empty(tmp: Path) -> list[str | Path]:
    (tmp / "empty.txt").write_bytes(b"")
    return [tmp / "empty.txt"]


def _whitespace(tmp: Path) -> list[str | Path]:
    (tmp / "blank.txt").write_bytes(b"  \n\t\r\n   \n")
    return [tmp / "blank.txt"]


def _binary(tmp: Path) -> list[str | Path]:
    (tmp / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    return [tmp / "image.txt"]


def _latin1(tmp: Path) -> list[str | Path]:
    (tmp / "latin1.txt").write_bytes(b"caf\xe9 au lait")
    return [tmp / "latin1.txt"]


def _dir_without_text(tmp: Path) -> list[str | Path]:
    folder = tmp / "articles"
    folder.mkdir()
    (folder / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    return [folder]


def _good_then_bad(tmp: Path) -> list[str | Path]:
    """All articles are read before the model loads or anything is written."""
    (tmp / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp / "bad.txt").write_bytes(b"caf\xe9 au lait")
    return [tmp / "good.txt", tmp / "bad.txt"]


BAD_INPUTS = [
    pytest.param(_missing, InputError.exit_code, "no such file", id="missing-file"),
    pytest.param(_empty, InputError.exit_code, "empty", id="empty-file"),
    pytest.param(_whitespace, InputError.exit_code, "empty", id="whitespace-only-file"),
    pytest.param(_binary, InputError.exit_code, "binary", id="binary-file"),
    pytest.param(_latin1, InputError.exit_code, "UTF-8", id="latin1-file"),
    pytest.param(_dir_without_text, InputError.exit_code, "no article files", id="dir-without-txt"),
    pytest.param(_good_then_bad, InputError.exit_code, "UTF-8", id="good-then-bad-file"),
]


@pytest.mark.parametrize(("make_inputs", "code", "says"), BAD_INPUTS)
def test_build_bad_input_is_one_error_line_and_writes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    no_model: None,
    make_inputs,
    code: int,
    says: str,
) -> None:
    inputs = make_inputs(tmp_path)
    output = tmp_path / "out" / "g.ttl"
    output.parent.mkdir()
    started = time.perf_counter()
    result = run(["build", *inputs, "-o", output], capsys)
    elapsed = time.perf_counter() - started
    assert_one_error_line(result, code)
    assert says in result.err
    assert list(output.parent.iterdir()) == []  # no output, no leftover temporary file
    assert elapsed < 5, f"refusing bad input took {elapsed:.1f}s"


def test_build_unknown_output_extension_is_format_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    no_model: None,
) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    output = tmp_path / "g.xyz"
    result = run(["build", article, "-o", output], capsys)
    assert_one_error_line(result, FormatError.exit_code)
    assert ".xyz" in result.err and ".ttl" in result.err  # names the bad and the good extensions
    assert not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


@pytest.mark.parametrize(("make_inputs", "code", "says"), BAD_INPUTS)
def test_failed_build_leaves_existing_output_byte_for_byte(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    no_model: None,
    make_inputs,
    code: int,
    says: str,
) -> None:
    output = tmp_path / "out" / "g.ttl"
    output.parent.mkdir()
    output.write_bytes(GOOD_TURTLE)
    before = output.stat().st_mtime_ns
    result = run(["build", *make_inputs(tmp_path), "-o", output], capsys)
    assert result.code == code
    assert output.read_bytes() == GOOD_TURTLE
    assert output.stat().st_mtime_ns == before
    assert [p.name for p in output.parent.iterdir()] == ["g.ttl"]  # no stray temporary file


def test_failed_build_keeps_a_real_graph(
    graph_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    no_model: None,
) -> None:
    output = tmp_path / "g.ttl"
    shutil.copyfile(graph_file, output)
    good = output.read_bytes()
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run(["build", tmp_path / "empty.txt", "-o", output], capsys)
    assert_one_error_line(result, InputError.exit_code)
    assert output.read_bytes() == good


# -- usage errors and help ----------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "--frobnicate"],
        ["build", "a.txt", "-o", "g.ttl", "--frobnicate"],
        ["query", "leaders", "g.ttl", "--frobnicate"],
        ["info", "g.ttl", "--frobnicate"],
        ["--frobnicate"],
        ["frobnicate"],
        ["build", "a.txt"],  # -o is required
        ["query", "leaders", "g.ttl", "--format", "xml"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_bad_usage_exits_64_with_one_line(
    argv: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(argv, capsys)
    assert result.code == UsageError.exit_code == 64
    assert result.err.startswith("kg: error:")
    assert result.err.count("\n") == 1, result.err
    assert list(tmp_path.iterdir()) == []


def test_no_command_prints_help_and_exits_64(capsys: pytest.CaptureFixture[str]) -> None:
    result = run([], capsys)
    assert result.code == 64
    assert "usage: kg" in result.err


@pytest.mark.parametrize(
    ("argv", "mentions"),
    [
        (["--help"], ["build", "query", "info", "Exit codes"]),
        (["build", "--help"], ["--output", "ARTICLE", ".trig"]),
        (["query", "--help"], ["--param", "--list", "GRAPH"]),
        (["info", "--help"], ["GRAPH", "--format"]),
    ],
    ids=["kg", "build", "query", "info"],
)
def test_help_exits_0_with_usage(
    argv: list[str],
    mentions: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    out, err = capsys.readouterr()
    assert out.startswith("usage: kg")
    assert err == ""
    for word in mentions:
        assert word in out


def test_query_list_names_every_shipped_query(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(["query", "--list", "--format", "csv"], capsys)
    assert result.code == 0
    rows = list(csv.reader(io.StringIO(result.out)))
    assert rows[0] == ["query", "asks"]
    names = {row[0] for row in rows[1:]}
    assert {"leaders", "entity", "articles", "entities"} <= names
    assert all(row[1] for row in rows[1:])  # every query says what it asks


# -- kg query / kg info: bad input ----------------------------------------


@pytest.mark.parametrize(
    ("query_text", "says"),
    [
        ("SELECT ?s WHERE { ?s ?p }", "malformed SPARQL"),
        ("PREFIX ex: <https://example.org/>\nSELECT ?s\nWHERE { ?s ex:p ?o \n", "malformed SPARQL"),
        ("SELEKT * WHERE { ?s ?p ?o }", "malformed SPARQL"),
        ("SELECT * WHERE { ?s nope:p ?o }", "malformed SPARQL"),  # undeclared prefix
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "update"),
        ("DELETE WHERE { ?s ?p ?o }", "update"),
        ("DROP ALL", "update"),
    ],
    ids=[
        "missing-object",
        "unclosed-brace",
        "misspelt-keyword",
        "unknown-prefix",
        "insert-data",
        "delete-where",
        "drop-all",
    ],
)
def test_query_bad_sparql_exits_66(
    query_text: str,
    says: str,
    graph_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    query = tmp_path / "bad.rq"
    query.write_text(query_text, encoding="utf-8")
    before = graph_file.read_bytes()
    result = run(["query", query, graph_file], capsys)
    assert_one_error_line(result, QueryError.exit_code)
    assert says in result.err
    assert "bad.rq" in result.err  # says which query
    assert graph_file.read_bytes() == before  # an update never touches the file


def test_query_unknown_param_exits_66(graph_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run(["query", "leaders", graph_file, "--param", "nosuchvar=1"], capsys)
    assert_one_error_line(result, QueryError.exit_code)
    assert "?nosuchvar" in result.err


def test_query_malformed_param_exits_64(
    graph_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(["query", "entity", graph_file, "--param", "novalue"], capsys)
    assert_one_error_line(result, UsageError.exit_code)


def test_query_unknown_query_name_exits_66(
    graph_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(["query", "no-such-query", graph_file], capsys)
    assert_one_error_line(result, QueryError.exit_code)
    assert "leaders" in result.err  # lists the shipped queries


def test_query_without_graph_exits_64(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(["query", "leaders"], capsys)
    assert_one_error_line(result, UsageError.exit_code)


MALFORMED_GRAPHS = [
    pytest.param("bad.ttl", b"@prefix ex: <https://example.org/> .\nex:a ex:b", id="truncated-ttl"),
    pytest.param("bad.ttl", b"ex:a ex:b ex:c .\n", id="undeclared-prefix-ttl"),
    pytest.param(
        "bad.ttl", b"<https://example.org/a> <https://example.org/b> {{{ .\n", id="garbage-ttl"
    ),
    pytest.param("bad.nt", b"<https://example.org/a> <https://example.org/b> .\n", id="short-nt"),
    pytest.param("bad.jsonld", b'{"@id": ', id="truncated-jsonld"),
]


@pytest.mark.parametrize(("name", "data"), MALFORMED_GRAPHS)
@pytest.mark.parametrize("command", [["query", "leaders"], ["info"]], ids=["query", "info"])
def test_malformed_graph_exits_65(
    command: list[str],
    name: str,
    data: bytes,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    graph = tmp_path / name
    graph.write_bytes(data)
    result = run([*command, graph], capsys)
    assert_one_error_line(result, FormatError.exit_code)
    assert name in result.err


def _missing_graph(tmp: Path) -> Path:
    return tmp / "missing.ttl"


def _empty_graph(tmp: Path) -> Path:
    (tmp / "empty.ttl").write_bytes(b" \n")
    return tmp / "empty.ttl"


def _directory_graph(tmp: Path) -> Path:
    (tmp / "graphs.ttl").mkdir()
    return tmp / "graphs.ttl"


@pytest.mark.parametrize("command", [["query", "leaders"], ["info"]], ids=["query", "info"])
@pytest.mark.parametrize(
    ("make_graph", "says"),
    [
        (_missing_graph, "no such file"),
        (_empty_graph, "empty"),
        (_directory_graph, "not a regular file"),
    ],
    ids=["missing", "empty", "directory"],
)
def test_unreadable_graph_exits_2(
    command: list[str],
    make_graph,
    says: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run([*command, make_graph(tmp_path)], capsys)
    assert_one_error_line(result, InputError.exit_code)
    assert says in result.err


def test_query_missing_second_graph_exits_2(
    graph_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run(["query", "leaders", graph_file, tmp_path / "missing.ttl"], capsys)
    assert_one_error_line(result, InputError.exit_code)
    assert "missing.ttl" in result.err


# -- a good build, read back ----------------------------------------------


def test_info_json_summarises_the_graph(
    graph_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(["info", graph_file, "--format", "json"], capsys)
    assert result.code == 0 and result.err == ""
    summary = json.loads(result.out)
    assert {"triples", "articles", "classes", "relations"} <= set(summary)
    assert summary["articles"] == 1
    assert summary["triples"] > 0
    assert summary["classes"].get("Person", 0) >= 1
    assert summary["relations"].get("ceoOf", 0) >= 1


def test_info_table_lists_classes(graph_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run(["info", graph_file], capsys)
    assert result.code == 0
    assert "triples:" in result.out and "Person" in result.out


def test_query_leaders_csv(graph_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run(["query", "leaders", graph_file, "--format", "csv"], capsys)
    assert result.code == 0 and result.err == ""
    rows = list(csv.reader(io.StringIO(result.out)))
    assert rows[0] == ["person", "role", "organization", "title", "confidence"]
    assert ["Sam Altman", "ceoOf", "OpenAI"] in [row[:3] for row in rows[1:]]


def test_query_leaders_json(graph_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run(["query", "leaders.rq", graph_file, "--format", "json"], capsys)
    assert result.code == 0
    rows = json.loads(result.out)
    assert {"person": "Sam Altman", "role": "ceoOf", "organization": "OpenAI"}.items() <= next(
        row for row in rows if row["person"] == "Sam Altman"
    ).items()


@pytest.mark.parametrize(
    ("entity", "expect_rows"),
    [
        ("Sam Altman", True),
        ("Nobody At All", False),
        ('Sam Altman" } ; DROP ALL ; #', False),  # bound as a value, never pasted into the query
    ],
    ids=["known", "unknown", "hostile"],
)
def test_query_entity_param(
    entity: str,
    expect_rows: bool,
    graph_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = graph_file.read_bytes()
    result = run(
        ["query", "entity", graph_file, "--param", f"entity={entity}", "--format", "csv"], capsys
    )
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out)))
    assert rows[0][:3] == ["subject", "property", "object"]
    if expect_rows:
        assert ["Sam Altman", "ceoOf", "OpenAI"] in [row[:3] for row in rows[1:]]
    else:
        assert rows[1:] == []
    assert graph_file.read_bytes() == before


def test_query_own_ask_file(
    graph_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = tmp_path / "has_ceo.rq"
    query.write_text(
        "PREFIX kg: <https://kg.example.org/ontology#>\nASK { ?who kg:ceoOf ?org }\n",
        encoding="utf-8",
    )
    result = run(["query", query, graph_file], capsys)
    assert (result.code, result.out) == (0, "true\n")


#: A person kg knows by a second name, and one fact about them (no model needed).
LOOKUP_TRIG = """\
PREFIX kg: <https://kg.example.org/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX id: <https://kg.example.org/id/>
PREFIX person: <https://kg.example.org/id/person/>
PREFIX org: <https://kg.example.org/id/organization/>
PREFIX art: <https://kg.example.org/id/article/>
PREFIX place: <https://kg.example.org/id/place/>

id:entities {
  person:sam-altman a kg:Person ; rdfs:label "Sam Altman" ; skos:altLabel "Altman" .
  org:openai a kg:Company ; rdfs:label "OpenAI" .
  place:tulsa a kg:Place ; rdfs:label "Tulsa" .
}
art:a {
  art:a a kg:NewsArticle ; rdfs:label "Sora" ; kg:mentions person:sam-altman, org:openai .
  art:a-s0 kg:text "Altman leads OpenAI." ; kg:inArticle art:a .
  person:sam-altman kg:ceoOf org:openai .
  art:a-f0 a kg:Assertion ; rdf:subject person:sam-altman ; rdf:predicate kg:ceoOf ;
    rdf:object org:openai ; kg:inSentence art:a-s0 ; kg:rule "test" ; kg:confidence 0.9 ;
    prov:wasDerivedFrom art:a .
}
"""


@pytest.mark.parametrize("name", ["sam altman", "SAM ALTMAN", "altman", "Sam  Altman"])
@pytest.mark.parametrize("query", ["entity", "articles"])
def test_query_about_an_entity_takes_any_case_and_its_other_names(
    name: str, query: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graph = tmp_path / "g.trig"
    graph.write_text(LOOKUP_TRIG, encoding="utf-8")
    result = run(["query", query, graph, "--param", f"entity={name}", "--format", "csv"], capsys)
    assert (result.code, result.err) == (0, "")
    rows = list(csv.reader(io.StringIO(result.out)))[1:]
    expected = ["Sam Altman", "ceoOf", "OpenAI"] if query == "entity" else ["Sora", "", "0"]
    assert [row[:3] for row in rows] == [expected]


def test_query_about_an_unknown_entity_answers_no_rows_and_names_the_nearest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graph = tmp_path / "g.trig"
    graph.write_text(LOOKUP_TRIG, encoding="utf-8")
    result = run(["query", "entity", graph, "--param", "entity=Sam Altmann"], capsys)
    # no rows is an answer (exit 0); the hint goes to standard error, one line
    assert result.code == 0
    assert result.out.endswith("(0 rows)\n")
    assert result.err == "kg: no entity is named 'Sam Altmann'; nearest: Sam Altman, Altman\n"
    # a known entity with nothing to say gets no hint
    result = run(["query", "entity", graph, "--param", "entity=tulsa"], capsys)
    assert (result.code, result.err) == (0, "")
    assert result.out.endswith("(0 rows)\n")


def test_store_build_reports_the_triples_kg_info_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    examples = Path(__file__).resolve().parent.parent / "examples" / "articles"
    store = tmp_path / "store"
    first, second = examples / "01_sora_hollywood.txt", examples / "02_oscars_weekend.txt"
    # two articles that name the same entities, described once in the store; then the
    # store again, one article unchanged (the count is the store's, not the build's sum)
    for articles in ([first, second], [second]):
        result = run(["build", *articles, "--store", store], capsys)
        assert result.code == 0, result.err
        built = int(re.search(r"(\d+) triples", result.err).group(1))  # type: ignore[union-attr]
        info = run(["info", "--store", store, "--format", "json"], capsys)
        assert built == json.loads(info.out)["triples"]
