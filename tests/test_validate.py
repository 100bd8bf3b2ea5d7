"""SHACL shapes derived from the ontology, pySHACL validation and build-time quarantine."""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.cli import main
from kg.lexicon import load_lexicon
from kg.types import Article, Entity, Evidence, Extraction, Relation, Sentence
from kg.validate import check_graph, quarantine, shacl_validate, shapes_graph
from kg.vocab import ID, KG

SHAPES = Path(__file__).resolve().parent.parent / "ontology" / "shapes.ttl"


def test_shapes_file_is_what_the_ontology_gives():
    written = Graph().parse(SHAPES)
    assert isomorphic(written, shapes_graph(load_lexicon())), (
        "ontology/shapes.ttl is stale: python -m kg.validate > ontology/shapes.ttl"
    )


def test_shapes_cover_every_domain_and_range():
    lexicon = load_lexicon()
    shapes = shapes_graph(lexicon)
    for prop, domain in lexicon.domains.items():
        if domain:
            assert (None, None, KG[prop]) in shapes


def _bad_graph() -> Graph:
    """Sora (a product) 'works for' OpenAI: the subject breaks kg:worksFor's domain."""
    from kg.rdf import extraction_graph

    ev = Evidence(0, 0, 4, "test.rule", 0.9)
    extraction = Extraction(
        Article("bad", "Sora works for OpenAI.", "bad"),
        (Sentence(0, 0, 22, "Sora works for OpenAI."),),
        (
            Entity("product/sora", "Product", "Sora"),
            Entity("organization/openai", "Company", "OpenAI"),
        ),
        (Relation("product/sora", "worksFor", "organization/openai", ev),),
    )
    return extraction_graph(extraction)


def test_check_graph_finds_a_domain_violation():
    (violation,) = check_graph(_bad_graph(), load_lexicon())
    assert violation.predicate == KG.worksFor
    assert "must be Person, not Product" in violation.reason


def test_pyshacl_agrees():
    conforms, lines = shacl_validate(_bad_graph(), load_lexicon())
    assert not conforms
    assert any("worksFor" in line for line in lines)


def test_quarantine_moves_the_fact_and_its_evidence_with_a_reason():
    graph, held = quarantine(_bad_graph(), load_lexicon())
    fact = (ID["product/sora"], KG.worksFor, ID["organization/openai"])
    assert fact not in graph and fact in held
    (assertion,) = held.subjects(RDF.type, KG.Assertion)
    assert "must be Person" in str(held.value(assertion, KG.reason))
    assert not list(graph.subjects(RDF.type, KG.Assertion))
    conforms, _ = shacl_validate(graph, load_lexicon())
    assert conforms


def test_kg_validate_reports_violations_with_exit_1(tmp_path, capsys):
    bad = tmp_path / "bad.ttl"
    _bad_graph().serialize(bad, format="turtle")
    assert main(["validate", str(bad)]) == 1
    captured = capsys.readouterr()
    assert "worksFor" in captured.out and "violation" in captured.err


def test_kg_validate_passes_a_built_graph(tmp_path, capsys):
    examples = Path(__file__).resolve().parent.parent / "examples" / "articles"
    out = tmp_path / "g.trig"
    assert main(["build", str(examples), "-o", str(out), "-q"]) == 0
    assert main(["validate", str(out)]) == 0
    assert "conforms" in capsys.readouterr().err


def test_labels_must_be_single(capsys):
    graph = Graph()
    node = URIRef("https://kg.example.org/id/person/x")
    graph.add((node, RDF.type, KG.Person))
    graph.add((node, RDFS.label, Literal("X")))
    graph.add((node, RDFS.label, Literal("Y")))
    conforms, lines = shacl_validate(graph, load_lexicon())
    assert not conforms and any("label" in line for line in lines)
