"""Train the model of ``kg.relations.learned.v1`` from annotated documents.

    pip install -e ".[train]"
    python -m kg.extract.relations.learn --docred ../shared/data/re-docred/dev_revised.json \\
        --gum ../shared/data/gum-news --gum-relations tests/gum_relations [--gold FILE_OR_DIR ...]

The trainer parses every document with spaCy, writes the features of every two
annotated mentions of different entities in one sentence
(:func:`kg.extract.relations.learned.features`), and fits one L1-regularised
logistic regression per property (scikit-learn, fixed seed) on the pairs whose
annotated entity types could hold it. It holds back a fifth of the documents,
picks each property's threshold there (the lowest score at which the held-back
precision still reaches ``--precision``; a property that never does is left
off), prints what that threshold gives, then refits on all documents and writes
the model (a few hundred weights: ``kg/extract/relations/learned_model.json``).
The same data and options write the same file.

Training data, each optional:

- ``--docred``: a Re-DocRED file (``dev_revised.json``); its Wikidata relations
  are mapped to kg's properties by :data:`kg.docred.MAPPING`, and a pair is a
  positive example only in a sentence the annotation gives as evidence. The
  trainer refuses a test file.
- ``--gum`` and ``--gum-relations``: GUM news articles and kg's relation
  annotations of them; the articles in :data:`kg.gum.HELD_OUT` are left out.
- ``--gold``: files in the ``kg eval`` gold format (your own annotations); names
  are found in the text by exact match.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.docred import MAPPING, docred_text
from kg.evaluate import IMPLIES, SYMMETRIC, canonical
from kg.extract.relations.learned import MODEL, features, sigmoid
from kg.gum import HELD_OUT

SEED = 14
#: Which coarse entity types (of the annotation) can hold each property. MISC is
#: Re-DocRED's type for products, events and works alike.
FITS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "worksFor": (frozenset({"PER"}), frozenset({"ORG"})),
    "ceoOf": (frozenset({"PER"}), frozenset({"ORG"})),
    "founderOf": (frozenset({"PER"}), frozenset({"ORG"})),
    "develops": (frozenset({"ORG"}), frozenset({"PROD", "MISC"})),
    "participatesIn": (frozenset({"PER", "ORG"}), frozenset({"EVT", "MISC"})),
    "locatedIn": (frozenset({"ORG", "LOC", "EVT", "MISC"}), frozenset({"LOC"})),
    "partnersWith": (frozenset({"PER", "ORG"}), frozenset({"PER", "ORG"})),
    "competesWith": (frozenset({"PER", "ORG", "PROD"}), frozenset({"PER", "ORG", "PROD"})),
    "reports": (frozenset({"ORG"}), frozenset({"PER", "ORG", "PROD", "EVT", "LOC", "MISC"})),
}
GUM_TYPES = {
    "person": "PER",
    "organization": "ORG",
    "place": "LOC",
    "object": "PROD",
    "event": "EVT",
}
GOLD_TYPES = {
    "Person": "PER",
    "Organization": "ORG",
    "Company": "ORG",
    "NewsOrganization": "ORG",
    "Place": "LOC",
    "Product": "PROD",
    "Event": "EVT",
}
#: Fewest positive examples a property needs before a model is fitted for it.
MIN_POSITIVES = 8
#: Cross-validation folds: each pair is scored by a model fitted on the other folds' documents.
FOLDS = 5


@dataclass
class Example:
    """One annotated document: its text, each entity's type and mentions
    ``(start, end, sentence id of the annotation or -1)``, its facts and, per fact,
    the sentences that state it (None: any sentence where both are named)."""

    key: str
    text: str
    mentions: list[list[tuple[int, int, int]]] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    facts: dict[tuple[int, str, int], set[int] | None] = field(default_factory=dict)

    def add(self, fact: tuple[int, str, int], evidence: Iterable[int] | None) -> None:
        """Record a fact, and the fact it implies (a CEO works for the company)."""
        s, prop, o = fact
        sentences = list(evidence) if evidence is not None else None
        for key in [fact] + ([(s, IMPLIES[prop], o)] if prop in IMPLIES else []):
            if not sentences or self.facts.get(key, set()) is None:
                self.facts[key] = None  # Re-DocRED's added facts name no evidence
            else:
                self.facts.setdefault(key, set()).update(sentences)  # type: ignore[union-attr]


def docred_examples(path: Path) -> list[Example]:
    if "test" in path.name:
        raise SystemExit(f"{path}: the trainer never reads a test split")
    examples = []
    for n, doc in enumerate(json.loads(path.read_text(encoding="utf-8"))):
        text, offsets = docred_text(doc["sents"])
        ex = Example(f"docred:{n}", text)
        for cluster in doc["vertexSet"]:
            ex.types.append(cluster[0]["type"])
            ex.mentions.append(
                [
                    (
                        offsets[m["sent_id"]][m["pos"][0]][0],
                        offsets[m["sent_id"]][m["pos"][1] - 1][1],
                        m["sent_id"],
                    )
                    for m in cluster
                ]
            )
        for label in doc["labels"]:
            if label["r"] in MAPPING:
                prop, flip = MAPPING[label["r"]]
                h, t = label["h"], label["t"]
                ex.add((t, prop, h) if flip else (h, prop, t), label["evidence"])
        examples.append(ex)
    return examples


def gum_examples(articles: Path, annotations: Path) -> list[Example]:
    """GUM articles that have a relation annotation, less the held-out ones."""
    examples = []
    for ann_path in sorted(annotations.glob("GUM_news_*.json")):
        if ann_path.stem in HELD_OUT:
            continue
        ann = json.loads(ann_path.read_text(encoding="utf-8"))
        data = json.loads((articles / ann_path.name).read_text(encoding="utf-8"))
        ex = Example(ann_path.stem, data["text"])
        index: dict[int, int] = {}
        types = {c["cluster"]: c["type"] for c in data["clusters"] if c["named"]}
        for m in data["entities"]:
            cluster = m["cluster"]
            if not m["named"] or types.get(cluster) not in GUM_TYPES:
                continue
            if cluster not in index:
                index[cluster] = len(ex.mentions)
                ex.mentions.append([])
                ex.types.append(GUM_TYPES[types[cluster]])
            ex.mentions[index[cluster]].append((m["start"], m["end"], -1))
        for fact in ann["relations"]:
            s, o = index.get(fact["subject"]), index.get(fact["object"])
            if s is not None and o is not None:
                ex.add((s, fact["property"], o), None)
        examples.append(ex)
    return examples


def gold_examples(paths: Iterable[Path]) -> list[Example]:
    """kg gold files; each name (and alias) is found in the text by whole-word match."""
    examples = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise SystemExit(f"{path}: not a gold file (it needs 'text', 'entities', 'relations')")
        ex = Example(str(path), data["text"])
        index: dict[str, int] = {}
        for entity in data["entities"]:
            index[entity["name"]] = len(ex.mentions)
            ex.types.append(GOLD_TYPES.get(entity["type"], "OTHER"))
            found: set[tuple[int, int, int]] = set()
            for name in [entity["name"], *entity.get("aliases", [])]:
                for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", data["text"]):
                    found.add((m.start(), m.end(), -1))
            ex.mentions.append(sorted(found))
        for s, prop, o in data["relations"]:
            if s in index and o in index:
                ex.add((index[s], prop, index[o]), None)
        examples.append(ex)
    return examples


@dataclass(frozen=True)
class Row:
    """One ordered pair of mentions: its document, entities, features and true properties."""

    doc: int
    subject: int
    obj: int
    features: tuple[str, ...]
    true: frozenset[str]


def rows(n: int, example: Example, doc: Any) -> Iterator[Row]:
    roots = []
    for entity, mentions in enumerate(example.mentions):
        for start, end, unit in mentions:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                roots.append((entity, span.root, unit))
    by_sentence: dict[int, list[tuple[int, Any, int]]] = defaultdict(list)
    for entity, root, unit in roots:
        by_sentence[root.sent.start].append((entity, root, unit))
    for found in by_sentence.values():
        for ea, a, ua in found:
            for eb, b, ub in found:
                if ea == eb:
                    continue
                feats = features(a, b)
                if feats is None:
                    continue
                true = set()
                for prop in FITS:
                    keys = [(ea, prop, eb)] + ([(eb, prop, ea)] if prop in SYMMETRIC else [])
                    for key in keys:
                        if key in example.facts:
                            evidence = example.facts[key]
                            if evidence is None or ua in evidence or ub in evidence:
                                true.add(prop)
                yield Row(n, ea, eb, tuple(sorted(set(feats))), frozenset(true))


def fits(prop: str, example: Example, row: Row) -> bool:
    domain, range_ = FITS[prop]
    return example.types[row.subject] in domain and example.types[row.obj] in range_


def fit(prop: str, data: list[tuple[Row, bool]], c: float) -> tuple[float, dict[str, float]]:
    """Bias and non-zero weights of one property's L1 logistic regression."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sort=True)
    x = vectorizer.fit_transform([{f: 1 for f in row.features} for row, _ in data])
    y = [int(label) for _, label in data]
    model = LogisticRegression(
        penalty="l1", C=c, solver="liblinear", random_state=SEED, max_iter=5000
    )
    model.fit(x, y)
    names = vectorizer.get_feature_names_out()
    weights = {
        str(names[i]): round(float(w), 4) for i, w in enumerate(model.coef_[0]) if abs(w) >= 1e-4
    }
    return round(float(model.intercept_[0]), 4), weights


def probability(bias: float, weights: dict[str, float], row: Row) -> float:
    return sigmoid(bias + sum(weights.get(f, 0.0) for f in row.features))


def threshold(scored: list[tuple[float, bool]], target: float, fewest: int = 5) -> float | None:
    """The lowest score at which the pairs scored at least that high are right at
    least ``target`` of the time (with at least ``fewest`` of them), or None."""
    best = None
    ordered = sorted(scored, key=lambda s: -s[0])
    right = 0
    for n, (score, ok) in enumerate(ordered, 1):
        right += ok
        last_of_tie = n == len(ordered) or ordered[n][0] < score
        if last_of_tie and n >= fewest and right / n >= target and score >= 0.5:
            best = score
    return best


def facts_of(
    example: Example, predicted: Iterable[tuple[int, str, int]]
) -> tuple[set[tuple[int, str, int]], set[tuple[int, str, int]]]:
    """(predicted facts, annotated facts) of a document, symmetric ones in one order."""
    return {canonical(f) for f in predicted}, {canonical(f) for f in example.facts if f[1] in FITS}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kg.extract.relations.learn", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--docred", type=Path, help="a Re-DocRED file (dev_revised.json)")
    parser.add_argument("--gum", type=Path, help="the GUM news folder")
    parser.add_argument("--gum-relations", type=Path, help="kg's relation annotations of it")
    parser.add_argument("--gold", type=Path, nargs="*", default=[], help="kg gold files or folders")
    parser.add_argument("--model", help="spaCy model (default: kg's)")
    parser.add_argument("--precision", type=float, default=0.7, help="held-back precision to reach")
    parser.add_argument("--c", type=float, default=1.0, help="inverse L1 strength")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name(MODEL))
    args = parser.parse_args(argv)
    from kg.nlp import load_model, model_name

    examples: list[Example] = []
    sources = []
    if args.docred:
        examples += docred_examples(args.docred)
        sources.append(f"Re-DocRED {args.docred.name} (MIT; Tan et al. 2022, DocRED texts)")
    if args.gum:
        if not args.gum_relations:
            parser.error("--gum needs --gum-relations")
        found = gum_examples(args.gum, args.gum_relations)
        examples += found
        sources.append(
            f"{len(found)} GUM Wikinews articles (texts CC BY 2.5, GUM CC BY 4.0) "
            "with kg's relation annotations"
        )
    gold_files = [p for g in args.gold for p in (sorted(g.glob("*.json")) if g.is_dir() else [g])]
    if gold_files:
        examples += gold_examples(gold_files)
        sources.append(f"{len(gold_files)} gold files")
    if not examples:
        parser.error("no training data: give --docred, --gum or --gold")
    nlp = load_model(args.model)
    all_rows = [
        row
        for n, (example, doc) in enumerate(
            zip(examples, nlp.pipe((e.text for e in examples), batch_size=32), strict=True)
        )
        for row in rows(n, example, doc)
    ]
    order = list(range(len(examples)))
    random.Random(SEED).shuffle(order)
    fold_of = {doc: k for k in range(FOLDS) for doc in order[k::FOLDS]}
    print(f"{len(examples)} documents in {FOLDS} folds, {len(all_rows)} pairs")
    model: dict[str, Any] = {"properties": [], "bias": {}, "thresholds": {}, "weights": {}}
    predicted: dict[int, set[tuple[int, str, int]]] = defaultdict(set)
    print(f"{'property':16} {'positives':>9} {'threshold':>9} {'precision':>9} {'recall':>7}")
    for prop in FITS:
        data = [(row, prop in row.true) for row in all_rows if fits(prop, examples[row.doc], row)]
        positives = sum(label for _, label in data)
        if positives < MIN_POSITIVES:
            print(f"{prop:16} {positives:9d}  too few to learn from")
            continue
        # each pair scored by a model that did not see its document
        scored: list[tuple[float, bool]] = [(0.0, False)] * len(data)
        for k in range(FOLDS):
            train = [d for d in data if fold_of[d[0].doc] != k]
            if not any(label for _, label in train):
                continue
            bias, weights = fit(prop, train, args.c)
            for i, (row, label) in enumerate(data):
                if fold_of[row.doc] == k:
                    scored[i] = (probability(bias, weights, row), label)
        cut = threshold(scored, args.precision)
        if cut is None:
            print(f"{prop:16} {positives:9d}  never reaches precision {args.precision}")
            continue
        for (row, _label), (p, _) in zip(data, scored, strict=True):
            if p >= cut:
                predicted[row.doc].add((row.subject, prop, row.obj))
        hits = sum(ok for p, ok in scored if p >= cut)
        kept = sum(p >= cut for p, _ in scored)
        print(f"{prop:16} {positives:9d} {cut:9.3f} {hits / kept:9.3f} {hits / positives:7.3f}")
        bias, weights = fit(prop, data, args.c)
        model["properties"].append(prop)
        model["bias"][prop] = bias
        model["thresholds"][prop] = round(cut, 4)
        for feat, w in weights.items():
            model["weights"].setdefault(feat, []).append([prop, w])
    tp = fp = fn = 0
    for n, example in enumerate(examples):
        found_facts, gold = facts_of(example, predicted[n])
        tp += len(found_facts & gold)
        fp += len(found_facts - gold)
        fn += len(gold - found_facts)
    print(
        f"all documents, out of fold, facts in any sentence: precision "
        f"{tp / max(tp + fp, 1):.3f}, recall {tp / max(tp + fn, 1):.3f} ({tp} of {tp + fn})"
    )
    out = {
        "about": "kg.relations.learned.v1: L1 logistic regression per property over pair features",
        "trained_on": sources,
        "documents": len(examples),
        "spacy_model": model_name(args.model),
        "seed": SEED,
        "c": args.c,
        "precision_target": args.precision,
        **model,
        "weights": dict(sorted(model["weights"].items())),
    }
    args.out.write_text(json.dumps(out, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(model['weights'])} weighted features -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
