"""Shared fixtures: one spaCy pipeline per test session, since loading it takes a second."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from kg.pipeline import Pipeline

# The suite tests kg itself: a plugin installed beside it would add its rules, classes
# and shapes to every test, in this process and in the kg processes tests start. Set
# before kg is imported (kg is imported in fixtures below, not here); tests of plugins
# run kg with only theirs (only_plugins_from).
os.environ["KG_NO_PLUGINS"] = "1"

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "000_873f0b9ca323b4f1.txt"
EXAMPLES = ROOT / "examples" / "articles"


def only_plugins_from(directory: str | Path | None) -> Callable[..., Any]:
    """Make kg's registries (entry-point groups ``kg_*``) see only the plugins
    installed in ``directory`` (None: no plugin at all), whatever else is installed
    where the tests run; the other groups are left alone. Returns the replacement
    for ``catalogue.Registry._get_entry_points``."""
    import catalogue

    original = catalogue.Registry._get_entry_points
    root = Path(directory).resolve() if directory is not None else None

    def entry_points(self: catalogue.Registry) -> list[Any]:
        found = original(self)
        if not self.entry_point_namespace.startswith("kg_"):
            return found
        return [
            ep
            for ep in found
            if root is not None
            and ep.dist is not None
            and Path(str(ep.dist.locate_file(""))).resolve().is_relative_to(root)
        ]

    return entry_points


def mark_known_regression(
    request: pytest.FixtureRequest, text: str, regressions: dict[str, str]
) -> None:
    """Mark a table-driven case as a known regression of the learned typer (issue 35):
    a strict xfail with its reason, so the case fails again the day it passes."""
    if text in regressions:
        reason = f"learned typer regression: {regressions[text]}"
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    from kg.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def pipeline_no_kb() -> Pipeline:
    from kg.pipeline import Pipeline

    return Pipeline(kb=False)


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED}")
    return SEED


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(process: subprocess.Popen[bytes], probe: str, server: str, seconds: float) -> None:
    """Wait until a server just started answers ``probe``; fail the test if it dies or
    takes longer than ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(probe, timeout=1).read()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"{server} did not start")
            time.sleep(0.1)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory) -> Iterator[str]:
    """A real Oxigraph server, started for these tests and stopped after them."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        pytest.fail("the oxigraph server is not installed (pip install oxigraph, a dev dependency)")
    port = free_port()
    location = tmp_path_factory.mktemp("server")
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    _wait_for(process, f"{url}/query?query=ASK%7B%7D", "the Oxigraph server", 20)
    yield url
    process.terminate()
    process.wait(timeout=10)


#: Virtuoso's settings for a test server: its own database in a temporary directory,
#: ports of its own on 127.0.0.1, and no cap on result rows below kg's needs (the
#: packaged default, 10,000, would cut answers short).
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed = ., {db}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {db}
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 120
"""
#: Where kg finds Virtuoso's endpoints: queries and updates at /sparql, the Graph
#: Store Protocol at /sparql-graph-crud.
VIRTUOSO_ENDPOINTS = "?query=/sparql&update=/sparql&store=/sparql-graph-crud"


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory) -> Iterator[str]:
    """A real OpenLink Virtuoso server (Debian package virtuoso-opensource), started
    for these tests with its own temporary database and stopped after them."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        pytest.skip("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")
    db = tmp_path_factory.mktemp("virtuoso")
    sql, http = free_port(), free_port()
    (db / "virtuoso.ini").write_text(VIRTUOSO_INI.format(db=db, sql=sql, http=http))
    process = subprocess.Popen(
        [binary, "-f", "-c", str(db / "virtuoso.ini")],
        cwd=db,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http}"
    _wait_for(process, f"{url}/sparql?query=ASK%7B%7D", "the Virtuoso server", 60)
    # SPARQL updates and the Graph Store Protocol without a login, as on a test box
    subprocess.run(
        [isql, f"127.0.0.1:{sql}", "dba", "dba", 'exec=grant SPARQL_UPDATE to "SPARQL";'],
        check=True,
        capture_output=True,
        timeout=60,
    )
    yield url + "/" + VIRTUOSO_ENDPOINTS
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
