"""Extending kg without touching its code: a user's Turtle file, patterns registered
from Python, rule choice by config, and the example plugin installed by entry point."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from kg.analysis import to_networkx
from kg.cli import main
from kg.extract.patterns import entity_patterns, relation_patterns
from kg.info import summarize
from kg.lexicon import load_lexicon
from kg.pipeline import Pipeline
from kg.registry import NO_PLUGINS, unregister
from kg.store.backends import MemoryStore
from kg.validate import check_graph, shapes_graph
from kg.view import GLYPHS, ViewOptions, render, style
from kg.vocab import KG

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
EXTEND = ROOT / "examples" / "extend"
SHAPES = ROOT / "ontology" / "shapes.ttl"
SP = Namespace("https://sport.example.org/ns#")

SPORT_TTL = """\
@prefix kg:   <https://kg.example.org/ontology#> .
@prefix sp:   <https://sport.example.org/ns#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

sp:Team a owl:Class ; rdfs:subClassOf kg:Organization ; rdfs:label "Team"@en ;
    kg:cueNoun "team", "club" ; kg:nameHead "rovers", "united" .
sp:Trophy a owl:Class ; rdfs:subClassOf kg:Event ; rdfs:label "Trophy"@en .
sp:sponsors a owl:ObjectProperty ; rdfs:label "sponsors"@en ;
    rdfs:domain kg:Company ; rdfs:range sp:Team .
"""
ARTICLE = (
    "Brightwater Energy has sponsored Harbour Rovers since 2019, the football club said. "
    "The club will play Dunmore Athletic for the Saltmarsh Shield in April."
)
SPONSOR_PATTERN = [
    {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": "sponsor"}},
    {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "subject", "RIGHT_ATTRS": {"DEP": "nsubj"}},
    {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "object", "RIGHT_ATTRS": {"DEP": "dobj"}},
]


@pytest.fixture(scope="module")
def sport(tmp_path_factory, pipeline):
    """A pipeline with the user's ontology and two rules registered from Python.

    Registered rules join every pipeline made after them, so the session's plain
    pipeline (``pipeline``) is made first."""
    ttl = tmp_path_factory.mktemp("sport") / "sport.ttl"
    ttl.write_text(SPORT_TTL, encoding="utf-8")
    relation_patterns("test.sport.sponsors.v1", "sponsors", [SPONSOR_PATTERN])
    entity_patterns("test.sport.trophies.v1", "Trophy", [[{"IS_TITLE": True}, {"LOWER": "shield"}]])
    try:
        built = Pipeline(ontology=[ttl])  # the pipeline holds the rules from here on
    finally:
        unregister("relation_rules", "test.sport.sponsors.v1")
        unregister("mention_rules", "test.sport.trophies.v1")
        unregister("type_rules", "test.sport.trophies.v1")
    return built, ttl, built.build_text(ARTICLE, key="sport")


def test_user_turtle_and_python_pattern_give_new_types_and_relations(sport):
    _, _, graph = sport
    rovers = next(s for s in graph.subjects(RDF.type, SP.Team))
    assert str(rovers).endswith("/organization/harbour-rovers")
    (trophy,) = graph.subjects(RDF.type, SP.Trophy)
    assert str(trophy).endswith("/event/saltmarsh-shield")
    sponsor = next(graph.subjects(SP.sponsors, rovers))
    assert str(sponsor).endswith("/organization/brightwater-energy")
    # the fact carries its evidence like any other: sentence and rule
    (assertion,) = graph.subjects(RDF.predicate, SP.sponsors)
    rules = {str(r) for r in graph.objects(assertion, None) if "test.sport" in str(r)}
    assert rules == {"test.sport.sponsors.v1"}


def test_phrase_patterns_match_as_spacy_tokenizes(pipeline):
    """A phrase with an apostrophe is several tokens in parsed text ("Mary", "'s"),
    so it must be tokenized the same way to match."""
    entity_patterns("test.phrases.regattas.v1", "Event", ["Saint Mary's Regatta"])
    try:
        built = Pipeline()
    finally:
        unregister("mention_rules", "test.phrases.regattas.v1")
        unregister("type_rules", "test.phrases.regattas.v1")
    graph = built.build_text("Crews from six towns raced at Saint Mary's Regatta.", key="boats")
    (event,) = graph.subjects(RDF.type, KG.Event)
    assert str(graph.value(event, RDFS.label)) == "Saint Mary's Regatta"
    rules = {str(r) for m in graph.subjects(KG.denotes, event) for r in graph.objects(m, KG.rule)}
    assert "test.phrases.regattas.v1" in rules


def test_without_the_extension_the_same_text_has_none_of_it(pipeline):
    graph = pipeline.build_text(ARTICLE, key="sport")
    assert not any(str(p).startswith(str(SP)) for _, p, _ in graph)
    assert not any(str(o).startswith(str(SP)) for o in graph.objects(None, RDF.type))


def test_new_terms_reach_shapes_validation_info_and_views(sport):
    _, ttl, graph = sport
    lexicon = load_lexicon([ttl])
    shapes = shapes_graph(lexicon)
    assert (None, SH.targetClass, SP.Team) in shapes
    assert (None, SH.targetObjectsOf, SP.sponsors) in shapes
    # a sponsor of a trophy breaks the range: caught by the build-time check
    bad = Graph()
    for triple in graph:
        bad.add(triple)
    trophy = next(graph.subjects(RDF.type, SP.Trophy))
    company = next(graph.subjects(SP.sponsors, None))
    bad.add((company, SP.sponsors, trophy))
    (violation,) = check_graph(bad, lexicon)
    assert "sponsors must be Team" in violation.reason
    store = MemoryStore()
    store.replace_graph("https://kg.example.org/id/article/sport", graph)
    info = summarize(store)
    assert info["classes"]["Team"] == 1 and info["relations"]["sponsors"] == 1
    network = to_networkx(store)
    assert {d["cls"] for _, d in network.nodes(data=True)} >= {"Team", "Trophy"}
    page = render(network, ViewOptions())
    # the extension's class has its own legend entry, in its own colour and shape
    glyph = GLYPHS[style("Team")[1]]
    assert f'style="color:{style("Team")[0]}">{glyph}</span>Team' in page
    assert 'data-cls="Team"' in page


def test_config_file_chooses_rules(tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text("Sam Altman, the chief executive of OpenAI, spoke in Paris.", "utf-8")
    config = tmp_path / "kg.toml"
    config.write_text('[rules]\nexclude = ["kg.relations.titles.v1"]\n', encoding="utf-8")
    assert main(["build", str(article), "-o", str(tmp_path / "all.nt"), "-q"]) == 0
    assert (
        main(["build", str(article), "-o", str(tmp_path / "cfg.nt"), "-q", "--config", str(config)])
        == 0
    )
    with_titles = (tmp_path / "all.nt").read_text("utf-8")
    without = (tmp_path / "cfg.nt").read_text("utf-8")
    assert "#ceoOf>" in with_titles and "#ceoOf>" not in without
    # the same from the command line
    out = tmp_path / "cli.nt"
    assert (
        main(
            [
                "build",
                str(article),
                "-o",
                str(out),
                "-q",
                "--exclude-rule",
                "kg.relations.titles.v1",
            ]
        )
        == 0
    )
    assert out.read_text("utf-8") == without


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[rules]\nexclude = ['kg.nope.v1']\n", "unknown rule 'kg.nope.v1'"),
        ("[rules]\nrelations = ['kg.nope.v1']\n", "unknown relation rule 'kg.nope.v1'"),
        ("colour = 'blue'\n", "unknown setting 'colour'"),
        ("[rules\n", "not valid TOML"),
        ("min_confidence = 'high'\n", "min_confidence must be a number"),
        ("max_entities = 0\n", "max_entities must be a whole number of at least 1"),
        ("max_entities = 2.5\n", "max_entities must be a whole number of at least 1"),
    ],
)
def test_bad_config_is_a_usage_error(tmp_path, capsys, text, message):
    article = tmp_path / "a.txt"
    article.write_text("Sam Altman leads OpenAI.", "utf-8")
    config = tmp_path / "kg.toml"
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "o.ttl"
    assert main(["build", str(article), "-o", str(out), "--config", str(config)]) == 64
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_config_limits_entities_and_the_command_line_wins(tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text("Sam Altman leads OpenAI. Satya Nadella runs Microsoft.", "utf-8")
    config = tmp_path / "kg.toml"
    config.write_text("max_entities = 2\n", encoding="utf-8")
    out = tmp_path / "o.ttl"
    build = ["build", str(article), "-o", str(out), "--config", str(config)]
    assert main(build) == 2
    assert "at most 2 per article" in capsys.readouterr().err and not out.exists()
    assert main([*build, "--max-entities", "10"]) == 0 and out.exists()
    capsys.readouterr()
    with pytest.raises(SystemExit) as refused:  # not quietly the config's value
        main([*build, "--max-entities", "0"])
    assert refused.value.code == 64
    assert "--max-entities: must be at least 1" in capsys.readouterr().err


def test_missing_config_file_is_an_input_error(tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text("Sam Altman leads OpenAI.", "utf-8")
    code = main(["build", str(article), "-o", str(tmp_path / "o.ttl"), "--config", "nope.toml"])
    assert code == 2 and "no such config file" in capsys.readouterr().err


def test_pattern_helpers_refuse_malformed_patterns():
    from kg.errors import UsageError

    with pytest.raises(UsageError, match="'subject' and 'object'"):
        relation_patterns("test.bad.v1", "sponsors", [[{"RIGHT_ID": "verb", "RIGHT_ATTRS": {}}]])
    with pytest.raises(UsageError, match="no patterns"):
        entity_patterns("test.bad.v1", "Team", [])


def _kg(args: list[str], plugin_dir: Path | None, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run kg in a process of its own that sees the plugins in ``plugin_dir`` and no
    other, whatever is installed beside kg."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", NO_PLUGINS)}
    if plugin_dir is not None:
        env["PYTHONPATH"] = str(plugin_dir)
    code = (
        f"import os, sys; sys.path.insert(0, {str(TESTS)!r}); import catalogue; "
        "from conftest import only_plugins_from; "
        f"os.environ.pop({NO_PLUGINS!r}); "  # which importing conftest set
        "catalogue.Registry._get_entry_points = only_plugins_from(sys.argv[1] or None); "
        "from kg.cli import main; sys.exit(main(sys.argv[2:]))"
    )
    where = str(plugin_dir) if plugin_dir is not None else ""
    return subprocess.run(
        [sys.executable, "-c", code, where, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
    )


def install_without_pip(source: Path, target: Path) -> None:
    """Install a plugin's source tree into ``target`` as pip would, without pip: its
    packages, and a ``.dist-info`` whose ``entry_points.txt`` is made from the
    ``[project.entry-points.*]`` tables of its pyproject.toml (how Python finds them)."""
    project = tomllib.loads((source / "pyproject.toml").read_text("utf-8"))
    meta = project["project"]
    for package in project["tool"]["setuptools"]["packages"]:
        shutil.copytree(source / package, target / package)
    info = target / f"{meta['name'].replace('-', '_')}-{meta['version']}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {meta['name']}\nVersion: {meta['version']}\n", "utf-8"
    )
    groups = [
        f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in entries.items())
        for group, entries in meta["entry-points"].items()
    ]
    (info / "entry_points.txt").write_text("\n".join(groups), "utf-8")


def readme_plugin(directory: Path) -> Path:
    """The README's complete small plugin, its files written as the README names them
    (a line `` `kg-sport/...`: `` above each file's code block)."""
    readme = (ROOT / "README.md").read_text("utf-8")
    files = re.findall(r"^`(kg-sport/[^`]+)`:\n```\w+\n(.*?)^```", readme, re.M | re.S)
    assert {name for name, _ in files} == {
        "kg-sport/pyproject.toml",
        "kg-sport/kg_sport/__init__.py",
        "kg-sport/kg_sport/sport.ttl",
    }
    for name, text in files:
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text, "utf-8")
    return directory / "kg-sport"


def test_the_readme_plugin_installed_beside_kg_works_as_documented(tmp_path):
    """The README's plugin: its entry points register its rules and ontology, its
    classes and relation reach the graph, and its prefix works in kg query -e."""
    site = tmp_path / "site"
    install_without_pip(readme_plugin(tmp_path / "src"), site)
    listed = _kg(["plugins", "--format", "csv"], site, tmp_path)
    assert "kg_sport.trophies.v1" in listed.stdout and "kg_sport.sponsors.v1" in listed.stdout
    (tmp_path / "match.txt").write_text(ARTICLE, "utf-8")
    built = _kg(["build", "match.txt", "-o", "match.ttl", "-q"], site, tmp_path)
    assert built.returncode == 0, built.stderr
    graph = Graph().parse(tmp_path / "match.ttl")
    sport = Namespace("https://sport.example.org/ns#")

    def labels(cls):
        return {str(graph.value(s, RDFS.label)) for s in graph.subjects(RDF.type, cls)}

    assert "Harbour Rovers" in labels(sport.Team)
    assert labels(sport.Trophy) == {"Saltmarsh Shield"}
    query = (
        "SELECT ?who ?team WHERE { ?w sport:sponsors ?t . "
        "?w rdfs:label ?who . ?t rdfs:label ?team }"
    )
    answer = _kg(["query", "-e", query, "match.ttl", "--format", "csv"], site, tmp_path)
    assert answer.returncode == 0, answer.stderr
    assert "Brightwater Energy,Harbour Rovers" in answer.stdout
    # without the plugin the prefix means nothing: one clear error, not an empty answer
    plain = _kg(["query", "-e", query, "match.ttl"], None, tmp_path)
    assert plain.returncode == 66 and "sport" in plain.stderr


def test_the_suite_does_not_depend_on_installed_plugins(tmp_path):
    """With a plugin installed beside kg, kg's own tests still pass: the shapes file
    is compared with kg's ontology, not kg's plus the plugin's."""
    site = tmp_path / "site"
    install_without_pip(readme_plugin(tmp_path / "src"), site)
    # as a user runs the suite: the plugin on the path, nothing said to kg about it
    env = {k: v for k, v in os.environ.items() if k != NO_PLUGINS}
    env["PYTHONPATH"] = str(site)
    tests = [
        "tests/test_validate.py::test_shapes_file_is_what_the_ontology_gives",
        "tests/test_extend.py::test_without_the_extension_the_same_text_has_none_of_it",
    ]
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert ran.returncode == 0, ran.stdout[-3000:]
    # and the command that regenerates the shapes writes kg's own, not the plugin's
    shapes = subprocess.run(
        [sys.executable, "-m", "kg.validate"], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "sport.example.org" not in shapes
    assert isomorphic(Graph().parse(data=shapes, format="turtle"), Graph().parse(SHAPES))


def test_example_plugin_installed_beside_kg_changes_the_output(tmp_path):
    """examples/extend, installed with pip next to kg (its own directory on the path,
    kg's environment untouched), adds classes, a relation and rules by entry point."""
    target = tmp_path / "site"
    source = tmp_path / "kg-labor"  # pip builds in the source tree: keep it out of the checkout
    shutil.copytree(EXTEND, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    articles = EXTEND / "articles"
    before = _kg(["build", str(articles), "-o", "before.ttl", "-q"], None, tmp_path)
    after = _kg(["build", str(articles), "-o", "after.ttl", "-q"], target, tmp_path)
    assert before.returncode == 0 and after.returncode == 0, before.stderr + after.stderr
    plain = Graph().parse(tmp_path / "before.ttl")
    extended = Graph().parse(tmp_path / "after.ttl")
    labor = Namespace("https://kg.example.org/labor#")
    assert not any(str(o).startswith(str(labor)) for o in plain.objects(None, RDF.type))

    def labels(cls):
        return {str(extended.value(s, RDFS.label)) for s in extended.subjects(RDF.type, cls)}

    assert labels(labor.LaborUnion) == {"Coastal Dockworkers Union", "Regional Teachers Federation"}
    assert labels(labor.Award) == {"Harbourside Labour Prize"}
    members = {
        (str(s).rsplit("/", 1)[-1], str(o).rsplit("/", 1)[-1])
        for s, o in extended.subject_objects(labor.memberOf)
    }
    assert members == {
        ("marisol-okafor", "coastal-dockworkers-union"),
        ("priya-natarajan", "regional-teachers-federation"),
    }
    listed = _kg(["plugins", "--format", "csv"], target, tmp_path)
    assert "kg_labor.member_of.v1" in listed.stdout and "kg_labor.awards.v1" in listed.stdout
    # kg's own commands read the plugin's ontology too: SHACL shapes, info
    info = _kg(["info", "after.ttl"], target, tmp_path)
    assert "LaborUnion" in info.stdout and "memberOf" in info.stdout
    valid = _kg(["validate", "after.ttl"], target, tmp_path)
    assert valid.returncode == 0, valid.stdout + valid.stderr


def test_an_extension_marks_names_by_their_first_word(tmp_path):
    """kg:nameLead, as kg:nameHead at the other end: "Copa Saltmarsh" is a trophy."""
    ttl = tmp_path / "cups.ttl"
    ttl.write_text(
        SPORT_TTL.replace(
            'rdfs:label "Trophy"@en .', 'rdfs:label "Trophy"@en ; kg:nameLead "copa" .'
        ),
        encoding="utf-8",
    )
    assert load_lexicon([ttl]).classes_for_lead("Copa") == ["Trophy"]
    graph = Pipeline(ontology=[ttl]).build_text(
        "Harbour Rovers won the Copa Saltmarsh in April.", key="cups"
    )
    (trophy,) = graph.subjects(RDF.type, SP.Trophy)
    assert str(graph.value(trophy, RDFS.label)) == "Copa Saltmarsh"
