"""Shared fixtures: one spaCy pipeline per test session, since loading it takes a second."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "000_873f0b9ca323b4f1.txt"
EXAMPLES = ROOT / "examples" / "articles"


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="session")
def pipeline_no_kb() -> Pipeline:
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
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the Oxigraph server did not start")
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)
