"""Stores: the same suite against rdflib in memory, a TriG file, Oxigraph on disk, and
two real SPARQL servers on 127.0.0.1 (Oxigraph's and OpenLink Virtuoso), plus
transactions, removal, diffs and crashes."""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import free_port
from rdflib import RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.cli import main
from kg.errors import StoreError, UsageError
from kg.pipeline import dataset_of, quarantine_name, write_graphs
from kg.query import bundled_queries, find_query, run_query
from kg.sources import read_articles
from kg.store import Store, ntriples_lines, open_store
from kg.store.backends import ONTOLOGY_GRAPH, MemoryStore
from kg.vocab import ENTITIES

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"
PARAMS = {"entity": Literal("Sam Altman"), "articles": None}
BACKENDS = ["memory", "file", "oxigraph", "server", "virtuoso"]


@pytest.fixture(scope="module")
def graphs(pipeline):
    return list(pipeline.graphs(pipeline.extractions(read_articles([EXAMPLES]))))


def make_store(kind: str, tmp_path: Path, server: str | None) -> Store:
    if kind == "memory":
        return open_store("memory:")
    if kind == "file":
        return open_store(str(tmp_path / "store.trig"))
    if kind == "oxigraph":
        return open_store(f"oxigraph:{tmp_path / 'ox'}")
    # a fresh server store: clear what earlier tests wrote
    assert server is not None
    store = open_store(server)
    for name in store.article_graphs():
        store.remove_graph(name)
    return store


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path) -> Iterator[Store]:
    server = None
    if request.param in ("server", "virtuoso"):
        fixture = "oxigraph_server" if request.param == "server" else "virtuoso_server"
        server = request.getfixturevalue(fixture)  # started only for the tests that need it
    with make_store(request.param, tmp_path, server) as opened:
        yield opened


def _term(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Literal) and "; " in str(value):
        # GROUP_CONCAT's order is unspecified in SPARQL: compare the parts as a set
        return "; ".join(sorted(str(value).split("; ")))
    return value.n3()


def canonical(result) -> list[tuple[str, ...]]:
    return sorted(tuple(_term(v) for v in row) for row in result.rows)


@pytest.fixture(scope="module")
def reference(graphs) -> dict[str, list[tuple[str, ...]]]:
    """Every shipped query's answer from the in-memory rdflib store."""
    memory = MemoryStore(dataset_of(graphs))
    answers = {}
    for name in bundled_queries():
        text, _ = find_query(name)
        params = {"entity": Literal("Sam Altman")} if "?entity" in text else {}
        answers[name] = canonical(run_query(memory, text, params, name))
    return answers


@pytest.mark.parametrize("query", sorted(bundled_queries()))
def test_every_backend_gives_the_same_answers(store, graphs, reference, query):
    write_graphs(store, graphs)
    text, _ = find_query(query)
    params = {"entity": Literal("Sam Altman")} if "?entity" in text else {}
    answer = canonical(run_query(store, text, params, query))
    assert answer == reference[query]
    assert answer or query in ("deals",)  # the examples answer every other question


def test_rebuilding_is_idempotent(store, graphs):
    first = write_graphs(store, graphs)
    count = store.count()
    second = write_graphs(store, graphs)
    assert all(d.added for d in first)
    assert not any(d.added or d.removed for d in second)
    assert store.count() == count
    assert store.article_graphs() == sorted([*(a.name for a in graphs), str(ENTITIES)])


def test_rebuild_replaces_exactly_the_article(store, graphs):
    write_graphs(store, graphs)
    name, graph = graphs[0].name, graphs[0].graph
    changed = graph.__class__()
    for triple in graph:
        changed.add(triple)
    extra = (URIRef(name), URIRef("https://kg.example.org/ontology#text"), Literal("edited"))
    changed.add(extra)
    others = {a.name: len(store.graph(a.name)) for a in graphs[1:]}
    (diff,) = write_graphs(store, [graphs[0]._replace(graph=changed)])
    assert diff.added == (f"{extra[0].n3()} {extra[1].n3()} {extra[2].n3()} .",)
    assert diff.removed == ()
    assert {a.name: len(store.graph(a.name)) for a in graphs[1:]} == others


def test_remove_retracts_one_article_and_keeps_shared_entities(store, graphs):
    write_graphs(store, graphs)
    name = graphs[0][0]
    diff = store.remove_graph(name)
    assert diff.removed and name not in store.article_graphs()
    ask = 'ASK { ?e <http://www.w3.org/2000/01/rdf-schema#label> "OpenAI" }'
    store.collect_garbage()
    assert run_query(store, ask).boolean  # still named by the other articles
    for item in graphs[1:]:
        store.remove_graph(item.name)
    store.collect_garbage()
    assert not run_query(store, ask).boolean  # no article names it any more


def test_stores_report_graph_contents_exactly(store, graphs):
    write_graphs(store, graphs)
    for item in graphs:
        assert isomorphic(store.graph(item.name), item.graph)


def test_replacing_many_graphs_mixes_new_changed_and_emptied_in_order(store, graphs):
    """Oxigraph loads the new graphs of a batch together and replaces the others one by
    one; every backend must give the same contents and the same diffs, in order."""
    first, second, third = graphs[0], graphs[1], graphs[2]
    store.replace_graphs([(first.name, first.graph), (second.name, second.graph)])
    changed = first.graph.__class__()
    for triple in first.graph:
        changed.add(triple)
    extra = (URIRef(first.name), URIRef("https://kg.example.org/ontology#text"), Literal("x"))
    changed.add(extra)
    empty = first.graph.__class__()
    diffs = store.replace_graphs(
        [
            (first.name, changed),  # held: changed
            (third.name, third.graph),  # new
            ("https://kg.example.org/id/article/never", empty),  # absent and empty
            (second.name, empty),  # held: emptied, so removed
        ]
    )
    assert [d.graph for d in diffs] == [
        first.name,
        third.name,
        "https://kg.example.org/id/article/never",
        second.name,
    ]
    assert diffs[0].added == (" ".join(t.n3() for t in extra) + " .",) and not diffs[0].removed
    assert diffs[1].added == tuple(sorted(ntriples_lines(third.graph))) and not diffs[1].removed
    assert not diffs[2].added and not diffs[2].removed
    assert diffs[3].removed == tuple(sorted(ntriples_lines(second.graph)))
    assert isomorphic(store.graph(first.name), changed)
    assert isomorphic(store.graph(third.name), third.graph)
    assert second.name not in store.article_graphs()


def test_unknown_store_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown store"):
        open_store("ftp:somewhere")


def test_a_store_file_must_keep_graphs(tmp_path):
    with pytest.raises(UsageError, match=r"\.trig or \.nq"):
        open_store(str(tmp_path / "flat.ttl"))


def test_a_server_that_is_down_is_one_clear_error(capsys):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError, match="cannot reach SPARQL server"):
        open_store(url).article_graphs()
    assert main(["info", "--store", url]) == 75
    assert capsys.readouterr().err.count("\n") == 1


def test_a_slow_server_times_out(capsys):
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}?timeout=0.5"
        with pytest.raises(StoreError, match="did not answer"):
            open_store(url).article_graphs()


def test_cli_builds_queries_and_removes_in_a_store(tmp_path, capsys):
    location = str(tmp_path / "st")
    assert main(["build", str(EXAMPLES), "--store", location, "-q"]) == 0
    assert main(["query", "leaders", "--store", location, "--format", "csv"]) == 0
    assert "Sam Altman,ceoOf,OpenAI" in capsys.readouterr().out
    assert main(["build", str(EXAMPLES), "--store", location, "--diff", "-q"]) == 0
    assert capsys.readouterr().out == ""  # nothing changed
    assert main(["remove", str(EXAMPLES / "01_sora_hollywood.txt"), "--store", location]) == 0
    assert main(["info", "--store", location, "--format", "json"]) == 0
    assert '"articles": 2' in capsys.readouterr().out
    assert main(["remove", "01_sora_hollywood", "--store", location]) == 64


@pytest.mark.parametrize("kind", ["server", "virtuoso"])
def test_cli_builds_rebuilds_diffs_and_removes_on_a_sparql_server(request, kind, tmp_path, capsys):
    """The command line on a real server: Oxigraph's, and Virtuoso with its endpoints
    named in the URL."""
    import shutil

    fixture = "oxigraph_server" if kind == "server" else "virtuoso_server"
    url = request.getfixturevalue(fixture)
    make_store(kind, tmp_path, url).close()  # empty of what earlier tests wrote
    articles = tmp_path / "articles"
    shutil.copytree(EXAMPLES, articles)
    assert main(["build", str(articles), "--store", url, "-q"]) == 0
    assert main(["query", "leaders", "--store", url, "--format", "csv"]) == 0
    assert "Sam Altman,ceoOf,OpenAI" in capsys.readouterr().out
    assert main(["build", str(articles), "--store", url, "--diff", "-q"]) == 0
    assert capsys.readouterr().out == ""  # nothing changed
    oscars = articles / "02_oscars_weekend.txt"
    oscars.write_text(oscars.read_text(encoding="utf-8") + "\nLater, Lena Vogt met Sam Altman.\n")
    assert main(["build", str(articles), "--store", url, "--diff", "-q"]) == 0
    changed = capsys.readouterr().out.splitlines()
    assert any(line.startswith("+ ") and "Lena Vogt" in line for line in changed)
    assert main(["remove", str(articles / "01_sora_hollywood.txt"), "--store", url]) == 0
    assert main(["info", "--store", url, "--format", "json"]) == 0
    assert '"articles": 2' in capsys.readouterr().out


def test_query_prints_sparql_results_json(tmp_path, capsys):
    import json

    out = tmp_path / "g.trig"
    assert main(["build", str(EXAMPLES / "02_oscars_weekend.txt"), "-o", str(out), "-q"]) == 0
    assert main(["query", "leaders", str(out), "--format", "sparql-json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["head"]["vars"][:3] == ["person", "role", "organization"]
    row = data["results"]["bindings"][0]
    assert row["person"] == {"type": "literal", "value": "Sam Altman"}


@pytest.fixture(scope="module")
def kill_corpus(tmp_path_factory) -> tuple[Path, dict[str, set[str]]]:
    """24 articles, and each article graph as an uninterrupted build writes it."""
    corpus = tmp_path_factory.mktemp("kill") / "corpus"
    corpus.mkdir()
    texts = sorted(EXAMPLES.glob("*.txt"))
    for n in range(24):
        source = texts[n % len(texts)].read_text(encoding="utf-8")
        (corpus / f"a{n:02d}.txt").write_text(
            source.replace("url:", f"id: a{n:02d}\nurl:"), encoding="utf-8"
        )
    location = corpus.parent / "reference"
    assert main(["build", str(corpus), "--store", str(location), "-q", "--batch-size", "2"]) == 0
    with open_store(str(location), create=False) as store:
        expected = {name: ntriples_lines(store.graph(name)) for name in store.article_graphs()}
    return corpus, expected


@pytest.mark.parametrize("attempt", range(20))
def test_killing_a_build_leaves_each_article_fully_in_or_out(tmp_path, kill_corpus, attempt):
    """SIGKILL at 20 random moments (model loading, extraction, writing): the store
    always opens, and every article graph in it is exactly what a whole build writes;
    a second run then completes the store."""
    corpus, expected = kill_corpus
    location = tmp_path / "st"
    command = [sys.executable, "-m", "kg.cli", "build", str(corpus), "--store", str(location)]
    process = subprocess.Popen(
        [*command, "-q", "--batch-size", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # the model loads in about a second, then articles are written two at a time
    time.sleep(random.Random(attempt).uniform(0.3, 4.0))
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    if location.exists():
        with open_store(str(location), create=False) as store:
            for name in store.article_graphs():
                if name.endswith("/quarantine") or name == str(ENTITIES):
                    continue
                assert ntriples_lines(store.graph(name)) == expected[name], name
    # resuming finishes the job: the same store as a build that was never stopped
    assert main([*command[3:], "-q", "--batch-size", "2"]) == 0
    with open_store(str(location), create=False) as store:
        articles = {n: ntriples_lines(store.graph(n)) for n in store.article_graphs()}
    assert {n for n in articles if "/article/" in n} == {n for n in expected if "/article/" in n}
    for name, lines in articles.items():
        if "/article/" in name:
            assert lines == expected[name], name
    assert quarantine_name("x") == "x/quarantine"


def test_an_entity_keeps_one_label_across_batches_in_a_file_as_in_a_store():
    """Two batches that label one entity differently: the first label stays, the other
    becomes an altLabel, in a file output as in a store (no entity with two labels)."""
    from rdflib import RDFS, SKOS, Literal

    from kg.pipeline import ArticleGraph, dataset_of
    from kg.rdf import new_graph
    from kg.vocab import ENTITIES, ID

    wen = ID["person/wen-mensah"]

    def batch(n: int, label: str, alt: str | None) -> ArticleGraph:
        entities = new_graph(prefixes=False)
        entities.add((wen, RDFS.label, Literal(label)))
        if alt:
            entities.add((wen, SKOS.altLabel, Literal(alt)))
        graph = new_graph(prefixes=False)
        graph.add((ID[f"article/a{n}"], RDFS.label, Literal(f"a{n}")))
        return ArticleGraph(str(ID[f"article/a{n}"]), graph, new_graph(False), entities)

    graphs = [batch(1, "Wen Mensah", None), batch(2, "Mensah", "Wen Mensah")]
    described = dataset_of(graphs).graph(ENTITIES)
    assert set(described.objects(wen, RDFS.label)) == {Literal("Wen Mensah")}
    assert set(described.objects(wen, SKOS.altLabel)) == {Literal("Mensah")}
    store = MemoryStore()
    for item in graphs:
        write_graphs(store, [item])
    stored = store.graph(str(ENTITIES))
    assert set(stored.objects(wen, RDFS.label)) == {Literal("Wen Mensah")}
    assert set(stored.objects(wen, SKOS.altLabel)) == {Literal("Mensah")}


def test_a_batch_labels_an_entity_by_its_fullest_name(pipeline):
    from kg.pipeline import link_batch
    from kg.sources import parse_article

    # one article names the person in full, two by surname only (linked across articles)
    texts = [
        "Wen Mensah founded Korvath Robotics in Accra in 2019.",
        "Mensah said Korvath Robotics would hire 200 engineers.",
        "Korvath Robotics chief Mensah met investors in Lagos.",
    ]
    extractions = link_batch(
        list(pipeline.extract(parse_article(t, f"a{n}", "-") for n, t in enumerate(texts)))
    )
    labels = {e.label for ex in extractions for e in ex.entities if e.key == "person/wen-mensah"}
    assert labels == {"Wen Mensah"}


def test_a_store_whose_creation_was_cut_short_opens_and_takes_a_build(tmp_path):
    """A build killed while Oxigraph made its directory leaves kg's marker, some of
    RocksDB's files and no CURRENT (seen: SIGKILL 0.7 s into a build), over which
    RocksDB will not create a database. Such a directory takes the next build afresh;
    a read command refuses it and deletes nothing; a directory with anything else in
    it is still refused."""

    def cut_short(name: str) -> Path:
        location = tmp_path / name
        location.mkdir()
        for leftover in (".kg-creating", "LOCK", "LOG", "IDENTITY", "000004.log"):
            (location / leftover).write_bytes(b"")
        return location

    opened = cut_short("opened")
    with pytest.raises(StoreError, match="cut short"):
        open_store(str(opened), create=False)
    assert (opened / "000004.log").exists() and (opened / "LOG").exists()
    built = cut_short("built")
    article = str(EXAMPLES / "02_oscars_weekend.txt")
    assert main(["build", article, "--store", str(built), "-q"]) == 0
    with open_store(str(built), create=False) as store:
        assert any("/article/" in name for name in store.article_graphs())
    assert not (built / ".kg-creating").exists()
    # a store another process is making right now is left alone
    busy = cut_short("busy")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; f = open(sys.argv[1], 'rb+'); "
            "fcntl.lockf(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(30)",
            str(busy / "LOCK"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="another process"):
            open_store(str(busy))
        assert (busy / "LOG").exists()
    finally:
        holder.kill()
        holder.wait()
    other = tmp_path / "notes"
    other.mkdir()
    (other / "LOG").write_bytes(b"")
    (other / "todo.txt").write_text("not a database", encoding="utf-8")
    with pytest.raises(StoreError, match="not an Oxigraph store"):
        open_store(str(other), create=False)


@pytest.mark.parametrize("command", [["info"], ["query", "-e", "SELECT * WHERE { ?s ?p ?o }"]])
def test_a_folder_of_files_named_like_rocksdb_s_is_refused_and_kept(tmp_path, command, capsys):
    """Logs named like RocksDB's files ("20241201.log", "LOG", "LOCK", "MANIFEST-3")
    are not a store whose creation was cut short: kg did not write them, so it
    refuses the folder (75) and deletes nothing, whichever command opens it."""
    logs = tmp_path / "logs"
    logs.mkdir()
    files = {"20241201.log": "x\n", "LOG": "server log\n", "LOCK": "", "MANIFEST-3": "m\n"}
    for name, text in files.items():
        (logs / name).write_text(text, encoding="utf-8")
    assert main([*command, "--store", str(logs)]) == 75
    assert "not an Oxigraph store" in capsys.readouterr().err
    with pytest.raises(StoreError, match="not an Oxigraph store"):
        open_store(str(logs))  # as kg build opens it
    assert {p.name: p.read_text(encoding="utf-8") for p in logs.iterdir()} == files


# ---------------------------------------------------------------------------
# Hostile and odd SPARQL servers: a tiny local http.server that misbehaves


class _Hostile(http.server.BaseHTTPRequestHandler):
    """Answers every request as the server's ``behaviour`` says; never for longer
    than ``HOSTILE_SECONDS`` nor more than ``HOSTILE_BYTES``, so a test that fails
    still ends."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _answer(self) -> None:
        server: Any = self.server
        length = int(self.headers.get("Content-Length") or 0)
        server.bodies.append(self.rfile.read(length))
        server.headers.append(dict(self.headers))
        server.behaviour(self)

    do_GET = do_POST = do_PUT = do_DELETE = _answer


HOSTILE_SECONDS = 20.0
HOSTILE_BYTES = 64_000_000


@pytest.fixture
def hostile() -> Iterator[Callable[[Callable[[Any], None]], str]]:
    """Start a local server with a behaviour (a function of the request handler);
    its URL. Stopped after the test."""
    started: list[http.server.ThreadingHTTPServer] = []

    def start(behaviour: Callable[[Any], None]) -> str:
        server: Any = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
        server.daemon_threads = True
        server.behaviour = behaviour
        server.bodies, server.headers = [], []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def _send(handler: Any, body: bytes, kind: str = "application/sparql-results+json") -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _trickle_body(handler: Any) -> None:
    """Headers at once, then one byte every 0.1 s: each read is quick, the answer never ends."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.send_header("Content-Length", "1000000")
    handler.end_headers()
    deadline = time.monotonic() + HOSTILE_SECONDS
    with contextlib.suppress(OSError):
        while time.monotonic() < deadline:
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.1)


def _trickle_headers(handler: Any) -> None:
    """One header line every 0.1 s: the answer never starts."""
    deadline = time.monotonic() + HOSTILE_SECONDS
    with contextlib.suppress(OSError):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        n = 0
        while time.monotonic() < deadline:
            handler.wfile.write(f"X-Slow-{n}: 1\r\n".encode())
            handler.wfile.flush()
            n += 1
            time.sleep(0.1)


@pytest.mark.parametrize("behaviour", [_trickle_body, _trickle_headers])
@pytest.mark.parametrize("command", ["build", "remove"])
def test_a_server_that_trickles_bytes_is_cut_off_at_the_timeout(
    hostile, behaviour, command, tmp_path, capsys
):
    url = hostile(behaviour) + "?timeout=1"
    article = tmp_path / "a.txt"
    article.write_text("Sam Altman leads OpenAI.", encoding="utf-8")
    args = [str(article), "--store", url, *(["-q"] if command == "build" else [])]
    started = time.monotonic()
    assert main([command, *args]) == 75
    assert time.monotonic() - started < 8  # the whole request, not each read, is bounded
    err = capsys.readouterr().err
    assert "did not answer in 1 s" in err and err.count("\n") == 1


def _flood(handler: Any) -> None:
    """An endless chunked answer, as fast as the socket takes it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"%x\r\n%s\r\n" % (65536, b"[" * 65536)
    with contextlib.suppress(OSError):
        for _ in range(HOSTILE_BYTES // 65536):
            handler.wfile.write(chunk)


def _declares_too_much(handler: Any) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.send_header("Content-Length", str(10**12))
    handler.end_headers()
    with contextlib.suppress(OSError):
        handler.wfile.write(b"{" * 65536)


@pytest.mark.parametrize("behaviour", [_flood, _declares_too_much])
def test_a_server_that_floods_is_refused_at_the_size_limit(hostile, behaviour, capsys):
    url = hostile(behaviour) + "?max_bytes=1000000"
    with pytest.raises(StoreError, match=r"an answer over 1,000,000 bytes"):
        open_store(url).article_graphs()
    assert main(["info", "--store", url]) == 75
    assert "max_bytes" in capsys.readouterr().err


def test_a_store_url_refuses_a_size_limit_that_is_no_whole_number():
    for value in ("0", "-5", "1e6", "lots"):
        with pytest.raises(UsageError, match=f"max_bytes={value}"):
            open_store(f"http://127.0.0.1:1/?max_bytes={value}")


@pytest.mark.parametrize(
    "answer",
    [
        b"<html>Service Unavailable</html>",  # not JSON
        b'{"head": {"vars": ["g"]}}',  # no results
        b'{"head": {"vars": ["g"]}, "results": {"bindings": [{"g": {"value": "x"}}]}}',
        b'{"head": {"vars": ["g"]}, "results": {"bindings": [{"g": {"type": "uri"}}]}}',
        b"[1, 2, 3]",
        b'{"boolean": "perhaps"}',
    ],
)
@pytest.mark.parametrize("command", ["info", "validate", "analyze"])
def test_a_malformed_answer_is_one_clear_store_error(hostile, answer, command, capsys):
    url = hostile(lambda handler: _send(handler, answer))
    assert main([command, "--store", url]) == 75
    err = capsys.readouterr().err
    assert "sent a malformed answer" in err and err.count("\n") == 1


def test_a_malformed_graph_answer_is_one_clear_store_error(hostile):
    url = hostile(lambda handler: _send(handler, b"<a> <b> oops", "application/n-triples"))
    with pytest.raises(StoreError, match="malformed answer to a graph request"):
        open_store(url).graph("https://kg.example.org/id/article/a")


def _basic_auth(user: str, password: str) -> Callable[[Any], None]:
    """A server that answers only a request with these credentials (HTTP Basic)."""
    token = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def behaviour(handler: Any) -> None:
        if handler.headers.get("Authorization") != token:
            handler.send_response(401)
            handler.send_header("WWW-Authenticate", 'Basic realm="kg"')
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if handler.command == "GET" and handler.path.startswith("/store"):
            handler.send_response(404)  # an empty store: no graph
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        _send(handler, b'{"head": {"vars": ["g"]}, "results": {"bindings": []}}')

    return behaviour


def test_credentials_in_a_store_url_authenticate_and_are_never_shown(hostile, tmp_path, capsys):
    url = hostile(_basic_auth("kg", "s3cr:et@x"))
    host = url.split("//", 1)[1]
    good = f"http://kg:s3cr%3Aet%40x@{host}"
    assert open_store(good).article_graphs() == []
    assert main(["info", "--store", good]) == 0
    wrong = f"http://kg:n0t-it@{host}"
    with pytest.raises(StoreError, match="answered 401") as refused:
        open_store(wrong).article_graphs()
    assert "n0t-it" not in str(refused.value) and "***@" in str(refused.value)
    assert main(["info", "--store", wrong]) == 75
    down = f"http://kg:s3cret@127.0.0.1:{free_port()}/?timeout=2"
    assert main(["info", "--store", down]) == 75
    assert main(["info", "--store", f"http://kg:s3cret@127.0.0.1:{free_port()}/?nope=1"]) == 64
    assert main(["info", "--store", "http://kg:s3cret@127.0.0.1:99999/"]) == 64
    err = capsys.readouterr().err
    assert err.count("kg: error:") == 4 and "s3cret" not in err and "n0t-it" not in err
    # what kg build and kg remove print names the store without the password too
    article = tmp_path / "a.txt"
    article.write_text("Sam Altman leads OpenAI.", encoding="utf-8")
    assert main(["build", str(article), "--store", good]) == 0
    assert main(["remove", "nothing-here", "--store", good]) == 64
    err = capsys.readouterr().err
    assert "kg: wrote http://***@" in err and "no article" in err and "s3cr" not in err


#: Another tool's graph on the same server: it says things of one of kg's IRIs, and
#: breaks kg's shapes (a person who works for a string).
FOREIGN = "http://other.example.org/notes"
FOREIGN_TRIPLES = (
    b"<https://kg.example.org/id/person/mallory-stone> "
    b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    b"<https://kg.example.org/ontology#Person> .\n"
    b"<https://kg.example.org/id/person/mallory-stone> "
    b'<http://www.w3.org/2000/01/rdf-schema#label> "Mallory Stone" .\n'
    b"<https://kg.example.org/id/person/mallory-stone> "
    b'<https://kg.example.org/ontology#worksFor> "nobody" .\n'
)


def _http(method: str, url: str, body: bytes | None = None, **headers: str) -> bytes:
    """A plain HTTP client, as any other tool would use the server."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return bytes(response.read())


def test_on_a_shared_server_kg_reads_only_its_own_graphs(oxigraph_server, tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text("Sam Altman is the chief executive of OpenAI.", encoding="utf-8")
    assert main(["build", str(article), "--store", oxigraph_server, "-q"]) == 0
    notes = f"{oxigraph_server}/store?graph={urllib.parse.quote(FOREIGN, safe='')}"
    _http("PUT", notes, FOREIGN_TRIPLES, **{"Content-Type": "application/n-triples"})
    try:
        capsys.readouterr()
        assert main(["validate", "--store", oxigraph_server]) == 0  # the notes break shapes
        page = tmp_path / "view.html"
        assert main(["view", "--store", oxigraph_server, "-o", str(page)]) == 0
        text = page.read_text(encoding="utf-8")
        assert "Sam Altman" in text and "Mallory" not in text
        assert main(["analyze", "--store", oxigraph_server, "--format", "json"]) == 0
        labels = "SELECT DISTINCT ?l WHERE { ?e rdfs:label ?l }"
        assert main(["query", "-e", labels, "--store", oxigraph_server, "--format", "csv"]) == 0
        out = capsys.readouterr().out
        assert "Sam Altman" in out and "Mallory" not in out
        with open_store(oxigraph_server) as store:
            assert FOREIGN not in store.article_graphs()
            assert FOREIGN not in {str(g.identifier) for g in store.dataset().graphs()}
            ask = f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g = <{FOREIGN}>) }}"
            assert not store.query(ask).boolean
            # a query that names its graphs with FROM reads those, as on every backend
            named = f"SELECT ?l FROM <{FOREIGN}> WHERE {{ ?e <{RDFS.label}> ?l }}"
            assert [str(row[0]) for row in store.query(named).rows] == ["Mallory Stone"]
        assert "Mallory Stone" in _http("GET", notes).decode()  # and never touches them
    finally:
        _http("DELETE", notes)
        for name in open_store(oxigraph_server).article_graphs():
            open_store(oxigraph_server).remove_graph(name)


@pytest.fixture(scope="module")
def readme_server(tmp_path_factory) -> Iterator[str]:
    """An Oxigraph server started as the README says, on 127.0.0.1."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    location = tmp_path_factory.mktemp("readme-server")
    process = subprocess.Popen(
        [
            binary,
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            _http("GET", f"{url}/query?query=ASK%7B%7D")
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the Oxigraph server did not start")
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def _select(url: str, query: str) -> list[dict[str, str]]:
    """A SELECT posted as any SPARQL client posts it: no kg, no extra parameters."""
    body = urllib.parse.urlencode({"query": query}).encode()
    answer = _http(
        "POST",
        f"{url}/query",
        body,
        **{"Content-Type": "application/x-www-form-urlencoded"},
        Accept="application/sparql-results+json",
    )
    rows = json.loads(answer)["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def test_a_plain_sparql_client_reads_what_kg_built_and_its_class_hierarchy(readme_server, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(
        "Sam Altman is the chief executive of OpenAI, The New York Times reported.",
        encoding="utf-8",
    )
    assert main(["build", str(article), "--store", readme_server, "-q"]) == 0
    (count,) = _select(readme_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(count["n"]) > 20
    organizations = _select(
        readme_server,
        "PREFIX kg: <https://kg.example.org/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT DISTINCT ?label WHERE { ?x a/rdfs:subClassOf* kg:Organization ; rdfs:label ?label "
        'FILTER(STRSTARTS(STR(?x), "https://kg.example.org/id/")) }',
    )
    assert {"OpenAI", "The New York Times"} <= {row["label"] for row in organizations}
    # the ontology is a graph of its own: not an article, not counted, never removed
    with open_store(readme_server) as store:
        assert ONTOLOGY_GRAPH not in store.article_graphs()
        articles = [g for g in store.article_graphs() if "/article/" in g]
        assert articles
    assert main(["remove", *articles, "--store", readme_server]) == 0
    ontology = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"
    (held,) = _select(readme_server, ontology)
    assert int(held["n"]) > 100


# ---------------------------------------------------------------------------
# Read commands write nothing into a store's directory (issue 34, item F8)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


READ_COMMANDS = [["info"], ["query", "-e", "SELECT * WHERE { ?s ?p ?o }"]]


@pytest.mark.parametrize("command", READ_COMMANDS)
def test_a_read_command_on_a_broken_rocksdb_lookalike_renames_and_rewrites_nothing(
    tmp_path, command, capsys
):
    """A folder with RocksDB's file names but garbage in them is refused (75), and its
    files stay as they were: RocksDB used to rename the user's LOG to LOG.old.<n>
    and write a new one, on every run."""
    fake = tmp_path / "fake"
    fake.mkdir()
    files = {
        "000001.log": "data\n",
        "LOG": "x\n",
        "CURRENT": "MANIFEST-000004\n",
        "IDENTITY": "id\n",
        "OPTIONS-000005": "[Version]\n",
        "MANIFEST-000004": "garbage\n",
        "LOCK": "",
    }
    for name, text in files.items():
        (fake / name).write_text(text, encoding="utf-8")
    before = _files(fake)
    for _ in range(2):
        assert main([*command, "--store", str(fake)]) == 75
        assert "cannot open Oxigraph store" in capsys.readouterr().err
    assert _files(fake) == before


@pytest.mark.parametrize("command", READ_COMMANDS)
def test_a_read_command_leaves_a_store_and_files_kg_did_not_write_byte_identical(
    tmp_path, command, capsys
):
    """Reading a store deletes no file in it, not even one kg did not write (RocksDB
    took stray OPTIONS, .log and .sst files for its own and deleted them), and
    rewrites no manifest or log."""
    folder = tmp_path / "db"
    with open_store(str(folder)) as store:
        graph = Graph()
        graph.add((URIRef("https://kg.example.org/id/a"), RDFS.label, Literal("A")))
        store.replace_graph("https://kg.example.org/article/a", graph)
    (folder / "OPTIONS-000001").write_text("notes\n", encoding="utf-8")
    (folder / "000002.log").write_text("log\n", encoding="utf-8")
    (folder / "000003.sst").write_text("mine\n", encoding="utf-8")
    before = _files(folder)
    assert main([*command, "--store", str(folder)]) == 0
    out = capsys.readouterr().out  # and it reads what the store holds
    assert ("triples: 1" if command[0] == "info" else "(1 row)") in out
    assert _files(folder) == before


def test_a_read_while_a_build_writes_the_store_is_one_clear_error(tmp_path, capsys):
    """RocksDB reading beside a writer is undefined: a read command says the store
    is being written (75) instead of RocksDB's lock message."""
    folder = tmp_path / "db"
    open_store(str(folder)).close()
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom kg.store import open_store\n"
            f"s = open_store({str(folder)!r})\nprint('open', flush=True)\nsys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "open\n"
        assert main(["info", "--store", str(folder)]) == 75
        err = capsys.readouterr().err
        assert "is being written by another kg process; try again when it ends" in err
        assert "IO error" not in err
    finally:
        writer.communicate("", timeout=30)
    assert main(["info", "--store", str(folder)]) == 0
