"""Scoring kg's entities against GUM's annotated Wikinews articles (real news).

GUM (the Georgetown University Multilayer corpus) annotates every entity
mention of its news articles with a type, a coreference chain and, where there
is one, a Wikipedia link. ``../shared/data/gum-news/`` holds 18 of them in one
JSON file each (texts CC BY 2.5 Wikinews, annotations CC BY 4.0 GUM); its
README says how to score an extractor, and this module does so:

- **targets**: the named clusters of type person, organization, place, event or
  object; the *core* set keeps those with a Wikipedia identity (the others
  include capitalised common nouns such as "Flag");
- an extracted entity **matches** a cluster when one of its names (label, other
  labels, the text of its mentions) equals, after normalising, one of the
  cluster's names or the text of one of its named mentions (*strict*); the
  *lenient* score also accepts one name inside the other at token boundaries
  when the shorter has two tokens or more, or is the last token of a person's
  name ("Trump" ~ "Donald Trump");
- a target is **found** when an entity matches it and has its class (person ->
  Person, organization -> Organization and its subclasses, place -> Place,
  event -> Event, object -> Product); matched with another class, it is a
  **wrong typing**;
- **precision**: the extracted entities that match a target, over those that
  match a target or no GUM mention at all; an entity that matches some other
  GUM mention (not named, another type, or named without a Wikipedia link in
  the core set) is a scope disagreement, listed apart and left out;
- **merging**: of the targets with two or more distinct names, the share for
  which one extracted entity matches two of them; a **split** is a target two
  entities match, a **wrong merge** an entity that matches two targets.

**Relations** are scored where kg's own annotation of an article exists
(``tests/gum_relations/<id>.json``: facts between GUM clusters, see the README
there). A kg entity stands for a cluster when it matches exactly one named
cluster (strictly); a kg fact counts where both its ends do, and is right when
the annotation states it (a ``ceoOf`` also states ``worksFor``; symmetric
properties in either direction). Recall is over every annotated fact.

>>> norm("The  Church of Scientology's")
'church of scientology'
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.evaluate import Counts, Report, with_implied
from kg.limits import read_limited
from kg.sources import check_date
from kg.types import Article, Entity, Extraction

__all__ = [
    "GumDoc",
    "GumRelations",
    "GumReport",
    "gum_set",
    "gum_split",
    "is_gum",
    "is_gum_relations",
    "load_gum",
    "load_gum_relations",
    "norm",
    "score_gum",
    "score_gum_relations",
]

#: GUM entity type -> the kg class that is right for it.
CLASSES = {
    "person": "Person",
    "organization": "Organization",
    "place": "Place",
    "event": "Event",
    "object": "Product",
}
#: kg classes that count as their parent for the comparison.
PARENT = {"Company": "Organization", "NewsOrganization": "Organization"}
MAX_BYTES = 10_000_000
#: Four of the 18 articles kept apart as kg's held-out check: rules are tuned on the
#: other 14 only (chosen once, by ``random.Random(15).sample(sorted(ids), 4)``).
HELD_OUT = frozenset({"GUM_news_afghan", "GUM_news_asylum", "GUM_news_clock", "GUM_news_expo"})
#: ``--split`` values: issue 35's train, dev and test (GUM has no test document here);
#: "held-out" is the older name of GUM's dev side, still accepted.
SPLITS = ("all", "train", "dev", "test", "held-out")
ALIASES = {"held-out": "dev"}


def gum_split(path: str | Path) -> str:
    """The split a GUM file is in: the four :data:`HELD_OUT` news articles are dev,
    every other GUM document (news or another genre) is train.

    >>> gum_split("GUM_news_clock.json"), gum_split("GUM_bio_galois.json")
    ('dev', 'train')
    """
    return "dev" if Path(path).stem in HELD_OUT else "train"


def gum_set(path: str | Path) -> str:
    """Which GUM set a file belongs to: "news" (gum-news) or "more" (the other genres,
    gum-more), by its name, ``GUM_<genre>_<name>.json``.

    >>> gum_set("GUM_news_clock.json"), gum_set("GUM_voyage_york.json")
    ('news', 'more')
    """
    return "news" if Path(path).name.startswith("GUM_news_") else "more"


def gum_genre(path: str | Path) -> str:
    """A GUM document's genre, from its name ``GUM_<genre>_<name>.json``.

    >>> gum_genre("GUM_voyage_york.json"), gum_genre("GUM_news_clock.json")
    ('voyage', 'news')
    """
    parts = Path(path).name.split("_")
    return parts[1] if len(parts) > 2 and parts[0] == "GUM" else "other"


def norm(text: str) -> str:
    """Casefold, unify quotes, collapse spaces, drop a leading "the" and a trailing "'s"."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = " ".join(text.replace("\u201d", '"').split()).casefold()
    text = re.sub(r"^the ", "", text)
    return re.sub(r"'s?$", "", text).strip()


@dataclass(frozen=True)
class Cluster:
    """One GUM entity of an article: its type, link and the names it goes by."""

    id: int
    type: str
    identity: str | None
    names: frozenset[str]  # normalised: its listed names and its named mentions' texts
    listed: frozenset[str]  # normalised: the distinct names GUM lists for it
    shown: str  # a name to print

    @property
    def cls(self) -> str:
        return CLASSES[self.type]


@dataclass(frozen=True)
class GumDoc:
    path: str
    article: Article
    targets: tuple[Cluster, ...]
    #: every GUM mention's normalised text -> the clusters it belongs to
    mentions: dict[str, frozenset[int]]
    #: kg's relation annotation of the article: (subject cluster, property, object cluster)
    relations: frozenset[tuple[int, str, int]] | None = None


def is_gum(data: object) -> bool:
    """Whether parsed JSON is a GUM news article (it has clusters and offsets)."""
    return isinstance(data, dict) and "clusters" in data and "entities" in data


def is_gum_relations(data: object) -> bool:
    """Whether parsed JSON is kg's relation annotation of a GUM article."""
    return isinstance(data, dict) and "relations" in data and "text" not in data and "id" in data


def load_gum_relations(path: str | Path) -> tuple[str, frozenset[tuple[int, str, int]]]:
    """Read kg's relation annotation of one GUM article: (article id, facts)."""
    path = Path(path)
    try:
        data: Any = json.loads(read_limited(path, MAX_BYTES, f"GUM relations {path}"))
        if not is_gum_relations(data):
            raise InputError(f"GUM relations {path}: needs 'id' and 'relations' (and no 'text')")
        facts = [
            (int(r["subject"]), str(r["property"]), int(r["object"])) for r in data["relations"]
        ]
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"GUM relations {path}: not valid UTF-8 JSON ({exc})") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"GUM relations {path}: not in kg's format ({exc})") from exc
    return str(data["id"]), frozenset(with_implied(facts))


def load_gum(
    path: str | Path,
    core: bool = True,
    relations: frozenset[tuple[int, str, int]] | None = None,
) -> GumDoc:
    """Read one GUM article; ``core`` keeps the targets with a Wikipedia identity;
    ``relations`` is kg's annotation of it, if there is one."""
    path = Path(path)
    try:
        data: Any = json.loads(read_limited(path, MAX_BYTES, f"GUM file {path}"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"GUM file {path}: not valid UTF-8 JSON ({exc})") from exc
    if not is_gum(data) or not isinstance(data.get("text"), str):
        raise InputError(f"GUM file {path}: needs 'text', 'entities' and 'clusters'")
    # what becomes the article is checked here, not found wrong by the pipeline later
    for name in ("id", "title", "url", "date"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise InputError(f"GUM file {path}: {name!r} must be a string")
    if data.get("date"):
        check_date(data["date"], f"GUM file {path}")
    try:
        names: dict[int, set[str]] = defaultdict(set)
        mentions: dict[str, set[int]] = defaultdict(set)
        for m in data["entities"]:
            mentions[norm(m["text"])].add(m["cluster"])
            if m["named"]:
                names[m["cluster"]].update(norm(n) for n in (m["text"], m["name"]) if n)
        targets = []
        for c in data["clusters"]:
            if not c["named"] or c["type"] not in CLASSES or (core and not c["identity"]):
                continue
            listed = {norm(n) for n in c["names"]} - {""}
            known = listed | names[c["cluster"]]
            shown = max(c["names"], key=len) if c["names"] else str(c["identity"])
            targets.append(
                Cluster(
                    c["cluster"],
                    c["type"],
                    c["identity"],
                    frozenset(known - {""}),
                    frozenset(listed),
                    shown,
                )
            )
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
        # a field of the wrong kind (a number for a name, a list for a type)
        raise InputError(f"GUM file {path}: not in GUM's news format ({exc})") from exc
    article = Article(
        key=str(data.get("id") or path.stem),
        text=data["text"],
        source=str(path),
        title=data.get("title"),
        date=data.get("date"),
        url=data.get("url"),
    )
    return GumDoc(
        str(path),
        article,
        tuple(targets),
        {k: frozenset(v) for k, v in mentions.items()},
        relations,
    )


def _forms(entity: Entity, text: str) -> set[str]:
    forms = {entity.label, *entity.alt_labels, *(text[m.start : m.end] for m in entity.mentions)}
    return {norm(f) for f in forms} - {""}


def _lenient(a: str, b: str, person: bool) -> bool:
    """One name inside the other at token boundaries (the shorter two tokens or more,
    or the last token of a person's name)."""
    short, long = sorted((a, b), key=len)
    if short == long:
        return True
    tokens, longer = short.split(), long.split()
    for i in range(len(longer) - len(tokens) + 1):
        if longer[i : i + len(tokens)] == tokens:
            if len(tokens) >= 2:
                return True
            if person and i + len(tokens) == len(longer):
                return True
    return False


def _lenient_match(forms: set[str], target: Cluster, entity: Entity) -> bool:
    """Whether one of an entity's forms matches one of the target's names leniently."""
    person = target.type == "person" or entity.cls == "Person"
    return any(_lenient(a, b, person) for a in forms for b in target.names)


@dataclass
class GumReport:
    """Entity scores over GUM articles, strict and lenient, with the errors behind them."""

    core: bool = True
    targets: Counter[str] = field(default_factory=Counter)
    found: dict[str, Counter[str]] = field(
        default_factory=lambda: {"strict": Counter(), "lenient": Counter()}
    )
    label_found: dict[str, Counter[str]] = field(
        default_factory=lambda: {"strict": Counter(), "lenient": Counter()}
    )
    correct: Counter[str] = field(default_factory=Counter)  # extracted entities, per mode
    wrong: Counter[str] = field(default_factory=Counter)
    multi_name: int = 0
    merged: int = 0
    splits: list[str] = field(default_factory=list)
    wrong_merges: list[str] = field(default_factory=list)
    unmerged: list[str] = field(default_factory=list)  # multi-name targets no entity joins
    wrong_typings: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        total = sum(self.targets.values())
        out: dict[str, Any] = {"targets": total, "core": self.core}
        for mode in ("strict", "lenient"):
            found = sum(self.found[mode].values())
            judged = self.correct[mode] + self.wrong[mode]
            out[mode] = {
                "recall": round(found / total, 3) if total else 0.0,
                "label_recall": round(sum(self.label_found[mode].values()) / total, 3)
                if total
                else 0.0,
                "precision": round(self.correct[mode] / judged, 3) if judged else 0.0,
                "per_type": {
                    t: round(self.found[mode][t] / n, 3) for t, n in sorted(self.targets.items())
                },
            }
        out["wrong_typings"] = len(self.wrong_typings)
        out["merged"] = f"{self.merged}/{self.multi_name}"
        out["merge_recall"] = round(self.merged / self.multi_name, 3) if self.multi_name else 0.0
        out["splits"] = len(self.splits)
        out["wrong_merges"] = len(self.wrong_merges)
        for key in ("wrong_typings", "missed", "invented", "splits", "wrong_merges", "unmerged"):
            out[f"{key}_list"] = getattr(self, key)
        out["disagreements_list"] = self.disagreements
        return out


def score_gum(doc: GumDoc, extraction: Extraction, report: GumReport) -> None:
    """Add one article's scores to ``report``."""
    where = Path(doc.path).stem.removeprefix("GUM_news_")
    text = extraction.article.text
    entities = sorted(extraction.entities, key=lambda e: e.key)
    forms = {e.key: _forms(e, text) for e in entities}
    for target in doc.targets:
        report.targets[target.type] += 1
    for mode in ("strict", "lenient"):
        matches: dict[int, list[Entity]] = defaultdict(list)
        matched_entities: dict[str, list[Cluster]] = defaultdict(list)
        for entity in entities:
            for target in doc.targets:
                if forms[entity.key] & target.names or (
                    mode == "lenient" and _lenient_match(forms[entity.key], target, entity)
                ):
                    matches[target.id].append(entity)
                    matched_entities[entity.key].append(target)
        for target in doc.targets:
            hits = matches[target.id]
            if not hits:
                if mode == "strict":
                    report.missed.append(f"{where}: {target.shown} ({target.type})")
                continue
            report.label_found[mode][target.type] += 1
            right = [e for e in hits if PARENT.get(e.cls, e.cls) == target.cls]
            if right:
                report.found[mode][target.type] += 1
            elif mode == "strict":
                report.wrong_typings.append(
                    f"{where}: {target.shown} is {target.type}, kg says {hits[0].cls}"
                )
            if mode == "strict" and len(hits) > 1:
                report.splits.append(
                    f"{where}: {target.shown} split into " + " / ".join(e.label for e in hits)
                )
            if mode == "strict" and len(target.listed) >= 2:
                report.multi_name += 1
                if any(len(forms[e.key] & target.listed) >= 2 for e in hits):
                    report.merged += 1
                else:
                    report.unmerged.append(
                        f"{where}: {' / '.join(sorted(target.listed))} not joined"
                    )
        for entity in entities:
            if matched_entities[entity.key]:
                report.correct[mode] += 1
                if mode == "strict" and len(matched_entities[entity.key]) > 1:
                    report.wrong_merges.append(
                        f"{where}: {entity.label} joins "
                        + " / ".join(t.shown for t in matched_entities[entity.key])
                    )
            elif forms[entity.key] & set(doc.mentions):
                if mode == "strict":
                    report.disagreements.append(f"{where}: {entity.label} ({entity.cls})")
            else:
                report.wrong[mode] += 1
                if mode == "strict":
                    report.invented.append(f"{where}: {entity.label} ({entity.cls})")


@dataclass
class GumRelations:
    """Relation scores over the GUM articles kg has annotated."""

    articles: int = 0
    properties: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "properties": {k: v.row() for k, v in sorted(self.properties.items())},
            "total": Report.total(self.properties).row(),
            "missed_list": self.missed,
            "wrong_list": self.wrong,
        }


def score_gum_relations(doc: GumDoc, extraction: Extraction, report: GumRelations) -> None:
    """Add one article's relation scores to ``report`` (``doc`` read with ``core=False``,
    so that every named cluster can stand for an entity)."""
    if doc.relations is None:
        return
    report.articles += 1
    where = Path(doc.path).stem.removeprefix("GUM_news_")
    text = extraction.article.text
    shown = {t.id: t.shown for t in doc.targets}
    link: dict[str, int] = {}
    for entity in extraction.entities:
        forms = _forms(entity, text)
        hits = [t.id for t in doc.targets if forms & t.names]
        if not hits:
            # "Suleiman al-Amr" for GUM's "General Suleiman al-Amr": the entity scores
            # name the lenient match; a relation is judged on its ends alone
            hits = [t.id for t in doc.targets if _lenient_match(forms, t, entity)]
        if len(hits) == 1:
            link[entity.key] = hits[0]
    found = with_implied(
        (link[r.subject], r.prop, link[r.object])
        for r in extraction.relations
        if r.subject in link and r.object in link and link[r.subject] != link[r.object]
    )
    for fact in sorted(found | doc.relations, key=lambda f: (f[1], f[0], f[2])):
        line = f"{where}: {shown.get(fact[0], fact[0])} {fact[1]} {shown.get(fact[2], fact[2])}"
        counts = report.properties[fact[1]]
        if fact in found and fact in doc.relations:
            counts.tp += 1
        elif fact in found:
            counts.fp += 1
            report.wrong.append(line)
        else:
            counts.fn += 1
            report.missed.append(line)


def gum_files(paths: Iterable[str | Path], split: str = "all") -> list[Path]:
    """The GUM article files among ``paths`` (files, or directories of ``*.json``),
    all of them or those of one split (:func:`gum_split`; "held-out" means dev)."""
    split = ALIASES.get(split, split)
    out = []
    for raw in paths:
        path = Path(raw)
        for item in sorted(path.glob("*.json")) if path.is_dir() else [path]:
            if not item.name.startswith("GUM_") or is_relations_file(item):
                continue
            if split in ("all", gum_split(item)):
                out.append(item)
    return out


def is_relations_file(path: Path) -> bool:
    """Whether a GUM-named file is kg's relation annotation rather than an article:
    an annotation names its ``relations`` at the top (an article starts with its
    title, address and dates)."""
    try:
        with path.open("rb") as handle:
            return b'"relations"' in handle.read(200)
    except OSError:
        return False


def gum_relation_files(paths: Iterable[str | Path]) -> dict[str, Path]:
    """kg's relation annotations among ``paths`` (files or directories), by article id."""
    out: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw)
        for item in sorted(path.glob("GUM_*.json")) if path.is_dir() else [path]:
            if item.name.startswith("GUM_") and is_relations_file(item):
                out[item.stem] = item
    return out


def evaluate_gum(
    pipeline: Any, paths: Sequence[str | Path], relations: dict[str, Path] | None = None
) -> tuple[GumReport, GumReport, GumRelations]:
    """Build each GUM article with ``pipeline`` once and score its entities against the
    linked targets and against all named ones, and its relations where kg has
    annotated them: (linked report, all-named report, relation report)."""
    return evaluate_gum_groups(pipeline, paths, relations)[""]


def evaluate_gum_groups(
    pipeline: Any,
    paths: Sequence[str | Path],
    relations: dict[str, Path] | None = None,
    group: Callable[[Path], str] | None = None,
) -> dict[str, tuple[GumReport, GumReport, GumRelations]]:
    """As :func:`evaluate_gum`, with each article built once and scored both into the
    reports of all of them (key ``""``) and into those of its ``group`` (for example
    :func:`gum_genre`), so a set and its parts are scored in one pass."""

    def reports() -> tuple[GumReport, GumReport, GumRelations]:
        return GumReport(core=True), GumReport(core=False), GumRelations()

    out = {"": reports()}
    annotated = {}
    for file in (relations or {}).values():
        ident, found = load_gum_relations(file)
        annotated[ident] = found
    docs = []
    for p in paths:
        core = load_gum(p, core=True)
        every = load_gum(p, core=False, relations=annotated.get(core.article.key))
        docs.append((Path(p), core, every))
    extractions = pipeline.extract(core.article for _, core, _ in docs)
    for (path, core, every), extraction in zip(docs, extractions, strict=True):
        keys = [""] + ([group(path)] if group else [])
        for key in keys:
            linked, named, facts = out.setdefault(key, reports())
            score_gum(core, extraction, linked)
            score_gum(every, extraction, named)
            score_gum_relations(every, extraction, facts)
    return out
