"""Scoring against GUM's annotated Wikinews articles (kg/gum.py).

Unit tests on a hand-made article in GUM's format, then the real 18 articles
from ``../shared/data/gum-news`` (skipped where a clone lacks them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.cli import main
from kg.gum import HELD_OUT, GumReport, gum_files, load_gum, norm, score_gum
from kg.types import Article, Entity, Extraction, Mention

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "gum-news"
TEXT = "Donald Trump met Angela Merkel in Berlin. Trump praised Berlin's mayor."


def _mention(start: int, end: int, cluster: int, kind: str, named: bool, link: str | None):
    return {
        "start": start,
        "end": end,
        "text": TEXT[start:end],
        "type": kind,
        "cluster": cluster,
        "identity": link,
        "named": named,
        "name": TEXT[start:end].removesuffix("'s") if named else None,
    }


def _clusters(*items: tuple[int, str, str | None, list[str]]) -> list[dict[str, object]]:
    return [
        {"cluster": c, "type": t, "identity": i, "named": bool(n), "names": n}
        for c, t, i, n in items
    ]


GUM = {
    "id": "GUM_news_test",
    "title": "t",
    "date": "2020-01-02",
    "text": TEXT,
    "entities": [
        _mention(0, 12, 1, "person", True, "Donald_Trump"),
        _mention(17, 30, 2, "person", True, "Angela_Merkel"),
        _mention(34, 40, 3, "place", True, "Berlin"),
        _mention(42, 47, 1, "person", True, "Donald_Trump"),
        _mention(56, 64, 3, "place", True, "Berlin"),
        _mention(56, 71, 4, "person", False, None),
    ],
    "clusters": _clusters(
        (1, "person", "Donald_Trump", ["Donald Trump", "Trump"]),
        (2, "person", "Angela_Merkel", ["Angela Merkel"]),
        (3, "place", "Berlin", ["Berlin"]),
        (4, "person", None, []),
    ),
}


def _entity(key: str, cls: str, label: str, *spans: tuple[int, int]) -> Entity:
    mentions = tuple(Mention(s, e, TEXT[s:e], 0, "test", 1.0) for s, e in spans)
    return Entity(key, cls, label, mentions=mentions)


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "GUM_news_test.json"
    path.write_text(json.dumps(GUM), encoding="utf-8")
    return load_gum(path)


def _score(doc, *entities: Entity) -> dict[str, object]:
    report = GumReport()
    article = Article(key="t", text=TEXT, source="t")
    score_gum(doc, Extraction(article, (), tuple(entities), ()), report)
    return report.as_dict()


def test_norm_follows_gums_readme():
    assert norm("The  Church of Scientology\u2019s") == "church of scientology"


def test_found_merged_and_precise(doc):
    out = _score(
        doc,
        _entity("p/trump", "Person", "Donald Trump", (0, 12), (42, 47)),
        _entity("p/merkel", "Person", "Angela Merkel", (17, 30)),
        _entity("g/berlin", "Place", "Berlin", (34, 40)),
    )
    assert out["targets"] == 3 and out["strict"]["recall"] == 1.0
    assert out["strict"]["precision"] == 1.0
    assert out["merged"] == "1/1" and out["splits"] == 0 and out["wrong_typings"] == 0


def test_wrong_type_split_and_invented(doc):
    out = _score(
        doc,
        _entity("p/donald-trump", "Person", "Donald Trump", (0, 12)),
        _entity("p/trump", "Person", "Trump", (42, 47)),  # a split, and no merge
        _entity("o/merkel", "Company", "Angela Merkel", (17, 30)),  # wrong type
        _entity("p/mayor", "Person", "Berlin's mayor", (56, 71)),  # GUM: not named
        _entity("p/nobody", "Person", "Nobody Here"),  # in no GUM mention
    )
    assert out["strict"]["recall"] == round(1 / 3, 3)  # Trump found; Merkel mistyped
    assert out["strict"]["label_recall"] == round(2 / 3, 3)
    assert out["wrong_typings"] == 1 and out["splits"] == 1 and out["merged"] == "0/1"
    # Berlin's mayor is a scope disagreement, not counted; Nobody Here is invented
    assert out["strict"]["precision"] == round(3 / 4, 3)
    assert out["invented_list"] == ["test: Nobody Here (Person)"]
    assert out["disagreements_list"] == ["test: Berlin's mayor (Person)"]


def test_lenient_accepts_a_surname_of_a_person_only(doc):
    out = _score(
        doc,
        _entity("p/trump", "Person", "President Donald Trump"),
        _entity("g/berlin", "Place", "East Berlin"),  # one token: not lenient for places
    )
    assert out["strict"]["recall"] == 0.0
    assert out["lenient"]["recall"] == round(1 / 3, 3)


def test_a_file_not_in_gums_format_is_an_input_error(tmp_path, capsys):
    bad = tmp_path / "GUM_news_bad.json"
    bad.write_text(json.dumps({"text": "x", "entities": [{}], "clusters": []}), encoding="utf-8")
    assert main(["eval", str(bad)]) == 2
    assert "GUM's news format" in capsys.readouterr().err


needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"GUM news data not found at {DATA}")


@needs_data
def test_the_held_out_articles_are_kept_apart():
    everything = {p.stem for p in gum_files([DATA])}
    assert len(everything) == 18 and HELD_OUT < everything
    assert {p.stem for p in gum_files([DATA], "held-out")} == HELD_OUT
    assert {p.stem for p in gum_files([DATA], "train")} == everything - HELD_OUT


@needs_data
def test_kg_eval_scores_the_wikinews_articles(capsys):
    assert main(["eval", str(DATA), "--format", "json"]) == 0
    gum = json.loads(capsys.readouterr().out)["gum"]
    core = gum["core"]
    assert gum["articles"] == 18 and core["targets"] == 385
    # a floor under today's figures: a change that loses real-news quality fails here
    assert core["strict"]["recall"] >= 0.70 and core["strict"]["precision"] >= 0.75
