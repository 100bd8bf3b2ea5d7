"""kg/vocab.py and ontology/kg.ttl name the same terms, and every term is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.vocab import KG

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
REQUIRED = [
    "Person",
    "Organization",
    "Company",
    "NewsOrganization",
    "Product",
    "Event",
    "Place",
    "NewsArticle",
    "worksFor",
    "ceoOf",
    "founderOf",
    "develops",
    "participatesIn",
    "locatedIn",
    "reports",
    "partnersWith",
    "competesWith",
    "mentions",
]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for name in ("kg.ttl", "kb.ttl"):
        graph.parse(ONTOLOGY / name)
    return graph


def declared(graph: Graph) -> set[str]:
    ns = str(KG._NS)
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return {
        str(s)[len(ns) :]
        for k in kinds
        for s in graph.subjects(RDF.type, k)
        if isinstance(s, URIRef) and str(s).startswith(ns)
    }


def test_vocab_matches_ontology(ontology):
    in_python = set(KG.__annotations__)
    assert in_python == declared(ontology)


@pytest.mark.parametrize("term", REQUIRED)
def test_required_terms_exist_with_label_and_comment(ontology, term):
    iri = KG[term]
    assert (iri, RDFS.label, None) in ontology
    assert (iri, RDFS.comment, None) in ontology


def test_misspelt_term_fails_loudly():
    with pytest.raises(AttributeError):
        KG.Persn  # noqa: B018


@pytest.mark.parametrize("prop", ["worksFor", "ceoOf", "founderOf", "develops", "participatesIn"])
def test_object_properties_have_domain_and_range(ontology, prop):
    assert (KG[prop], RDFS.domain, None) in ontology
    assert (KG[prop], RDFS.range, None) in ontology


def test_ceo_of_is_a_kind_of_works_for(ontology):
    assert (KG.ceoOf, RDFS.subPropertyOf, KG.worksFor) in ontology
    assert (KG.Company, RDFS.subClassOf, KG.Organization) in ontology
    assert (KG.NewsOrganization, RDFS.subClassOf, KG.Organization) in ontology
