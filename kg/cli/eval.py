"""``kg eval``: score extraction on gold files, GUM Wikinews, Re-DocRED and KnowledgeNet."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kg.cli.common import Parents, json_text, pipeline_from, render_table, settings_from, whole
from kg.errors import UsageError
from kg.gum import SPLITS as GUM_SPLITS

#: ``--split``: all, train, dev or test (issue 35), and "held-out", GUM's dev by its old name.
SPLITS = GUM_SPLITS


def cmd_eval(args: argparse.Namespace) -> int:
    from kg.docred import docred_splits, evaluate_docred, is_docred, load_docred
    from kg.evaluate import evaluate, expand_gold, load_gold
    from kg.gum import (
        evaluate_gum_groups,
        gum_files,
        gum_genre,
        gum_relation_files,
        gum_set,
        gum_split,
        load_gum,
        load_gum_relations,
    )
    from kg.knowledgenet import (
        FOLDS,
        evaluate_knowledgenet,
        is_knowledgenet,
        load_knowledgenet,
        split_passages,
    )
    from kg.lexicon import load_lexicon

    settings = settings_from(args)
    classes = load_lexicon(settings.ontology, settings.kb).entity_classes
    docred = [Path(p) for p in args.gold if is_docred(p)]
    knet = [Path(p) for p in args.gold if is_knowledgenet(p)]
    given = [p for p in args.gold if not is_docred(p) and not is_knowledgenet(p)]
    gum = gum_files(given, args.split)
    relations = gum_relation_files(given)
    everything = set(gum_files(given)) | set(relations.values())
    ours = [p for p in expand_gold(given) if p not in everything] if given else []
    # KnowledgeNet: every fold read (and checked) now, scored by split below
    knet_passages = {path.name: load_knowledgenet(path) for path in knet}
    knet_splits = list(FOLDS) if args.split == "all" else [args.split]
    knet_groups = {
        (name, split): split_passages(passages, split, args.knowledgenet_limit)
        for name, passages in knet_passages.items()
        for split in knet_splits
        if split in FOLDS
    }
    docred_groups = {}
    for path in docred:  # split by position first, then the first N of each split
        for split, docs in docred_splits(path, load_docred(path)).items():
            if args.split in ("all", split):
                limit = args.docred_limit or len(docs)
                docred_groups[(path.name, split)] = docs[:limit]
    if not ours and not gum and not any(docred_groups.values()) and not any(knet_groups.values()):
        raise UsageError(f"no gold files in the {args.split!r} split of {' '.join(args.gold)}")
    for path in ours:  # check every file before loading the model
        load_gold(path, classes)
    for path in gum:
        load_gum(path)
    for path in relations.values():
        load_gum_relations(path)
    pipeline = pipeline_from(args)
    data: dict[str, Any] = {}
    if ours:
        data["gold"] = evaluate(pipeline, ours).as_dict()
    groups: dict[str, list[Path]] = {}  # "news train", "news dev", "more train"
    for path in gum:
        groups.setdefault(f"{gum_set(path)} {gum_split(path)}", []).append(path)
    for group in sorted(groups, key=lambda g: (g.split()[0] != "news", g.split()[1] != "train")):
        paths = groups[group]
        # GUM's other genres are scored together and, on rows of their own, per genre
        by_genre = gum_genre if group.startswith("more") else None
        scored = evaluate_gum_groups(pipeline, paths, relations, by_genre)
        if len(scored) == 2:  # one genre: its row would repeat the whole set's
            scored = {"": scored[""]}
        for genre, (linked, named, facts) in sorted(scored.items()):
            name = group if not genre else group.replace("more", f"more {genre}", 1)
            data.setdefault("gum", {})[name] = {
                "articles": sum(not genre or gum_genre(p) == genre for p in paths),
                "core": linked.as_dict(),
                "all_named": named.as_dict(),
                "relations": facts.as_dict(),
            }
    for (name, split), docs in docred_groups.items():
        if docs:
            report = evaluate_docred(pipeline, docs).as_dict()
            data.setdefault("docred", {}).setdefault(name, {})[split] = report
    for (name, split), passages in knet_groups.items():
        if passages:
            report = evaluate_knowledgenet(pipeline, passages, split).as_dict()
            data.setdefault("knowledgenet", {}).setdefault(name, {})[split] = report
    if args.format == "json":
        print(json_text(data))
        return 0
    print(_summary(data))
    if "gold" in data:
        print()
        _print_gold(data["gold"])
    for group, gum_data in data.get("gum", {}).items():
        print()
        _print_gum(gum_data, group)
    for name, splits in data.get("docred", {}).items():
        for split, report in splits.items():
            print()
            _print_docred(_docred_name(name, split), report)
    for splits in data.get("knowledgenet", {}).values():
        for report in splits.values():
            print()
            _print_knowledgenet(report)
    return 0


def _summary(data: dict[str, Any]) -> str:
    """One table: each data set's entity and relation scores side by side."""
    rows = []
    if "gold" in data:
        e, r = data["gold"]["entities_total"], data["gold"]["relations_total"]
        rows.append(["kg gold", e["recall"], e["precision"], e["f1"], "", "", *_rel(r)])
    for group, gum in data.get("gum", {}).items():
        core = gum["core"]
        facts = gum["relations"]
        rel = _rel(facts["total"]) if facts["articles"] else ["", "", "", ""]
        strict = core["strict"]
        p, r = strict["precision"], strict["recall"]
        f1 = round(2 * p * r / (p + r), 3) if p + r else 0.0
        name = f"GUM {group} ({gum['articles']})"
        rows.append([name, r, p, f1, core["wrong_typings"], core["merged"], *rel])
    for (name, split), report in _docred_reports(data):
        props = report["properties"]
        tp = sum(v["tp"] for v in props.values())
        fp = sum(v["fp"] for v in props.values())
        precision = round(tp / (tp + fp), 3) if tp + fp else 0.0
        low = min(v["precision"] for v in props.values())
        ents = report["entities"]
        ep, er = ents["precision"], ents["recall"]
        rows.append(
            [
                f"{_docred_name(name, split)} ({report['documents']})",
                er,
                ep,
                round(2 * ep * er / (ep + er), 3) if ep + er else 0.0,
                ents["wrong_typings"],
                ents["merged"],
                f"{report['macro_recall']} macro",
                precision,
                "",
                f"min P {low}",
            ]
        )
    for splits in data.get("knowledgenet", {}).values():
        for report in splits.values():
            rows.append(
                [
                    f"KnowledgeNet {report['split']} ({report['passages']})",
                    *([""] * 5),
                    f"{report['macro_recall']} macro",
                    report["precision"],
                    "",
                    f"{report['right']}/{report['wrong']}/{report['missed']}",
                ]
            )
    headers = ["data", "ent R", "ent P", "ent F1", "wrong type", "merged"]
    headers += ["rel R", "rel P", "rel F1", "rel tp/fp/fn"]
    return render_table(headers, [[str(c) for c in row] for row in rows], width=110)


def _docred_reports(data: dict[str, Any]) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    return [
        ((name, split), report)
        for name, splits in data.get("docred", {}).items()
        for split, report in splits.items()
    ]


def _docred_name(name: str, split: str) -> str:
    """A Re-DocRED row's name: "Re-DocRED dev train" for dev_revised.json's first part,
    "Re-DocRED test" for test_revised.json (whose file is one split)."""
    part = name.split("_")[0]
    return f"Re-DocRED {part} {split}" if part == "dev" else f"Re-DocRED {part}"


def _rel(row: dict[str, Any]) -> list[Any]:
    return [row["recall"], row["precision"], row["f1"], f"{row['tp']}/{row['fp']}/{row['fn']}"]


def _print_docred(name: str, report: dict[str, Any]) -> None:
    print(f"{name}: {report['documents']} documents, kg's mapped properties")
    rows = [
        [p, *(str(v[k]) for k in ("precision", "recall", "tp", "fp", "fn", "apart"))]
        for p, v in report["properties"].items()
    ]
    rows.append(["macro recall", "", str(report["macro_recall"]), "", "", "", ""])
    print(render_table(["property", "precision", "recall", "tp", "fp", "fn", "apart"], rows))
    print(
        "apart: kg facts Re-DocRED annotates only under a neighbouring property "
        "(production company, country, party, ...; kg.docred.NEIGHBOURS), left out of precision"
    )
    ents = report["entities"]
    print()
    print(
        f"{name}: entities (person, organization and location clusters): "
        f"recall {ents['recall']}, precision {ents['precision']} ({ents['right']} right, "
        f"{ents['wrong_typings']} wrongly typed, {ents['unmatched']} naming no cluster); "
        f"clusters of two or more names one entity has two of: {ents['merged']}"
    )
    rows = [
        [t, str(v["recall"]), str(v["found"]), str(v["missed"])]
        for t, v in ents["per_type"].items()
    ]
    print(render_table(["type", "recall", "found", "missed"], rows))
    if ents["confusion"]:
        print("wrong typings: " + ", ".join(f"{k} {n}" for k, n in ents["confusion"].items()))


def _print_knowledgenet(report: dict[str, Any]) -> None:
    print(
        f"KnowledgeNet {report['split']}: {report['passages']} passages annotated for a "
        "property of kg's"
    )
    keys = ("precision", "recall", "named_recall", "right", "wrong", "found", "missed")
    rows = [
        [p, *(str(v[k]) for k in (*keys, "pronoun_only", "passages"))]
        for p, v in report["properties"].items()
    ]
    rows.append(["macro recall", "", str(report["macro_recall"]), *[""] * 7])
    rows.append(["pooled", str(report["precision"]), *[""] * 8])
    headers = ["property", "precision", "recall", "named R", "right", "wrong", "found"]
    print(render_table([*headers, "missed", "pronoun", "passages"], rows))
    print(
        "right/wrong: kg's facts in passages annotated for the property; found/missed: the "
        "annotated facts; pronoun: annotated facts with an end the passage names only by a "
        "pronoun (named R: recall without them)"
    )


def _print_gold(data: dict[str, Any]) -> None:
    headers = ["", "precision", "recall", "f1", "tp", "fp", "fn"]
    for kind in ("entities", "relations"):
        rows = [[name, *(str(v) for v in row.values())] for name, row in data[kind].items()]
        rows.append(["ALL", *(str(v) for v in data[f"{kind}_total"].values())])
        print(render_table([kind, *headers[1:]], rows))
        print()
    for title, key in (
        ("missed entities", "missed_entities"),
        ("wrong entities", "wrong_entities"),
        ("missed relations", "missed_relations"),
        ("wrong relations", "wrong_relations"),
        ("false facts (annotated as must-not-appear)", "false_facts"),
    ):
        print(f"{title} ({len(data[key])}):")
        for line in data[key]:
            print(f"  {line}")


def _print_gum(data: dict[str, Any], group: str) -> None:
    """GUM scores: the core targets (with a Wikipedia link) and every named one."""
    print(f"GUM {group}: {data['articles']} documents")
    rows = []
    for name, report in (("linked", data["core"]), ("all named", data["all_named"])):
        for mode in ("strict", "lenient"):
            score = report[mode]
            rows.append(
                [
                    f"{name}, {mode}",
                    str(report["targets"]),
                    str(score["recall"]),
                    str(score["precision"]),
                    str(score["label_recall"]),
                    str(report["wrong_typings"]),
                    report["merged"],
                    str(report["splits"]),
                    str(report["wrong_merges"]),
                ]
            )
    headers = ["set", "targets", "recall", "precision", "names found", "wrong type"]
    print(render_table([*headers, "merged", "splits", "wrong merges"], rows))
    core = data["core"]
    print()
    for title, key in (
        ("wrong typings", "wrong_typings_list"),
        ("missed (linked targets)", "missed_list"),
        ("not in GUM at all", "invented_list"),
        ("splits", "splits_list"),
        ("wrong merges", "wrong_merges_list"),
        ("names of one entity not joined", "unmerged_list"),
    ):
        print(f"{title} ({len(core[key])}):")
        for line in core[key]:
            print(f"  {line}")
    facts = data["relations"]
    if facts["articles"]:
        print()
        rows = [[p, *(str(v) for v in row.values())] for p, row in facts["properties"].items()]
        rows.append(["ALL", *(str(v) for v in facts["total"].values())])
        print(f"relations ({facts['articles']} annotated articles)")
        print(render_table(["property", "precision", "recall", "f1", "tp", "fp", "fn"], rows))
        for title, key in (("missed relations", "missed_list"), ("wrong relations", "wrong_list")):
            print(f"{title} ({len(facts[key])}):")
            for line in facts[key]:
                print(f"  {line}")


def add(sub: Any, p: Parents) -> None:
    """Add the command to the ``kg`` parser's subcommands."""
    evaluate = sub.add_parser(
        "eval",
        parents=[p.common, p.extraction],
        help="score extraction against annotated gold articles",
        description="Build each gold article (JSON: text, entities, relations, absent; see "
        "kg/evaluate.py and tests/gold/) and print precision, recall and F1 for entities per "
        "class and relations per property, then the misses and the false facts. GUM's "
        "annotated Wikinews articles (GUM_*.json, see kg/gum.py) are scored as GUM's README "
        "describes: recall, precision, typing and alias merging, strict and lenient; kg's "
        "relation annotations of them (tests/gum_relations) score their facts. A Re-DocRED "
        "file (*_revised.json) is scored on kg's mapped relations, and a KnowledgeNet file "
        "(*.jsonl, see kg/knowledgenet.py) on ceoOf, worksFor, founderOf and locatedIn "
        "(headquarters), per passage. The first table sums up every set given.",
    )
    evaluate.add_argument("gold", nargs="+", metavar="GOLD", help="gold .json files or directories")
    evaluate.add_argument("--format", choices=("table", "json"), default="table")
    evaluate.add_argument(
        "--docred-limit",
        type=whole(0),
        default=0,
        metavar="N",
        help="score only the first N documents of each split of a Re-DocRED file (0: all)",
    )
    evaluate.add_argument(
        "--knowledgenet-limit",
        type=whole(0),
        default=0,
        metavar="N",
        help="score only the first N passages of each KnowledgeNet split (0: all)",
    )
    evaluate.add_argument(
        "--split",
        choices=SPLITS,
        default="all",
        help="which part of each set to score (each row names its split): all; train (GUM's "
        "14 news articles rules are tuned on and every other-genre GUM file, KnowledgeNet's "
        "folds 1-2, Re-DocRED dev's first 250 documents); dev (GUM's 4 news articles kept "
        "apart, KnowledgeNet's fold 3, Re-DocRED dev's last 250); test (Re-DocRED test, "
        "report only); held-out: GUM's dev, by its old name",
    )
    evaluate.set_defaults(func=cmd_eval)
