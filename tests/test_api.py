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
