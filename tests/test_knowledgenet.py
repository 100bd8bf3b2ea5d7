"""KnowledgeNet for ``kg eval``: reading its passages by fold, refusing a malformed
file in one line before the model loads, and scoring kg's facts on the properties
a passage was annotated for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import kg.cli.eval
from kg.cli import main
from kg.gum import gum_files
from kg.knowledgenet import (
    KnowledgeNetReport,
    Passage,
    load_knowledgenet,
    score_passage,
    split_passages,
)
from kg.types import Entity, Evidence, Extraction, Mention, Relation

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
ITEM = "http://www.wikidata.org/entity/Q"


def mention(text: str, passage: str, wikidata: str | None = None, nth: int = 0) -> dict[str, Any]:
    """A mention of ``text`` (its ``nth`` occurrence) in ``passage``, as KnowledgeNet writes it."""
    start = -1
    for _ in range(nth + 1):
        start = passage.index(text, start + 1)
    out: dict[str, Any] = {"start": start, "end": start + len(text), "text": text}
    if wikidata:
        out["wikidata"] = wikidata
    return out


def line(fold: int, doc: str, text: str, properties: list[str], facts: list[Any]) -> dict[str, Any]:
    """One passage; ``facts`` are (property, subject, object) with ends as :func:`mention`'s."""
    return {
        "fold": fold,
        "doc": doc,
        "passage_start": 100,
        "passage_end": 100 + len(text),
        "text": text,
        "properties": properties,
        "facts": [{"property": p, "subject": s, "object": o} for p, s, o in facts],
    }


CEO_TEXT = "Jo Park is the chief executive of Acme Corp."
HQ_TEXT = "Acme Corp is headquartered in Dayton, Ohio."
BIRTH_TEXT = "Mara Holt was born in Leeds."


def passages() -> list[dict[str, Any]]:
    """Three passages in KnowledgeNet's format, one per fold."""
    jo, acme = mention("Jo Park", CEO_TEXT, ITEM + "1"), mention("Acme Corp", CEO_TEXT)
    return [
        line(1, "7", BIRTH_TEXT, ["PLACE_OF_BIRTH"], []),  # a negative passage
        line(
            2,
            "8",
            HQ_TEXT,
            ["HEADQUARTERS"],
            [("HEADQUARTERS", mention("Acme Corp", HQ_TEXT), mention("Dayton", HQ_TEXT))],
        ),
        line(
            3,
            "9",
            CEO_TEXT,
            ["CEO", "EMPLOYEE_OR_MEMBER_OF"],
            [("CEO", acme, jo), ("EMPLOYEE_OR_MEMBER_OF", jo, acme)],
        ),
    ]


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_file_reads_into_passages_by_fold(tmp_path: Path) -> None:
    read = load_knowledgenet(write(tmp_path / "train.jsonl", passages()))
    assert [(p.fold, p.doc, p.start, p.end) for p in read] == [
        (1, "7", 100, 100 + len(BIRTH_TEXT)),
        (2, "8", 100, 100 + len(HQ_TEXT)),
        (3, "9", 100, 100 + len(CEO_TEXT)),
    ]
    ceo = read[2]
    assert ceo.properties == {"CEO", "EMPLOYEE_OR_MEMBER_OF"}
    assert [(f.property, f.subject.text, f.object.text) for f in ceo.facts] == [
        ("CEO", "Acme Corp", "Jo Park"),
        ("EMPLOYEE_OR_MEMBER_OF", "Jo Park", "Acme Corp"),
    ]
    assert ceo.facts[0].object.wikidata == ITEM + "1" and ceo.facts[0].subject.wikidata is None
    assert ceo.article().text == CEO_TEXT and ceo.article().body_start == 0
    # train is folds 1-2, dev fold 3; a passage annotated for no property of kg's is left out
    assert [p.doc for p in split_passages(read, "train")] == ["8"]
    assert [p.doc for p in split_passages(read, "dev")] == ["9"]
    assert split_passages(read, "held-out") == []
    with pytest.raises(AttributeError):
        ceo.fold = 4  # type: ignore[misc]


def _broken(case: str) -> str:
    row = passages()[2]
    if case == "not-json":
        return '{"fold": 3, "doc": '
    if case == "text-length":
        row["passage_end"] += 1
    elif case == "span-elsewhere":
        row["facts"][0]["subject"]["start"] += 1
    elif case == "property-not-listed":
        row["properties"] = ["CEO"]
    elif case == "unknown-property":
        row["properties"].append("FAVOURITE_COLOUR")
    elif case == "no-facts":
        del row["facts"]
    elif case == "fold-text":
        row["fold"] = "3"
    elif case == "not-an-object":
        return "[1, 2]"
    return json.dumps(row)


@pytest.mark.parametrize(
    ("case", "says"),
    [
        ("not-json", "not valid JSON"),
        ("text-length", "not in KnowledgeNet's format ('text' is"),
        ("span-elsewhere", "not in KnowledgeNet's format (subject 'Acme Corp' is not at"),
        ("property-not-listed", "not in KnowledgeNet's format (fact"),
        ("unknown-property", "not in KnowledgeNet's format ('properties'"),
        ("no-facts", "not in KnowledgeNet's format (no 'facts')"),
        ("fold-text", "not in KnowledgeNet's format ('fold' must be a whole number"),
        ("not-an-object", "not in KnowledgeNet's format (a line must be a JSON object)"),
    ],
)
def test_a_malformed_file_is_a_one_line_input_error_naming_it(
    case: str,
    says: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = tmp_path / "train.jsonl"
    good = json.dumps(passages()[0])
    bad.write_text(f"{good}\n{_broken(case)}\n", encoding="utf-8")

    def no_model(*args: object) -> None:
        raise AssertionError("a malformed file must be refused before the model loads")

    monkeypatch.setattr(kg.cli.eval, "pipeline_from", no_model)
    code = main(["eval", str(bad), "--split", "dev"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith(f"kg: error: KnowledgeNet file {bad}, line 2: {says}"), err
    assert err.count("\n") == 1, err


def test_an_empty_or_undecodable_file_is_refused(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert main(["eval", str(empty)]) == 2
    assert capsys.readouterr().err == f"kg: error: KnowledgeNet file {empty}: holds no passage\n"
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"text": "caf\xe9"}\n')
    assert main(["eval", str(latin)]) == 2
    assert capsys.readouterr().err.startswith(f"kg: error: KnowledgeNet file {latin}: not valid")


def _read(tmp_path: Path, row: dict[str, Any]) -> Passage:
    (passage,) = load_knowledgenet(write(tmp_path / "one.jsonl", [row]))
    return passage


def _built(
    passage: Passage, names: list[tuple[str, str, str, int]], facts: list[tuple[str, str, str]]
) -> Extraction:
    """A hand-made extraction of ``passage``: entities (key, class, name, occurrence) and
    relations between their keys, so the scorer is tested without the model."""
    text = passage.text
    entities = []
    for key, cls, name, nth in names:
        at = mention(name, text, nth=nth)
        found = Mention(at["start"], at["end"], name, 0, "test", 1.0)
        entities.append(Entity(key, cls, name, mentions=(found,)))
    evidence = Evidence(0, 0, len(text), "test", 1.0)
    relations = tuple(Relation(s, p, o, evidence) for s, p, o in facts)
    article = passage.article()
    return Extraction(article, (), tuple(entities), relations)


def test_a_pronoun_end_is_found_through_the_name_it_stands_for(tmp_path: Path) -> None:
    """She and Lena Ortiz are one entity (the same item; "her" by having the same fact as
    the name): kg's fact from the name finds the one fact, and counts once."""
    text = "Lena Ortiz joined Corvane in 2010, and she now runs it as her own."
    lena = mention("Lena Ortiz", text, ITEM + "5")
    she = mention("she", text, ITEM + "5")
    her = mention("her", text)
    corvane = mention("Corvane", text, ITEM + "6")
    it = mention("it", text)
    facts = [("CEO", corvane, p) for p in (lena, she)] + [("CEO", corvane, her), ("CEO", it, she)]
    passage = _read(tmp_path, line(3, "1", text, ["CEO"], facts))
    names = [("p", "Person", "Lena Ortiz", 0), ("c", "Company", "Corvane", 0)]
    report = KnowledgeNetReport("dev")
    score_passage(passage, _built(passage, names, [("p", "ceoOf", "c")]), report)
    ceo = report.properties["ceoOf"]
    assert (ceo.right, ceo.wrong, ceo.found, ceo.missed, ceo.pronoun_only) == (1, 0, 1, 0, 0)
    # kg's ceoOf also states worksFor, but the passage says nothing of employment
    assert report.properties["worksFor"].right + report.properties["worksFor"].wrong == 0
    assert report.passages == 1


def test_a_fact_with_an_end_named_only_by_a_pronoun_is_counted_apart(tmp_path: Path) -> None:
    text = "He later became chief executive of Corvane."
    facts = [("CEO", mention("Corvane", text), mention("He", text))]
    passage = _read(tmp_path, line(3, "1", text, ["CEO"], facts))
    report = KnowledgeNetReport("dev")
    score_passage(passage, _built(passage, [("c", "Company", "Corvane", 0)], []), report)
    ceo = report.properties["ceoOf"]
    assert (ceo.found, ceo.missed, ceo.pronoun_only, ceo.recall, ceo.named_recall) == (
        0,
        1,
        1,
        0.0,
        0.0,
    )
    assert ceo.missed_list == [f"1:100: He ceoOf Corvane | {text}"]


def test_only_properties_the_passage_was_annotated_for_are_judged(tmp_path: Path) -> None:
    """A kg fact of a property the passage lists and the annotation lacks is wrong; one of
    a property it does not list, or a place's place, is neither right nor wrong."""
    text = "Mara Holt founded Brindle Foods, based in Dayton, Ohio."
    dayton = mention("Dayton", text)
    facts = [("HEADQUARTERS", mention("Brindle Foods", text), dayton)]
    passage = _read(tmp_path, line(3, "1", text, ["HEADQUARTERS"], facts))
    names = [
        ("m", "Person", "Mara Holt", 0),
        ("b", "Company", "Brindle Foods", 0),
        ("d", "Place", "Dayton", 0),
        ("o", "Place", "Ohio", 0),
    ]
    relations = [
        ("m", "founderOf", "b"),  # FOUNDED_BY is not annotated here
        ("b", "locatedIn", "d"),
        ("b", "locatedIn", "o"),  # every level counts, so Ohio not annotated is wrong
        ("d", "locatedIn", "o"),  # a place's place is not a headquarters
    ]
    report = KnowledgeNetReport("dev")
    score_passage(passage, _built(passage, names, relations), report)
    hq = report.properties["locatedIn"]
    assert (hq.right, hq.wrong, hq.found, hq.missed) == (1, 1, 1, 0)
    assert hq.wrong_list == [f"1:100: Brindle Foods locatedIn Ohio | {text}"]
    founder = report.properties["founderOf"]
    assert (founder.right, founder.wrong, founder.passages) == (0, 0, 0)
    assert report.precision() == 0.5 and report.macro_recall() == 0.25


def test_kg_finds_a_ceo_in_a_passage(pipeline, tmp_path: Path) -> None:
    """The real model on a passage: "Jo Park is the chief executive of Acme Corp." gives
    ceoOf (KnowledgeNet's CEO, reversed) and the worksFor it implies."""
    from kg.knowledgenet import evaluate_knowledgenet

    read = load_knowledgenet(write(tmp_path / "train.jsonl", passages()))
    report = evaluate_knowledgenet(pipeline, split_passages(read, "dev"), "dev")
    for prop in ("ceoOf", "worksFor"):
        score = report.properties[prop]
        assert (score.right, score.wrong, score.found, score.missed) == (1, 0, 1, 0), prop
    assert report.as_dict()["split"] == "dev (fold 3)"
    assert report.macro_recall() == 0.5  # founderOf and locatedIn have nothing to find


def test_gum_dev_is_the_held_out_news(tmp_path: Path) -> None:
    for name in ("GUM_news_crane", "GUM_news_clock"):
        (tmp_path / f"{name}.json").write_text('{"title": "t"}', encoding="utf-8")
    assert [p.stem for p in gum_files([tmp_path], "train")] == ["GUM_news_crane"]
    assert [p.stem for p in gum_files([tmp_path], "held-out")] == ["GUM_news_clock"]
    assert [p.stem for p in gum_files([tmp_path], "dev")] == ["GUM_news_clock"]
    assert gum_files([tmp_path], "test") == []


@pytest.mark.skipif(not (SHARED / "knowledgenet").is_dir(), reason=f"no data at {SHARED}")
def test_kg_eval_scores_a_split_of_knowledgenet(capsys: pytest.CaptureFixture[str]) -> None:
    data = str(SHARED / "knowledgenet" / "train.jsonl")
    assert main(["eval", data, "--knowledgenet-limit", "4"]) == 0
    out = capsys.readouterr().out
    summary = out.split("\n\n")[0].splitlines()
    assert [row.split("(")[0].strip() for row in summary[2:]] == [
        "KnowledgeNet train",
        "KnowledgeNet dev",
    ]
    assert "KnowledgeNet dev (fold 3) (4)" in summary[3] and "macro" in summary[3]
    assert "KnowledgeNet dev (fold 3): 4 passages" in out
    assert (
        main(["eval", data, "--split", "dev", "--knowledgenet-limit", "4", "--format", "json"]) == 0
    )
    report = json.loads(capsys.readouterr().out)["knowledgenet"]["train.jsonl"]
    assert list(report) == ["dev"]
    assert report["dev"]["passages"] == 4
    assert list(report["dev"]["properties"]) == ["ceoOf", "worksFor", "founderOf", "locatedIn"]
    # fold 4 is kept back: nothing is held out here
    assert main(["eval", data, "--split", "held-out"]) == 64
    assert "no gold files in the 'held-out' split" in capsys.readouterr().err


def test_spans_match_when_they_overlap(tmp_path: Path) -> None:
    """Annotated spans keep possessives and stray marks ("Corvane's"); kg's mention of
    the name inside one matches it."""
    text = "Corvane's founder, Tomas Reyes, left in 2001."
    facts = [("FOUNDED_BY", mention("Corvane's", text), mention("Tomas Reyes,", text))]
    passage = _read(tmp_path, line(3, "1", text, ["FOUNDED_BY"], facts))
    names = [("t", "Person", "Tomas Reyes", 0), ("c", "Company", "Corvane", 0)]
    report = KnowledgeNetReport("dev")
    score_passage(passage, _built(passage, names, [("t", "founderOf", "c")]), report)
    founder = report.properties["founderOf"]
    assert (founder.right, founder.wrong, founder.found, founder.missed) == (1, 0, 1, 0)
