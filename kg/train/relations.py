"""Train ``kg.relations.learned.v1``: ``python -m kg.train relations [options]``.

    pip install -e ".[train]"
    python -m kg.train relations [--data ../shared/data] [--gold my_annotations/]

Every document is built by kg's own pipeline (without the learned rule), so the
pairs the trainer sees are the pairs the rule will see: two ends in one sentence,
each the root of a name (kg's or the annotation's) or a pronoun, at least one a
name (:func:`kg.extract.relations.learned.pairs`). A pair is labelled from the
annotation it falls in:

- **KnowledgeNet** (folds 1-2 train, fold 3 dev): a passage is annotated
  exhaustively for the properties it lists, so every pair of its ends that is not
  an annotated fact is a reliable negative for those properties, pronoun ends
  included ("He co-founded Pixlee"). CEO and FOUNDED_BY are reversed into
  ``ceoOf`` and ``founderOf``, EMPLOYEE_OR_MEMBER_OF is ``worksFor`` (a CEO
  works for the company), HEADQUARTERS is ``locatedIn`` (a place's own place is
  not judged there).
- **Re-DocRED** ``dev_revised.json`` (documents 0-249 train, 250-499 dev): pairs
  of two annotated clusters whose types could hold the property; a positive only
  in a sentence the annotation gives as evidence. Wikidata properties kg's
  cover are positives, the neighbouring ones too (:data:`kg.docred.NEIGHBOURS`:
  a party's or a team's member is ``worksFor`` it, as in KnowledgeNet).
- **GUM** Wikinews (the 14 training articles train, :data:`kg.gum.HELD_OUT` dev)
  with kg's relation annotations (``tests/gum_relations``); every GUM mention
  of a named entity counts, pronouns and descriptions too.
- ``--gold`` and ``--gold-dev``: your own articles in the ``kg eval`` gold
  format, to train on and to set thresholds on.

One L1-regularised logistic regression per property is fitted on the train
pairs (scikit-learn, fixed seed; features seen in fewer than two training
documents are dropped). Each property's threshold is the lowest score at which
the dev pairs (both ends annotated) scored at least that high are right
``--precision`` of the time (``--precision-other`` for the properties
KnowledgeNet does not annotate); a property that never gets there, or whose dev
recall there is below :data:`MIN_RECALL`, is left off.
The trainer prints train and dev figures per data set and writes the weights
with a model card to ``kg/data/models/relations.json``. The same data and
options write the same bytes.
It never reads a test split.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.docred import MAPPING as DOCRED_MAPPING
from kg.docred import NEIGHBOURS, docred_splits, docred_text
from kg.evaluate import IMPLIES, SYMMETRIC
from kg.extract.relations.learned import (
    MODEL,
    RULE,
    doc_parse,
    ends,
    pairs,
    read_parse,
    sigmoid,
)
from kg.gum import gum_split
from kg.knowledgenet import MAPPING as KN_MAPPING
from kg.knowledgenet import Passage, entity_groups, load_knowledgenet

SEED = 14
#: Which coarse entity types (of Re-DocRED's and GUM's annotation) can hold each property.
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
#: kg's properties KnowledgeNet annotates.
KN_PROPERTIES = frozenset(prop for prop, _flip in KN_MAPPING.values())
#: Fewest positive training pairs a property needs before a model is fitted for it.
MIN_POSITIVES = 8
#: Least dev recall a property's threshold must leave it: below it, its facts are
#: too few to be worth their errors, and the hand rules carry the property.
MIN_RECALL = 0.1
#: Fewest training documents a feature must occur in to be kept.
MIN_DOCS = 2
DATA_SETS = {
    "knowledgenet": (
        "KnowledgeNet folds 1-3 (Diffbot; CC BY-SA 4.0, (c) Diffbot Technologies Corp.; "
        "Mesquita et al. 2019, 'KnowledgeNet: A Benchmark Dataset for Knowledge Base "
        "Population', EMNLP-IJCNLP; https://github.com/diffbot/knowledge-net)"
    ),
    "docred": (
        "Re-DocRED dev_revised.json (MIT; Tan et al. 2022, 'Revisiting DocRED', texts from "
        "DocRED, Yao et al. 2019, English Wikipedia)"
    ),
    "gum": (
        "GUM Wikinews news articles (texts CC BY 2.5 Wikinews; annotations CC BY 4.0, "
        "Zeldes 2017, 'The GUM Corpus') with kg's relation annotations (tests/gum_relations)"
    ),
    "gold": "your own articles in kg's gold format",
}


@dataclass
class Example:
    """One annotated document: its text, annotated mentions ``(start, end, entity,
    sentence id or -1)``, each entity's coarse type (None: not known), its facts and,
    per fact, the sentences that state it (None: any sentence where both are named),
    and the properties whose every unlisted pair is a negative (``exhaustive``)."""

    key: str
    source: str
    split: str
    text: str
    mentions: list[tuple[int, int, int, int]] = field(default_factory=list)
    types: list[str | None] = field(default_factory=list)
    facts: dict[tuple[int, str, int], set[int] | None] = field(default_factory=dict)
    exhaustive: frozenset[str] = frozenset()
    #: entity pairs that hold a fact of a property kg has not (negatives of kg's)
    other_pairs: set[tuple[int, int]] = field(default_factory=set)

    def add(self, fact: tuple[int, str, int], evidence: Iterable[int] | None) -> None:
        """Record a fact, and the fact it implies (a CEO works for the company)."""
        s, prop, o = fact
        sentences = list(evidence) if evidence is not None else None
        for key in [fact] + ([(s, IMPLIES[prop], o)] if prop in IMPLIES else []):
            if not sentences or self.facts.get(key, set()) is None:
                self.facts[key] = None  # Re-DocRED's added facts name no evidence
            else:
                self.facts.setdefault(key, set()).update(sentences)  # type: ignore[union-attr]


def knowledgenet_examples(passages: Sequence[Passage]) -> list[Example]:
    """Folds 1-2 as train, fold 3 as dev. A passage annotated for a mapped property
    judges every pair of its ends for it; a fact of another property ("he studied
    at X", "she was born in Y") is a negative of kg's properties wherever the pair
    holds none of them."""
    split_of = {1: "train", 2: "train", 3: "dev"}
    examples = []
    for passage in passages:
        judged = frozenset(KN_MAPPING[p][0] for p in passage.properties if p in KN_MAPPING)
        if passage.fold not in split_of or not (judged or passage.facts):
            continue
        ex = Example(passage.key, "knowledgenet", split_of[passage.fold], passage.text)
        ex.exhaustive = judged
        of, members = entity_groups(passage)
        for group, spans in sorted(members.items()):
            for span in spans:
                ex.mentions.append((span.start, span.end, group, -1))
        ex.types = [None] * (max(members, default=-1) + 1)
        for fact in passage.facts:
            s, o = of[fact.subject], of[fact.object]
            if fact.property in KN_MAPPING:
                prop, flip = KN_MAPPING[fact.property]
                ex.add((o, prop, s) if flip else (s, prop, o), None)
            else:
                ex.other_pairs |= {(s, o), (o, s)}
        examples.append(ex)
    return examples


def docred_examples(path: Path) -> list[Example]:
    """Re-DocRED's dev file by :func:`kg.docred.docred_splits`; a test file is refused."""
    if "test" in path.name:
        raise SystemExit(f"{path}: the trainer never reads a test split")
    docs = json.loads(path.read_text(encoding="utf-8"))
    examples = []
    for split, chosen in docred_splits(path, list(range(len(docs)))).items():
        for n in chosen:
            doc = docs[n]
            text, offsets = docred_text(doc["sents"])
            ex = Example(f"docred:{n}", "docred", split, text)
            for entity, cluster in enumerate(doc["vertexSet"]):
                ex.types.append(cluster[0]["type"])
                for m in cluster:
                    sent = offsets[m["sent_id"]]
                    start, end = sent[m["pos"][0]][0], sent[m["pos"][1] - 1][1]
                    ex.mentions.append((start, end, entity, m["sent_id"]))
            for label in doc["labels"]:
                # a neighbouring property (party, team, country) is one kg's covers too
                mapped = DOCRED_MAPPING.get(label["r"]) or NEIGHBOURS.get(label["r"])
                if mapped is not None:
                    prop, flip = mapped
                    h, t = label["h"], label["t"]
                    ex.add((t, prop, h) if flip else (h, prop, t), label["evidence"])
            examples.append(ex)
    return examples


def gum_examples(articles: Path, annotations: Path) -> list[Example]:
    """GUM news articles that kg's relation annotations cover, split by :func:`kg.gum.gum_split`."""
    examples = []
    for ann_path in sorted(annotations.glob("GUM_news_*.json")):
        ann = json.loads(ann_path.read_text(encoding="utf-8"))
        data = json.loads((articles / ann_path.name).read_text(encoding="utf-8"))
        ex = Example(ann_path.stem, "gum", gum_split(ann_path), data["text"])
        types = {c["cluster"]: c["type"] for c in data["clusters"] if c["named"]}
        index: dict[int, int] = {}
        for m in data["entities"]:
            cluster = m["cluster"]
            if types.get(cluster) not in GUM_TYPES:
                continue
            if cluster not in index:
                index[cluster] = len(ex.types)
                ex.types.append(GUM_TYPES[types[cluster]])
            ex.mentions.append((m["start"], m["end"], index[cluster], -1))
        for fact in ann["relations"]:
            s, o = index.get(fact["subject"]), index.get(fact["object"])
            if s is not None and o is not None:
                ex.add((s, fact["property"], o), None)
        examples.append(ex)
    return examples


def gold_examples(paths: Iterable[Path], split: str = "train") -> list[Example]:
    """kg gold files; each name and alias is found in the text by whole-word match."""
    examples = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise SystemExit(f"{path}: not a gold file (it needs 'text', 'entities', 'relations')")
        ex = Example(str(path), "gold", split, data["text"])
        index: dict[str, int] = {}
        for entity in data["entities"]:
            n = index[entity["name"]] = len(ex.types)
            ex.types.append(GOLD_TYPES.get(entity["type"], "OTHER"))
            found: set[tuple[int, int]] = set()
            for name in [entity["name"], *entity.get("aliases", [])]:
                for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", data["text"]):
                    found.add((m.start(), m.end()))
            ex.mentions += [(start, end, n, -1) for start, end in sorted(found)]
        for s, prop, o in data["relations"]:
            if s in index and o in index:
                ex.add((index[s], prop, index[o]), None)
        examples.append(ex)
    return examples


@dataclass(frozen=True)
class Row:
    """One ordered pair of ends: its document, features, and per judged property its label."""

    doc: int
    features: tuple[str, ...]
    labels: tuple[tuple[str, bool], ...]
    #: both ends are annotated mentions (a pair with an unannotated end is a negative
    #: of KnowledgeNet's that kg's typing mostly rejects: thresholds are not set on it)
    annotated: bool = True


def rows(n: int, example: Example, doc: Any) -> Iterator[Row]:
    """The labelled pairs of one built document (see the module's docstring)."""
    spans = []
    roots = []
    ends_of: dict[int, tuple[int, int]] = {}  # token -> (entity, sentence id)
    for start, end, entity, unit in example.mentions:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        spans.append((span.start, span.end))
        roots.append(span.root.i)
        for i in range(span.start, span.end):
            ends_of.setdefault(i, (entity, unit))
    kg_parse, kg_roots = doc_parse(doc)
    for mention in doc._.kg_mentions or ():
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is not None and len(span):
            spans.append((span.start, span.end))
    parse = read_parse(doc, spans) if spans else kg_parse
    named = set(roots) | set(kg_roots)
    for a, b, feats in pairs(parse, ends(parse, sorted(named)), named):
        ea, eb = ends_of.get(a), ends_of.get(b)
        labels = {}
        if example.source == "knowledgenet":
            if ea is not None and eb is not None and ea[0] == eb[0]:
                continue
            for prop in example.exhaustive:
                if prop == "locatedIn" and parse.classes[a] == "LOC":
                    continue  # a place's own place is not a headquarters
                labels[prop] = (
                    ea is not None and eb is not None and (ea[0], prop, eb[0]) in example.facts
                )
            if ea is not None and eb is not None and (ea[0], eb[0]) in example.other_pairs:
                for prop in KN_PROPERTIES:
                    if (ea[0], prop, eb[0]) not in example.facts:
                        labels.setdefault(prop, False)
        elif ea is not None and eb is not None and ea[0] != eb[0]:
            for prop, (domain, range_) in FITS.items():
                if example.types[ea[0]] not in domain or example.types[eb[0]] not in range_:
                    continue
                true = False
                keys = [(ea[0], prop, eb[0])] + (
                    [(eb[0], prop, ea[0])] if prop in SYMMETRIC else []
                )
                for key in keys:
                    if key in example.facts:
                        evidence = example.facts[key]
                        true |= evidence is None or ea[1] in evidence or eb[1] in evidence
                labels[prop] = true
        if labels:
            yield Row(n, tuple(feats), tuple(sorted(labels.items())), None not in (ea, eb))


def fit(
    prop: str, data: list[tuple[Row, bool]], keep: set[str], c: float
) -> tuple[float, dict[str, float]]:
    """Bias and non-zero weights of one property's L1 logistic regression."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sort=True)
    x = vectorizer.fit_transform([{f: 1 for f in row.features if f in keep} for row, _ in data])
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
        if last_of_tie and n >= fewest and right / n >= target and score >= 0.3:
            best = score
    return best


def figures(scored: list[tuple[float, bool]], cut: float) -> dict[str, Any]:
    """Pair-level precision and recall of a property at a threshold."""
    positives = sum(ok for _, ok in scored)
    kept = [ok for p, ok in scored if p >= cut]
    right = sum(kept)
    return {
        "pairs": len(scored),
        "positives": positives,
        "precision": round(right / len(kept), 3) if kept else 0.0,
        "recall": round(right / positives, 3) if positives else 0.0,
    }


def build_docs(examples: Sequence[Example], model: str | None) -> Iterator[Any]:
    """Each example built by kg's pipeline without the learned rule (its mentions and parse)."""
    from kg.nlp import add_kg_components, load_model

    nlp = add_kg_components(load_model(model), exclude=[RULE])
    yield from nlp.pipe((e.text for e in examples), batch_size=32)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kg.train relations", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument(
        "--data", type=Path, default=Path("../shared/data"), help="folder of the data sets"
    )
    parser.add_argument("--gum-relations", type=Path, default=Path("tests/gum_relations"))
    parser.add_argument(
        "--gold", type=Path, nargs="*", default=[], help="your gold files or folders to train on"
    )
    parser.add_argument(
        "--gold-dev", type=Path, nargs="*", default=[], help="your gold files to set thresholds on"
    )
    parser.add_argument("--no-public", action="store_true", help="train on --gold only")
    parser.add_argument("--model", help="spaCy model (default: kg's)")
    parser.add_argument(
        "--precision",
        type=float,
        default=0.8,
        help="dev precision to reach for the properties KnowledgeNet annotates",
    )
    parser.add_argument(
        "--precision-other",
        type=float,
        default=0.6,
        help="dev precision to reach for the other properties",
    )
    parser.add_argument("--c", type=float, default=0.5, help="inverse L1 strength")
    parser.add_argument("--date", help="date the card records (default: today, UTC)")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent.parent / "data" / "models" / MODEL
    )
    args = parser.parse_args(argv)
    from kg.nlp import model_name

    examples: list[Example] = []
    sources = []
    if not args.no_public:
        kn = args.data / "knowledgenet" / "train.jsonl"
        examples += knowledgenet_examples(load_knowledgenet(kn))
        examples += docred_examples(args.data / "re-docred" / "dev_revised.json")
        examples += gum_examples(args.data / "gum-news", args.gum_relations)
        sources += [DATA_SETS["knowledgenet"], DATA_SETS["docred"], DATA_SETS["gum"]]
    for split, given in (("train", args.gold), ("dev", args.gold_dev)):
        files = [p for g in given for p in (sorted(g.glob("*.json")) if g.is_dir() else [g])]
        if files:
            examples += gold_examples(files, split)
            sources.append(f"{len(files)} {split} files: {DATA_SETS['gold']}")
    if not examples:
        parser.error("no training data: give --gold, or leave out --no-public")
    all_rows = [
        row
        for n, (example, doc) in enumerate(
            zip(examples, build_docs(examples, args.model), strict=True)
        )
        for row in rows(n, example, doc)
    ]
    train = [r for r in all_rows if examples[r.doc].split == "train"]
    dev = [r for r in all_rows if examples[r.doc].split == "dev"]
    docs_of: dict[str, set[int]] = defaultdict(set)
    for row in train:
        for feat in row.features:
            docs_of[feat].add(row.doc)
    keep = {f for f, docs in docs_of.items() if len(docs) >= MIN_DOCS}
    print(
        f"{len(examples)} documents; {len(train)} train pairs, {len(dev)} dev pairs, "
        f"{len(keep)} features in {MIN_DOCS}+ training documents"
    )
    model: dict[str, Any] = {"properties": [], "bias": {}, "thresholds": {}, "weights": {}}
    report: dict[str, Any] = {}
    header = f"{'property':15} {'split':5} {'set':13} {'pairs':>6} {'pos':>5} {'P':>6} {'R':>6}"
    print(header)
    for prop in FITS:
        data = [(row, dict(row.labels)[prop]) for row in train if prop in dict(row.labels)]
        positives = sum(label for _, label in data)
        if positives < MIN_POSITIVES:
            print(f"{prop:15} train {'all':13} {len(data):6d} {positives:5d}  too few to learn")
            continue
        bias, weights = fit(prop, data, keep, args.c)
        scored = {
            split: [
                (probability(bias, weights, row), dict(row.labels)[prop], examples[row.doc].source)
                for row in rows_
                if prop in dict(row.labels)
            ]
            for split, rows_ in (("train", train), ("dev", dev))
        }
        target = args.precision if prop in KN_PROPERTIES else args.precision_other
        judged = [
            probability(bias, weights, row)
            for row in dev
            if prop in dict(row.labels) and row.annotated
        ]
        cut = threshold(
            [
                (p, dict(row.labels)[prop])
                for p, row in zip(
                    judged, [r for r in dev if prop in dict(r.labels) and r.annotated], strict=True
                )
            ],
            target,
        )
        if cut is None:
            print(f"{prop:15} dev   never reaches precision {target}: left off")
            continue
        kept = figures([(p, ok) for p, ok, _ in scored["dev"]], cut)
        if kept["recall"] < MIN_RECALL:
            print(f"{prop:15} dev   recall {kept['recall']} at precision {target}: left off")
            continue
        cut = math.floor(cut * 10_000) / 10_000  # as written: never above a score it kept
        report[prop] = {"threshold": cut}
        for split, items in scored.items():
            for source in [*sorted({s for _, _, s in items}), "all"]:
                chosen = [(p, ok) for p, ok, s in items if source in (s, "all")]
                fig = figures(chosen, cut)
                report[prop][f"{split} {source}"] = fig
                print(
                    f"{prop:15} {split:5} {source:13} {fig['pairs']:6d} {fig['positives']:5d} "
                    f"{fig['precision']:6.3f} {fig['recall']:6.3f}"
                )
        model["properties"].append(prop)
        model["bias"][prop] = bias
        model["thresholds"][prop] = cut
        for feat, w in weights.items():
            model["weights"].setdefault(feat, []).append([prop, w])
    date = args.date or os.environ.get("SOURCE_DATE_EPOCH")
    if date and date.isdigit():
        date = datetime.datetime.fromtimestamp(int(date), datetime.UTC).date().isoformat()
    out = {
        "card": {
            "model": f"{RULE}: L1 logistic regression per property over dependency-path features",
            "trained_by": "python -m kg.train relations",
            "data": sources,
            "split": (
                "train: KnowledgeNet folds 1-2, Re-DocRED dev documents 0-249, the 14 GUM news "
                "training articles; dev (thresholds): KnowledgeNet fold 3, Re-DocRED dev "
                "documents 250-499, GUM news afghan, asylum, clock, expo; test never read"
            ),
            "documents": {
                split: sum(e.split == split for e in examples) for split in ("train", "dev")
            },
            "spacy_model": model_name(args.model),
            "seed": SEED,
            "c": args.c,
            "precision_target": {
                "KnowledgeNet's properties": args.precision,
                "others": args.precision_other,
            },
            "date": date or datetime.datetime.now(datetime.UTC).date().isoformat(),
            "figures (pairs)": report,
        },
        **model,
        "weights": dict(sorted(model["weights"].items())),
    }
    args.out.write_text(json.dumps(out, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(model['weights'])} weighted features -> {args.out}")
    return 0
