"""Acceptance: the facts of the reference story hold on the seed article.

The same checks run with and without the bundled knowledge base, so they show
what the rules find on their own.
"""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from kg.pipeline import Pipeline, union
from kg.sources import read_article
from kg.vocab import KG


def _graph(pipeline: Pipeline, path) -> Graph:
    return union(pipeline.build([read_article(path)]))


@pytest.fixture(scope="module", params=["kb", "no_kb"])
def seed_graph(request, seed_path, pipeline, pipeline_no_kb) -> Graph:
    return _graph(pipeline if request.param == "kb" else pipeline_no_kb, seed_path)


def node(graph: Graph, label: str) -> URIRef:
    found = set(graph.subjects(RDFS.label, Literal(label))) | set(
        graph.subjects(SKOS.altLabel, Literal(label))
    )
    found = {n for n in found if (n, RDF.type, KG.NewsArticle) not in graph}
    assert len(found) == 1, f"expected one node named {label!r}, found {sorted(found)}"
    return next(iter(found))


def is_a(graph: Graph, n: URIRef, cls: URIRef) -> bool:
    subclasses = {KG.Organization: {KG.Organization, KG.Company, KG.NewsOrganization}}
    return any((n, RDF.type, c) in graph for c in subclasses.get(cls, {cls}))


def test_sam_altman_is_ceo_of_openai(seed_graph):
    altman, openai = node(seed_graph, "Sam Altman"), node(seed_graph, "OpenAI")
    assert is_a(seed_graph, altman, KG.Person)
    assert is_a(seed_graph, openai, KG.Organization)
    assert (altman, KG.ceoOf, openai) in seed_graph


def test_openai_develops_sora(seed_graph):
    sora, openai = node(seed_graph, "Sora"), node(seed_graph, "OpenAI")
    assert is_a(seed_graph, sora, KG.Product)
    assert (openai, KG.develops, sora) in seed_graph


def test_oscars_and_writers_strike_are_events(seed_graph):
    assert is_a(seed_graph, node(seed_graph, "Oscars"), KG.Event)
    strikes = [
        e
        for e in seed_graph.subjects(RDF.type, KG.Event)
        if "strike" in str(seed_graph.value(e, RDFS.label))
    ]
    assert len(strikes) == 1


def _typer_regression(request: pytest.FixtureRequest) -> None:
    """Without the knowledge base the learned typer (kg.types.learned.v1, issue 35)
    types Bloomberg, which the seed names only as a reporter, a person. Strict: the
    mark goes as soon as the test passes again."""
    if "no_kb" in request.node.name:
        reason = "learned typer regression: Bloomberg typed Person without the KB"
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def test_bloomberg_is_an_organization(request, seed_graph):
    _typer_regression(request)
    assert is_a(seed_graph, node(seed_graph, "Bloomberg"), KG.Organization)


def test_los_angeles_and_la_are_one_place(seed_graph):
    la = node(seed_graph, "Los Angeles")
    assert node(seed_graph, "L.A.") == la
    assert is_a(seed_graph, la, KG.Place)


def test_sam_and_altman_are_the_same_node(seed_graph):
    assert node(seed_graph, "Sam") == node(seed_graph, "Sam Altman")


@pytest.mark.parametrize("name", ["Sora", "Bloomberg", "OpenAI"])
def test_no_wrong_person_or_place(request, seed_graph, name):
    if name == "Bloomberg":
        _typer_regression(request)
    for n in set(seed_graph.subjects(RDFS.label, Literal(name))) | set(
        seed_graph.subjects(SKOS.altLabel, Literal(name))
    ):
        assert (n, RDF.type, KG.Person) not in seed_graph
        assert (n, RDF.type, KG.Place) not in seed_graph


def test_ai_is_not_an_entity(seed_graph, request):
    if "no_kb" in request.node.name:
        pytest.skip("'AI' is a concept only the knowledge base names")
    for label in ("AI", "A.I."):
        assert not set(seed_graph.subjects(RDFS.label, Literal(label)))
        assert not set(seed_graph.subjects(SKOS.altLabel, Literal(label)))


def test_every_entity_has_exactly_one_label(seed_graph):
    for cls in (
        KG.Person,
        KG.Organization,
        KG.Company,
        KG.NewsOrganization,
        KG.Product,
        KG.Event,
        KG.Place,
    ):
        for n in seed_graph.subjects(RDF.type, cls):
            assert len(list(seed_graph.objects(n, RDFS.label))) == 1, n


def test_every_relation_has_evidence_in_its_sentence(seed_graph, seed_path):
    text = seed_path.read_text(encoding="utf-8")
    relation_props = {
        KG.ceoOf,
        KG.worksFor,
        KG.founderOf,
        KG.develops,
        KG.participatesIn,
        KG.locatedIn,
        KG.reports,
        KG.partnersWith,
        KG.competesWith,
    }
    facts = [(s, p, o) for s, p, o in seed_graph if p in relation_props]
    assert facts
    for s, p, o in facts:
        assertions = [
            a
            for a in seed_graph.subjects(RDF.subject, s)
            if (a, RDF.predicate, p) in seed_graph and (a, RDF.object, o) in seed_graph
        ]
        assert assertions, (s, p, o)
        for a in assertions:
            start = int(seed_graph.value(a, KG.startChar))
            end = int(seed_graph.value(a, KG.endChar))
            sentence = seed_graph.value(a, KG.inSentence)
            s_start = int(seed_graph.value(sentence, KG.startChar))
            s_end = int(seed_graph.value(sentence, KG.endChar))
            assert s_start <= start < end <= s_end
            assert str(seed_graph.value(sentence, KG.text)) == text[s_start:s_end].strip()
            assert seed_graph.value(a, KG.rule) is not None
            assert 0 < float(seed_graph.value(a, KG.confidence)) <= 1


def test_every_mention_points_at_its_text(seed_graph, seed_path):
    from kg.rdf import mention_span

    text = seed_path.read_text(encoding="utf-8")
    mentions = list(seed_graph.subjects(KG.denotes, None))
    assert len(mentions) > 10
    for m in mentions:
        article, start, end = mention_span(m)
        assert text[start:end] == str(seed_graph.value(m, KG.text))
        assert URIRef(article) == seed_graph.value(m, KG.inArticle)
