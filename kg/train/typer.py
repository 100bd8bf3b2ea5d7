"""``python -m kg.train typer``: fit the learned typer (:mod:`kg.extract.typer`).

Candidates are the mentions kg's mention rules propose, read through the real
pipeline (spaCy's parse and kg's mention component). A candidate's gold class is
that of the GUM entity whose named mention (or name) it equals after GUM's
normalisation (person, organization, place, event; object is Product), and
"none" otherwise; in Re-DocRED, PER, ORG and LOC give Person, Organization and
Place, TIME and NUM "none", and a MISC name (works, events, nationalities alike)
is left out.

Splits (``../shared/data/README.md``): train = gum-more, the 14 GUM news
training articles and Re-DocRED dev documents 0-249; dev = the 4 held-out GUM
news articles (the temperature is calibrated there) and Re-DocRED dev 250-499;
nothing is read from the test split. ``--cv 5`` instead trains five models, each
without one fifth of gum-more's documents, and scores that fifth with the whole
pipeline (``kg eval``'s GUM scorer), printing pooled recall, precision and wrong
typings.

The same data, options and ``--date`` write the same bytes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kg.docred import DEV_TRAIN, TYPES, load_docred
from kg.docred import norm as docred_norm
from kg.extract.typer import (
    CLASSES,
    MODEL_ENV,
    NONE,
    Lookups,
    TyperModel,
    default_model_path,
    doc_features,
)
from kg.gum import CLASSES as GUM_CLASSES
from kg.gum import GumReport, gum_files, load_gum, norm, score_gum
from kg.types import LEARNED_TYPES_RULE, Article, Mention

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
#: A feature must be seen in this many training candidates to get a weight.
MIN_COUNT = 2
#: How much a mention's log-odds weigh beside the type rules' cues: chosen on the dev
#: split (GUM held-out, Re-DocRED dev 250-499, with kg's gold) by running the pipeline.
VOTE_SCALE = 0.3
#: Documents of one training set as (features, class) rows.
Rows = list[tuple[list[str], str]]


def _data_dir(given: str | None) -> Path:
    return Path(given or os.environ.get("KG_DATA") or DATA)


def _pipeline() -> Any:
    """kg's pipeline up to the type rules (without the typer): what the typer reads."""
    from kg.pipeline import Pipeline

    pipeline = Pipeline(exclude=[LEARNED_TYPES_RULE])
    pipeline.nlp.select_pipes(disable=["kg_relations"])
    return pipeline


def _docs(pipeline: Any, articles: Sequence[Article]) -> Iterable[Any]:
    from kg.layout import analyse, blank

    texts = ((blank(a.body, analyse(a.body).furniture), a) for a in articles)
    for doc, _ in pipeline.nlp.pipe(texts, as_tuples=True, batch_size=8):
        yield doc


def gum_rows(pipeline: Any, paths: Sequence[Path]) -> dict[str, Rows]:
    """Per GUM document, its candidates' features and gold classes."""
    out: dict[str, Rows] = {}
    golds: list[dict[str, str]] = []
    named: list[list[tuple[int, int, str, str]]] = []
    articles = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        votes: dict[str, Counter[str]] = {}
        for e in data["entities"]:
            if e["named"] and e["type"] in GUM_CLASSES:
                for name in (e["text"], e["name"]):
                    if name:
                        votes.setdefault(norm(name), Counter())[GUM_CLASSES[e["type"]]] += 1
        golds.append({k: c.most_common(1)[0][0] for k, c in votes.items()})
        named.append(
            [
                (e["start"], e["end"], GUM_CLASSES[e["type"]], str(e["head"]))
                for e in data["entities"]
                if e["type"] in GUM_CLASSES
            ]
        )
        articles.append(load_gum(path).article)
    lookups = Lookups(pipeline.lexicon)
    for path, gold, spans, article, doc in zip(
        paths, golds, named, articles, _docs(pipeline, articles), strict=True
    ):
        rows: Rows = []
        for m, features in doc_features(doc, lookups, doc._.kg_type_cues or ()):
            cls = gold.get(norm(m.text)) or _inside(spans, m, article.text, article.body_start)
            rows.append((features, cls or NONE))
        out[path.stem] = rows
    return out


def _inside(
    spans: list[tuple[int, int, str, str]], mention: Mention, text: str, shift: int
) -> str | None:
    """The class of the smallest GUM mention around ``mention`` that it names: it holds
    the mention's head word ("Donald Trump" of "U.S. President Donald Trump"; not
    "Afghan" of "Afghan Girls"), or ends it ("minister Gérald Darmanin", which GUM
    does not call named: its head is "minister")."""
    start, end = mention.start + shift, mention.end + shift
    around = [
        (e - s, cls)
        for s, e, cls, head in spans
        if s <= start
        and end <= e
        and (
            head in mention.text.split()
            # a title noun, then the name, at the mention's end (or before its "'s")
            or (end in (e, e - 2) and text[s:start].split()[-1:] == [head])
        )
    ]
    return min(around)[1] if around else None


def docred_rows(pipeline: Any, path: Path, split: str) -> Rows:
    """Candidates of Re-DocRED dev's train (0-249) or dev (250-499) documents."""
    docs = load_docred(path)
    docs = docs[:DEV_TRAIN] if split == "train" else docs[DEV_TRAIN:]
    rows: Rows = []
    lookups = Lookups(pipeline.lexicon)
    for d, doc in zip(docs, _docs(pipeline, [d.article for d in docs]), strict=True):
        by_name: dict[str, str] = {}
        for names, kind in zip(d.names, d.types, strict=True):
            for name in names:
                by_name.setdefault(name, kind)
        for m, features in doc_features(doc, lookups, doc._.kg_type_cues or ()):
            kind = by_name.get(docred_norm(m.text), "")
            if kind != "MISC":
                rows.append((features, TYPES.get(kind, NONE)))
    return rows


def fit(rows: Rows, seed: int, c: float, weight: Sequence[float] | None = None) -> TyperModel:
    """A multinomial logistic regression over the rows' binary features (``weight``:
    one per row, default 1)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for features, _ in rows for f in set(features))
    vocab = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    index = {f: i for i, f in enumerate(vocab)}
    indptr, indices = [0], []
    for features, _ in rows:
        indices.extend(sorted({index[f] for f in features if f in index}))
        indptr.append(len(indices))
    x = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), len(vocab)))
    y = np.array([CLASSES.index(cls) for _, cls in rows])
    model = LogisticRegression(C=c, max_iter=2000, random_state=seed)
    model.fit(x, y, sample_weight=None if weight is None else np.array(weight))
    present = [int(k) for k in model.classes_]
    coef = np.zeros((len(CLASSES), len(vocab)))
    bias = np.full(len(CLASSES), -30.0)  # a class never seen in training is never said
    for row, k in enumerate(present):
        coef[k] = model.coef_[row]
        bias[k] = model.intercept_[row]
    weights = {}
    for i, feature in enumerate(vocab):
        column = [round(float(w), 3) for w in coef[:, i]]
        if max(abs(w) for w in column) >= 0.01:
            weights[feature] = tuple(column)
    return TyperModel(CLASSES, tuple(round(float(b), 3) for b in bias), weights)


def with_temperature(
    model: TyperModel, t: float, card: dict[str, Any] | None = None, scale: float | None = None
) -> TyperModel:
    return TyperModel(
        model.classes,
        model.bias,
        model.weights,
        t,
        card or model.card,
        model.vote_scale if scale is None else scale,
    )


def dumps(model: TyperModel) -> str:
    """The artefact's text: the card and settings, then one feature's weights a line."""
    data = model.to_json()
    weights = data.pop("weights")
    head = json.dumps(data, sort_keys=True, separators=(",", ":"))
    rows = ",\n".join(
        f"{json.dumps(f)}:{json.dumps(w, separators=(',', ':'))}" for f, w in weights.items()
    )
    return head[:-1] + ',"weights":{\n' + rows + "\n}}\n"


def nll(model: TyperModel, rows: Rows) -> float:
    return -sum(model.log_probabilities(f)[model.classes.index(c)] for f, c in rows) / max(
        1, len(rows)
    )


def calibrate(model: TyperModel, rows: Rows) -> float:
    """The temperature that minimises the dev rows' negative log-likelihood."""
    grid = [round(0.5 + 0.1 * k, 1) for k in range(26)]
    return min(grid, key=lambda t: (round(nll(with_temperature(model, t), rows), 6), t))


def figures(model: TyperModel, rows: Rows) -> dict[str, Any]:
    """Candidate-level accuracy, log-loss and per-class precision / recall."""
    tp: Counter[str] = Counter()
    said: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    for features, cls in rows:
        logp = model.log_probabilities(features)
        guess = model.classes[max(range(len(logp)), key=logp.__getitem__)]
        said[guess] += 1
        gold[cls] += 1
        tp[cls] += guess == cls
    per = {
        c: {
            "precision": round(tp[c] / said[c], 3) if said[c] else 0.0,
            "recall": round(tp[c] / gold[c], 3) if gold[c] else 0.0,
            "n": gold[c],
        }
        for c in model.classes
    }
    return {
        "candidates": len(rows),
        "accuracy": round(sum(tp.values()) / max(1, len(rows)), 3),
        "log_loss": round(nll(model, rows), 3),
        "per_class": per,
    }


def _card(args: argparse.Namespace, figs: dict[str, Any], docs: dict[str, int]) -> dict[str, Any]:
    return {
        "name": "kg typer",
        "rule": LEARNED_TYPES_RULE,
        "date": args.date,
        "seed": args.seed,
        "estimator": f"sklearn LogisticRegression (lbfgs, multinomial, C={args.c}); "
        f"features seen in >= {MIN_COUNT} training candidates; temperature on dev",
        "classes": list(CLASSES),
        "data": [
            {
                "name": "GUM (gum-more: academic, bio, court, interview, voyage; gum-news)",
                "url": "https://gucorpling.org/gum/",
                "licence": "annotations CC BY 4.0 (Zeldes 2017); texts CC BY 2.5 (Wikinews), "
                "CC BY-SA 3.0 (Wikipedia, Wikivoyage), CC BY 4.0 (academic, court)",
            },
            *(
                [
                    {
                        "name": "Re-DocRED dev_revised.json",
                        "url": "https://github.com/tonytan48/Re-DocRED",
                        "licence": "MIT",
                    }
                ]
                if args.docred
                else []
            ),
        ],
        "split": {
            "train": "gum-more (63), GUM news train (14)"
            + (", Re-DocRED dev 0-249" if args.docred else ""),
            "dev": "GUM news held-out (afghan, asylum, clock, expo)"
            + (", Re-DocRED dev 250-499" if args.docred else ""),
            "test": "not read",
        },
        "documents": docs,
        "figures": figs,
    }


def _gum_paths(data: Path) -> tuple[list[Path], list[Path], list[Path]]:
    news = [data / "gum-news"]
    return gum_files([data / "gum-more"]), gum_files(news, "train"), gum_files(news, "dev")


def train(args: argparse.Namespace) -> int:
    data = _data_dir(args.data)
    more, news_train, news_dev = _gum_paths(data)
    pipeline = _pipeline()
    print(f"reading {len(more)} gum-more, {len(news_train) + len(news_dev)} GUM news documents")
    by_doc = gum_rows(pipeline, [*more, *news_train, *news_dev])
    dev_rows = [r for p in news_dev for r in by_doc[p.stem]]
    gum_train = [r for p in (*more, *news_train) for r in by_doc[p.stem]]
    extra: Rows = []
    docred_dev: Rows = []
    docred = data / "re-docred" / "dev_revised.json"
    if args.docred:
        print("reading Re-DocRED dev (0-249 train, 250-499 dev)")
        extra = docred_rows(pipeline, docred, "train")
        docred_dev = docred_rows(pipeline, docred, "dev")
    if args.cv:
        return cross_validate(
            args, more, by_doc, [*extra, *(r for p in news_train for r in by_doc[p.stem])], dev_rows
        )
    model = fit([*gum_train, *extra], args.seed, args.c)
    t = calibrate(model, dev_rows)
    model = with_temperature(model, t)
    figs = {
        "train (GUM)": figures(model, gum_train),
        "dev (GUM news held-out)": figures(model, dev_rows),
    }
    if args.docred:
        figs["train (Re-DocRED dev 0-249)"] = figures(model, extra)
        figs["dev (Re-DocRED dev 250-499)"] = figures(model, docred_dev)
    card_figs: dict[str, Any] = {**figs, "temperature": t}
    docs = {"gum-more": len(more), "gum-news train": len(news_train), "gum-news dev": len(news_dev)}
    model = with_temperature(model, t, _card(args, card_figs, docs), args.vote_scale)
    for split, f in figs.items():
        if f:
            print(f"{split}: candidates {f['candidates']}", end=" ")
            print(f"accuracy {f['accuracy']} log-loss {f['log_loss']}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dumps(model), encoding="utf-8")
    print(f"wrote {out} ({len(model.weights)} features, temperature {t})")
    return 0


def cross_validate(
    args: argparse.Namespace,
    more: list[Path],
    by_doc: dict[str, Rows],
    always: Rows,
    dev_rows: Rows,
) -> int:
    """Train without each fifth of gum-more and score that fifth with the pipeline."""
    from kg.pipeline import Pipeline

    folds = [more[k :: args.cv] for k in range(args.cv)]
    linked = GumReport(core=True)
    with tempfile.TemporaryDirectory() as tmp:
        for k, held in enumerate(folds):
            held_names = {p.stem for p in held}
            rows = [r for p in more if p.stem not in held_names for r in by_doc[p.stem]]
            model = fit([*rows, *always], args.seed, args.c)
            model = with_temperature(model, calibrate(model, dev_rows), None, args.vote_scale)
            path = Path(tmp) / f"typer-fold{k}.json"
            path.write_text(dumps(model), encoding="utf-8")
            os.environ[MODEL_ENV] = str(path)
            pipeline = Pipeline(exclude=args.exclude)
            docs = [load_gum(p, core=True) for p in held]
            fold = GumReport(core=True)
            for doc, extraction in zip(
                docs, pipeline.extract(d.article for d in docs), strict=True
            ):
                score_gum(doc, extraction, linked)
                score_gum(doc, extraction, fold)
            s = fold.as_dict()["strict"]
            print(f"fold {k}: {len(held)} documents  R {s['recall']}  P {s['precision']}")
        os.environ.pop(MODEL_ENV, None)
    pooled = linked.as_dict()
    s = pooled["strict"]
    print(
        f"gum-more {args.cv}-fold cross-validation (train split, pooled): "
        f"R {s['recall']}  P {s['precision']}  wrong typings {pooled['wrong_typings']}"
    )
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.train typer", description=__doc__)
    parser.add_argument("--data", help="the shared data folder (default ../shared/data)")
    parser.add_argument("--out", default=str(default_model_path()), help="where to write the model")
    parser.add_argument("--seed", type=int, default=35)
    parser.add_argument("--c", type=float, default=0.3, help="inverse L2 strength")
    parser.add_argument("--docred", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--vote-scale", type=float, default=VOTE_SCALE, help="weight of the votes (chosen on dev)"
    )
    parser.add_argument("--cv", type=int, default=0, help="cross-validate over gum-more")
    parser.add_argument("--exclude", action="append", default=[], help="rule not to run (--cv)")
    parser.add_argument(
        "--date",
        default=datetime.datetime.now(datetime.UTC).date().isoformat(),
        help="the date the model card records (default today, UTC)",
    )
    args = parser.parse_args(argv)
    if math.isnan(args.c) or args.c <= 0:
        parser.error("--c must be positive")
    return train(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
