"""Tests of kg.query on small hand-made graphs (no spaCy needed).

Users rely on ``--param`` binding values safely (never pasting them into the
query), on every shipped query working, and on query names resolving to the
shipped files.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from kg.cli import main
from kg.errors import QueryError, TimeLimitError, UsageError
from kg.query import (
    bundled_queries,
    describe,
    find_query,
    parse_params,
    run_query,
    with_prefixes,
)
from kg.store import Store, open_store
from kg.store.backends import MemoryStore
from kg.store.terms import inject_values
from kg.vocab import ID, KG

PROV = Namespace("http://www.w3.org/ns/prov#")

HOSTILE_LABELS = [
    'x" } ; DROP ALL ; #',
    '"> <',
    "x' } UNION { ?e ?p ?o } #",
    '"""; DELETE WHERE { ?s ?p ?o } ; #',
    "Sam Altman\\",
]
SHIPPED = ["articles", "deals", "entities", "entity", "events", "leaders", "products", "reports"]


@pytest.fixture(autouse=True)
def _away_from_queries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """find_query looks for files first: run where no 'leaders' file can shadow a shipped query."""
    monkeypatch.chdir(tmp_path)


def _add_entity(g: Graph, key: str, label: str, cls: URIRef = KG.Person) -> URIRef:
    node = ID[key]
    g.add((node, RDF.type, cls))
    g.add((node, RDFS.label, Literal(label)))
    return node


def _add_fact(
    g: Graph, n: int, subject: URIRef, prop: URIRef, obj: URIRef, title: str | None = "CEO"
) -> None:
    """A fact with its provenance, mentioned in its own article ``article-n``."""
    doc, sent, mention, assertion = (
        ID[f"doc{n}"],
        ID[f"doc{n}/s0"],
        ID[f"doc{n}#char=0,8"],
        ID[f"doc{n}/a0"],
    )
    g.add((doc, RDF.type, KG.NewsArticle))
    g.add((doc, RDFS.label, Literal(f"article-{n}")))
    g.add((doc, KG.mentions, subject))
    g.add((sent, RDF.type, KG.Sentence))
    g.add((sent, KG.inArticle, doc))
    g.add((sent, KG.text, Literal(f"sentence {n}")))
    g.add((mention, KG.denotes, subject))
    g.add((mention, KG.inArticle, doc))
    g.add((subject, prop, obj))
    g.add((assertion, RDF.type, KG.Assertion))
    g.add((assertion, RDF.subject, subject))
    g.add((assertion, RDF.predicate, prop))
    g.add((assertion, RDF.object, obj))
    g.add((assertion, KG.inSentence, sent))
    g.add((assertion, KG.rule, Literal("test.rule")))
    g.add((assertion, KG.confidence, Literal(0.9)))
    g.add((assertion, PROV.wasDerivedFrom, doc))
    if title is not None:
        g.add((assertion, KG.title, Literal(title)))


@pytest.fixture
def graph() -> Graph:
    """Sam Altman, and one person per hostile label, each CEO of OpenAI in their own article."""
    g = Graph()
    openai = _add_entity(g, "openai", "OpenAI", KG.Company)
    altman = _add_entity(g, "altman", "Sam Altman")
    g.add((altman, SKOS.altLabel, Literal("Altman")))
    _add_fact(g, 0, altman, KG.ceoOf, openai)
    for n, label in enumerate(HOSTILE_LABELS, start=1):
        _add_fact(g, n, _add_entity(g, f"hostile{n}", label), KG.ceoOf, openai)
    return g


def _run(g: Graph, name: str, *params: str):
    text, source = find_query(name)
    return run_query(g, text, parse_params(list(params)), source)


def _column(result, name: str) -> list[str]:
    i = result.variables.index(name)
    return [str(row[i]) for row in result.rows]


# -- parameter binding ----------------------------------------------------


@pytest.mark.parametrize(
    "n_label",
    list(enumerate(HOSTILE_LABELS, start=1)),
    ids=[f"hostile{n}" for n in range(1, len(HOSTILE_LABELS) + 1)],
)
def test_entity_query_binds_hostile_label_as_a_literal(graph: Graph, n_label) -> None:
    n, label = n_label
    size = len(graph)
    result = _run(graph, "entity", f"entity={label}")
    assert result.kind == "SELECT"
    assert [row[:3] for row in result.rows] == [
        (Literal(label), Literal("ceoOf"), Literal("OpenAI"))
    ]
    assert _column(result, "article") == [f"article-{n}"]
    assert len(graph) == size  # nothing dropped or deleted


@pytest.mark.parametrize(
    "n_label",
    list(enumerate(HOSTILE_LABELS, start=1)),
    ids=[f"hostile{n}" for n in range(1, len(HOSTILE_LABELS) + 1)],
)
def test_articles_query_binds_hostile_label_as_a_literal(graph: Graph, n_label) -> None:
    n, label = n_label
    result = _run(graph, "articles", f"entity={label}")
    assert _column(result, "article") == [f"article-{n}"]
    assert _column(result, "mentions") == ["1"]


@pytest.mark.parametrize(
    "value",
    [
        'Sam Altman" } ; DROP ALL ; #',
        'Sam Altman"',
        'Sam Altman" . ?e ?p ?o . #',
        "?entity",
        "*",
        "",
    ],
)
@pytest.mark.parametrize("query", ["entity", "articles"])
def test_hostile_or_near_miss_values_match_nothing(graph: Graph, query: str, value: str) -> None:
    size = len(graph)
    result = _run(graph, query, f"entity={value}")
    assert result.rows == ()
    assert len(graph) == size


@pytest.mark.parametrize(
    ("value", "article"), [("Sam Altman", "article-0"), ("Altman", "article-0")]
)
def test_plain_label_and_alt_label_match(graph: Graph, value: str, article: str) -> None:
    assert set(_column(_run(graph, "entity", f"entity={value}"), "article")) == {article}
    assert _column(_run(graph, "articles", f"entity={value}"), "article") == [article]


def test_angle_bracket_param_binds_an_iri(graph: Graph) -> None:
    query = "SELECT ?label WHERE { ?who <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    result = run_query(graph, query, parse_params([f"who=<{ID['altman']}>"]))
    assert result.rows == ((Literal("Sam Altman"),),)


def test_iri_param_is_not_a_label(graph: Graph) -> None:
    """entity=<...> binds an IRI, so it does not match the node whose label is that text."""
    assert _run(graph, "entity", "entity=<https://kg.example.org/id/altman>").rows == ()


@pytest.mark.parametrize(
    ("pair", "name", "term"),
    [
        ("entity=Sam Altman", "entity", Literal("Sam Altman")),
        ("?entity=Sam Altman", "entity", Literal("Sam Altman")),
        ("$entity=Sam Altman", "entity", Literal("Sam Altman")),
        ("entity=a=b", "entity", Literal("a=b")),
        ("entity=", "entity", Literal("")),
        ("who=<https://kg.example.org/id/x>", "who", URIRef("https://kg.example.org/id/x")),
        ("who=<https://kg.example.org/id/x", "who", Literal("<https://kg.example.org/id/x")),
        ('entity=x" } ; DROP ALL ; #', "entity", Literal('x" } ; DROP ALL ; #')),
    ],
)
def test_parse_params(pair: str, name: str, term) -> None:
    params = parse_params([pair])
    assert params == {name: term}
    assert type(params[name]) is type(term)


@pytest.mark.parametrize("pair", ["novalue", "1bad=x", "=x", "my-var=x", "a b=x", ""])
def test_parse_params_rejects_bad_pairs(pair: str) -> None:
    with pytest.raises(UsageError, match="NAME=VALUE"):
        parse_params([pair])


@pytest.mark.parametrize("value", ["<not an iri>", "<a b>", "<>", "<relative/path>", "<x:a\\b>"])
def test_an_iri_param_that_is_not_an_iri_is_refused(value: str) -> None:
    """A value in angle brackets that is no absolute IRI is refused by name, not bound
    (rdflib would only log a warning and the query would match nothing, or break)."""
    with pytest.raises(UsageError, match=f"^--param entity: {re.escape(value)} is not an IRI$"):
        parse_params([f"entity={value}"])


def test_a_bad_iri_param_is_one_clear_line_and_nothing_from_rdflib(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    graph = tmp_path / "g.ttl"
    graph.write_text(f'<{ID["a"]}> <{RDFS.label}> "A" .\n', encoding="utf-8")
    assert main(["query", "entity", str(graph), "--param", "entity=<not an iri>"]) == 64
    captured = capfd.readouterr()
    assert captured.err == "kg: error: --param entity: <not an iri> is not an IRI\n"
    assert captured.out == ""


def test_unknown_param_is_refused(graph: Graph) -> None:
    with pytest.raises(QueryError, match=r"\?nosuch"):
        _run(graph, "leaders", "nosuch=1")


def test_param_named_only_in_a_comment_is_refused(graph: Graph) -> None:
    text = "# ?ghost is not a variable\nSELECT ?s WHERE { ?s ?p ?o }"
    with pytest.raises(QueryError, match=r"\?ghost"):
        run_query(graph, text, parse_params(["ghost=1"]))


def test_param_after_hash_in_a_string_is_accepted(graph: Graph) -> None:
    text = 'SELECT ?e WHERE { ?e ?p ?o . FILTER(CONTAINS(STR(?p), "#") && ?o = ?target) }'
    result = run_query(graph, text, parse_params([f"target=<{ID['openai']}>"]))
    expected = {s for s, p, _ in graph.triples((None, None, ID["openai"])) if "#" in str(p)}
    assert expected and {row[0] for row in result.rows} == expected


# -- run_query --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s WHERE { ?s ?p }",
        "SELECT * WHERE { ?s nope:p ?o }",
        "SELEKT * WHERE { ?s ?p ?o }",
        "",
    ],
)
def test_malformed_query_raises_query_error(graph: Graph, text: str) -> None:
    with pytest.raises(QueryError, match=r"malformed SPARQL in mine\.rq"):
        run_query(graph, text, {}, "mine.rq")


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "CLEAR DEFAULT",
    ],
)
def test_update_is_refused_and_graph_untouched(graph: Graph, text: str) -> None:
    size = len(graph)
    with pytest.raises(QueryError, match="update"):
        run_query(graph, text, {}, "mine.rq")
    assert len(graph) == size


def test_ask_and_construct(graph: Graph) -> None:
    ask = run_query(graph, "ASK { ?s <https://kg.example.org/ontology#ceoOf> ?o }")
    assert (ask.kind, ask.boolean) == ("ASK", True)
    construct = run_query(
        graph,
        "CONSTRUCT { ?s <urn:leads> ?o } WHERE { ?s <https://kg.example.org/ontology#ceoOf> ?o }",
    )
    assert construct.kind == "CONSTRUCT"
    assert construct.graph is not None and len(construct.graph) == 1 + len(HOSTILE_LABELS)


# -- shipped queries ----------------------------------------------------------


def test_shipped_query_names() -> None:
    assert sorted(bundled_queries()) == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_query_runs_on_empty_graph(name: str) -> None:
    params = ["entity=Sam Altman"] if name in ("entity", "articles") else []
    result = _run(Graph(), name, *params)
    assert result.kind == "SELECT"
    assert result.variables  # has named columns
    assert result.rows == ()


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_query_runs_on_sample_graph(graph: Graph, name: str) -> None:
    params = ["entity=Sam Altman"] if name in ("entity", "articles") else []
    assert _run(graph, name, *params).kind == "SELECT"


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_query_describes_itself(name: str) -> None:
    path = bundled_queries()[name]
    assert path.read_text(encoding="utf-8").startswith("# ")
    text = describe(path)
    assert text and not text.startswith("#")


def test_leaders_finds_the_ceo(graph: Graph) -> None:
    result = _run(graph, "leaders")
    rows = {tuple(str(v) for v in row[:4]) for row in result.rows}
    assert ("Sam Altman", "ceoOf", "OpenAI", "CEO") in rows


def test_leaders_lists_a_founder_without_title(graph: Graph) -> None:
    founder = _add_entity(graph, "founder", "Ilya Sutskever")
    _add_fact(graph, 99, founder, KG.founderOf, ID["openai"], title=None)
    rows = {tuple(str(v) for v in row[:3]) for row in _run(graph, "leaders").rows}
    assert {("Sam Altman", "ceoOf", "OpenAI"), ("Ilya Sutskever", "founderOf", "OpenAI")} <= rows


# -- find_query ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["leaders", "leaders.rq"])
def test_find_query_finds_shipped_query(name: str) -> None:
    text, source = find_query(name)
    shipped = bundled_queries()["leaders"]
    assert text == shipped.read_text(encoding="utf-8")
    assert Path(source) == shipped


def test_find_query_prefers_a_file(tmp_path: Path) -> None:
    mine = tmp_path / "mine.rq"
    mine.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert find_query(str(mine)) == ("ASK { ?s ?p ?o }", str(mine))


@pytest.mark.parametrize("name", ["nope", "nope.rq", "leader", "queries/nope.rq"])
def test_find_query_unknown_name_lists_shipped(name: str) -> None:
    with pytest.raises(QueryError) as exc:
        find_query(name)
    message = str(exc.value)
    assert name in message
    for shipped in SHIPPED:
        assert shipped in message


def test_find_query_non_utf8_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_bytes(b"# caf\xe9\nASK { ?s ?p ?o }")
    with pytest.raises(QueryError, match="UTF-8"):
        find_query(str(bad))


def test_find_query_missing_path_is_not_a_shipped_query(tmp_path: Path) -> None:
    with pytest.raises(QueryError):
        find_query(str(tmp_path / "my-queries" / "leaders.rq"))


# -- graph files are queried through an in-memory Oxigraph (issue 34) ---------------


def _chain(n: int) -> Graph:
    """``n`` nodes, each linked to the next and labelled: a graph whose two-step
    joins rdflib's SPARQL engine evaluates in Python, one solution at a time."""
    g = Graph()
    for i in range(n):
        g.add((ID[f"n{i}"], KG.mentions, ID[f"n{i + 1}"]))
        g.add((ID[f"n{i}"], RDFS.label, Literal(f"node {i}")))
    return g


def test_graph_file_query_answers_in_oxigraph_time() -> None:
    # 360,000 pairs of labels to compare: rdflib's engine took 25 s (the README's
    # leaders query 70 s on 19 articles); Oxigraph well under a second
    store = MemoryStore(_chain(600))
    store.timeout = 10.0
    result = run_query(
        store,
        "SELECT (COUNT(*) AS ?n) WHERE { ?a rdfs:label ?l . ?b rdfs:label ?m "
        "FILTER(STRSTARTS(?m, ?l) && ?a != ?b) }",
    )
    # "node 1" starts "node 10".."node 19" and "node 100".."node 199", and so on
    assert int(result.rows[0][0]) == 1090  # type: ignore[arg-type]


def test_time_limit_on_graph_files_says_a_store_is_faster() -> None:
    store = MemoryStore(_chain(300))
    store.timeout = 0.5
    with pytest.raises(TimeLimitError, match=r"time limit of 0\.5 s.*Oxigraph store.*--store"):
        run_query(
            store,
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }",
        )


def test_graph_file_query_keeps_default_graph_triples_in_the_union(tmp_path: Path) -> None:
    # a .ttl file's triples are in the dataset's default graph, an article's in its own
    dataset = Dataset(default_union=True)
    dataset.default_graph.add((ID.a, RDFS.label, Literal("in the default graph")))
    dataset.graph(ID.g).add((ID.b, RDFS.label, Literal("in a named graph")))
    labels = _column(run_query(MemoryStore(dataset), "SELECT ?l WHERE { ?s rdfs:label ?l }"), "l")
    assert sorted(labels) == ["in a named graph", "in the default graph"]
    named = run_query(MemoryStore(dataset), f"SELECT ?l FROM <{ID.g}> WHERE {{ ?s rdfs:label ?l }}")
    assert _column(named, "l") == ["in a named graph"]
    absent = run_query(
        MemoryStore(dataset),
        f"SELECT ?l FROM <{(tmp_path / 'x.ttl').as_uri()}> WHERE {{ ?s rdfs:label ?l }}",
    )
    assert absent.rows == ()  # a graph the data lacks is empty, not a file to read


def test_graph_file_query_sees_writes_made_after_an_earlier_query() -> None:
    store = MemoryStore()
    assert store.count() == 0
    labels = "SELECT ?l WHERE { ?s rdfs:label ?l }"
    first, second = Graph(), Graph()
    first.add((ID.a, RDFS.label, Literal("first")))
    second.add((ID.b, RDFS.label, Literal("second")))
    store.replace_graph(str(ID.g1), first)
    store.replace_graph(str(ID.g2), second)
    assert sorted(_column(run_query(store, labels), "l")) == ["first", "second"]
    store.replace_graph(str(ID.g1), second)
    store.remove_graph(str(ID.g2))
    assert _column(run_query(store, labels), "l") == ["second"]
    store.merge_entities(first)
    assert sorted(_column(run_query(store, labels), "l")) == ["first", "second"]
    store.dataset().add((ID.c, RDFS.label, Literal("by hand")))
    assert sorted(_column(run_query(store, labels), "l")) == ["by hand", "first", "second"]
    odd = Graph()
    odd.add((URIRef("relative/iri"), RDFS.label, Literal("odd")))
    store.replace_graph(str(ID.g3), odd)
    assert "odd" in _column(run_query(store, labels), "l")


def test_graph_with_terms_oxigraph_refuses_is_still_queried() -> None:
    g = Graph()
    g.add((URIRef("relative/iri"), RDFS.label, Literal("kept")))
    result = run_query(g, "SELECT ?l WHERE { ?s rdfs:label ?l }")
    assert _column(result, "l") == ["kept"]


# -- time limits that hold (issue 34, item 15) -------------------------------------


def test_backtracking_regex_on_a_graph_file_finishes_within_the_time_limit() -> None:
    # Python's re needs about 2**28 steps for this and holds the interpreter meanwhile,
    # so neither the time limit nor Ctrl-C could stop it; Oxigraph's regex is linear
    g = Graph()
    g.add((ID.a, RDFS.label, Literal("a" * 28 + "!")))
    g.add((ID.b, RDFS.label, Literal("aaaa")))
    store = MemoryStore(g)
    store.timeout = 5.0
    start = time.monotonic()
    result = run_query(store, 'SELECT ?s WHERE { ?s rdfs:label ?l FILTER(REGEX(?l, "^(a+)+$")) }')
    assert time.monotonic() - start < 5.0
    assert result.rows == ((ID.b,),)


def test_parsing_a_long_query_counts_against_the_time_limit() -> None:
    values = " ".join(f"<https://example.org/e{i}>" for i in range(24_000))  # 650 KB
    store = MemoryStore(Graph())
    store.timeout = 0.2
    start = time.monotonic()
    with pytest.raises(TimeLimitError):
        run_query(store, f"SELECT ?s WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")
    assert time.monotonic() - start < 1.0


def test_writing_a_large_construct_result_counts_against_the_time_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "nodes.nt"
    data.write_text(
        "".join(f'<https://example.org/n{i}> <https://example.org/q> "{i}" .\n' for i in range(20))
    )

    def slow(self: Graph, *args: object, **kwargs: object) -> str:
        # as rdflib is on a CONSTRUCT result of millions of triples
        time.sleep(30)
        return ""

    monkeypatch.setattr(Graph, "serialize", slow)
    query = (
        "CONSTRUCT { ?a <https://example.org/p> ?b } "
        "WHERE { ?a <https://example.org/q> ?x . ?b <https://example.org/q> ?y }"
    )
    start = time.monotonic()
    code = main(["query", "-e", query, str(data), "--timeout", "1"])
    out, err = capsys.readouterr()
    assert code == TimeLimitError.exit_code
    assert "writing the result ran past its time limit of 1 s" in err
    assert out == ""
    assert time.monotonic() - start < 10


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_stops_a_long_graph_file_query_at_once(
    tmp_path: Path, signum: int, code: int
) -> None:
    data = tmp_path / "nodes.nt"
    data.write_text(
        "".join(f'<https://example.org/n{i}> <https://example.org/q> "{i}" .\n' for i in range(400))
    )
    # 400**4 solutions to count: hours in Oxigraph's native code
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "query", "-e", query, str(data), "--timeout", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # as from a terminal: a shell's background job would pass Ctrl-C on as ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        time.sleep(4)  # past start-up and into the query
        assert process.poll() is None
        sent = time.monotonic()
        process.send_signal(signum)
        process.wait(timeout=10)
        assert time.monotonic() - sent < 3
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == code


def test_a_failed_service_call_on_a_graph_file_is_one_line(tmp_path: Path) -> None:
    # the error is raised while pyoxigraph's result is read; the result must not
    # travel with it to the thread that reports it (pyoxigraph aborts then)
    data = tmp_path / "nodes.nt"
    data.write_text('<https://example.org/n> <https://example.org/q> "1" .\n')
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", "query", "-e", query, str(data), "--allow-remote"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 75
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("kg: error: cannot query the graph: ")


# -- parameters stay values on every backend (issue 34, item 18) -------------------

# the top-level WHERE keyword is optional: the first "WHERE {" in the text is then in
# a string, where a VALUES block pasted after it binds nothing
HIDDEN_WHERE = "SELECT ?o ('''\nWHERE {\n''' AS ?x) { ?e rdfs:label ?entity . ?e kg:ceoOf ?o }"


@pytest.fixture(params=["memory", "oxigraph"])
def store(request: pytest.FixtureRequest, tmp_path: Path, graph: Graph) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryStore(graph)
        return
    held = open_store(str(tmp_path / "db"))
    held.replace_graph(str(ID.g), graph)
    try:
        yield held
    finally:
        held.close()


def test_a_where_hidden_in_a_long_string_cannot_unbind_a_param(store: Store) -> None:
    result = run_query(store, HIDDEN_WHERE, {"entity": Literal("Sam Altman")})
    assert _column(result, "o") == [str(ID["openai"])]


def test_inject_values_binds_in_the_top_level_group_not_a_string() -> None:
    bound = inject_values(with_prefixes(HIDDEN_WHERE), {"entity": Literal("Sam Altman")})
    assert bound.endswith(
        '{ VALUES (?entity) { ("Sam Altman") } ?e rdfs:label ?entity . ?e kg:ceoOf ?o }'
    )


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?o { ?e rdfs:label ?entity { SELECT ?e ?o WHERE { ?e kg:ceoOf ?o } } }",
        "SELECT ?o (EXISTS { ?a ?b ?c } AS ?x) { ?e rdfs:label ?entity . ?e kg:ceoOf ?o }",
        "SELECT ?o WHERE { ?e rdfs:label ?entity . ?e kg:ceoOf ?o } # WHERE { #",
        'SELECT ?o WHERE { ?e rdfs:label ?entity . ?e kg:ceoOf ?o FILTER(?o != """\n{""") }',
    ],
)
def test_param_binds_whatever_the_query_nests_or_quotes(store: Store, text: str) -> None:
    result = run_query(store, text, {"entity": Literal("Sam Altman")})
    assert _column(result, "o") == [str(ID["openai"])]


def test_projected_param_is_bound_by_oxigraph_substitution(store: Store) -> None:
    result = run_query(
        store,
        "SELECT ?entity ?o WHERE { ?e rdfs:label ?entity . ?e kg:ceoOf ?o }",
        {"entity": Literal("Sam Altman")},
    )
    assert [str(row[0]) for row in result.rows] == ["Sam Altman"]


def test_construct_where_short_form_with_a_param_is_refused_clearly(store: Store) -> None:
    with pytest.raises(QueryError, match="CONSTRUCT WHERE"):
        run_query(
            store, "CONSTRUCT WHERE { ?e rdfs:label ?entity }", {"entity": Literal("Sam Altman")}
        )


# backslashes and codepoint escapes in a value: rdflib expands \uXXXX anywhere in a
# query before reading it (Oxigraph in strings only), so a value written into the
# query text must read back as itself on both
CODEPOINT_VALUES = [
    *["\\u0022", "x\\u0041y", "\\", "\U0001f600", 'a "b" \\"', "\\U0001F600", "\\u005C"],
    *["\\u00750022", "\\\\u", "\\uD83D\\uDE00", "<\t", "a\\\tb"],
]


@pytest.mark.parametrize("backend", ["memory", "oxigraph", "oxigraph_server", "virtuoso_server"])
def test_a_value_with_codepoint_escapes_binds_as_itself(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    """On every backend (the server's binds by a VALUES block in the query's text) a
    value with backslashes, \\u escapes or quotes matches exactly the label it is."""
    graph = Graph()
    nodes = {
        value: _add_entity(graph, f"odd{n}", value) for n, value in enumerate(CODEPOINT_VALUES)
    }
    _add_entity(graph, "other", "xAy")  # what x\u0041y would be if expanded
    if backend == "memory":
        store: Store = MemoryStore(graph)
    else:
        # the servers' fixtures start them for the tests that need them
        where = tmp_path / "db" if backend == "oxigraph" else request.getfixturevalue(backend)
        store = open_store(str(where))
        store.replace_graph(str(ID.odd_graph), graph)
    texts = (
        "SELECT ?e WHERE { ?e rdfs:label ?name }",  # a VALUES block in the text
        "SELECT ?e ?name WHERE { ?e rdfs:label ?name }",  # Oxigraph's substitution
        # the user's own query spells a character as an escape
        "SELECT ?e WHERE { ?e rdfs:label ?name FILTER(?name != '\\u0041') }",
    )
    with store:
        for value, node in nodes.items():
            for text in texts:
                result = run_query(store, text, {"name": Literal(value)})
                assert [row[0] for row in result.rows] == [node], (value, text)


def test_a_bound_value_is_written_so_no_codepoint_escape_forms_in_the_query() -> None:
    bound = inject_values("SELECT * WHERE { ?s ?p ?o }", {"o": Literal("\\u0022")})
    # the value's backslash as an escape, and its "u0022" spelt out: no \uXXXX of the value's
    assert bound == (
        r'SELECT * WHERE { VALUES (?o) { ("\\\u0075\u0030\u0030\u0032\u0032") } ?s ?p ?o }'
    )
