"""Score kg's relations on Re-DocRED (real text kg was not tuned on), on demand.

    python tests/eval_docred.py [--split dev|test] [--limit N]

Re-DocRED (``../shared/data/re-docred/``, MIT licence) annotates Wikipedia
introductions with Wikidata relations between entity clusters. This script maps
kg's properties to the Wikidata properties they correspond to, builds each
document with kg, links kg's entities to the annotated clusters by name, and
prints precision and recall per kg property.

Recall counts every annotated fact of the mapped kinds. Precision counts only
kg facts whose two ends both link to annotated clusters (others cannot be judged).
Re-DocRED is encyclopedic, not news, and is document-level: many of its facts
need inference across sentences that kg, by design, does not make.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from kg.pipeline import Pipeline
from kg.sources import parse_article

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "re-docred"
#: Wikidata property -> (kg property, whether kg's subject is DocRED's tail).
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
#: kg properties that count as the mapped one (a CEO works for the company).
SUBPROPERTIES = {"ceoOf": "worksFor"}


def norm(text: str) -> str:
    return " ".join(text.replace(" ,", ",").replace(" .", ".").split()).casefold()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents")
    args = parser.parse_args()
    docs = json.loads((DATA / f"{args.split}_revised.json").read_text(encoding="utf-8"))
    if args.limit:
        docs = docs[: args.limit]
    pipeline = Pipeline()
    articles = [
        parse_article("\n".join(" ".join(s) for s in d["sents"]), key=f"doc{n}", source=d["title"])
        for n, d in enumerate(docs)
    ]
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    started = time.perf_counter()
    for doc, extraction in zip(docs, pipeline.extract(articles), strict=True):
        names = [{norm(m["name"]) for m in cluster} for cluster in doc["vertexSet"]]
        link: dict[str, int] = {}
        for entity in extraction.entities:
            forms = {norm(entity.label), *(norm(a) for a in entity.alt_labels)}
            hits = [i for i, cluster in enumerate(names) if forms & cluster]
            if len(hits) == 1:
                link[entity.key] = hits[0]
        gold: set[tuple[int, str, int]] = set()
        for label in doc["labels"]:
            if label["r"] in MAPPING:
                prop, flip = MAPPING[label["r"]]
                h, t = label["h"], label["t"]
                gold.add((t, prop, h) if flip else (h, prop, t))
        found: set[tuple[int, str, int]] = set()
        for rel in extraction.relations:
            prop = SUBPROPERTIES.get(rel.prop, rel.prop)
            if (
                prop in {p for p, _ in MAPPING.values()}
                and rel.subject in link
                and rel.object in link
            ):
                found.add((link[rel.subject], prop, link[rel.object]))
        for fact in found:
            (tp if fact in gold else fp)[fact[1]] += 1
        for fact in gold - found:
            fn[fact[1]] += 1
    elapsed = time.perf_counter() - started
    print(f"Re-DocRED {args.split}: {len(docs)} documents in {elapsed:.1f} s")
    print(f"{'property':16} {'precision':>9} {'recall':>7} {'tp':>5} {'fp':>5} {'fn':>6}")
    for prop in sorted({p for p, _ in MAPPING.values()}):
        t, f, n = tp[prop], fp[prop], fn[prop]
        p = t / (t + f) if t + f else 0.0
        r = t / (t + n) if t + n else 0.0
        print(f"{prop:16} {p:9.3f} {r:7.3f} {t:5d} {f:5d} {n:6d}")
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    print(f"{'ALL':16} {t / max(t + f, 1):9.3f} {t / max(t + n, 1):7.3f} {t:5d} {f:5d} {n:6d}")


if __name__ == "__main__":
    main()
