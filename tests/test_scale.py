"""Building a corpus: JSON Lines and globs, streaming, --jobs, resuming, and
stateless workers writing into one SPARQL server."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from corpus import write_jsonl, write_txt

from kg.build import GC_THRESHOLD, Progress, fewer_collections
from kg.cli import main
from kg.errors import InputError
from kg.sources import read_jsonl
from kg.store import open_store


def quads(store_url: str) -> set[tuple[str, ...]]:
    with open_store(store_url, create=False) as store:
        dataset = store.dataset()
        return {
            tuple(t.n3() for t in (s, p, o, getattr(g, "identifier", g)))
            for s, p, o, g in dataset.quads((None, None, None, None))
        }


def test_json_lines_articles_carry_their_fields(tmp_path):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text(
        json.dumps(
            {"id": "one", "title": "T1", "date": "2026-01-02", "text": "Sam Altman leads OpenAI."}
        )
        + "\n\n"
        + json.dumps({"text": "Runway, a startup based in New York, makes video tools."})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.nq"
    assert main(["build", str(corpus), "-o", str(out), "-q"]) == 0
    text = out.read_text("utf-8")
    assert "<https://kg.example.org/id/article/one>" in text
    assert '"2026-01-02"^^<http://www.w3.org/2001/XMLSchema#date>' in text
    assert "<https://kg.example.org/id/article/news-3>" in text  # no id: file stem and line


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "news.jsonl line 1: not valid JSON"),
        ('{"title": "no text"}', "news.jsonl line 1: no 'text'"),
        ('["a", "list"]', "expected a JSON object"),
        ('{"text": "Hi there.", "date": "March 3"}', "date 'March 3' is not YYYY-MM-DD"),
        ('{"text": 42}', "'text' must be a string"),
    ],
)
def test_bad_json_lines_are_one_clear_error(tmp_path, capsys, line, message):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text(line + "\n", encoding="utf-8")
    out = tmp_path / "out.ttl"
    assert main(["build", str(corpus), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"text": "Hi."}\n{"text": "caf\xe9"}\n', "news.jsonl line 2 is not valid UTF-8"),
        ('{"text": "Hi."}'.encode("utf-16"), "news.jsonl is UTF-16 text"),
        (b"\n  \n", "news.jsonl is empty"),
        (b'{"text": "' + b"x" * 200 + b'"}\n', "news.jsonl line 1 is over 100 bytes"),
    ],
)
def test_unreadable_json_lines_files_are_one_clear_error(tmp_path, capsys, data, message):
    corpus = tmp_path / "news.jsonl"
    corpus.write_bytes(data)
    out = tmp_path / "out.ttl"
    assert main(["build", str(corpus), "-o", str(out), "--max-bytes", "100"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_json_lines_are_read_one_line_at_a_time(tmp_path):
    corpus = tmp_path / "news.jsonl"
    # U+2028 is a line separator to str.splitlines, but JSON allows it inside a string
    corpus.write_text(
        '{"text": "Sam Altman leads OpenAI.\u2028He spoke."}\n{broken\n', encoding="utf-8"
    )
    articles = read_jsonl(corpus)
    first = next(articles)  # the broken second line is not read yet
    assert first.text == "Sam Altman leads OpenAI.\u2028He spoke."
    with pytest.raises(InputError, match="line 2: not valid JSON"):
        next(articles)


def test_a_quoted_glob_is_expanded(tmp_path):
    write_txt(tmp_path / "corpus", 3)
    out = tmp_path / "out.nq"
    assert main(["build", str(tmp_path / "corpus" / "*.txt"), "-o", str(out), "-q"]) == 0
    assert out.read_text("utf-8").count("#NewsArticle>") == 3
    assert main(["build", str(tmp_path / "nothing" / "*.txt"), "-o", str(out), "-q"]) == 2


def test_two_jobs_give_the_same_output_as_one(tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", 12)
    one, two = tmp_path / "one.nq", tmp_path / "two.nq"
    assert main(["build", str(corpus), "-o", str(one), "-q", "--batch-size", "5"]) == 0
    command = ["build", str(corpus), "-o", str(two), "-q", "--batch-size", "5", "--jobs", "2"]
    assert main(command) == 0
    assert one.read_bytes() == two.read_bytes()
    assert one.read_text("utf-8").count("#NewsArticle>") == 12


def test_a_rebuild_skips_unchanged_articles_and_redoes_changed_ones(tmp_path, capsys):
    corpus = write_txt(tmp_path / "corpus", 4)
    store = tmp_path / "st"
    assert main(["build", str(corpus), "--store", str(store)]) == 0
    first = quads(str(store))
    capsys.readouterr()
    assert main(["build", str(corpus), "--store", str(store)]) == 0
    assert "0 article(s) (4 unchanged, skipped)" in capsys.readouterr().err
    assert quads(str(store)) == first
    changed = sorted(corpus.glob("*.txt"))[1]
    changed.write_text(changed.read_text("utf-8") + "\nAnother sentence.\n", encoding="utf-8")
    assert main(["build", str(corpus), "--store", str(store)]) == 0
    assert "1 article(s) (3 unchanged, skipped)" in capsys.readouterr().err
    assert main(["build", str(corpus), "--store", str(store), "--no-resume"]) == 0
    assert "4 article(s)," in capsys.readouterr().err


def test_progress_shows_rate_and_eta_on_a_terminal_only():
    class Terminal:
        def __init__(self, tty):
            self.tty, self.text = tty, ""

        def isatty(self):
            return self.tty

        def write(self, text):
            self.text += text

        def flush(self):
            pass

    ticks = iter([0.0, 2.0, 4.0])
    screen = Terminal(True)
    progress = Progress(4, screen, clock=lambda: next(ticks))
    progress.advance(2)
    progress.advance(2)
    progress.close()
    assert "2/4 articles  1.0/s  ETA 0:02" in screen.text
    assert "4/4 articles" in screen.text and screen.text.endswith("\n")
    piped = Terminal(False)
    quiet = Progress(4, piped, clock=lambda: 0.0)
    quiet.advance(4)
    quiet.close()
    assert piped.text == ""


def test_two_workers_into_one_server_make_the_same_graph_as_one(tmp_path, oxigraph_server):
    """Stateless workers over shards of the input, writing into one SPARQL server.

    Workers link entities within their own batches, so shards made of whole
    batches (here: 4 articles each, --batch-size 4) give exactly the one-worker graph.
    """
    corpus = write_txt(tmp_path / "all", 12)
    files = sorted(corpus.glob("*.txt"))
    shards = [tmp_path / "shard-a", tmp_path / "shard-b"]
    for n, path in enumerate(files):
        target = shards[(n // 4) % 2]
        target.mkdir(exist_ok=True)
        (target / path.name).write_bytes(path.read_bytes())

    def clear() -> None:
        with open_store(oxigraph_server) as store:
            for name in store.article_graphs():
                store.remove_graph(name)

    build = [sys.executable, "-m", "kg.cli", "build", "--store", oxigraph_server, "-q"]
    clear()
    subprocess.run([*build, "--batch-size", "4", str(corpus)], check=True)
    single = quads(oxigraph_server)
    clear()
    workers = [
        subprocess.Popen([*build, "--batch-size", "4", str(shard)], stderr=subprocess.PIPE)
        for shard in shards
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err.decode()
    assert quads(oxigraph_server) == single
    assert sum(1 for q in single if q[2].endswith("#NewsArticle>")) == 12
    clear()


def test_jsonl_corpus_generator_is_deterministic(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", 5).read_text("utf-8")
    b = write_jsonl(tmp_path / "b.jsonl", 8).read_text("utf-8")
    assert b.startswith(a)  # article n is the same whatever the corpus size
    assert Path(tmp_path / "a.jsonl").read_text("utf-8").count("\n") == 5


def test_a_build_collects_garbage_less_often_and_puts_the_collector_back():
    import gc

    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with fewer_collections():
        assert gc.get_threshold() == GC_THRESHOLD
        assert gc.get_freeze_count() > frozen  # what was loaded is left out of collections
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a failed build")
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen


def test_parsed_docs_are_freed_as_soon_as_they_are_read(pipeline):
    """kg's per-Doc caches hold Tokens, which point back at their Doc; extract drops
    them, so a Doc goes when the pipeline is done with it, not at some later garbage
    collection (which a build makes rare)."""
    import gc

    from spacy.tokens import Doc

    from kg.sources import parse_article

    def docs() -> int:
        return sum(isinstance(o, Doc) for o in gc.get_objects())

    articles = [
        parse_article(f"Sam Altman, the CEO of OpenAI, met studio {n} in Paris.", f"a{n}", "-")
        for n in range(6)
    ]
    gc.collect()
    before = docs()
    gc.disable()
    try:
        assert len(list(pipeline.extract(articles))) == 6
        assert docs() == before
    finally:
        gc.enable()


def test_a_worker_process_collects_garbage_less_often_for_its_life(monkeypatch):
    import gc

    import kg.build
    from kg.config import Settings
    from kg.sources import parse_article

    monkeypatch.setattr(kg.build, "_WORKER", None)
    before = gc.get_threshold()
    try:
        article = parse_article("Sam Altman leads OpenAI.", "w", "-")
        [extraction] = kg.build._worker_extract(Settings(), [article])
        assert extraction.entities
        assert gc.get_threshold() == GC_THRESHOLD  # set up with the worker's pipeline, kept
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


@pytest.fixture(scope="module")
def corpus_200(tmp_path_factory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("c200") / "corpus.jsonl", 200)


@pytest.fixture(scope="module")
def clean_200(tmp_path_factory, corpus_200) -> set[tuple[str, ...]]:
    """The store one process (--jobs 1) builds of the 200 articles."""
    store = tmp_path_factory.mktemp("clean") / "store"
    assert main(["build", str(corpus_200), "--store", str(store), "-q"]) == 0
    return quads(str(store))


def test_a_dask_cluster_builds_the_store_one_process_builds(
    tmp_path, corpus_200, clean_200, oxigraph_server
):
    """--cluster local:2 into a real SPARQL server gives the store --jobs 1 gives."""
    pytest.importorskip("distributed")
    with open_store(oxigraph_server) as store:  # empty of what earlier tests wrote
        for name in store.article_graphs():
            store.remove_graph(name)
    args = ["build", str(corpus_200), "--store", oxigraph_server, "--cluster", "local:2", "-q"]
    assert main(args) == 0
    assert quads(oxigraph_server) == clean_200


def test_a_dask_worker_killed_mid_build_costs_only_its_chunk(tmp_path, corpus_200, clean_200):
    """SIGKILL one of two workers once it is parsing: the build finishes on the other,
    the lost chunk runs again, and the store is the clean build's."""
    psutil = pytest.importorskip("psutil")
    pytest.importorskip("distributed")
    store = tmp_path / "store"
    command = [sys.executable, "-m", "kg.cli", "build", str(corpus_200), "--store", str(store)]
    process = subprocess.Popen([*command, "--cluster", "local:2", "-q"])
    try:
        killed = None
        deadline = time.monotonic() + 120
        while killed is None and time.monotonic() < deadline and process.poll() is None:
            for child in psutil.Process(process.pid).children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    # a worker that has loaded the model and is parsing a chunk
                    if child.cpu_times().user > 2.0:
                        child.kill()
                        killed = child.pid
                        break
            time.sleep(0.1)
        assert process.wait(timeout=300) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert killed is not None, "no worker was killed: the build ended first"
    assert quads(str(store)) == clean_200


def test_cluster_options_are_checked_before_anything_is_read(tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text("Sam Altman leads OpenAI.\n", encoding="utf-8")
    out = str(tmp_path / "o.nq")
    assert main(["build", str(article), "-o", out, "--cluster", "local:x"]) == 64
    assert "local:N" in capsys.readouterr().err
    assert main(["build", str(article), "-o", out, "--cluster", "local:2", "--jobs", "2"]) == 64
    assert "not both" in capsys.readouterr().err
    assert main(["build", str(article), "-o", out, "--cluster", "nowhere"]) == 64
    assert "scheduler" in capsys.readouterr().err


@pytest.mark.parametrize(
    "spec",
    [
        "tcp://",
        "tcp://:8786",
        "tcp://host:99999",
        "tcp://host:port",
        "tcp://host:0",
        "tcp://user:pw@host:8786",
        "tcp://host:8786/path",
        "http://host:8786",
        "host:99999",
        "local:0",
        "local:-1",
        "local:abc",
        "local:",
        "local:1.5",
    ],
)
def test_an_odd_cluster_address_is_a_usage_error_before_anything_runs(tmp_path, capsys, spec):
    article = tmp_path / "a.txt"
    article.write_text("Sam Altman leads OpenAI.\n", encoding="utf-8")
    out = tmp_path / "o.nq"
    started = time.monotonic()
    assert main(["build", str(article), "-o", str(out), "--cluster", spec]) == 64
    assert time.monotonic() - started < 10  # refused, not tried for Dask's 30 s
    err = capsys.readouterr().err
    assert err.startswith("kg: error: --cluster") and err.count("\n") == 1
    assert not out.exists()


def test_a_local_cluster_has_at_most_a_worker_per_cpu(tmp_path, capsys):
    from kg.cli import usable_cpus

    article = tmp_path / "a.txt"
    article.write_text("Sam Altman leads OpenAI.\n", encoding="utf-8")
    too_many = f"local:{usable_cpus() + 1}"
    assert main(["build", str(article), "-o", str(tmp_path / "o.nq"), "--cluster", too_many]) == 64
    assert f"from 1 to {usable_cpus()}" in capsys.readouterr().err


def test_a_local_cluster_listens_on_the_loopback_interface_only():
    """The scheduler, workers and dashboard of --cluster local:N: nothing another
    machine can reach."""
    psutil = pytest.importorskip("psutil")
    pytest.importorskip("distributed")
    from kg.build import dask_client

    with dask_client("local:1") as client:
        assert client.dashboard_link.startswith("http://127.0.0.1:")
        me = psutil.Process()
        listening = [
            c.laddr
            for process in (me, *me.children(recursive=True))
            for c in process.net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN
        ]
    assert listening
    assert all(address.ip in ("127.0.0.1", "::1") for address in listening), listening


def test_cluster_stream_takes_the_callers_own_dask_client(pipeline):
    """The library call: extractions in input order, as one process makes them."""
    distributed = pytest.importorskip("distributed")
    from kg.build import cluster_stream
    from kg.config import Settings
    from kg.sources import read_articles

    articles = list(
        read_articles([Path(__file__).resolve().parent.parent / "examples" / "articles"])
    )
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        got = list(cluster_stream(Settings(), articles, client))
    assert [e.article.key for e in got] == [a.key for a in articles]
    assert [e.relations for e in got] == [e.relations for e in pipeline.extract(articles)]
