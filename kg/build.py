"""Building a corpus: streaming, in batches, on one core or several, resumable.

``kg build`` reads articles one at a time (:func:`kg.sources.iter_articles`),
extracts them, resolves each batch of ``batch_size`` articles across its
articles (:func:`kg.resolve.link_articles`), and hands the batch's graphs to
the caller to write; nothing but the current batch stays in memory.

With ``jobs > 1`` the NLP (spaCy, kg's rules and per-article resolution) runs
in a pool of worker processes, each with its own model, fed a few articles at a
time in input order; linking, RDF and writing stay in the calling process.
Each article's extraction depends on the article alone and batches are cut
the same way, so the output is identical for every number of jobs.

Each article graph records ``kg:sourceHash``: a digest of the article and of
the settings that built it (:func:`fingerprint`). A build into a store skips
the articles whose stored graph has the same digest, so an interrupted build
continues where it stopped, and a re-run does no work for unchanged articles.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TextIO

from kg.config import Settings
from kg.errors import WorkerError
from kg.lexicon import default_files, read_ontology
from kg.pipeline import NLP_BATCH
from kg.types import Article, Extraction

__all__ = [
    "Progress",
    "Writer",
    "extract_stream",
    "fewer_collections",
    "fingerprint",
    "with_digests",
]

#: Articles sent to a worker at once: the batch size at which spaCy's networks
#: run fastest here (``Pipeline.extract``'s; 4 at a time costs 5% more), and
#: few enough that all workers stay busy to the end.
CHUNK = NLP_BATCH


def fingerprint(settings: Settings) -> str:
    """A digest of everything besides the article that decides its graph: kg's
    version, the model, the ontology files' contents, the rules and options."""
    from kg import __version__
    from kg.nlp import model_name
    from kg.registry import plugin_ontologies

    digest = hashlib.sha256()
    parts = [
        __version__,
        model_name(settings.model),
        repr(settings.kb),
        repr(settings.min_confidence),
        repr(sorted(settings.rules.items())),
        repr(sorted(settings.exclude)),
        settings.provenance,
    ]
    for part in parts:
        digest.update(part.encode() + b"\0")
    files = [*default_files(settings.kb), *plugin_ontologies(), *map(Path, settings.ontology)]
    for path in files:
        digest.update(read_ontology(path))  # kind and size checked before it is read
    return digest.hexdigest()


def article_digest(article: Article, settings_digest: str) -> str:
    digest = hashlib.sha256(settings_digest.encode())
    for part in (article.key, article.text, article.title, article.date, article.url):
        digest.update(b"\0" + (part or "").encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def with_digests(articles: Iterable[Article], settings_digest: str) -> Iterator[Article]:
    for article in articles:
        yield dataclasses.replace(article, digest=article_digest(article, settings_digest))


# -- extraction, in this process or in a pool ---------------------------------------

#: Allocations between the garbage collector's youngest-generation passes during a
#: build (Python's default is 700). A build allocates millions of short-lived
#: objects and frees them by reference counting; with the default, collections
#: cost about 2 ms per article (``gc.callbacks``, 300 articles), with this about 0.7.
GC_THRESHOLD = (50_000, 20, 100)


def _collect_less() -> None:
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often while building: what is loaded so far (the model,
    the lexicon) is frozen out of collections, and the thresholds are raised."""
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    _collect_less()
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if not frozen:  # else a caller froze objects too, and gc cannot tell which
            gc.unfreeze()


_WORKER: Any = None


def _worker_extract(settings: Settings, articles: list[Article]) -> list[Extraction]:
    """Run in a worker process: the pipeline is made on the first call and kept."""
    global _WORKER
    if _WORKER is None:
        from kg.pipeline import Pipeline

        _WORKER = Pipeline.from_settings(settings)
        _collect_less()  # for the worker's life
    return list(_WORKER.extract(articles))


def _worker_signals() -> None:
    """Workers leave signals to the main process, which stops them itself: Ctrl-C is
    ignored, and SIGTERM and SIGHUP get their default action back (kg's command
    turns them into an exception, which a worker should not inherit)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for kind in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, kind):
            signal.signal(getattr(signal, kind), signal.SIG_DFL)


def _context() -> Any:
    # fork starts workers with kg and spaCy already imported; elsewhere, spawn
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def extract_stream(
    settings: Settings, articles: Iterable[Article], jobs: int = 1, pipeline: Any = None
) -> Iterator[Extraction]:
    """Each article's extraction, in input order.

    ``jobs == 1`` runs ``pipeline`` (made from ``settings`` if None) here; more
    runs that many worker processes, with at most ``2 * jobs`` chunks in flight,
    so a long input is never read ahead into memory.
    """
    if jobs <= 1:
        if pipeline is None:
            from kg.pipeline import Pipeline

            pipeline = Pipeline.from_settings(settings)
        yield from pipeline.extract(articles)
        return
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_worker_signals)
    try:
        pending: deque[Future[list[Extraction]]] = deque()
        for chunk in batches(articles, CHUNK):
            try:
                pending.append(pool.submit(_worker_extract, settings, chunk))
            except OSError as exc:  # the system could not start a worker (fork failed)
                raise WorkerError(
                    f"cannot start {jobs} worker processes: {exc.strerror or exc}; try fewer --jobs"
                ) from exc
            if len(pending) >= 2 * jobs:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BrokenProcessPool as exc:
        _abandon(pool)
        raise WorkerError(
            "a worker process died (killed, or out of memory); articles written so far "
            "are complete, and a re-run resumes"
        ) from exc
    except BaseException:  # an error here or in the caller, Ctrl-C, the caller stopped
        _abandon(pool)
        raise
    pool.shutdown(wait=True)


#: How often Dask runs a chunk again after the worker running it was lost or failed.
CLUSTER_RETRIES = 3
#: Chunks in flight per cluster worker: enough to keep each busy while the client
#: links and writes, few enough that a long input is never read ahead into memory.
CLUSTER_DEPTH = 2


#: The schemes of Dask's network layer a scheduler's address may name.
DASK_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")


def parse_cluster(spec: str, cpus: int | None = None) -> tuple[str, int]:
    """``local:N`` -> ("local", N); a scheduler address -> (address, 0).

    ``N`` may be at most ``cpus`` (default: the CPUs this process may use), as
    ``--jobs``: more workers than CPUs only share them, each with a model in memory.

    >>> parse_cluster("local:2", cpus=4), parse_cluster("tcp://10.0.0.5:8786")
    (('local', 2), ('tcp://10.0.0.5:8786', 0))
    """
    import urllib.parse

    from kg.errors import UsageError

    if spec.startswith("local:"):
        if cpus is None:  # the CPUs this process may run on, as --jobs counts them
            try:
                cpus = len(os.sched_getaffinity(0)) or 1
            except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
                cpus = os.cpu_count() or 1
        count = spec[len("local:") :]
        if not count.isdigit() or not 1 <= int(count) <= cpus:
            raise UsageError(
                f"--cluster {spec!r}: give local:N with N workers from 1 to {cpus} "
                f"(the CPUs here; a remote cluster takes more)"
            )
        return "local", int(count)
    usage = f"--cluster {spec!r}: give a Dask scheduler's address (tcp://host:8786) or local:N"
    scheme, found, rest = spec.partition("://")
    if not found or not rest or scheme not in DASK_SCHEMES:
        raise UsageError(usage)
    try:
        parts = urllib.parse.urlsplit(f"//{rest}")
        port = parts.port  # raises on a port out of range or not a number
    except ValueError as exc:
        raise UsageError(f"{usage}: {exc}") from exc
    if not parts.hostname or port == 0 or parts.path or parts.query or parts.username:
        raise UsageError(usage)
    return spec, 0


@contextlib.contextmanager
def dask_client(spec: str) -> Iterator[Any]:
    """A Dask client for ``--cluster``: a LocalCluster of N single-threaded worker
    processes for ``local:N``, else the scheduler at the address."""
    address, workers = parse_cluster(spec)
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        from kg.errors import UsageError

        raise UsageError("--cluster needs Dask: pip install 'kg[dask]'") from exc
    if workers:
        import dask

        # fork where the system has it, as --jobs does: workers start with kg and spaCy
        # imported; the dashboard on a free port of 127.0.0.1 (Dask's progress page, with bokeh)
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        # Dask's sampling profiler wakes each worker every 10 ms: CPU a build pays for
        # and no kg user reads (the dashboard keeps its task stream and progress)
        local = {
            "distributed.worker.multiprocessing-method": method,
            "distributed.worker.profile.enabled": False,
        }
        with dask.config.set(local):
            # the scheduler, workers and dashboard on the loopback interface only: a
            # dashboard on every interface shows the corpus's tasks to the network
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
            )
        with cluster, Client(cluster) as client:
            yield client
    else:
        try:
            client = Client(address, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise WorkerError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        with client:
            yield client


def cluster_stream(
    settings: Settings, articles: Iterable[Article], client: Any
) -> Iterator[Extraction]:
    """Each article's extraction, in input order, from a Dask cluster's workers.

    Chunks of articles go to the workers (each keeps one pipeline for its life,
    as a ``--jobs`` worker does), at most :data:`CLUSTER_DEPTH` per worker in flight;
    a chunk whose worker is lost runs again on another (:data:`CLUSTER_RETRIES`).
    The extractions come back here, where they are linked and written in input
    order, so the store ends as after ``--jobs 1``. Pass your own
    ``dask.distributed.Client``.
    """
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    pending: deque[Any] = deque()
    try:
        for chunk in batches(articles, CHUNK):
            pending.append(
                client.submit(_worker_extract, settings, chunk, retries=CLUSTER_RETRIES, pure=False)
            )
            if len(pending) >= CLUSTER_DEPTH * workers:
                yield from _cluster_result(pending.popleft())
        while pending:
            yield from _cluster_result(pending.popleft())
    finally:
        for future in pending:
            future.cancel()


def _cluster_result(future: Any) -> list[Extraction]:
    try:
        result: list[Extraction] = future.result()
    except Exception as exc:
        if type(exc).__name__ == "KilledWorker":
            raise WorkerError(
                f"Dask workers died running the same articles {CLUSTER_RETRIES + 1} times "
                "(killed, or out of memory); articles written so far are complete, and a "
                "re-run resumes"
            ) from exc
        raise
    return result


def _abandon(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's workers now: waiting for them would wait forever for a worker
    that never got work (one forked before a later fork failed) or for one still
    parsing a chunk nobody will read."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public way
    for process in processes:
        with contextlib.suppress(Exception):
            # SIGKILL: a worker writes nothing, and one just forked may not yet have
            # the handlers that let SIGTERM end it
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(5)


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- writing ------------------------------------------------------------------------


class Writer:
    """Writes batches of article graphs into a store from a thread of its own, in order.

    Oxigraph and the HTTP client release the interpreter lock while they work, so
    a batch is written while the next one is extracted. At most ``depth``
    batches wait; an error in the thread is raised again by the next
    :meth:`submit` or by :meth:`close`. Each article still goes in whole or not
    at all (:meth:`kg.store.Store.replace_graphs`).
    """

    def __init__(self, write: Callable[[Any], list[Any]], depth: int = 2) -> None:
        import queue
        import threading

        self._write = write
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self.results: list[Any] = []
        self._thread = threading.Thread(target=self._run, name="kg-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            batch = self._queue.get()
            if batch is None:
                return
            if self._error is None:
                try:
                    self.results += self._write(batch)
                except BaseException as exc:  # handed to the main thread
                    self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, batch: Any) -> None:
        self._raise()
        self._queue.put(batch)

    def close(self) -> None:
        """Wait for every submitted batch to be written."""
        self._queue.put(None)
        self._thread.join()
        self._raise()


# -- progress -----------------------------------------------------------------------


class Progress:
    """A one-line progress report on a terminal: done/total, articles per second, ETA.

    Silent when ``stream`` is not a terminal (piped, redirected, under CI) or
    when ``enabled`` is False.
    """

    def __init__(
        self,
        total: int,
        stream: TextIO | None = None,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and _is_terminal(self.stream)
        self.clock = clock
        self.started = clock()
        self.last = 0.0
        self.done = 0

    def line(self, now: float | None = None) -> str:
        elapsed = max((self.clock() if now is None else now) - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        width = 24
        filled = int(width * self.done / self.total) if self.total else width
        bar = "#" * filled + "." * (width - filled)
        return (
            f"kg: [{bar}] {self.done}/{self.total} articles  {rate:.1f}/s  "
            f"ETA {int(left // 60)}:{int(left % 60):02d}"
        )

    def advance(self, n: int = 1) -> None:
        if n <= 0:
            return
        self.done += n
        now = self.clock()
        if self.enabled and (now - self.last >= 0.2 or self.done >= self.total):
            self.last = now
            self.stream.write("\r" + self.line(now))
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.done:
            self.stream.write("\n")
            self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False
