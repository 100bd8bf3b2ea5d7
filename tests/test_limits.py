"""Queries stay local and bounded; readers read only what they are given, within bounds.

By default kg makes no network request and reads no file it was not given:
``SERVICE`` is refused unless ``--allow-remote``, ``FROM``/``FROM NAMED`` name
graphs of the data given (rdflib would fetch them), and a JSON-LD file may not
name a remote ``@context``. Every query, and the reading of every graph file,
stops after ``--timeout`` seconds, and Ctrl-C stops a query at once on every
backend, Oxigraph's Rust engine included.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Dataset, Literal, URIRef

from kg.cli import main
from kg.errors import TimeLimitError
from kg.limits import bounded
from kg.store.backends import OxigraphStore
from kg.vocab import ID, KG

ARTICLE = f"{ID}article/a1"
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n"


class Listener:
    """A TCP port on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.socket.close()


def _dataset(entities: int = 3) -> Dataset:
    dataset = Dataset(default_union=True)
    graph = dataset.graph(URIRef(ARTICLE))
    for n in range(entities):
        node = ID[f"person/p{n}"]
        graph.add((node, RDF.type, KG.Person))
        graph.add((node, RDFS.label, Literal(f"Person {n}")))
    return dataset


@pytest.fixture
def sources(tmp_path: Path) -> dict[str, list[str]]:
    """The same small graph as a file and as an Oxigraph store: what to pass each command."""
    dataset = _dataset()
    trig = tmp_path / "g.trig"
    dataset.serialize(trig, format="trig")
    store = OxigraphStore(str(tmp_path / "store"))
    store.replace_graph(ARTICLE, dataset.graph(URIRef(ARTICLE)))
    store.close()
    return {"file": [str(trig)], "store": ["--store", str(tmp_path / "store")]}


def _query(tmp_path: Path, text: str) -> str:
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("backend", ["file", "store"])
def test_service_is_refused_and_nothing_is_sent(backend, sources, listener, tmp_path, capsys):
    query = _query(tmp_path, f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
    assert main(["query", query, *sources[backend]]) == 66
    err = capsys.readouterr().err
    assert "SERVICE" in err and "--allow-remote" in err and len(err.splitlines()) == 1
    time.sleep(0.2)
    assert listener.connections == 0


@pytest.mark.parametrize("backend", ["file", "store"])
def test_allow_remote_lets_service_reach_out(backend, sources, listener, tmp_path):
    query = _query(tmp_path, f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
    # the listener never answers: the request is made, then the time limit ends it
    code = main(["query", query, *sources[backend], "--allow-remote", "--timeout", "3"])
    assert code in (66, 75)
    assert listener.connections >= 1


@pytest.mark.parametrize("backend", ["file", "store"])
def test_from_names_local_graphs_and_fetches_nothing(backend, sources, listener, tmp_path, capsys):
    secret = tmp_path / "secret.ttl"
    secret.write_text("<urn:secret> <urn:is> 'the secret' .\n", encoding="utf-8")
    query = _query(
        tmp_path,
        f"SELECT ?o FROM <http://127.0.0.1:{listener.port}/g> FROM <{secret.as_uri()}> "
        f"FROM NAMED <{secret.as_uri()}> "
        "WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
    )
    capsys.readouterr()
    assert main(["query", query, *sources[backend], "--format", "csv"]) == 0
    assert capsys.readouterr().out.strip() == "o"  # neither graph is in the data: no rows
    assert listener.connections == 0


def test_from_gives_the_same_rows_on_every_backend(sources, tmp_path, capsys):
    local = _query(tmp_path, f"SELECT ?l FROM <{ARTICLE}> WHERE {{ ?e <{RDFS.label}> ?l }}")
    rows = {}
    for backend in ("file", "store"):
        capsys.readouterr()
        assert main(["query", local, *sources[backend], "--format", "csv"]) == 0
        rows[backend] = sorted(capsys.readouterr().out.splitlines())
    assert rows["file"] == rows["store"] == ["Person 0", "Person 1", "Person 2", "l"]


@pytest.mark.parametrize(
    "context",
    [
        "http://127.0.0.1:{port}/context.jsonld",
        ["http://127.0.0.1:{port}/a", {"@vocab": "http://x.example/"}],
        {"@import": "http://127.0.0.1:{port}/b"},
        "context.jsonld",  # a relative one would be read from disk
    ],
    ids=["url", "list", "import", "relative-file"],
)
def test_jsonld_with_a_remote_context_is_refused_unread(context, listener, tmp_path, capsys):
    (tmp_path / "context.jsonld").write_text('{"@context": {"p": "http://x.example/p"}}')
    filled = json.loads(json.dumps(context).replace("{port}", str(listener.port)))
    doc = {"@context": filled, "@id": "http://x.example/a", "http://x.example/q": "v"}
    path = tmp_path / "g.jsonld"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["info", str(path)]) == 65
    err = capsys.readouterr().err
    assert "--allow-remote" in err and len(err.splitlines()) == 1
    time.sleep(0.2)
    assert listener.connections == 0


def test_jsonld_with_an_inline_context_is_read(tmp_path, capsys):
    doc = {"@context": {"@vocab": "http://x.example/"}, "@id": "http://x.example/a", "q": "v"}
    path = tmp_path / "g.jsonld"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["info", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["triples"] == 1


def _runaway(tmp_path: Path, backend: str) -> list[str]:
    """A command whose query, a three-way cross product of 800 triples, runs for minutes.
    It runs in a process of its own: pyoxigraph cannot cancel a query, so one that is
    stopped waiting for goes on in a thread until its process ends."""
    dataset = _dataset(entities=400)
    trig = tmp_path / "big.trig"
    dataset.serialize(trig, format="trig")
    store = OxigraphStore(str(tmp_path / "store"))
    store.replace_graph(ARTICLE, dataset.graph(URIRef(ARTICLE)))
    store.close()
    source = [str(trig)] if backend == "file" else ["--store", str(tmp_path / "store")]
    return [sys.executable, "-m", "kg.cli", "query", _query(tmp_path, CROSS), *source]


@pytest.mark.parametrize("backend", ["file", "store"])
def test_a_runaway_query_stops_at_its_time_limit(backend, tmp_path):
    started = time.monotonic()
    run = subprocess.run(
        [*_runaway(tmp_path, backend), "--timeout", "1"], capture_output=True, text=True
    )
    assert run.returncode == 75, run.stderr
    assert time.monotonic() - started < 20
    assert "time limit of 1 s" in run.stderr and "--timeout" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("backend", ["file", "store"])
def test_ctrl_c_stops_a_query_at_once_exit_130(backend, tmp_path):
    run = subprocess.Popen(_runaway(tmp_path, backend), stderr=subprocess.PIPE, text=True)
    time.sleep(4)  # well inside the query
    assert run.poll() is None
    run.send_signal(signal.SIGINT)
    started = time.monotonic()
    _, err = run.communicate(timeout=30)
    assert run.returncode == 130 and err.strip() == "kg: interrupted"
    assert time.monotonic() - started < 5


def test_ctrl_c_is_heard_when_the_kernel_hands_it_to_the_working_thread():
    # a signal sent to the process may land on any thread, such as one inside
    # Oxigraph's native code; Python runs the handler in the main thread only when
    # that thread wakes, so the wait must wake often enough to hear it
    import math

    def interrupt_the_worker() -> None:
        time.sleep(0.5)
        [worker] = [t for t in threading.enumerate() if t.name == "kg-bounded"]
        assert worker.ident is not None
        signal.pthread_kill(worker.ident, signal.SIGINT)

    threading.Thread(target=interrupt_the_worker, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        bounded(lambda: time.sleep(6), math.inf, "a call")
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("command", ["info", "analyze", "validate"])
def test_other_read_commands_honour_the_time_limit(command, tmp_path, monkeypatch, capsys):
    import kg.store.backends

    trig = tmp_path / "g.trig"
    _dataset().serialize(trig, format="trig")

    def slow(self, text, params=None):
        time.sleep(30)

    monkeypatch.setattr(kg.store.backends.MemoryStore, "_query", slow)
    monkeypatch.setattr(kg.store.backends.MemoryStore, "dataset", lambda self: slow(self, ""))
    started = time.monotonic()
    assert main([command, str(trig), "--timeout", "0.5"]) == 75
    assert time.monotonic() - started < 10
    assert "time limit" in capsys.readouterr().err


def test_reading_a_graph_file_is_bounded_in_time(tmp_path, monkeypatch, capsys):
    import kg.store.files

    trig = tmp_path / "g.trig"
    _dataset().serialize(trig, format="trig")
    monkeypatch.setattr(kg.store.files, "read_limited", lambda *a: time.sleep(30))
    assert main(["info", str(trig), "--timeout", "0.5"]) == 75
    assert f"reading {trig}" in capsys.readouterr().err


def test_bounded_stops_python_work_when_the_time_is_up():
    finished = []

    def spin() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            pass
        finished.append(True)

    def running() -> int:
        return sum(t.name == "kg-bounded" for t in threading.enumerate())

    before = running()
    with pytest.raises(TimeLimitError):
        bounded(spin, 0.2, "spinning")
    time.sleep(0.5)
    assert not finished  # the abandoned thread was stopped, not left to run on
    assert running() == before


def test_bounded_passes_errors_and_results_through():
    assert bounded(lambda: 7, None, "x") == bounded(lambda: 7, float("inf"), "x") == 7
    with pytest.raises(ZeroDivisionError):
        bounded(lambda: 1 / 0, 1.0, "dividing")


@pytest.mark.parametrize(
    ("name", "text", "word"),
    [
        (
            "entities.rdf",
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
            "entity declarations",
        ),
        (
            "dtd.rdf",
            '<?xml version="1.0"?><!DOCTYPE r SYSTEM "file:///etc/passwd">'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
            "external DTD",
        ),
        ("deep.jsonld", "[" * 100_000 + "]" * 100_000, "nests too deeply"),
        ("deep.ttl", "<a:b> <a:c> " + "(" * 20_000 + ")" * 20_000 + " .", "nests too deeply"),
        ("deep.trig", "<a:g> { <a:b> <a:c> " + "[ <a:d> " * 20_000 + "]" * 20_000 + " }", "deeply"),
    ],
)
def test_graph_files_that_expand_or_nest_are_refused(name, text, word, tmp_path, capsys):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert main(["info", str(path)]) == 65
    err = capsys.readouterr().err
    assert word in err and len(err.splitlines()) == 1 and err.startswith("kg: error:")


def test_graph_files_are_bounded_in_size(tmp_path, capsys):
    path = tmp_path / "big.nt"
    with path.open("wb") as handle:  # sparse: refused by its size, never read
        handle.truncate(300_000_000)
    assert main(["info", str(path)]) == 2
    assert "256,000,000 bytes" in capsys.readouterr().err
    small = tmp_path / "g.nt"
    small.write_text("<a:b> <a:c> <a:d> .\n", encoding="utf-8")
    assert main(["info", str(small), "--max-bytes", "10"]) == 2
    assert main(["info", str(small), "--max-bytes", "100"]) == 0
