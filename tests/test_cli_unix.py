"""The ``kg`` command follows Unix conventions: ``-`` is standard input or output,
``--version`` answers, query text can be given inline, tables read well, counts
agree between commands, and the help names every exit code."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDFS, Graph

from kg.cli import main
from kg.errors import FormatError, InputError, KGError, QueryError, UsageError
from kg.vocab import KG

ARTICLE = "Sam Altman, OpenAI's CEO, met with studio executives in Los Angeles.\n"


class Stdin(io.TextIOWrapper):
    """A standard input holding ``data`` (kg reads its ``buffer``)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8")


def run(argv: list[str], capfdbinary: pytest.CaptureFixture[bytes]) -> tuple[int, bytes, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    sys.stdout.flush()
    out, err = capfdbinary.readouterr()
    return code, out, err.decode()


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unix")
    (folder / "altman.txt").write_text(ARTICLE, encoding="utf-8")
    out = folder / "g.ttl"
    assert main(["build", str(folder / "altman.txt"), "-o", str(out), "-q"]) == 0
    return out


# -- kg build: - for standard input and output --------------------------------


def test_build_reads_standard_input_and_writes_standard_output(
    monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setattr(sys, "stdin", Stdin(ARTICLE.encode()))
    code, out, err = run(["build", "-", "-o", "-", "--format", "nt"], capfdbinary)
    assert code == 0, err
    graph = Graph().parse(data=out.decode(), format="nt")
    ceo = [(s, o) for s, o in graph.subject_objects(KG.ceoOf)]
    assert [(str(s).rsplit("/", 1)[-1], str(o).rsplit("/", 1)[-1]) for s, o in ceo] == [
        ("sam-altman", "openai")
    ]
    assert any("/article/stdin" in str(s) for s in graph.subjects())
    assert "wrote standard output: 1 article(s)" in err  # the summary stays on stderr


def test_build_reads_json_lines_on_standard_input(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    lines = (
        '{"id": "a1", "text": "Sam Altman met Tim Cook in Paris."}\n'
        '{"title": "News", "text": "Reuters reported that Nvidia plans to expand in Taiwan."}\n'
        '{"title": "News", "text": "Disney signed a deal with OpenAI."}\n'
    )
    monkeypatch.setattr(sys, "stdin", Stdin(lines.encode()))
    out = tmp_path / "g.nq"
    code, _, err = run(["build", "-", "-o", str(out)], capfdbinary)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "/id/article/a1>" in text
    # lines without an id are keyed by their text, not by a title they may share
    assert len(set(re.findall(r"/id/article/stdin-[0-9a-f]{12}>", text))) == 2


def test_bad_standard_input_is_named_in_one_error_line(
    monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setattr(sys, "stdin", Stdin(b"\x00\x01\x02 binary"))
    code, out, err = run(["build", "-", "-o", "-", "--format", "ttl"], capfdbinary)
    assert code == InputError.exit_code
    assert err == "kg: error: <stdin> looks like a binary file, not text\n"
    assert out == b""


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["build", "a.txt", "-o", "-"], FormatError.exit_code, "needs --format"),
        (["build", "-", "-", "-o", "g.ttl"], UsageError.exit_code, "only once"),
        (["build", "a.txt", "--store", "s.trig", "--format", "ttl"], UsageError.exit_code, "-o"),
        (
            ["build", "a.txt", "-o", "-", "--format", "nt", "--diff"],
            UsageError.exit_code,
            "--diff",
        ),
    ],
    ids=["stdout-without-format", "stdin-twice", "format-without-output", "diff-to-stdout"],
)
def test_standard_output_mistakes_are_one_error_line(
    argv: list[str], code: int, says: str, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    result, out, err = run(argv, capfdbinary)
    assert result == code
    assert err.startswith("kg: error:") and err.count("\n") == 1 and says in err, err
    assert out == b""


def test_format_overrides_the_output_extension(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "graph.data"
    code, _, err = run(
        ["build", str(tmp_path / "a.txt"), "-o", str(out), "--format", "ttl"], capfdbinary
    )
    assert code == 0, err
    assert len(Graph().parse(out, format="turtle")) > 0


def test_build_counts_the_triples_the_file_holds(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    # two articles share entity descriptions: their sum would count those twice
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(ARTICLE, encoding="utf-8")
    for suffix in ("ttl", "trig"):
        out = tmp_path / f"g.{suffix}"
        code, _, err = run(
            ["build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o", str(out)], capfdbinary
        )
        assert code == 0, err
        built = int(re.search(r"(\d+) triples", err).group(1))  # type: ignore[union-attr]
        code, info, _ = run(["info", str(out)], capfdbinary)
        assert code == 0
        held = int(re.search(r"triples: (\d+)", info.decode()).group(1))  # type: ignore[union-attr]
        assert built == held


# -- --version, help, model ---------------------------------------------------


def test_version_prints_the_installed_version(capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    from importlib.metadata import version

    code, out, _ = run(["--version"], capfdbinary)
    assert code == 0
    assert out.decode() == f"kg {version('kg')}\n"


def test_help_names_every_exit_code(capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, _ = run(["--help"], capfdbinary)
    assert code == 0
    text = " ".join(out.decode().split())
    codes = {cls.exit_code for cls in KGError.__subclasses__()} | {0, 1, 70, 74, 130, 143}
    for number in sorted(codes):
        assert re.search(rf"\b{number}\b", text.split("Exit codes:")[1]), number


def test_a_missing_model_says_how_to_install_it(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    argv = ["build", str(tmp_path / "a.txt"), "-o", str(tmp_path / "g.ttl")]
    code, _, err = run([*argv, "--model", "en_core_web_nothere"], capfdbinary)
    assert code == 69
    assert "python -m spacy download en_core_web_nothere" in err
    assert "--model en_core_web_nothere" not in err  # not the flag that just failed


# -- kg query: text inline or on standard input, listings, prefixed names -------


def test_query_text_runs_with_e(
    graph_file: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, err = run(
        [
            "query",
            "-e",
            # kg's usual prefixes need no declaration
            "SELECT ?p WHERE { ?p kg:ceoOf ?o }",
            str(graph_file),
            "--format",
            "csv",
        ],
        capfdbinary,
    )
    assert code == 0, err
    assert out.decode().splitlines() == ["p", "https://kg.example.org/id/person/sam-altman"]


def test_query_text_runs_from_standard_input(
    graph_file: Path, monkeypatch: pytest.MonkeyPatch, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    ask = b"ASK { ?s a <https://kg.example.org/ontology#Person> }"
    monkeypatch.setattr(sys, "stdin", Stdin(ask))
    code, out, err = run(["query", "-", str(graph_file)], capfdbinary)
    assert code == 0, err
    assert out == b"true\n"


def test_query_text_given_as_a_name_points_to_e(
    graph_file: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, err = run(["query", "SELECT * WHERE { ?s ?p ?o }", str(graph_file)], capfdbinary)
    assert code == QueryError.exit_code
    assert "-e" in err and err.count("\n") == 1
    assert out == b""


def test_query_list_shows_whole_descriptions(capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    from kg.query import bundled_queries, describe

    code, out, _ = run(["query", "--list"], capfdbinary)
    assert code == 0
    text = out.decode()
    for name, path in bundled_queries().items():
        assert describe(path) in text, name  # never cut: the --param hints are at the end
    assert '--param entity="OpenAI"' in text


def test_tables_show_prefixed_names(
    graph_file: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, _ = run(
        [
            "query",
            "-e",
            "PREFIX kg: <https://kg.example.org/ontology#> "
            "SELECT ?s ?p WHERE { ?s ?p ?o . FILTER(?p = kg:ceoOf) }",
            str(graph_file),
        ],
        capfdbinary,
    )
    assert code == 0
    row = out.decode().splitlines()[2].split()
    assert row == ["id:person/sam-altman", "kg:ceoOf"]


def test_leaders_show_the_most_specific_role(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    import csv

    (tmp_path / "a.txt").write_text(
        "Sam Altman, OpenAI's CEO, spoke on Monday. Later Sam Altman of OpenAI met studio heads.\n",
        encoding="utf-8",
    )
    out_file = tmp_path / "g.ttl"
    assert run(["build", str(tmp_path / "a.txt"), "-o", str(out_file), "-q"], capfdbinary)[0] == 0
    # the graph states worksFor too ("Sam Altman of OpenAI"), ceoOf's super-property
    graph = Graph().parse(out_file)
    assert any(True for _ in graph.subject_objects(KG.worksFor))
    code, out, _ = run(["query", "leaders", str(out_file), "--format", "csv"], capfdbinary)
    assert code == 0
    rows = [r for r in csv.DictReader(io.StringIO(out.decode())) if r["person"] == "Sam Altman"]
    assert [(r["role"], r["organization"]) for r in rows] == [("ceoOf", "OpenAI")]


# -- kg build -: piped articles keep their own graphs ------------------------------


def test_piped_articles_do_not_replace_each_other(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    """``cat a.txt | kg build - --store s; cat b.txt | kg build - --store s`` keeps both:
    a piped article is keyed by its text (and title), not by one fixed name."""
    store = tmp_path / "s.trig"
    texts = [ARTICLE, "Tim Cook, Apple's CEO, visited Paris.\n"]
    for text in texts:
        monkeypatch.setattr(sys, "stdin", Stdin(text.encode()))
        code, _, err = run(["build", "-", "--store", str(store), "-q"], capfdbinary)
        assert code == 0, err
    code, out, _ = run(["info", "--store", str(store)], capfdbinary)
    assert code == 0
    assert re.search(r"articles: 2\b", out.decode()), out.decode()
    # the same article piped again is the same article: skipped, not a third
    monkeypatch.setattr(sys, "stdin", Stdin(texts[0].encode()))
    code, _, err = run(["build", "-", "--store", str(store)], capfdbinary)
    assert code == 0 and "(1 unchanged, skipped)" in err, err


def test_id_names_the_piped_article_and_a_new_text_under_it_is_announced(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    store = tmp_path / "s.nq"
    monkeypatch.setattr(sys, "stdin", Stdin(ARTICLE.encode()))
    code, _, err = run(["build", "-", "--id", "altman-la", "--store", str(store)], capfdbinary)
    assert code == 0, err
    assert "/id/article/altman-la>" in store.read_text(encoding="utf-8")
    assert "replaced" not in err
    monkeypatch.setattr(sys, "stdin", Stdin(b"Tim Cook, Apple's CEO, visited Paris.\n"))
    code, _, err = run(["build", "-", "--id", "altman-la", "--store", str(store)], capfdbinary)
    assert code == 0, err
    assert "replaced 1 stored article(s) whose text or build settings differ: 'altman-la'" in err


def test_id_is_in_the_help_and_needs_standard_input(
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    code, out, _ = run(["build", "--help"], capfdbinary)
    assert code == 0 and "--id KEY" in out.decode()
    code, out, err = run(["build", "a.txt", "--id", "x", "-o", "g.ttl"], capfdbinary)
    assert code == UsageError.exit_code
    assert err.startswith("kg: error: --id") and err.count("\n") == 1, err


class _Endless(io.RawIOBase):
    """A standard input that never ends; reading more than ``most`` bytes of it is a
    failure of the test (kg would copy it until the disk is full)."""

    def __init__(self, line: bytes, most: int) -> None:
        self.line, self.most, self.given = line, most, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self.given += len(buffer)
        assert self.given <= self.most, "kg read standard input far past its size limit"
        data = (self.line * (len(buffer) // len(self.line) + 1))[: len(buffer)]
        buffer[: len(data)] = data
        return len(data)


@pytest.mark.parametrize(
    ("line", "says"),
    [(b"y\n", "<stdin> is over 100,000 bytes"), (b'{"text": "' + b"y" * 200, "<stdin> line 1")],
    ids=["text", "json-lines"],
)
def test_endless_standard_input_stops_at_the_size_limit(
    line: bytes,
    says: str,
    monkeypatch: pytest.MonkeyPatch,
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    endless = io.BufferedReader(_Endless(line, most=10_000_000))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(endless))
    code, out, err = run(
        ["build", "-", "-o", "-", "--format", "nt", "--max-bytes", "100000"], capfdbinary
    )
    assert code == InputError.exit_code, err
    assert err.startswith(f"kg: error: {says}") and err.count("\n") == 1, err
    assert out == b""


# -- outputs that are not regular files, writers that race ----------------------


def test_output_into_a_fifo_writes_through_it_and_keeps_it(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    import os
    import stat
    import threading

    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    fifo = tmp_path / "graph.nt"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = run(["build", str(tmp_path / "a.txt"), "-o", str(fifo), "-q"], capfdbinary)
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode), "the FIFO was replaced by a regular file"
    assert len(Graph().parse(data=got[0].decode(), format="nt")) > 0
    assert {p.name for p in tmp_path.iterdir()} == {"a.txt", "graph.nt"}  # no temporary left


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mknod needs root")
def test_output_onto_a_device_writes_into_it_and_keeps_it(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    import stat

    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    null = tmp_path / "null.ttl"  # a copy of /dev/null's device, not /dev/null itself
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    code, _, err = run(["build", str(tmp_path / "a.txt"), "-o", str(null), "-q"], capfdbinary)
    assert code == 0, err
    assert stat.S_ISCHR(null.stat().st_mode), "the device was replaced by a regular file"
    assert {p.name for p in tmp_path.iterdir()} == {"a.txt", "null.ttl"}


def test_a_second_writer_of_a_file_store_is_refused_and_the_first_one_s_articles_stay(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    from kg.errors import StoreError
    from kg.store import open_store

    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Tim Cook, Apple's CEO, visited Paris.\n", encoding="utf-8")
    store = tmp_path / "s.trig"
    assert run(["build", str(tmp_path / "a.txt"), "--store", str(store), "-q"], capfdbinary)[0] == 0
    before = store.read_bytes()
    first = open_store(str(store))  # a build that is running: it holds the store
    try:
        code, _, err = run(["build", str(tmp_path / "b.txt"), "--store", str(store)], capfdbinary)
        assert code == StoreError.exit_code, err
        assert "another kg process is writing" in err and err.count("\n") == 1, err
        code, _, err = run(["remove", "a", "--store", str(store)], capfdbinary)
        assert code == StoreError.exit_code, err
    finally:
        first.close()
    assert store.read_bytes() == before
    # a writer that read the store before another one wrote it refuses to write it over
    reader = open_store(str(store), create=False)
    assert run(["build", str(tmp_path / "b.txt"), "--store", str(store), "-q"], capfdbinary)[0] == 0
    after = store.read_bytes()
    with pytest.raises(StoreError, match="changed since kg read it"):
        reader.remove_graph(reader.article_graphs()[0])
    reader.close()
    assert store.read_bytes() == after


@pytest.mark.parametrize("suffix", ["trig", "nq"])
def test_two_builds_into_one_file_store_at_once_lose_no_article_silently(
    suffix: str, tmp_path: Path
) -> None:
    """Every build that exits 0 has its article in the store; the other one is refused
    (75), as a second build into an Oxigraph store is."""
    import subprocess

    store = tmp_path / f"s.{suffix}"
    texts = {"a": ARTICLE, "b": "Tim Cook, Apple's CEO, visited Paris.\n"}
    builds = {}
    for key, text in texts.items():
        (tmp_path / f"{key}.txt").write_text(text, encoding="utf-8")
    for key in texts:
        argv = ["build", str(tmp_path / f"{key}.txt"), "--store", str(store), "-q"]
        builds[key] = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", *argv],
            stderr=subprocess.PIPE,
        )
    codes = {}
    for key, build in builds.items():
        _, err = build.communicate(timeout=300)
        codes[key] = build.returncode
        assert build.returncode in (0, 75), err.decode()
        if build.returncode == 75:
            assert b"another kg process is writing" in err, err.decode()
    held = store.read_text(encoding="utf-8")
    for key, code in codes.items():
        assert (f"/id/article/{key}>" in held) == (code == 0), (codes, held[:300])
    assert 0 in codes.values()


@pytest.mark.parametrize("where", ["the-file", "in-a-directory", "new-in-a-directory"])
def test_output_naming_an_input_is_refused_before_anything_is_written(
    where: str, tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article = corpus / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    given, output = {
        "the-file": (article, article),
        "in-a-directory": (corpus, article),
        "new-in-a-directory": (corpus, corpus / "graph.md"),
    }[where]
    code, out, err = run(["build", str(given), "-o", str(output), "--format", "ttl"], capfdbinary)
    assert out == b""
    assert code == UsageError.exit_code, err
    assert err.startswith("kg: error:") and err.count("\n") == 1, err
    assert article.read_text(encoding="utf-8") == ARTICLE
    assert sorted(p.name for p in corpus.iterdir()) == ["a.txt"]


def test_remove_of_a_json_lines_file_removes_its_own_articles(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        '{"id": "j1", "text": "Sam Altman met Tim Cook in Paris."}\n'
        '{"text": "Reuters reported that Nvidia plans to expand in Taiwan."}\n',
        encoding="utf-8",
    )
    named = tmp_path / "corpus.txt"  # an article keyed "corpus", as the file's stem
    named.write_text(ARTICLE, encoding="utf-8")
    store = tmp_path / "s.trig"
    code, _, err = run(["build", str(corpus), str(named), "--store", str(store), "-q"], capfdbinary)
    assert code == 0, err
    code, _, err = run(["remove", str(corpus), "--store", str(store)], capfdbinary)
    assert code == 0, err
    text = store.read_text(encoding="utf-8")
    assert "/id/article/corpus>" in text
    assert "/id/article/j1>" not in text and "/id/article/corpus-2>" not in text


# -- a standard output that is not UTF-8 ------------------------------------------


@pytest.mark.parametrize(
    "env", [{"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0"}]
)
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_labels_print_on_a_standard_output_that_is_not_utf8(
    env: dict[str, str], fmt: str, tmp_path: Path
) -> None:
    import subprocess

    graph = tmp_path / "g.ttl"
    graph.write_text(
        "<https://kg.example.org/id/place/zurich> <http://www.w3.org/2000/01/rdf-schema#label> "
        '"Zürich" .\n',
        encoding="utf-8",
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIO"))}
    query = "SELECT ?label WHERE { ?s ?p ?label }"
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", "query", "-e", query, str(graph), "--format", fmt],
        env={**clean, "PYTHONUTF8": "0", **env},
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode("ascii", "replace")
    assert b"Z\\xfcrich" in done.stdout or b"Z\\u00fc" in done.stdout, done.stdout


# -- kg build -: piped articles that share a title ---------------------------------

BRIEFS = [
    "---\ntitle: Daily Brief\ndate: 2024-03-01\n---\n"
    "Marta Velloso is the chief executive of Quintara Systems.\n",
    "---\ntitle: Daily Brief\ndate: 2024-03-02\n---\n"
    "Jonas Eklund is the chief executive of Halvard Energy.\n",
]


def test_piped_articles_with_one_title_keep_their_own_graphs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    """Issue 34, item F5: a title is not a key (a daily brief has the same one each
    day); two piped articles under one title are two articles, keyed readably by the
    title and a digest of the text, and the same text piped again is skipped."""
    store = tmp_path / "s.nq"
    for text in BRIEFS:
        monkeypatch.setattr(sys, "stdin", Stdin(text.encode()))
        code, _, err = run(["build", "-", "--store", str(store), "-q"], capfdbinary)
        assert code == 0, err
        assert "replaced" not in err, err
    stored = store.read_text(encoding="utf-8")
    assert "Marta Velloso" in stored and "Jonas Eklund" in stored
    keys = set(re.findall(r"/id/article/(daily-brief-[0-9a-f]{12})>", stored))
    assert len(keys) == 2, keys
    monkeypatch.setattr(sys, "stdin", Stdin(BRIEFS[0].encode()))
    code, _, err = run(["build", "-", "--store", str(store)], capfdbinary)
    assert code == 0 and "(1 unchanged, skipped)" in err, err


# -- a standard output that is closed, or a reader that stops early ---------------


def _query_all(graph: Path, **popen: Any) -> Any:
    import subprocess

    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", "query", "-e", query, str(graph)],
        stderr=subprocess.PIPE,
        timeout=120,
        **popen,
    )


def test_a_closed_standard_output_is_an_error_not_silent_success(graph_file: Path) -> None:
    """Issue 34, item F10: ``kg query ... >&-`` loses the rows it prints; it says so
    and exits 74, in one line, rather than 0."""
    done = _query_all(graph_file, preexec_fn=lambda: os.close(1))
    err = done.stderr.decode()
    assert done.returncode == 74, err
    assert err.startswith("kg: error: standard output is closed") and err.count("\n") == 1, err


def test_a_reader_that_stops_early_is_not_an_error(graph_file: Path) -> None:
    """``kg query ... | head -1``: the reader has what it wanted; kg exits 0 quietly."""
    import subprocess

    many = graph_file.parent / "many.nt"
    triple = "<https://x.org/s{0}> <https://x.org/p> <https://x.org/o{0}> .\n"
    many.write_text("".join(triple.format(i) for i in range(20000)))
    child = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "query", "-e", "SELECT * WHERE { ?s ?p ?o }", str(many)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.readline()
    child.stdout.close()  # as head does after its first line
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "kg: error" not in err, err


# -- kg build -: an HTML page piped in ----------------------------------------------

PAGE = (
    "<head><title>Cobalt Mining news</title><script>var s = 'Evil Scriptman';</script></head>"
    "<body><p>Renata Vogel is the chief executive of Cobalt Mining.</p>"
    "<span hidden>Secret Sam is the president of Shadow Bank.</span></body></html>\n"
)


@pytest.mark.parametrize(
    "start",
    [
        "<!doctype html><html>",
        '\ufeff \n<HTML lang="en">',
        "<!-- saved from the web -->\n<!DOCTYPE HTML PUBLIC '-//W3C//DTD HTML 4.01//EN'><html>",
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">',
    ],
    ids=["doctype", "bom-and-html-element", "comment-first", "xhtml"],
)
def test_html_piped_in_is_read_as_an_html_file_is(
    start: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    """Issue 34, item F4: ``curl -s URL | kg build -`` reads the page's visible text,
    with its <title> as the title, not its markup, scripts and hidden parts."""
    out = tmp_path / "g.nt"
    monkeypatch.setattr(sys, "stdin", Stdin((start + PAGE).encode()))
    code, _, err = run(["build", "-", "-o", str(out), "-q"], capfdbinary)
    assert code == 0, err
    graph = Graph().parse(out)
    labels = {str(o) for o in graph.objects(None, RDFS.label)}
    assert {"Renata Vogel", "Cobalt Mining"} <= labels
    assert "Cobalt Mining news" in labels  # the article's title
    text = out.read_text(encoding="utf-8")
    assert not re.search(r"Scriptman|Secret Sam|Shadow Bank|<p>|</span>", text)
    assert "/id/article/cobalt-mining-news-" in text  # keyed by its title and text


def test_text_that_mentions_a_tag_piped_in_stays_text(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    out = tmp_path / "g.nt"
    text = "Sam Altman, OpenAI's CEO, said pages start with <html> tags.\n"
    monkeypatch.setattr(sys, "stdin", Stdin(text.encode()))
    code, _, err = run(["build", "-", "-o", str(out), "-q"], capfdbinary)
    assert code == 0, err
    assert "start with <html> tags" in out.read_text(encoding="utf-8")
