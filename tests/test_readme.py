"""Every command and code example in README.md runs.

Each ``kg`` line of the README's ``bash`` blocks runs here, in a folder laid out as
the README assumes (articles, a corpus, graph files, a store, the ``labor.ttl`` of
the README's own Turtle block), and must exit 0; each ``python`` block runs as a
script there. A command that needs what a test machine lacks here (a SPARQL
server, a Dask cluster, another spaCy model, an installed plugin) names the test
that runs it instead, and this module checks that test exists: a new README
command fails here until something runs it.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXAMPLES = ROOT / "examples" / "articles"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)

#: Placeholders of the README's synopsis lines, as one real command each.
PLACEHOLDERS = {"[MORE.txt | DIR ...]": "MORE.txt DIR"}

#: Commands that run elsewhere: (pattern, why not here, the test that runs it).
ELSEWHERE: list[tuple[str, str, str]] = [
    (
        r"^python3 -m venv|^pip install -e '\.\[dev\]'|^python -m pytest"
        r"|^python examples/run_example\.py",
        "the README's set-up, which CI runs as it is",
        ".ci/run",
    ),
    (
        r"^python -m spacy download|--model en_core_web_sm|^KG_MODEL=",
        "fetches the official model, which .[dev] does not install",
        "tests/test_cli_unix.py::test_a_missing_model_says_how_to_install_it",
    ),
    (
        r"--store http://",
        "a SPARQL server",
        "tests/test_store.py::test_cli_builds_rebuilds_diffs_and_removes_on_a_sparql_server",
    ),
    (
        r"--cluster|^dask |^DASK_",
        "a Dask cluster",
        "tests/test_scale.py::test_a_dask_cluster_builds_the_store_one_process_builds",
    ),
    (r"^oxigraph serve", "a SPARQL server", "tests/conftest.py::oxigraph_server"),
    (
        r"^pip install --no-deps examples/extend|examples/extend/articles|^kg info labor\.ttl",
        "the example plugin, installed into a virtual environment of its own",
        "tests/test_extend.py::test_example_plugin_installed_beside_kg_changes_the_output",
    ),
    (
        r"^pip install --no-deps \./kg-sport|^kg plugins|^echo |match\.txt|match\.ttl",
        "the README's plugin, installed beside kg",
        "tests/test_extend.py::test_the_readme_plugin_installed_beside_kg_works_as_documented",
    ),
    (
        r"re-docred|\.\./shared/data/gum-news",
        "all of the real data sets: minutes of NLP",
        "tests/test_evaluate.py::test_kg_eval_puts_every_data_set_in_one_table",
    ),
    (
        r"^python -m kg\.train typer|^KG_TYPER_MODEL=",
        "training the learned typer",
        "tests/test_typer.py::test_the_trainer_writes_the_same_model_twice_and_kg_can_use_it",
    ),
    (
        r"^python -m kg\.train relations|^pip install -e '\.\[train\]'",
        "training the learned extractor",
        "tests/test_learned.py::"
        "test_the_trainer_learns_a_pattern_from_own_annotations_and_writes_the_same_bytes",
    ),
]


def _blocks(language: str) -> list[str]:
    return [
        body for lang, body in FENCE.findall(README.read_text(encoding="utf-8")) if lang == language
    ]


def readme_commands() -> list[str]:
    """The README's shell commands, one logical line each (a quoted argument may run
    over several lines), without comments."""
    commands = []
    for body in _blocks("bash"):
        pending = ""
        for line in body.replace("\\\n", " ").splitlines():
            for placeholder, real in PLACEHOLDERS.items():
                line = line.replace(placeholder, real)
            pending = f"{pending}\n{line}" if pending else line
            try:
                words = shlex.split(pending, comments=True)
            except ValueError:  # a quotation still open: the command goes on
                continue
            pending = ""
            if words:
                commands.append(shlex.join(words))
        assert not pending, f"a README command never closes its quotation: {pending!r}"
    return commands


def _elsewhere(command: str) -> tuple[str, str] | None:
    for pattern, why, test in ELSEWHERE:
        if re.search(pattern, command):
            return why, test
    return None


@pytest.fixture(scope="module")
def readme_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with what the README's commands name: ARTICLE.txt, DIR/, news/,
    corpus.jsonl, my-query.rq, labor.ttl, and graph.ttl, graph.trig and graphdb/
    built from the example articles."""
    top = tmp_path_factory.mktemp("readme")
    work = top / "work"
    work.mkdir()
    articles = sorted(EXAMPLES.glob("*.txt"))
    for name, source in (("ARTICLE.txt", 0), ("MORE.txt", 1), ("article.txt", 0)):
        shutil.copy(articles[source], work / name)
    for folder in ("DIR", "news"):
        shutil.copytree(EXAMPLES, work / folder)
    for n, article in enumerate(articles[:2], 1):
        (work / f"shard-0{n}").mkdir()
        shutil.copy(article, work / f"shard-0{n}")
    (work / "corpus.jsonl").write_text(
        "".join(
            json.dumps({"text": a.read_text(encoding="utf-8"), "id": a.stem}) + "\n"
            for a in articles
        ),
        encoding="utf-8",
    )
    (work / "my-query.rq").write_text(
        "# people\nPREFIX kg: <https://kg.example.org/ontology#>\n"
        "SELECT ?p WHERE { ?p a kg:Person }\n",
        encoding="utf-8",
    )
    (work / "labor.ttl").write_text(
        next(b for b in _blocks("turtle") if "labor:LaborUnion" in b), encoding="utf-8"
    )
    for name in ("tests", "examples"):
        (work / name).symlink_to(ROOT / name)
    if (ROOT.parent / "shared").is_dir():
        (top / "shared").symlink_to(ROOT.parent / "shared")
    for argv in (
        ["build", "news", "-o", "graph.ttl"],
        ["build", "news", "-o", "graph.trig"],
        ["build", "news", "--store", "graphdb/"],
    ):
        with pytest.MonkeyPatch.context() as mp:
            mp.chdir(work)
            assert main([*argv, "-q"]) == 0
    return work


@pytest.mark.parametrize("command", readme_commands())
def test_every_readme_command_runs(command, readme_folder, monkeypatch, capsys):
    elsewhere = _elsewhere(command)
    if elsewhere is not None:
        why, test = elsewhere
        path, _, name = test.partition("::")
        assert (ROOT / path).is_file(), f"{command!r} names {test}, which is missing"
        if name:
            source = (ROOT / path).read_text(encoding="utf-8")
            assert re.search(rf"^def {name}\(", source, re.M), (
                f"{command!r} names {test}, which is missing"
            )
        pytest.skip(f"{why}: {test} runs it")
    words = shlex.split(command)
    assert words[0] == "kg", f"a README command no test runs: {command!r}"
    monkeypatch.chdir(readme_folder)
    try:
        code = main(words[1:])
    except SystemExit as exc:  # --version and --help end through argparse
        code = exc.code or 0
    err = capsys.readouterr().err
    assert code == 0, f"{command!r} exited {code}: {err.strip()}"


@pytest.mark.parametrize(
    "block", [b for b in _blocks("python")], ids=lambda b: b.splitlines()[0][:40]
)
def test_every_readme_python_example_runs(block, readme_folder):
    # a process of its own: an example registers rules for every later pipeline
    done = subprocess.run(
        [sys.executable, "-c", block],
        cwd=readme_folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_readme_contents_list_links_every_section_in_order():
    text = README.read_text(encoding="utf-8")
    headings = [h for h in re.findall(r"^## (.+)$", text, re.M) if h != "Contents"]
    contents = text.split("## Contents", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^- \[(.+?)\]\(#([\w-]+)\)$", contents, re.M)
    assert [title for title, _ in listed] == headings
    for title, anchor in listed:  # GitHub's anchors: lower case, punctuation dropped
        assert anchor == re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
