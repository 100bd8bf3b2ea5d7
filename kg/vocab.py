"""The kg ontology's terms as an rdflib ``DefinedNamespace``.

Mirrors ``ontology/kg.ttl``; ``tests/test_vocab.py`` checks the two agree, so a
misspelt term fails loudly (``KG.Persn`` raises ``AttributeError``).

>>> from kg.vocab import KG
>>> str(KG.ceoOf)
'https://kg.example.org/ontology#ceoOf'
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = "https://kg.example.org/ontology"
#: Where kg mints the IRIs of entities, articles, sentences, mentions and assertions.
ID = Namespace("https://kg.example.org/id/")
#: The graph that holds every entity's description (class, labels, Wikidata links).
ENTITIES = ID["entities"]
#: The knowledge base's own entries (ontology/kb.ttl).
KB = Namespace("https://kg.example.org/kb/")


class KG(DefinedNamespace):
    """Terms of the kg ontology."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # Entity classes
    Agent: URIRef
    Person: URIRef
    Organization: URIRef
    Company: URIRef
    NewsOrganization: URIRef
    Product: URIRef
    Event: URIRef
    Place: URIRef
    NewsArticle: URIRef
    Concept: URIRef  # declared in kb.ttl: topics that never become nodes
    # Provenance classes
    Sentence: URIRef
    Mention: URIRef
    Assertion: URIRef
    # Relations
    worksFor: URIRef
    ceoOf: URIRef
    founderOf: URIRef
    develops: URIRef
    participatesIn: URIRef
    locatedIn: URIRef
    reports: URIRef
    partnersWith: URIRef
    competesWith: URIRef
    mentions: URIRef
    # Provenance properties
    denotes: URIRef
    inSentence: URIRef
    inArticle: URIRef
    text: URIRef
    startChar: URIRef
    endChar: URIRef
    sentenceIndex: URIRef
    rule: URIRef
    confidence: URIRef
    nerLabel: URIRef
    resolution: URIRef
    reason: URIRef
    title: URIRef
    modality: URIRef
    date: URIRef
    sourceHash: URIRef
    cueNoun: URIRef
    nameHead: URIRef
    nameLead: URIRef
    spacyLabel: URIRef


#: Properties that tie mentions and sentences to what they name and where they stand.
#: kg writes them itself, so their domains and ranges type the nodes (a mention need not
#: say it is one) and are not checked as constraints on extracted facts.
SCAFFOLDING = frozenset({"denotes", "inSentence", "inArticle"})
