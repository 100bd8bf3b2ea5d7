"""Validation against the ontology: SHACL shapes, pySHACL reports, and quarantine.

The shapes in ``ontology/shapes.ttl`` are derived from the ontology's domains,
ranges and datatype properties by :func:`shapes_graph` and written out (a test
checks that the file is what the ontology gives). ``kg validate`` runs pySHACL
with them; ``kg build`` moves triples that break a domain or range into a
quarantine graph with the reason, instead of dropping them silently.

Regenerate the file after changing the ontology::

    python -m kg.validate > ontology/shapes.ttl
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from rdflib import RDF, RDFS, SH, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.lexicon import Lexicon, build_lexicon, default_files, parse_turtle
from kg.vocab import KG, ONTOLOGY_IRI

SHAPES = Namespace(ONTOLOGY_IRI + "/shapes#")


def _class_constraint(
    graph: Graph, shape: URIRef, classes: frozenset[str], lexicon: Lexicon
) -> None:
    if len(classes) == 1:
        graph.add((shape, SH["class"], lexicon.iri(next(iter(classes)))))
        return
    options: list[Node] = []
    for cls in sorted(classes):
        option = BNode(f"{shape.split('#')[-1]}-{cls}")
        graph.add((option, SH["class"], lexicon.iri(cls)))
        options.append(option)
    head = BNode(f"{shape.split('#')[-1]}-or")
    Collection(graph, head, options)
    graph.add((shape, SH["or"], head))


def _names(classes: frozenset[str]) -> str:
    return " or ".join(sorted(classes))


def _qname(lexicon: Lexicon, name: str) -> str:
    """``kg:ceoOf`` for kg's own terms, the bare local name for an extension's."""
    return f"kg:{name}" if str(lexicon.iri(name)).startswith(str(KG._NS)) else name


def shapes_graph(lexicon: Lexicon) -> Graph:
    """SHACL shapes for the ontology in ``lexicon``: one per domain and per range,
    plus the shape of assertions, mentions and entity labels."""
    graph = Graph()
    graph.bind("sh", SH)
    graph.bind("kg", KG._NS)
    graph.bind("kgsh", SHAPES)
    graph.bind("xsd", XSD)
    for prop in sorted(lexicon.domains):
        for side, classes, target in (
            ("domain", lexicon.domains[prop], SH.targetSubjectsOf),
            ("range", lexicon.ranges[prop], SH.targetObjectsOf),
        ):
            if not classes:
                continue
            shape = SHAPES[f"{prop}-{side}"]
            graph.add((shape, RDF.type, SH.NodeShape))
            graph.add((shape, target, lexicon.iri(prop)))
            _class_constraint(graph, shape, classes, lexicon)
            what = "subject" if side == "domain" else "object"
            message = f"the {what} of {_qname(lexicon, prop)} must be {_names(classes)}"
            graph.add((shape, SH.message, Literal(message)))

    def property_shape(node_shape: URIRef, path: URIRef, **facets: Node) -> None:
        prop = BNode(f"{node_shape.split('#')[-1]}-{path.split('#')[-1].split('/')[-1]}")
        graph.add((node_shape, SH.property, prop))
        graph.add((prop, SH.path, path))
        for facet, value in facets.items():
            graph.add((prop, SH[facet], value))

    one = Literal(1)
    assertion = SHAPES["Assertion"]
    graph.add((assertion, RDF.type, SH.NodeShape))
    graph.add((assertion, SH.targetClass, KG.Assertion))
    for path in (RDF.subject, RDF.predicate, RDF.object, KG.inSentence):
        property_shape(assertion, path, minCount=one, maxCount=one)
    property_shape(assertion, KG.rule, minCount=one, maxCount=one, datatype=XSD.string)
    property_shape(
        assertion,
        KG.confidence,
        minCount=one,
        maxCount=one,
        datatype=XSD.decimal,
        minInclusive=Literal(0),
        maxInclusive=Literal(1),
    )
    for path in (KG.startChar, KG.endChar):
        property_shape(
            assertion,
            path,
            minCount=one,
            maxCount=one,
            datatype=XSD.integer,
            minInclusive=Literal(0),
        )
    mention = SHAPES["Mention"]
    graph.add((mention, RDF.type, SH.NodeShape))
    # a mention need not say it is one (kg.rdf.PROVENANCE_LEVELS): kg:denotes makes it one
    graph.add((mention, SH.targetSubjectsOf, KG.denotes))
    for path in (KG.denotes, KG.inArticle):
        property_shape(mention, path, minCount=one, maxCount=one)
    property_shape(mention, KG.text, minCount=one, maxCount=one, datatype=XSD.string)
    for path in (KG.startChar, KG.endChar):
        property_shape(mention, path, maxCount=one, datatype=XSD.integer)
    for cls in lexicon.entity_classes:
        shape = SHAPES[f"{cls}-label"]
        graph.add((shape, RDF.type, SH.NodeShape))
        graph.add((shape, SH.targetClass, lexicon.iri(cls)))
        property_shape(shape, RDFS.label, minCount=one, maxCount=one)
    return graph


@dataclass(frozen=True)
class Violation:
    """A fact that breaks the ontology, and why."""

    subject: Node
    predicate: Node
    object: Node
    reason: str


def _types(graph: Graph, node: Node) -> set[str]:
    return {str(t).rsplit("#", 1)[-1] for t in graph.objects(node, RDF.type)}


def check_graph(graph: Graph, lexicon: Lexicon) -> list[Violation]:
    """The facts in ``graph`` whose subject or object breaks their property's domain or range.

    A fast check of the same constraints the domain and range shapes state; run
    on every article at build time.
    """
    found = []
    for prop, domain in sorted(lexicon.domains.items()):
        rng = lexicon.ranges.get(prop, frozenset())
        p = lexicon.iri(prop)
        for s, o in graph.subject_objects(p):
            s_types, o_types = _types(graph, s), _types(graph, o)
            if domain and not any(lexicon.is_a(t, d) for t in s_types for d in domain):
                found.append(
                    Violation(
                        s,
                        p,
                        o,
                        f"the subject of {_qname(lexicon, prop)} must be "
                        f"{_names(domain)}, not {_names(frozenset(s_types)) or 'untyped'}",
                    )
                )
            elif rng and not any(lexicon.is_a(t, r) for t in o_types for r in rng):
                found.append(
                    Violation(
                        s,
                        p,
                        o,
                        f"the object of {_qname(lexicon, prop)} must be "
                        f"{_names(rng)}, not {_names(frozenset(o_types)) or 'untyped'}",
                    )
                )
    return found


def quarantine(graph: Graph, lexicon: Lexicon, context: Graph | None = None) -> tuple[Graph, Graph]:
    """Split ``graph`` into the triples that fit the ontology and a quarantine graph.

    ``context`` holds more about the nodes (the entities' classes) without being
    split. A quarantined fact leaves the article graph with its assertion node;
    the quarantine graph keeps both, plus ``kg:reason`` on the assertion.
    """
    if context is not None and len(context):
        combined = Graph()
        for triple in graph:
            combined.add(triple)
        for triple in context:
            combined.add(triple)
        violations = check_graph(combined, lexicon)
    else:
        violations = check_graph(graph, lexicon)
    held = Graph()
    for v in violations:
        graph.remove((v.subject, v.predicate, v.object))
        assertions = [
            a
            for a in graph.subjects(RDF.subject, v.subject)
            if (a, RDF.predicate, v.predicate) in graph and (a, RDF.object, v.object) in graph
        ]
        held.add((v.subject, v.predicate, v.object))
        for a in assertions:
            for p, o in list(graph.predicate_objects(a)):
                held.add((a, p, o))
                graph.remove((a, p, o))
            held.add((a, KG.reason, Literal(v.reason)))
    return graph, held


def shacl_validate(data: Graph, lexicon: Lexicon) -> tuple[bool, list[str]]:
    """Run pySHACL with the ontology's shapes; one line per violation."""
    import pyshacl

    if not data.store.context_aware:  # pySHACL needs a store that knows graphs
        copy = Graph()
        for triple in data:
            copy.add(triple)
        data = copy
    conforms, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(lexicon),
        ont_graph=lexicon.graph,
        inference="none",
        allow_warnings=True,
    )
    lines = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        where = f" {path.n3(data.namespace_manager)}" if path is not None else ""
        lines.append(
            f"{focus.n3(data.namespace_manager) if focus is not None else '?'}{where}: {message}"
        )
    return bool(conforms), sorted(lines)


if __name__ == "__main__":  # pragma: no cover
    # kg's own ontology only: ontology/shapes.ttl ships with kg, not with the plugins
    # installed where it is regenerated
    own = build_lexicon(parse_turtle(default_files()))
    sys.stdout.write(shapes_graph(own).serialize(format="longturtle"))

__all__ = ["Violation", "check_graph", "quarantine", "shacl_validate", "shapes_graph"]
