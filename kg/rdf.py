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
from functools import lru_cache
from typing import Any

from rdflib import OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

from kg.lexicon import Lexicon
from kg.resolve import slug
from kg.types import Article, Evidence, Extraction
from kg.vocab import ID, KG

PREFIXES = {"kg": KG._NS, "id": ID, "schema": SDO, "prov": PROV, "skos": SKOS}


class _TripleSetStore(SimpleMemory):
    """rdflib's SimpleMemory, made for graphs that are mostly written then read whole.

    Adding a triple only puts it in a set; the indexes are built the first time a
    pattern needs them. An article graph is built, then written out in full,
    so its indexes are never built at all.
    """

    def __init__(self) -> None:
        super().__init__()
        self._all: set[tuple[Node, Node, Node]] = set()
        self._pending: list[tuple[Node, Node, Node]] = []

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        self.put(triple)

    def put(self, triple: tuple[Node, Node, Node]) -> None:
        """Add a triple of terms kg made itself (``Graph.add`` checks each term first)."""
        if triple not in self._all:
            self._all.add(triple)
            self._pending.append(triple)

    def _index(self) -> None:
        pending, self._pending = self._pending, []
        for triple in pending:
            super().add(triple, None)  # type: ignore[arg-type]

    def triples(self, triple_pattern: Any, context: Any = None) -> Any:
        if triple_pattern == (None, None, None):
            return ((t, iter(())) for t in list(self._all))
        self._index()
        return super().triples(triple_pattern, context)

    def remove(self, triple_pattern: Any, context: Any = None) -> None:
        self._index()
        for triple, _ in list(super().triples(triple_pattern, context)):
            self._all.discard(triple)
        super().remove(triple_pattern, context)

    def __len__(self, context: Any = None) -> int:
        return len(self._all)


def _adder(graph: Graph) -> Callable[[tuple[Node, Node, Node]], Any]:
    store = graph.store
    return store.put if isinstance(store, _TripleSetStore) else graph.add


def new_graph(prefixes: bool = True) -> Graph:
    """An empty graph with kg's prefixes, on a plain in-memory store (no events, no
    contexts, indexes built only when a pattern needs them: a fraction of the cost
    per triple of rdflib's default store)."""
    graph = Graph(store=_TripleSetStore())
    for prefix, ns in PREFIXES.items() if prefixes else ():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def article_iri(article: Article) -> URIRef:
    return ID[f"article/{slug(article.key)}"]


def entity_iri(key: str) -> URIRef:
    return ID[key]


# Terms used for every mention and assertion, looked up once (a DefinedNamespace
# attribute lookup costs more than the triple it goes into).
_TYPE, _LABEL = RDF.type, RDFS.label
_SUBJECT, _PREDICATE, _OBJECT = RDF.subject, RDF.predicate, RDF.object
_MENTION, _ASSERTION, _SENTENCE = KG.Mention, KG.Assertion, KG.Sentence
_DENOTES, _TEXT, _START, _END = KG.denotes, KG.text, KG.startChar, KG.endChar
_IN_SENTENCE, _IN_ARTICLE, _RULE, _CONFIDENCE = KG.inSentence, KG.inArticle, KG.rule, KG.confidence
_NER, _RESOLUTION, _MENTIONS, _INDEX = KG.nerLabel, KG.resolution, KG.mentions, KG.sentenceIndex
_DERIVED = PROV.wasDerivedFrom


@lru_cache(maxsize=4096)
def _name(value: str) -> Literal:
    """A plain literal for the few strings every article repeats (rule names, labels)."""
    return Literal(value)


@lru_cache(maxsize=1024)
def _confidence(value: float) -> Literal:
    # the canonical lexical form ("0.9", not "0.90"), which stores such as Oxigraph keep
    return Literal(str(Decimal(f"{value:.2f}").normalize()), datatype=XSD.decimal)


@lru_cache(maxsize=65536)
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
    add = _adder(graph)
    for entity in extraction.entities:
        node = entity_iri(entity.key)
        add((doc, _MENTIONS, node))
        for m in entity.mentions:
            mnode = URIRef(f"{doc}/m{m.start}-{m.end}")
            add((mnode, _TYPE, _MENTION))
            add((mnode, _DENOTES, node))
            add((mnode, _TEXT, Literal(m.text)))
            add((mnode, _START, _int(m.start)))
            add((mnode, _END, _int(m.end)))
            add((mnode, _IN_SENTENCE, sentence(m.sentence)))
            add((mnode, _RULE, _name(m.rule)))
            add((mnode, _CONFIDENCE, _confidence(m.confidence)))
            if m.ner_label:
                add((mnode, _NER, _name(m.ner_label)))
            add((mnode, _RESOLUTION, _name(m.resolution)))

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
        add((s, p, o))
        digest = hashlib.sha1(
            f"{subject}|{p}|{object_id}|{ev.start}|{ev.end}|{ev.rule}".encode()
        ).hexdigest()[:16]
        anode = URIRef(f"{doc}/a{digest}")
        add((anode, _TYPE, _ASSERTION))
        add((anode, _SUBJECT, s))
        add((anode, _PREDICATE, p))
        add((anode, _OBJECT, o))
        add((anode, _IN_SENTENCE, sentence(ev.sentence)))
        add((anode, _START, _int(ev.start)))
        add((anode, _END, _int(ev.end)))
        add((anode, _RULE, _name(ev.rule)))
        add((anode, _CONFIDENCE, _confidence(ev.confidence)))
        add((anode, _DERIVED, doc))
        if ev.title:
            add((anode, KG.title, Literal(ev.title)))
        if ev.source:
            add((anode, PROV.wasAttributedTo, entity_iri(ev.source)))
        if ev.modality:
            add((anode, KG.modality, _name(ev.modality)))

    for sent in extraction.sentences:
        if sent.index not in used_sentences:
            continue
        snode = URIRef(f"{doc}/s{sent.index}")
        add((snode, _TYPE, _SENTENCE))
        add((snode, _IN_ARTICLE, doc))
        add((snode, _INDEX, _int(sent.index)))
        add((snode, _TEXT, Literal(sent.text.strip())))
        add((snode, _START, _int(sent.start)))
        add((snode, _END, _int(sent.end)))
    return graph
