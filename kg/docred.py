"""Scoring kg's relations on Re-DocRED: Wikipedia text annotated with Wikidata relations.

Re-DocRED (Tan et al. 2022, MIT licence; texts from DocRED, Yao et al. 2019)
annotates English Wikipedia introductions with relations between entity
clusters. :data:`MAPPING` says which Wikidata properties are kg's. Each
document is built with kg; kg's entities are linked to the annotated clusters by
name (an entity links when exactly one cluster shares one of its names), and:

- recall counts every annotated fact of the mapped kinds;
- precision counts only kg facts whose two ends both link to annotated clusters
  (others cannot be judged).

Re-DocRED is encyclopedic, not news, and document-level: many of its facts need
inference across sentences that kg, by design, does not make.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.evaluate import IMPLIES, Counts
from kg.limits import read_limited
from kg.sources import parse_article
from kg.types import Article, Extraction

#: Wikidata property -> (kg property, whether kg's subject is Re-DocRED's tail).
MAPPING = {
    "P108": ("worksFor", False),  # employer: person -> organization
    "P488": ("worksFor", True),  # chairperson: organization -> person
    "P112": ("founderOf", True),  # founded by: organization -> person
    "P178": ("develops", True),  # developer: product -> organization
    "P176": ("develops", True),  # manufacturer: product -> organization
    "P159": ("locatedIn", False),  # headquarters location
    "P131": ("locatedIn", False),  # located in the administrative entity
    "P276": ("locatedIn", False),  # location
    "P710": ("participatesIn", True),  # participant: event -> participant
    "P1344": ("participatesIn", False),  # participant of: participant -> event
}
PROPERTIES = tuple(sorted({p for p, _ in MAPPING.values()}))
MAX_BYTES = 50_000_000


def norm(text: str) -> str:
    """A name as written, for matching: Re-DocRED's spaced tokens joined back, casefolded,
    a leading "the" dropped ("the United States" is kg's "United States").

    >>> norm("The United States"), norm("Acme , Inc .")
    ('united states', 'acme, inc.')
    """
    text = " ".join(text.replace(" ,", ",").replace(" .", ".").split()).casefold()
    return text[4:] if text.startswith("the ") else text


def docred_text(sents: Sequence[Sequence[str]]) -> tuple[str, list[list[tuple[int, int]]]]:
    """A document's text (sentences on their own lines, tokens joined by spaces) and
    each token's character span, per sentence."""
    parts: list[str] = []
    offsets: list[list[tuple[int, int]]] = []
    at = 0
    for n, sent in enumerate(sents):
        if n:
            parts.append("\n")
            at += 1
        spans = []
        for m, token in enumerate(sent):
            if m:
                parts.append(" ")
                at += 1
            spans.append((at, at + len(token)))
            parts.append(token)
            at += len(token)
        offsets.append(spans)
    return "".join(parts), offsets


@dataclass(frozen=True)
class DocredDoc:
    article: Article
    names: tuple[frozenset[str], ...]  # per cluster, its normalised names
    gold: frozenset[tuple[int, str, int]]


def load_docred(path: str | Path, limit: int = 0) -> list[DocredDoc]:
    """Read a Re-DocRED file (``test_revised.json``)."""
    path = Path(path)
    try:
        data: Any = json.loads(read_limited(path, MAX_BYTES, f"Re-DocRED file {path}"))
        docs = []
        for n, doc in enumerate(data[:limit] if limit else data):
            text, _ = docred_text(doc["sents"])
            gold = set()
            for label in doc["labels"]:
                if label["r"] in MAPPING:
                    prop, flip = MAPPING[label["r"]]
                    h, t = label["h"], label["t"]
                    gold.add((t, prop, h) if flip else (h, prop, t))
            docs.append(
                DocredDoc(
                    parse_article(text, key=f"docred{n}", source=str(doc["title"])),
                    tuple(frozenset(norm(m["name"]) for m in c) for c in doc["vertexSet"]),
                    frozenset(gold),
                )
            )
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"Re-DocRED file {path}: not valid UTF-8 JSON ({exc})") from exc
    except (KeyError, TypeError, IndexError) as exc:
        raise InputError(f"Re-DocRED file {path}: not in Re-DocRED's format ({exc})") from exc
    return docs


def is_docred(path: str | Path) -> bool:
    """Whether a path names a Re-DocRED file (by its name: they are large to sniff)."""
    return Path(path).name.endswith("_revised.json")


@dataclass
class DocredReport:
    documents: int = 0
    properties: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))

    def macro_recall(self) -> float:
        return sum(self.properties[p].recall for p in PROPERTIES) / len(PROPERTIES)

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "macro_recall": round(self.macro_recall(), 3),
            "properties": {p: self.properties[p].row() for p in PROPERTIES},
        }


def score_docred(doc: DocredDoc, extraction: Extraction, report: DocredReport) -> None:
    report.documents += 1
    link: dict[str, int] = {}
    for entity in extraction.entities:
        forms = {norm(entity.label), *(norm(a) for a in entity.alt_labels)}
        hits = [i for i, cluster in enumerate(doc.names) if forms & cluster]
        if len(hits) == 1:
            link[entity.key] = hits[0]
    found: set[tuple[int, str, int]] = set()
    for rel in extraction.relations:
        prop = IMPLIES.get(rel.prop, rel.prop)
        if prop in PROPERTIES and rel.subject in link and rel.object in link:
            found.add((link[rel.subject], prop, link[rel.object]))
    for fact in found:
        if fact in doc.gold:
            report.properties[fact[1]].tp += 1
        else:
            report.properties[fact[1]].fp += 1
    for fact in doc.gold - found:
        report.properties[fact[1]].fn += 1


def evaluate_docred(pipeline: Any, docs: Sequence[DocredDoc]) -> DocredReport:
    """Build each document (read by :func:`load_docred`) with ``pipeline`` and score it."""
    report = DocredReport()
    for doc, extraction in zip(docs, pipeline.extract([d.article for d in docs]), strict=True):
        score_docred(doc, extraction, report)
    return report
