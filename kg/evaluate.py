"""Scoring kg against hand-annotated gold articles: what ``kg eval`` prints.

A gold file is JSON::

    {
      "title": "headline", "date": "2024-03-22",
      "text": "the article body",
      "entities": [{"name": "Sam Altman", "type": "Person", "aliases": ["Altman"]}, ...],
      "relations": [["Sam Altman", "ceoOf", "OpenAI"], ...],
      "absent": [["Sora", "worksFor", "OpenAI"], ...]
    }

``entities`` lists every named person, organization, company, news
organization, product, event and place the text names; ``name`` is the fullest
form, ``aliases`` the other forms the text uses. ``relations`` are the facts the
text states, by entity ``name``; ``absent`` are facts that must NOT be extracted.

A predicted entity matches a gold entity when one of its names (label or
alternative label) equals one of the gold names, ignoring case and curly
quotes; it is correct when its class is the gold class as well. A predicted
relation is correct when both ends match gold entities and the gold file states
that relation (either direction for symmetric relations).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import FormatError, InputError
from kg.lexicon import ENTITY_CLASSES
from kg.limits import load_json, read_limited
from kg.sources import check_date, parse_article
from kg.types import Article, Extraction

CLASSES = ENTITY_CLASSES
PROPERTIES = (
    "worksFor",
    "ceoOf",
    "founderOf",
    "develops",
    "participatesIn",
    "locatedIn",
    "reports",
    "partnersWith",
    "competesWith",
)
SYMMETRIC = frozenset({"partnersWith", "competesWith"})
#: Properties whose statement also states another: a CEO works for the company.
IMPLIES = {"ceoOf": "worksFor"}
#: Largest gold file kg reads: an annotated article is a few kilobytes.
MAX_GOLD_BYTES = 10_000_000


def _norm(name: str) -> str:
    """Names compare without case, curly quotes or a leading "The" ("The Denver Post")."""
    text = " ".join(name.replace("\u2019", "'").replace("\u2018", "'").split()).casefold()
    return text[4:] if text.startswith("the ") and len(text) > 4 else text


@dataclass(frozen=True)
class GoldEntity:
    name: str
    cls: str
    names: frozenset[str]


@dataclass(frozen=True)
class Gold:
    """One annotated article."""

    path: str
    article: Article
    entities: tuple[GoldEntity, ...]
    relations: frozenset[tuple[str, str, str]]
    absent: frozenset[tuple[str, str, str]]


def _listed(data: dict[str, Any], key: str, path: Path) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise _fail(path, f"{key!r} must be a list")
    return value


def _fail(path: Path, message: str) -> InputError:
    return InputError(f"gold file {path}: {message}")


def load_gold(path: str | Path, classes: Sequence[str] = CLASSES) -> Gold:
    """Read and check one gold file; ``classes`` are the entity types it may use
    (kg's own, plus any an extension adds: ``Lexicon.entity_classes``)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such gold file: {path}")
    raw = read_limited(path, MAX_GOLD_BYTES, f"gold file {path}")
    try:
        data: Any = load_json(raw.decode("utf-8"), f"gold file {path}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(path, f"not valid UTF-8 JSON ({exc})") from exc
    except FormatError as exc:
        raise _fail(path, "its JSON nests too deeply to read") from exc
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("text"), str)
        or not data["text"].strip()
    ):
        raise _fail(path, "needs a non-empty 'text'")
    for key in ("title", "date"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise _fail(path, f"{key!r} must be a string")
    if data.get("date"):
        check_date(data["date"], f"gold file {path}")
    entities = []
    for item in _listed(data, "entities", path):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise _fail(path, f"entity {item!r} is not an object with a 'name' string")
        if item.get("type") not in classes:
            raise _fail(
                path,
                f"entity {item.get('name')!r} has type {item.get('type')!r}; "
                f"use one of {', '.join(classes)}",
            )
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise _fail(path, f"entity {item['name']!r}: 'aliases' must be a list of strings")
        names = frozenset(_norm(n) for n in [item["name"], *aliases])
        entities.append(GoldEntity(item["name"], item["type"], names))
    known = {e.name for e in entities}
    facts: dict[str, set[tuple[str, str, str]]] = {"relations": set(), "absent": set()}
    for key, out in facts.items():
        for triple in _listed(data, key, path):
            if (
                not isinstance(triple, list)
                or len(triple) != 3
                or not all(isinstance(part, str) for part in triple)
                or triple[1] not in PROPERTIES
            ):
                raise _fail(
                    path,
                    f"{key} entry {triple!r} is not [subject, property, object] "
                    f"with a property among {', '.join(PROPERTIES)}",
                )
            if key == "relations" and not {triple[0], triple[2]} <= known:
                raise _fail(path, f"relation {triple!r} names an entity not in 'entities'")
            out.add((triple[0], triple[1], triple[2]))
    header = "---\n" + (f"date: {data['date']}\n" if data.get("date") else "") + "---\n"
    article = parse_article(header + data["text"], key=path.stem, source=str(path))
    return Gold(
        str(path),
        article,
        tuple(entities),
        frozenset(facts["relations"]),
        frozenset(facts["absent"]),
    )


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Report:
    """Scores over a set of gold articles, with the errors behind them."""

    entities: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    relations: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    missed_entities: list[str] = field(default_factory=list)
    wrong_entities: list[str] = field(default_factory=list)
    missed_relations: list[str] = field(default_factory=list)
    wrong_relations: list[str] = field(default_factory=list)
    false_facts: list[str] = field(default_factory=list)

    @staticmethod
    def total(table: dict[str, Counts]) -> Counts:
        out = Counts()
        for c in table.values():
            out.tp, out.fp, out.fn = out.tp + c.tp, out.fp + c.fp, out.fn + c.fn
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "entities": {k: v.row() for k, v in sorted(self.entities.items())},
            "entities_total": self.total(self.entities).row(),
            "relations": {k: v.row() for k, v in sorted(self.relations.items())},
            "relations_total": self.total(self.relations).row(),
            "missed_entities": self.missed_entities,
            "wrong_entities": self.wrong_entities,
            "missed_relations": self.missed_relations,
            "wrong_relations": self.wrong_relations,
            "false_facts": self.false_facts,
        }


def score(gold: Gold, extraction: Extraction, report: Report) -> None:
    """Add one article's scores to ``report``."""
    where = Path(gold.path).name
    predicted = {e.key: e for e in extraction.entities}
    names = {k: {_norm(e.label), *(_norm(a) for a in e.alt_labels)} for k, e in predicted.items()}
    # match each gold entity to the predicted entity sharing a name (one to one)
    to_gold: dict[str, GoldEntity] = {}
    for g in gold.entities:
        match = next(
            (k for k in sorted(predicted) if k not in to_gold and names[k] & g.names), None
        )
        if match is None:
            report.entities[g.cls].fn += 1
            report.missed_entities.append(f"{where}: {g.name} ({g.cls})")
            continue
        to_gold[match] = g
        cls = predicted[match].cls
        if cls == g.cls:
            report.entities[g.cls].tp += 1
        else:
            report.entities[g.cls].fn += 1
            report.entities[cls].fp += 1
            report.wrong_entities.append(f"{where}: {g.name} is {g.cls}, kg says {cls}")
    for key, entity in predicted.items():
        if key not in to_gold:
            report.entities[entity.cls].fp += 1
            report.wrong_entities.append(
                f"{where}: {entity.label} ({entity.cls}) is not in the gold"
            )

    found: set[tuple[str, str, str]] = set()
    for rel in extraction.relations:
        s, o = to_gold.get(rel.subject), to_gold.get(rel.object)
        s_name = s.name if s else predicted[rel.subject].label
        o_name = o.name if o else predicted[rel.object].label
        found.add((s_name, rel.prop, o_name))
    for fact in sorted(found):
        s_name, prop, o_name = fact
        flipped = (o_name, prop, s_name)
        if fact in gold.relations or (prop in SYMMETRIC and flipped in gold.relations):
            report.relations[prop].tp += 1
        else:
            report.relations[prop].fp += 1
            report.wrong_relations.append(f"{where}: {s_name} {prop} {o_name}")
        if fact in gold.absent or (prop in SYMMETRIC and flipped in gold.absent):
            report.false_facts.append(f"{where}: {s_name} {prop} {o_name}")
    for fact in sorted(gold.relations):
        s_name, prop, o_name = fact
        if fact not in found and not (prop in SYMMETRIC and (o_name, prop, s_name) in found):
            report.relations[prop].fn += 1
            report.missed_relations.append(f"{where}: {s_name} {prop} {o_name}")


def canonical(fact: tuple[int, str, int]) -> tuple[int, str, int]:
    """A fact between numbered entities, its ends in one order if its property is symmetric."""
    s, p, o = fact
    return (min(s, o), p, max(s, o)) if p in SYMMETRIC else fact


def with_implied(facts: Iterable[tuple[int, str, int]]) -> set[tuple[int, str, int]]:
    """Facts between numbered entities in canonical order, with the facts they imply."""
    out = set()
    for s, p, o in facts:
        out.add(canonical((s, p, o)))
        if p in IMPLIES:
            out.add((s, IMPLIES[p], o))
    return out


def expand_gold(paths: Iterable[str | Path]) -> list[Path]:
    """Gold files named, plus the ``*.json`` files inside directories named."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(path.glob("*.json")))
        else:
            out.append(path)
    if not out:
        raise InputError("no gold files given")
    return out


def evaluate(pipeline: Any, paths: Sequence[str | Path]) -> Report:
    """Build each gold article with ``pipeline`` and score it."""
    classes = pipeline.lexicon.entity_classes
    golds = [load_gold(p, classes) for p in expand_gold(paths)]
    report = Report()
    for gold, extraction in zip(golds, pipeline.extract(g.article for g in golds), strict=True):
        score(gold, extraction, report)
    return report
