"""Reading the ontology files kg is given (``--ontology``, a config file's ``ontology``)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kg.errors import InputError
from kg.lexicon import read_ontology

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@needs_fifo
@pytest.mark.parametrize("command", ["build", "validate"])
def test_a_fifo_given_as_an_ontology_is_refused_before_it_is_read(tmp_path, command):
    """A FIFO nobody writes to would block a read for ever: kg says what it is, at once."""
    fifo = tmp_path / "onto.ttl"
    os.mkfifo(fifo)
    article = tmp_path / "a.txt"
    article.write_text("Sam Altman leads OpenAI.\n", encoding="utf-8")
    graph = tmp_path / "g.trig"
    graph.write_text("", encoding="utf-8")
    args = {
        "build": [str(article), "-o", str(tmp_path / "out.trig")],
        "validate": [str(graph)],
    }[command]
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", command, *args, "--ontology", str(fifo)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == f"kg: error: ontology file {fifo} is not a regular file; give a Turtle file"
    )


@needs_fifo
def test_read_ontology_refuses_what_is_not_a_regular_file_without_opening_it(tmp_path):
    fifo = tmp_path / "onto.ttl"
    os.mkfifo(fifo)
    for path, message in (
        (fifo, "not a regular file"),
        (tmp_path, "not a regular file"),
        (tmp_path / "none.ttl", "not found"),
    ):
        with pytest.raises(InputError, match=message):
            read_ontology(path)
