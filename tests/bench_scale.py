"""Benchmark: kg build throughput against raw spaCy, with 1 and 2 jobs, and memory as the
corpus grows. Run on demand (not part of the test run)::

    python tests/bench_scale.py [--articles 1000] [--small 100] [--output store|nq] \\
        [--cluster local:2]
    python tests/bench_scale.py --stages [--articles 300]   # where kg's time goes

In one run, on one synthetic corpus (``tests/corpus.py``, seeded, JSON Lines):

1. raw ``nlp.pipe`` over the article texts with the same model and the same
   spaCy components kg runs (kg disables none: it reads tags, POS, lemmas,
   dependencies and entities), in this process, model already loaded, at
   spaCy's default batch size and at kg's, to find the faster batch size;
2. the baseline: a fresh process that reads the corpus, loads the model and runs
   raw ``nlp.pipe`` at that batch size, timed from start to exit, like
3. ``kg build --jobs 1`` and ``kg build --jobs 2`` on the same corpus, each a
   fresh process timed from start to exit (Python start-up and model loading
   included), into an on-disk Oxigraph store (or an N-Quads file), so the
   baseline and kg's builds differ only by kg's own work;
4. peak memory (max RSS) of ``kg build --jobs 1`` on the first ``--small``
   articles and on all of them.

It prints tokens per second for each, and in one run the ratios the lean-graph
issue asks for: all the CPU of ``kg build --jobs 1`` (every thread and process)
over raw ``nlp.pipe``'s (<= 1.20), wall-clock jobs 1 / raw (>= 0.90), jobs 2 /
jobs 1 (>= 1.6), quads per article as a share of the count before that issue
(<= 0.60) and peak memory for the whole corpus over the small one (<= 1.5); and
it checks that both builds wrote the same graph. With ``--cluster local:2`` it also
builds on that Dask cluster and prints its throughput over ``--jobs 2``'s (the
distributed-builds issue asks for >= 0.90) and whether it wrote the same graph; as
these machines drift by 10% within minutes, it builds ``--pairs N`` times (3) with
each, in turn, and gives the median of the N ratios of neighbouring runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_jsonl

from kg.nlp import load_model
from kg.pipeline import NLP_BATCH as KG_BATCH

MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:]).returncode
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{code} {elapsed} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
"""


#: Quads per article of the default corpus (1,000 articles, into a store) before the
#: lean-graph issue's work (main at e8fe600, the default provenance): the baseline its
#: target is a share of.
QUADS_BEFORE = 757.5


def timed(command: list[str]) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (KiB) and CPU seconds (all threads and processes) of a
    command, in a fresh measuring process."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True
    )
    code, elapsed, peak, cpu = out.stdout.split()
    if code != "0":
        raise SystemExit(f"failed ({code}): {' '.join(command)}")
    return float(elapsed), int(peak), float(cpu)


RAW = """
import json, sys
from kg.nlp import load_model
with open(sys.argv[1], encoding="utf-8") as lines:
    texts = [json.loads(line)["text"] for line in lines]
nlp = load_model()
for doc in nlp.pipe(texts, batch_size=int(sys.argv[2])):
    pass
"""


def raw_process(corpus: Path, batch_size: int) -> tuple[float, int, float]:
    """:func:`timed` figures of raw ``nlp.pipe`` over the corpus in a fresh process, from
    start to exit (start-up, reading the corpus and loading the model included)."""
    return timed([sys.executable, "-c", RAW, str(corpus), str(batch_size)])


def kg_build(
    corpus: Path, target: Path, jobs: int, output: str, cluster: str | None = None
) -> tuple[float, int, float]:
    where = ["--store", str(target)] if output == "store" else ["-o", str(target)]
    command = [sys.executable, "-m", "kg.cli", "build", str(corpus), *where, "-q"]
    return timed([*command, *(["--cluster", cluster] if cluster else ["--jobs", str(jobs)])])


def dump(target: Path, output: str) -> list[str]:
    if output != "store":
        return sorted(target.read_text(encoding="utf-8").splitlines())
    import pyoxigraph

    store = pyoxigraph.Store.read_only(str(target))
    return sorted(str(q) for q in store)


def stages(corpus: Path, store: Path) -> None:
    """CPU milliseconds per article for each stage of a build, in this process: where
    kg's time goes (``--stages``). Stages run one after the other on the whole corpus,
    so each is timed alone; the store's writes include Oxigraph's own threads."""
    import pickle

    from kg.build import batches, fingerprint, with_digests
    from kg.config import Settings
    from kg.pipeline import Pipeline, article_graphs, link_batch, write_graphs
    from kg.registry import COMPONENTS
    from kg.sources import iter_articles
    from kg.store import open_store

    settings = Settings()
    pipeline = Pipeline.from_settings(settings)
    articles = list(with_digests(iter_articles([corpus], 10**9), fingerprint(settings)))
    # kg's components after spaCy's (kg_paragraphs runs before the parser, so it is
    # timed with spaCy's: a few microseconds per article)
    ours = [name for name in pipeline.nlp.pipe_names if name in COMPONENTS]
    spent: dict[str, float] = {}

    def timed(stage: str, work):  # type: ignore[no-untyped-def]
        start = time.process_time()
        result = work()
        spent[stage] = spent.get(stage, 0.0) + time.process_time() - start
        return result

    texts = [a.body for a in articles]
    list(pipeline.nlp.pipe(texts[:KG_BATCH], batch_size=KG_BATCH))  # warm up
    docs = timed(
        "spaCy (its own components)",
        lambda: list(pipeline.nlp.pipe(texts, batch_size=KG_BATCH, disable=ours)),
    )
    components = [pipeline.nlp.get_pipe(name) for name in ours]

    def run_components():  # type: ignore[no-untyped-def]
        out = []
        for doc in docs:
            for component in components:
                doc = component(doc)
            out.append(doc)
        return out

    docs = timed("kg's components (mentions, types, relations)", run_components)
    extractions = timed(
        "resolution within each article",
        lambda: [pipeline.resolver.resolve(d, a) for d, a in zip(docs, articles, strict=True)],
    )
    blob = timed("pickling (a --jobs worker's hand-over)", lambda: pickle.dumps(extractions))
    timed("unpickling (in the main process)", lambda: pickle.loads(blob))
    linked = timed(
        "linking across a batch", lambda: [link_batch(b) for b in batches(extractions, 64)]
    )
    graphs = timed(
        "RDF (N-Triples for the store)",
        lambda: [list(article_graphs(b, pipeline.lexicon, lines=True)) for b in linked],
    )
    with open_store(str(store)) as opened:
        for batch in graphs:
            timed("writing into Oxigraph (kg + Oxigraph)", lambda b=batch: write_graphs(opened, b))
        # RocksDB merges the files the writes added in threads of its own, afterwards:
        # the CPU this process spends while it only waits is theirs
        timed("Oxigraph's background compaction (5 s wait after)", lambda: time.sleep(5))
    print(f"CPU ms per article, {len(articles)} articles ({corpus}):")
    for stage, seconds in spent.items():
        print(f"  {seconds / len(articles) * 1000:7.2f}  {stage}")
    kg = sum(v for k, v in spent.items() if not k.startswith("spaCy"))
    print(f"  {kg / len(articles) * 1000:7.2f}  all of kg's own work")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--output", choices=("store", "nq"), default="store")
    parser.add_argument("--keep", type=Path, help="keep the corpus and outputs here")
    parser.add_argument(
        "--stages", action="store_true", help="only time each stage of a build, in-process"
    )
    parser.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="also build on this Dask cluster (local:2 for two local workers) and compare "
        "its throughput with --jobs 2's (target: within 10%%)",
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=3,
        metavar="N",
        help="with --cluster: build N times each with --jobs 2 and on the cluster, in turn, "
        "and give the median of the N throughput ratios (default 3)",
    )
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.stages:
        stages(write_jsonl(work / "corpus.jsonl", args.articles), work / "stages-store")
        return
    corpus = write_jsonl(work / "corpus.jsonl", args.articles)
    small = write_jsonl(work / "small.jsonl", args.small)
    texts = [json.loads(line)["text"] for line in corpus.read_text("utf-8").splitlines()]

    nlp = load_model()
    list(nlp.pipe(texts[:20]))  # warm up
    # spaCy's default batch size, and kg's (faster here): the faster is the baseline
    raws = {}
    for size in (nlp.batch_size, KG_BATCH):
        start = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=size))
        raws[size] = time.perf_counter() - start
    fastest = min(raws, key=raws.__getitem__)
    del nlp

    raw, _, raw_cpu = raw_process(corpus, fastest)
    suffix = "" if args.output == "store" else ".nq"
    t1, _, cpu1 = kg_build(corpus, work / f"jobs1{suffix}", 1, args.output)
    t2, _, cpu2 = kg_build(corpus, work / f"jobs2{suffix}", 2, args.output)
    same = dump(work / f"jobs1{suffix}", args.output) == dump(work / f"jobs2{suffix}", args.output)
    if args.cluster:
        tc, _, cpuc = kg_build(corpus, work / f"cluster{suffix}", 0, args.output, args.cluster)
        same_cluster = dump(work / f"jobs1{suffix}", args.output) == dump(
            work / f"cluster{suffix}", args.output
        )
        # these machines drift by 10% within minutes: compare the cluster with the --jobs 2
        # run just before it, in several pairs, and take the median pair
        pairs = [t2 / tc]
        for i in range(1, args.pairs):
            again, _, _ = kg_build(corpus, work / f"jobs2-{i}{suffix}", 2, args.output)
            cluster, _, _ = kg_build(
                corpus, work / f"cluster-{i}{suffix}", 0, args.output, args.cluster
            )
            pairs.append(again / cluster)
            for target in (work / f"jobs2-{i}{suffix}", work / f"cluster-{i}{suffix}"):
                shutil.rmtree(target) if target.is_dir() else target.unlink()
    _, mem_small, _ = kg_build(small, work / f"mem-small{suffix}", 1, args.output)
    _, mem_large, _ = kg_build(corpus, work / f"mem-large{suffix}", 1, args.output)

    print(f"corpus: {args.articles} articles, {tokens:,} tokens ({work})")
    print(f"cores: {os.cpu_count()}  output: {args.output}")
    for size, seconds in raws.items():
        print(
            f"raw nlp.pipe, batch {size:<4}, in this process: {seconds:7.1f} s  "
            f"{tokens / seconds:8,.0f} tokens/s"
        )
    rows = [
        (f"raw nlp.pipe, batch {fastest:<4}, own process ", raw, raw_cpu),
        ("kg build --jobs 1                  ", t1, cpu1),
        ("kg build --jobs 2                  ", t2, cpu2),
    ]
    if args.cluster:
        rows.append((f"kg build --cluster {args.cluster:<16}", tc, cpuc))
    for label, seconds, cpu in rows:
        print(
            f"{label}: {seconds:7.1f} s  {tokens / seconds:8,.0f} tokens/s  "
            f"CPU {cpu:6.1f} s ({(cpu - raw_cpu) / args.articles * 1000:+.1f} ms/article)"
        )
    quads = len(dump(work / f"jobs1{suffix}", args.output))
    print(f"CPU jobs 1 / raw (all processes)   : {cpu1 / raw_cpu:7.3f}   (target <= 1.20)")
    print(f"jobs 1 / raw (both own processes)  : {raw / t1:7.3f}   (target >= 0.90)")
    print(f"jobs 1 / raw (in-process nlp.pipe) : {raws[fastest] / t1:7.3f}   (no start-up in raw)")
    print(f"jobs 2 / jobs 1                    : {t1 / t2:7.3f}   (target >= 1.60)")
    print(
        f"quads per article                  : {quads / args.articles:7.1f}   "
        f"({quads / args.articles / QUADS_BEFORE:.2f} of the {QUADS_BEFORE} before the "
        "lean-graph issue; target <= 0.60)"
    )
    print(
        f"peak RSS          : {mem_small / 1024:.0f} MiB for {args.small} articles, "
        f"{mem_large / 1024:.0f} MiB for {args.articles}: "
        f"{mem_large / mem_small:.2f}x   (target <= 1.5)"
    )
    print(f"same graph with 1 and 2 jobs: {same}")
    if args.cluster:
        print(
            f"cluster / jobs 2 throughput       : {statistics.median(pairs):7.3f}   "
            f"(target >= 0.90; median of {len(pairs)} pairs run one after the other: "
            f"{', '.join(f'{r:.3f}' for r in pairs)})\n"
            f"same graph with 1 job and the cluster: {same_cluster}"
        )


if __name__ == "__main__":
    main()
