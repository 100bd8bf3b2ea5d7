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
    with pytest.raises(UnknownEntity, match="no entity is named 'Nobody'"):
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


#: Two people a name's last word stands for, one known by it ("Warhol"), and a fact.
NAMES_TRIG = """\
PREFIX kg: <https://kg.example.org/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX id: <https://kg.example.org/id/>
PREFIX person: <https://kg.example.org/id/person/>
PREFIX org: <https://kg.example.org/id/organization/>
PREFIX art: <https://kg.example.org/id/article/>
PREFIX place: <https://kg.example.org/id/place/>

id:entities {
  person:andy-warhol a kg:Person ; rdfs:label "Andy Warhol" ; skos:altLabel "Warhol" .
  person:ann-perry a kg:Person ; rdfs:label "Ann Perry" ; skos:altLabel "Perry" .
  person:tyler-perry a kg:Person ; rdfs:label "Tyler Perry" ; skos:altLabel "Perry" .
  org:factory a kg:Company ; rdfs:label "The Factory" .
  place:paris a kg:Place ; rdfs:label "Paris" .
  person:paris a kg:Person ; rdfs:label "Paris" .
}
art:a {
  art:a a kg:NewsArticle ; rdfs:label "Pop art" ;
    kg:mentions person:andy-warhol, org:factory .
  art:a-s0 kg:text "Warhol worked for The Factory." ; kg:inArticle art:a .
  person:andy-warhol kg:worksFor org:factory .
  art:a-f0 a kg:Assertion ; rdf:subject person:andy-warhol ;
    rdf:predicate kg:worksFor ; rdf:object org:factory ;
    kg:inSentence art:a-s0 ; kg:rule "test" ; kg:confidence 0.8 ;
    prov:wasDerivedFrom art:a .
}
"""


@pytest.fixture
def names_file(tmp_path) -> Path:
    path = tmp_path / "names.trig"
    path.write_text(NAMES_TRIG, encoding="utf-8")
    return path


def test_entities_are_found_by_any_case_and_by_their_other_names(names_file):
    from kg.analysis import find_node
    from kg.store import load

    graph = to_networkx(MemoryStore(load(names_file)))
    warhol = "https://kg.example.org/id/person/andy-warhol"
    assert graph.nodes[warhol]["aliases"] == ["Warhol"]
    assert find_node(graph, "andy WARHOL") == warhol
    assert find_node(graph, "warhol") == warhol  # a name kg recorded as an alias
    assert find_node(graph, warhol) == warhol
    [step] = shortest_chain(graph, "Warhol", "the factory")
    assert (step["subject"], step["property"], step["object"]) == (
        "Andy Warhol",
        "worksFor",
        "The Factory",
    )


def test_a_name_no_entity_goes_by_suggests_the_nearest_names(names_file):
    from kg.analysis import AmbiguousEntity, find_node
    from kg.store import load

    graph = to_networkx(MemoryStore(load(names_file)))
    with pytest.raises(UnknownEntity) as caught:
        find_node(graph, "Andy Warhole")
    assert str(caught.value) == "no entity is named 'Andy Warhole'; nearest: Andy Warhol, Warhol"
    with pytest.raises(UnknownEntity, match=r"; nearest: Perry, Paris$"):
        find_node(graph, "Perri")
    # an alias two entities share names neither: say which, do not pick one
    with pytest.raises(AmbiguousEntity, match=r"Ann Perry, Tyler Perry"):
        find_node(graph, "perry")
    # so does a name two entities have: say which, with their IRIs to choose by
    with pytest.raises(AmbiguousEntity) as caught:
        find_node(graph, "paris")
    assert str(caught.value) == (
        "2 entities are named 'paris' (Person https://kg.example.org/id/person/paris, "
        "Place https://kg.example.org/id/place/paris); give the IRI of one"
    )
    assert find_node(graph, "https://kg.example.org/id/place/paris").endswith("place/paris")


def test_analyze_path_takes_an_alias_and_names_the_nearest_on_a_miss(names_file, capsys):
    assert main(["analyze", str(names_file), "--path", "warhol", "The Factory"]) == 0
    assert "Andy Warhol --worksFor--> The Factory" in capsys.readouterr().out
    assert main(["analyze", str(names_file), "--path", "Warholl", "The Factory"]) == 66
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "kg: error: no entity is named 'Warholl'; nearest: Warhol, Andy Warhol\n"


def test_analyze_counts_read_in_the_right_number(names_file, capsys):
    assert main(["analyze", str(names_file)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "6 entities, 1 fact, 5 connected components (largest 2), 5 communities"


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_analyze_path_between_two_names_of_one_entity_says_so(names_file, capsys, fmt):
    args = ["analyze", str(names_file), "--path", "Warhol", "Andy Warhol", "--format", fmt]
    assert main(args) == 64
    out, err = capsys.readouterr()
    assert out == ""  # not an empty chain, nor a bare [], that reads as no answer
    assert err == (
        "kg: error: 'Warhol' and 'Andy Warhol' are names of one entity, Andy Warhol "
        "(https://kg.example.org/id/person/andy-warhol): there is no chain of facts to "
        "find; give two entities\n"
    )


def test_shortest_chain_refuses_two_names_of_one_entity(names_file):
    from kg.analysis import SameEntity
    from kg.store import load

    graph = to_networkx(MemoryStore(load(names_file)))
    with pytest.raises(SameEntity, match="names of one entity, Andy Warhol"):
        shortest_chain(graph, "andy warhol", "https://kg.example.org/id/person/andy-warhol")
