"""Reading Re-DocRED files for ``kg eval``: a malformed file is a one-line error
naming it, with the exit code of bad input, before the model loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kg.cli.eval
from kg.cli import main
from kg.docred import load_docred

DOC = {
    "title": "Loud Tour",
    "sents": [["The", "Loud", "Tour", "visited", "Canada", "."]],
    "vertexSet": [
        [{"name": "Loud Tour", "pos": [1, 3], "sent_id": 0, "type": "MISC"}],
        [{"name": "Canada", "pos": [4, 5], "sent_id": 0, "type": "LOC"}],
    ],
    "labels": [{"r": "P17", "h": 0, "t": 1, "evidence": [0]}],
}


def _malformed(path: list[str | int], value: object) -> list[dict[str, object]]:
    doc = json.loads(json.dumps(DOC))
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return [doc]


def test_a_well_formed_file_reads(tmp_path: Path) -> None:
    good = tmp_path / "test_revised.json"
    good.write_text(json.dumps([DOC]), encoding="utf-8")
    (doc,) = load_docred(good)
    assert doc.article.text == "The Loud Tour visited Canada."


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (["vertexSet", 0, 0, "name"], None),
        (["vertexSet", 0], []),
        (["sents", 0, 0], 5),
        (["labels", 0, "t"], 9),
        (["labels", 0, "h"], "0"),
    ],
    ids=["name-null", "entity-without-mentions", "token-number", "tail-out-of-range", "head-str"],
)
def test_a_malformed_file_is_a_one_line_input_error_naming_it(
    path: list[str | int],
    value: object,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = tmp_path / "test_revised.json"
    bad.write_text(json.dumps(_malformed(path, value)), encoding="utf-8")

    def no_model(*args: object) -> None:
        raise AssertionError("a malformed file must be refused before the model loads")

    monkeypatch.setattr(kg.cli.eval, "pipeline_from", no_model)
    code = main(["eval", str(bad)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith(f"kg: error: Re-DocRED file {bad}: not in Re-DocRED's format"), err
    assert err.count("\n") == 1, err
