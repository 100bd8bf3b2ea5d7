"""``kg build``: articles in, a graph out (a file or a store)."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset

from kg.errors import UsageError, WorkerError
from kg.store.files import FORMAT_NAMES
from kg.types import PROVENANCE_LEVELS, GraphDiff

if TYPE_CHECKING:  # pragma: no cover
    from kg.store import Store
from kg.cli.common import STORE_HELP, Parents, iso_date, one_line, settings_from, usable_cpus, whole


def _print_diffs(diffs: Sequence[GraphDiff]) -> None:
    """What a build changed (:func:`kg.rdf.readable_diffs`): the changes on stdout, a
    line per graph on stderr."""
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

    if not Path(path).is_file():  # nothing there, or a FIFO or device written in place
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
            f"{one_line(error)}; and kg could not take back the articles this build had "
            f"already written to {store.url}: {one_line(undo_error)}"
        ) from error


def _refuse_overwriting_inputs(
    given: Sequence[str], inputs: Sequence[Path], outputs: Sequence[str], names: dict[Path, str]
) -> None:
    """Refuse an output (``-o``, a file store) that is one of the article files the
    build reads (named, or found in a directory or glob): writing it would replace
    the article with its own graph. A new file with an article's extension inside an
    input directory is refused too: the next build of that directory would read it."""
    from kg.sources import INPUT_SUFFIXES

    folders = [Path(raw).resolve() for raw in given if Path(raw).is_dir()]
    for output in outputs:
        if output == "-" or output.startswith(("http://", "https://", "oxigraph:")):
            continue
        target = Path(output)
        if target.is_file():
            for path in inputs:
                with contextlib.suppress(OSError):
                    if os.path.samefile(path, target):
                        raise UsageError(
                            f"{output} is also an input of this build "
                            f"({names.get(path, path)}); writing it would replace the "
                            "article: give another output file"
                        )
        elif not target.exists() and target.suffix.lower() in INPUT_SUFFIXES:
            where = target.resolve()
            for folder in folders:
                if where.is_relative_to(folder):
                    raise UsageError(
                        f"{output} is inside the input directory {folder} and has an "
                        "article's extension: the next build would read it as an article; "
                        "give an output outside it"
                    )


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build import (
        Progress,
        Writer,
        batches,
        cluster_stream,
        dask_client,
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
    from kg.rdf import article_iri, readable_diffs
    from kg.resolve import NameIndex
    from kg.sources import STDIN, expand_inputs, iter_articles, spool_stdin
    from kg.store import (
        STDOUT,
        Journal,
        open_store,
        output_format,
        save,
        serialize,
        written_count,
    )
    from kg.types import Article

    if not args.output and not args.store:
        raise UsageError("kg build needs -o FILE or --store STORE (or both)")
    if args.cluster and args.jobs > 1:
        raise UsageError("give --jobs or --cluster, not both: a cluster's workers run the NLP")
    if args.cluster:
        from kg.build import parse_cluster

        parse_cluster(args.cluster)  # a bad address fails before anything is read
    if args.format and not args.output:
        raise UsageError("--format names the format of -o; give -o FILE or -o - as well")
    to_stdout = args.output == STDOUT
    if to_stdout and args.diff:
        raise UsageError("--diff prints to standard output; it cannot go with -o -")
    if args.inputs.count(STDIN) > 1:
        raise UsageError("standard input (-) can be read only once")
    if args.id is not None and STDIN not in args.inputs:
        raise UsageError("--id names the article read from standard input; give - as an input")
    if args.id is not None and not args.id.strip():
        raise UsageError("--id needs a value: the key of the article piped in")
    if args.output:
        output_format(args.output, args.format)  # fail before loading the model
    settings = settings_from(args)
    check_limits(settings.min_confidence, settings.max_entities)  # workers would find it late
    spool = contextlib.ExitStack()
    names: dict[Path, str] = {}
    inputs = list(args.inputs)
    if STDIN in inputs:
        # read once, kept in a temporary file: every article is checked before any is built
        spool_dir = Path(spool.enter_context(tempfile.TemporaryDirectory(prefix="kg-stdin-")))
        spooled = spool_stdin(spool_dir, max_bytes=args.max_bytes)
        if args.id is not None and spooled.suffix == ".jsonl":
            raise UsageError(
                "--id names one piped article; JSON Lines on standard input give each "
                'article its own "id"'
            )
        names[spooled] = "<stdin>"
        inputs[inputs.index(STDIN)] = str(spooled)
    paths = expand_inputs(inputs)
    _refuse_overwriting_inputs(inputs, paths, [x for x in (args.output, args.store) if x], names)
    digest = fingerprint(settings)

    def articles() -> Iterator[Article]:
        stream = iter_articles(paths, args.max_bytes, names, args.id)
        if args.date:
            stream = (a if a.date else dataclasses.replace(a, date=args.date) for a in stream)
        return stream

    store = open_store(args.store) if args.store else None
    kept: list[ArticleGraph] = []
    diffs: list[GraphDiff] = []
    triples = held = skipped = done = 0
    replaced = False
    changed: list[str] = []  # stored articles this build replaces with another text
    progress: Progress | None = None
    writer: Writer | None = None
    journal = Journal() if store is not None else None
    extractions: Iterator[Any] = iter(())
    stack = contextlib.ExitStack()
    stack.enter_context(spool)  # the spooled standard input goes when the build ends
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
                iri = str(article_iri(article))
                if stored.get(iri) == article.digest:
                    skipped += 1
                    continue
                was = known.get(iri, (None, None))[1]
                if was is not None and was != article.digest:
                    changed.append(article.key)
                yield article

        started = time.perf_counter()
        local = args.jobs == 1 and not args.cluster
        pipeline = Pipeline.from_settings(settings) if local else None
        if pipeline is not None:
            lexicon = pipeline.lexicon
        else:
            lexicon = load_lexicon(settings.ontology, settings.kb)
        progress = Progress(total, enabled=not args.quiet)
        stack.enter_context(fewer_collections())  # the model is loaded by now
        if args.cluster:
            client = stack.enter_context(dask_client(args.cluster))
            extractions = cluster_stream(settings, todo(), client)
        else:
            extractions = extract_stream(settings, todo(), args.jobs, pipeline)
        if store is not None:
            into = store
            into.journal = journal

            def write(
                batch: tuple[list[ArticleGraph], list[tuple[str, str]]],
            ) -> list[GraphDiff]:
                nonlocal replaced
                # the batch's graphs, and the bare names stored earlier that its full
                # names now explain; a moved article drops its old triples, so its bare
                # name's description goes with the garbage too
                entities, written = write_batch(into, *batch)
                replaced = replaced or any(d.removed for d in written)
                return [entities, *written] if args.diff else []  # a diff holds every triple

            writer = Writer(write)
        # each batch is resolved across its articles and against the full names the
        # store and earlier batches hold ("Altman" -> "Sam Altman"), then written (each
        # article whole or not at all) while the next batch is extracted
        if store is not None:
            held_articles, vouched = store.entity_support()
            held_names = NameIndex(
                store.entity_classes(), held_articles, vouched, store.entity_evidence
            )
        else:
            held_names = NameIndex()
        for batch in batches(extractions, args.batch_size):
            # a store alone takes N-Triples text; a file output needs rdflib terms
            graphs = list(
                article_graphs(
                    link_batch(batch, held_names),
                    lexicon,
                    lines=not args.output,
                    provenance=settings.provenance,
                )
            )
            moves = held_names.take_explained()
            if writer is not None:
                writer.submit((graphs, moves))
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
        if store is not None:
            # what the store holds, as kg info counts it: the articles share entity
            # descriptions, so the sum of what each wrote counts some more than once
            triples = store.count()
        built = time.perf_counter()
        if args.output:
            dataset = dataset_of(kept, lexicon.prefixes())
            # what the file holds, as kg info counts it: the articles share entity
            # descriptions, so their sum counts some triples more than once
            triples = written_count(dataset, output_format(args.output, args.format))
            if args.diff and store is None:
                diffs = _file_diffs(args.output, dataset)
            if to_stdout:
                sys.stdout.buffer.write(serialize(dataset, output_format(STDOUT, args.format)))
                sys.stdout.flush()
            else:
                save(dataset, args.output, args.format)
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
        _print_diffs(readable_diffs(_merged(diffs)))
    if changed and not args.quiet:
        shown_keys = ", ".join(repr(key) for key in changed[:5])
        more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        print(
            f"kg: replaced {len(changed)} stored article(s) whose text or build settings "
            f"differ: {shown_keys}{more}",
            file=sys.stderr,
        )
    if not args.quiet:
        shown = "standard output" if to_stdout else args.output
        from kg.store.backends import mask_credentials

        where = " and ".join(x for x in (shown, args.store and mask_credentials(args.store)) if x)
        unchanged = f" ({skipped} unchanged, skipped)" if skipped else ""
        seconds = built - started
        ran = f"cluster {args.cluster}" if args.cluster else f"{args.jobs} job"
        ran += "s" if args.jobs > 1 and not args.cluster else ""
        print(
            f"kg: wrote {where}: {done} article(s){unchanged}, {triples} triples "
            f"in {seconds:.1f}s ({done / seconds if seconds else 0:.1f} articles/s, {ran})",
            file=sys.stderr,
        )
        if held:
            print(
                f"kg: {held} triples broke the ontology and went to quarantine graphs "
                "(kept in .trig/.nq files and stores; see kg validate)",
                file=sys.stderr,
            )
    return 0


def add(sub: Any, p: Parents) -> None:
    """Add the command to the ``kg`` parser's subcommands."""
    build = sub.add_parser(
        "build",
        parents=[p.common, p.extraction],
        help="extract a graph from articles",
        description="Read articles (UTF-8 .txt/.md/.html files, JSON Lines files with one article "
        "per line, directories of these, or quoted globs) and write their knowledge graph. The "
        "output format follows the extension: .ttl, .trig (one named graph per article), "
        ".jsonld, .nt, .nq, .rdf.",
    )
    build.add_argument(
        "inputs",
        nargs="+",
        metavar="ARTICLE",
        help="article files or directories; - reads standard input (an article, an HTML page, "
        "or JSON Lines)",
    )
    build.add_argument(
        "-o",
        "--output",
        help="output file (.ttl .trig .jsonld .nt .nq .rdf); - writes standard output",
    )
    build.add_argument(
        "--format",
        choices=FORMAT_NAMES,
        help="the output's format, whatever -o's extension (needed with -o -)",
    )
    build.add_argument(
        "--store", metavar="STORE", help=STORE_HELP + "; each article replaces its own named graph"
    )
    build.add_argument(
        "--id",
        metavar="KEY",
        help="the key of the article read from standard input (-), which names its graph; "
        "by default its front matter's id, else a slug of its title and a digest of its "
        "text (daily-brief-3f9a2c5d1e0b), so each piped article keeps its own graph",
    )
    build.add_argument(
        "--provenance",
        choices=PROVENANCE_LEVELS,
        help="how much evidence to keep: full (every mention with its rule, offsets, "
        "sentence and NER label), mentions (each mention's entity, text and article, offsets "
        "in its IRI; the default) or facts (no mention nodes); every level keeps each fact's "
        "whole evidence",
    )
    build.add_argument(
        "--batch-size",
        type=whole(1),
        default=64,
        metavar="N",
        help="resolve entities across N articles at a time, then write them (default 64)",
    )
    build.add_argument(
        "-j",
        "--jobs",
        type=whole(1, usable_cpus()),
        default=1,
        metavar="N",
        help=f"run the NLP in N worker processes, at most one per CPU ({usable_cpus()} here; "
        "default 1); the output is the same",
    )
    build.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run the NLP on a Dask cluster's workers: a scheduler's address "
        "(tcp://host:8786) or local:N for N worker processes here (pip install 'kg[dask]'); "
        "the output is the same as with --jobs 1",
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
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="publication date for articles whose front matter gives none; "
        'relative dates ("last year") resolve against it',
    )
    build.add_argument(
        "--max-bytes",
        type=whole(1),
        default=5_000_000,
        metavar="N",
        help="refuse articles larger than N bytes (default 5000000)",
    )
    build.add_argument(
        "--max-entities",
        type=whole(1),
        metavar="N",
        help="refuse an article that names more than N entities (default 2000)",
    )
    build.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    build.set_defaults(func=cmd_build)
