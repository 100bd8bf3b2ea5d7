"""Shared fixtures: one spaCy pipeline per test session, since loading it takes a second."""

from __future__ import annotations

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
