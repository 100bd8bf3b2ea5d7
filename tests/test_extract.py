"""Table-driven checks of the extraction rules: a sentence in, the facts it states out.

Each row is a short text written for this test and the triples (by label) it
must produce; ``absent`` rows are facts it must not produce.
"""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph

from kg.vocab import KG

CASES = [
    ("Sam Altman, OpenAI's CEO, spoke on Monday.", [("Sam Altman", "ceoOf", "OpenAI")]),
    ("OpenAI CEO Sam Altman spoke on Monday.", [("Sam Altman", "ceoOf", "OpenAI")]),
    (
        "Jane Doe, a spokesperson for Acme Corp., declined to comment.",
        [("Jane Doe", "worksFor", "Acme Corp.")],
    ),
    (
        "Microsoft released Copilot, its new assistant, last week.",
        [("Microsoft", "develops", "Copilot")],
    ),
    (
        "OpenAI is trying to sell its video generator, Sora, to studios.",
        [("OpenAI", "develops", "Sora")],
    ),
    ("Reuters reported that Nvidia plans to expand in Taiwan.", [("Reuters", "reports", "Nvidia")]),
    (
        "Runway, a video startup based in New York, raised money.",
        [("Runway", "locatedIn", "New York")],
    ),
    (
        "Last year the Hollywood writers' strike lasted five months.",
        [("Hollywood writers' strike", "locatedIn", "Hollywood")],
    ),
    ("Tim Cook met with Sundar Pichai in Paris.", [("Tim Cook", "partnersWith", "Sundar Pichai")]),
]

NEGATIVE = [
    # a person is not located in a place just because the text puts them there
    ("Sam Altman partied in Los Angeles.", ("Sam Altman", "locatedIn", "Los Angeles")),
    # a product does not work for anyone
    ("OpenAI's Sora, a video generator, impressed viewers.", ("Sora", "worksFor", "OpenAI")),
]


def triples_by_label(graph: Graph) -> set[tuple[str, str, str]]:
    label = {s: str(o) for s, o in graph.subject_objects(RDFS.label)}
    out = set()
    for s, p, o in graph:
        if str(p).startswith(str(KG._NS)) and s in label and o in label and p != KG.mentions:
            if (s, RDF.type, KG.NewsArticle) not in graph:
                out.add((label[s], str(p).split("#")[1], label[o]))
    return out


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_rule_finds_fact(pipeline, text, expected):
    found = triples_by_label(pipeline.build_text(text))
    for fact in expected:
        assert fact in found, f"{fact} not in {sorted(found)}"


@pytest.mark.parametrize(("text", "fact"), NEGATIVE, ids=[c[0][:40] for c in NEGATIVE])
def test_rule_does_not_invent_fact(pipeline, text, fact):
    assert fact not in triples_by_label(pipeline.build_text(text))


def test_label_is_the_full_name_and_parts_are_alt_labels(pipeline):
    graph = pipeline.build_text(
        "Sam Altman runs OpenAI. Altman said the company would grow. Sam smiled."
    )
    people = list(graph.subjects(RDF.type, KG.Person))
    assert len(people) == 1
    assert str(graph.value(people[0], RDFS.label)) == "Sam Altman"
