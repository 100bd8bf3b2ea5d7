"""The public API: what ``import kg`` offers, and the KnowledgeGraph facade."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx

import kg
from kg.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"


def test_public_names_are_stable():
    assert kg.__all__ == [
        "KG",
        "KGError",
        "KnowledgeGraph",
        "Pipeline",
        "__version__",
        "entity_patterns",
        "find_query",
        "load",
        "load_lexicon",
        "read_article",
        "read_articles",
        "relation_patterns",
        "run_query",
        "save",
    ]
    for name in kg.__all__:
        assert getattr(kg, name) is not None


def test_import_loads_no_model_and_no_spacy():
    code = "import sys, kg; kg.KnowledgeGraph; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_knowledge_graph_builds_queries_analyses_views_and_removes(tmp_path, pipeline):
    with kg.KnowledgeGraph(str(tmp_path / "store")) as graph:
        graph._pipeline = pipeline  # reuse the session's loaded model
        diffs = graph.add_files([EXAMPLES])
        assert len(diffs) == 3 and all(d.added for d in diffs)
        assert len(graph.articles()) == 3
        leaders = graph.query("leaders")
        assert ("Sam Altman", "ceoOf", "OpenAI") in {tuple(map(str, r[:3])) for r in leaders.rows}
        facts = graph.query("entity", entity="Sam Altman")
        assert facts.rows
        assert graph.query("ASK { ?s ?p ?o }").boolean
        network = graph.networkx()
        assert isinstance(network, nx.MultiDiGraph) and network.number_of_edges() > 5
        page = graph.view(tmp_path / "v.html", focus="Sam Altman")
        assert "Sam Altman" in page.read_text(encoding="utf-8")
        graph.add_text("Runway, a startup based in New York, makes video tools.", key="extra")
        assert len(graph.articles()) == 4
        extra = next(a for a in graph.articles() if a.endswith("/extra"))
        assert graph.remove(extra).removed
        assert len(graph.articles()) == 3


def test_kg_plugins_lists_rules_and_stores(capsys):
    assert main(["plugins", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    for name in ("kg.relations.titles.v1", "kg.mentions.ner.v1", "kg.types.roles.v1", "oxigraph"):
        assert name in out


#: The public signatures as released: parameter names and defaults, in order. A
#: change that removes, renames, reorders or re-defaults one fails here; new
#: parameters may be added at the end, with defaults.
SIGNATURES = {
    "KnowledgeGraph": [("store", "memory:"), ("model", None), ("ontology", ())],
    "KnowledgeGraph.add_files": [("self",), ("paths",)],
    "KnowledgeGraph.add_text": [("self",), ("text",), ("key",)],
    "KnowledgeGraph.remove": [("self",), ("article_iri",)],
    "KnowledgeGraph.articles": [("self",)],
    "KnowledgeGraph.query": [("self",), ("query",), ("params",)],
    "KnowledgeGraph.networkx": [("self",)],
    "KnowledgeGraph.view": [("self",), ("path",), ("options",)],
    "Pipeline": [
        ("model", None),
        ("ontology", ()),
        ("config", None),
        ("kb", True),
        ("min_confidence", 0.0),
        ("exclude", ()),
    ],
    "Pipeline.extract": [("self",), ("articles",), ("batch_size", 16)],
    "Pipeline.build": [("self",), ("articles",)],
    "Pipeline.build_into": [("self",), ("store",), ("articles",)],
    "Pipeline.build_text": [("self",), ("text",), ("key", "text")],
    "entity_patterns": [("name",), ("cls",), ("patterns",), ("confidence", 0.8), ("weight", 3.0)],
    "relation_patterns": [("name",), ("prop",), ("patterns",), ("confidence", 0.7)],
    "find_query": [("name",)],
    "run_query": [("target",), ("text",), ("params", None), ("source", "query")],
    "load": [("path",)],
    "save": [("dataset",), ("path",)],
    "read_article": [("path",), ("max_bytes", 5_000_000)],
    "read_articles": [("paths",), ("max_bytes", 5_000_000)],
    "load_lexicon": [("extra", ()), ("kb", True)],
}


def _params(qualname):
    import inspect

    obj = kg
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return list(inspect.signature(obj).parameters.values())


def test_public_signatures_only_grow():
    import inspect

    for name, released in SIGNATURES.items():
        params = _params(name)
        assert len(params) >= len(released), name
        for param, spec in zip(params, released, strict=False):
            assert param.name == spec[0], f"{name}: {param.name} where {spec[0]} was"
            if len(spec) == 2:
                assert param.default == spec[1], f"{name}({param.name}) default changed"
            elif param.kind not in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
                assert param.default is inspect.Parameter.empty, f"{name}({param.name})"
        for extra in params[len(released) :]:
            assert extra.default is not inspect.Parameter.empty, (
                f"{name}: new {extra.name} needs a default"
            )
