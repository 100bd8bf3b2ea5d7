"""RDF -> networkx, and the analysis commands."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from kg.analysis import NoPath, UnknownEntity, shortest_chain, to_networkx
from kg.cli import main
from kg.store.backends import MemoryStore

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"


@pytest.fixture(scope="module")
def graph(pipeline) -> nx.MultiDiGraph:
    from kg.sources import read_articles

    return to_networkx(MemoryStore(pipeline.build(list(read_articles([EXAMPLES])))))


def test_nodes_are_entities_with_their_class(graph):
    labels = {d["label"]: d for _, d in graph.nodes(data=True)}
    assert labels["Sam Altman"]["cls"] == "Person"
    assert labels["OpenAI"]["cls"] == "Company"
    assert all(not str(n).split("/id/")[1].startswith("article/") for n in graph)


def test_edges_carry_property_confidence_and_evidence(graph):
    altman = next(n for n, d in graph.nodes(data=True) if d["label"] == "Sam Altman")
    openai = next(n for n, d in graph.nodes(data=True) if d["label"] == "OpenAI")
    edges = graph.get_edge_data(altman, openai)
    assert "ceoOf" in edges
    ceo = edges["ceoOf"]
    assert ceo["confidence"] == pytest.approx(0.9)
    assert len(ceo["evidence"]) == 2  # said in two articles
    assert any("chief executive" in e["sentence"] for e in ceo["evidence"])


def test_shortest_chain_gives_evidence(graph):
    steps = shortest_chain(graph, "Sam Altman", "Sora")
    assert [s["property"] for s in steps] == ["ceoOf", "develops"]
    assert all(s["evidence"] for s in steps)


def test_unknown_entities_and_missing_paths_are_clear(graph):
    with pytest.raises(UnknownEntity, match="no entity named 'Nobody'"):
        shortest_chain(graph, "Nobody", "OpenAI")
    with pytest.raises(NoPath):
        shortest_chain(graph, "Sam Altman", "Tyler Perry")


def test_analyze_cli_table_json_and_path(tmp_path, capsys):
    built = tmp_path / "g.trig"
    assert main(["build", str(EXAMPLES), "-o", str(built), "-q"]) == 0
    capsys.readouterr()
    assert main(["analyze", str(built), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["entities"][0]["entity"] and "pagerank" in data["entities"][0]
    assert sum(data["components"]) == data["nodes"]
    assert main(["analyze", str(built), "--path", "Sam Altman", "Sora"]) == 0
    out = capsys.readouterr().out
    assert "Sam Altman --ceoOf--> OpenAI" in out and "\u201c" in out  # the surest chain
    assert main(["analyze", str(built), "--path", "Sam Altman", "Tyler Perry"]) == 1
