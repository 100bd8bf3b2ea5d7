"""The benchmark scripts run on demand, not in the test run; these check on a tiny
input that they still work, so the figures in notes can always be reproduced."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kg.query import bundled_queries

HERE = Path(__file__).resolve().parent


def run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=HERE.parent, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_store_benchmark_times_every_shipped_query_on_each_engine():
    out = run(str(HERE / "bench_stores.py"), "--triples", "3000", "--repeat", "1", "--layouts")
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    for name in bundled_queries():
        # rows, rdflib, Oxigraph, speed-up, flat in-memory, speed-up
        assert len(rows[name]) == 7 and int(rows[name][1]) > 0, out


def test_scale_benchmark_reports_each_stage(tmp_path):
    out = run(str(HERE / "bench_scale.py"), "--stages", "--articles", "4", "--keep", str(tmp_path))
    for stage in ("spaCy", "kg's components", "RDF (N-Triples", "writing into Oxigraph"):
        assert stage in out, out
    assert "all of kg's own work" in out


def test_scale_benchmark_prints_the_ratios_the_scale_issue_asks_for(tmp_path):
    script = str(HERE / "bench_scale.py")
    out = run(script, "--articles", "6", "--small", "3", "--keep", str(tmp_path))
    for ratio in ("jobs 1 / raw (both own processes)", "jobs 2 / jobs 1", "peak RSS"):
        assert ratio in out, out
    assert "same graph with 1 and 2 jobs: True" in out, out
