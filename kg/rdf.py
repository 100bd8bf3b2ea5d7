"""Entities and relations -> RDF, with provenance.

For each article kg writes:

- the article (``kg:NewsArticle``) with its title, date and URL, and
  ``kg:mentions`` to every entity it names;
- each entity with one ``rdfs:label``, ``skos:altLabel`` for its other names, and its class;
- each relation as a plain triple ``S P O`` plus one ``kg:Assertion`` node per
  piece of evidence: ``rdf:subject/predicate/object``, ``kg:inSentence``,
  ``kg:startChar``/``kg:endChar``, ``kg:rule``, ``kg:confidence``, ``kg:title``
  and ``prov:wasDerivedFrom`` the article;
- each mention as a ``kg:Mention`` node with ``kg:denotes``, its text, offsets,
  sentence, rule and confidence;
- the sentences that evidence cites, with their text and offsets.

All IRIs are derived from the article key and the names, so the same input
always gives the same graph.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal

from rdflib import OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from kg.lexicon import Lexicon
from kg.resolve import slug
from kg.types import Article, Evidence, Extraction
from kg.vocab import ID, KG

PREFIXES = {"kg": KG._NS, "id": ID, "schema": SDO, "prov": PROV, "skos": SKOS}


def new_graph() -> Graph:
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def article_iri(article: Article) -> URIRef:
    return ID[f"article/{slug(article.key)}"]


def entity_iri(key: str) -> URIRef:
    return ID[key]


def _confidence(value: float) -> Literal:
    # the canonical lexical form ("0.9", not "0.90"), which stores such as Oxigraph keep
    return Literal(str(Decimal(f"{value:.2f}").normalize()), datatype=XSD.decimal)


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _terms(lexicon: Lexicon | None) -> Callable[[str], URIRef]:
    """Local name -> IRI: the lexicon's (kg's terms and its extensions'), else kg's own."""
    if lexicon is not None:
        return lexicon.iri
    return lambda name: KG[name]


def entity_graph(
    extraction: Extraction, graph: Graph | None = None, lexicon: Lexicon | None = None
) -> Graph:
    """What an article says each of its entities is: class, label, other names, Wikidata.

    Stores keep these in one shared graph (:data:`ENTITIES`), so an entity that a
    thousand articles name is described once, not a thousand times.
    """
    graph = new_graph() if graph is None else graph
    term = _terms(lexicon)
    for entity in extraction.entities:
        node = entity_iri(entity.key)
        graph.add((node, RDF.type, term(entity.cls)))
        graph.add((node, RDFS.label, Literal(entity.label)))
        for alt in entity.alt_labels:
            graph.add((node, SKOS.altLabel, Literal(alt)))
        for other in entity.same_as:
            graph.add((node, OWL.sameAs, URIRef(other)))
    return graph


def extraction_graph(
    extraction: Extraction,
    graph: Graph | None = None,
    entities: bool = True,
    lexicon: Lexicon | None = None,
) -> Graph:
    """The RDF graph of one article's extraction.

    Args:
        extraction: what the resolver produced for the article.
        graph: where to add the triples (a dataset's named graph); a new graph if None.
        entities: include the entities' descriptions (:func:`entity_graph`); stores
            keep those in a graph of their own.
        lexicon: where the IRIs of classes and properties an extension adds come from.

    Returns:
        The graph, whose IRIs depend only on the input.
    """
    graph = new_graph() if graph is None else graph
    article = extraction.article
    doc = article_iri(article)
    graph.add((doc, RDF.type, KG.NewsArticle))
    graph.add((doc, RDFS.label, Literal(article.title or article.key)))
    if article.title:
        graph.add((doc, SDO.headline, Literal(article.title)))
    if article.date:
        graph.add((doc, SDO.datePublished, Literal(article.date, datatype=XSD.date)))
    if article.url:
        graph.add((doc, SDO.url, Literal(article.url, datatype=XSD.anyURI)))
    if article.digest:
        graph.add((doc, KG.sourceHash, Literal(article.digest)))

    used_sentences: set[int] = set()

    def sentence(index: int) -> URIRef:
        used_sentences.add(index)
        return URIRef(f"{doc}/s{index}")

    term = _terms(lexicon)
    if entities:
        entity_graph(extraction, graph, lexicon)
    for entity in extraction.entities:
        node = entity_iri(entity.key)
        graph.add((doc, KG.mentions, node))
        for m in entity.mentions:
            mnode = URIRef(f"{doc}/m{m.start}-{m.end}")
            graph.add((mnode, RDF.type, KG.Mention))
            graph.add((mnode, KG.denotes, node))
            graph.add((mnode, KG.text, Literal(m.text)))
            graph.add((mnode, KG.startChar, _int(m.start)))
            graph.add((mnode, KG.endChar, _int(m.end)))
            graph.add((mnode, KG.inSentence, sentence(m.sentence)))
            graph.add((mnode, KG.rule, Literal(m.rule)))
            graph.add((mnode, KG.confidence, _confidence(m.confidence)))
            if m.ner_label:
                graph.add((mnode, KG.nerLabel, Literal(m.ner_label)))
            graph.add((mnode, KG.resolution, Literal(m.resolution)))

    facts: list[tuple[str, URIRef, Node, str, Evidence]] = [
        (r.subject, term(r.prop), entity_iri(r.object), r.object, r.evidence)
        for r in extraction.relations
    ]
    facts += [
        (a.subject, term(a.prop), Literal(a.value, datatype=XSD[a.datatype]), a.value, a.evidence)
        for a in extraction.attributes
    ]
    for subject, p, o, object_id, ev in facts:
        s = entity_iri(subject)
        graph.add((s, p, o))
        digest = hashlib.sha1(
            f"{subject}|{p}|{object_id}|{ev.start}|{ev.end}|{ev.rule}".encode()
        ).hexdigest()[:16]
        anode = URIRef(f"{doc}/a{digest}")
        graph.add((anode, RDF.type, KG.Assertion))
        graph.add((anode, RDF.subject, s))
        graph.add((anode, RDF.predicate, p))
        graph.add((anode, RDF.object, o))
        graph.add((anode, KG.inSentence, sentence(ev.sentence)))
        graph.add((anode, KG.startChar, _int(ev.start)))
        graph.add((anode, KG.endChar, _int(ev.end)))
        graph.add((anode, KG.rule, Literal(ev.rule)))
        graph.add((anode, KG.confidence, _confidence(ev.confidence)))
        graph.add((anode, PROV.wasDerivedFrom, doc))
        if ev.title:
            graph.add((anode, KG.title, Literal(ev.title)))
        if ev.source:
            graph.add((anode, PROV.wasAttributedTo, entity_iri(ev.source)))
        if ev.modality:
            graph.add((anode, KG.modality, Literal(ev.modality)))

    for sent in extraction.sentences:
        if sent.index not in used_sentences:
            continue
        snode = URIRef(f"{doc}/s{sent.index}")
        graph.add((snode, RDF.type, KG.Sentence))
        graph.add((snode, KG.inArticle, doc))
        graph.add((snode, KG.sentenceIndex, _int(sent.index)))
        graph.add((snode, KG.text, Literal(sent.text.strip())))
        graph.add((snode, KG.startChar, _int(sent.start)))
        graph.add((snode, KG.endChar, _int(sent.end)))
    return graph
