"""The learned typer (:mod:`kg.extract.typer`): its model arithmetic on invented weights,
its features on a blank pipeline, and the classes the bundled model gives in the
whole pipeline."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from kg.extract.typer import (
    CLASSES,
    MAX_VOTE,
    NONE,
    Lookups,
    TyperModel,
    default_model_path,
    load_model,
    mention_features,
    votes,
)
from kg.lexicon import ANY_ORGANIZATION, load_lexicon
from kg.types import LEARNED_TYPES_RULE, Mention


def _model(**weights: tuple[float, ...]) -> TyperModel:
    return TyperModel(CLASSES, (1.0, 0.0, 0.0, 0.0, 0.0, 0.0), dict(weights))


def test_probabilities_are_a_softmax_of_summed_weights():
    model = _model(a=(0.0, 2.0, 0.0, 0.0, 0.0, 0.0), b=(0.0, 1.0, 0.0, 0.0, 0.0, 0.0))
    logp = model.log_probabilities(["a", "b", "unseen"])
    scores = [1.0, 3.0, 0.0, 0.0, 0.0, 0.0]
    total = sum(math.exp(s) for s in scores)
    assert logp == pytest.approx([s - math.log(total) for s in scores])
    assert sum(math.exp(x) for x in logp) == pytest.approx(1.0)


def test_temperature_flattens_the_distribution():
    weights = {"a": (0.0, 4.0, 0.0, 0.0, 0.0, 0.0)}
    sharp = TyperModel(CLASSES, (0.0,) * 6, weights, 1.0)
    flat = TyperModel(CLASSES, (0.0,) * 6, weights, 2.0)
    assert max(flat.log_probabilities(["a"])) < max(sharp.log_probabilities(["a"]))


def test_votes_are_log_odds_against_none_clipped_and_scaled():
    model = _model(person=(0.0, 3.0, 0.0, 0.0, 0.0, 0.0), huge=(0.0, 0.0, 0.0, 50.0, 0.0, 0.0))
    said = votes(model, ["person"])
    assert said["Person"] == pytest.approx(2.0)  # 3 - 1
    assert said[ANY_ORGANIZATION] == pytest.approx(-1.0)  # organizations vote as any kind
    assert votes(model, ["huge"])["Place"] == MAX_VOTE
    half = TyperModel(model.classes, model.bias, model.weights, vote_scale=0.5)
    assert votes(half, ["person"])["Person"] == pytest.approx(1.0)


def test_explain_names_the_features_that_pushed_a_class():
    model = _model(
        title=(0.0, 2.0, 0.0, 0.0, 0.0, 0.0),
        word=(0.0, 0.5, 0.0, 0.0, 0.0, 0.0),
        place=(0.0, -1.0, 0.0, 1.0, 0.0, 0.0),
    )
    assert [f for f, _ in model.explain(["word", "place", "title"], "Person", 2)] == [
        "title",
        "word",
    ]


def test_the_artefact_round_trips_through_json(tmp_path: Path):
    model = TyperModel(CLASSES, (0.5,) * 6, {"x": (1.0,) * 6}, 1.2, {"name": "t"}, 0.4)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    assert load_model(path) == model


def test_the_bundled_model_has_its_card():
    model = load_model(default_model_path())
    assert model.classes == CLASSES and model.classes[0] == NONE
    card = model.card
    assert card["rule"] == LEARNED_TYPES_RULE
    assert {"train", "dev", "test"} <= set(card["split"])
    assert any("CC BY 4.0" in d["licence"] for d in card["data"])
    assert card["figures"]["dev (GUM news held-out)"]["candidates"] > 0


def test_features_read_the_name_and_the_words_around_it():
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words="Police said Kuzma Minin , 62 , had fled .".split())
    mention = Mention(12, 23, "Kuzma Minin", 0, "kg.mentions.ner.v1", 0.85, "PERSON")
    features = set(mention_features(Lookups(load_lexicon()), list(doc), 2, 3, mention))
    assert {"ner=PERSON", "ntok=2", "first=kuzma", "last=minin", "w=kuzma"} <= features
    assert {"prev=said", "next=,", "next2=62", "next2_shape=d", "shape=Xx_Xx"} <= features


#: What the words around a name say, which rules once said one phrasing at a time:
#: (text, name, class). The learned typer reads them from its features.
AROUND = [
    ("Mr Okafor met the board of Lumen Labs on Monday.", "Okafor", "Person"),
    ("The exhibit moved to Evansville last May.", "Evansville", "Place"),
    ("Workers in Dhaka and Chittagong struck.", "Chittagong", "Place"),
    ("Police said Kuzma Minin, 62, had fled the city.", "Kuzma Minin", "Person"),
    ("She co-wrote Martina McBride's 2002 single.", "Martina McBride", "Person"),
    # a player in a match report
    (
        "Norway beat Chile 2 - 1 on Sunday, and Peru and Ghana drew 0 - 0. Dries Mertelaar's "
        "attempt in the 18th minute failed, and a late shot was saved by Thibaut Vandermolen.",
        "Dries Mertelaar",
        "Person",
    ),
    # a name no NER label types, which someone joins, is an organization
    ("She joined the Harbor Org aged 14.", "Harbor Org", "Company"),
    ("The display honours fashion designer Halston and his friends.", "Halston", "Person"),
    # the last word of a place's name: a mall, a road, a reservoir; or its first
    ("Shoppers fled Crossgates Mall on Friday.", "Crossgates Mall", "Place"),
    ("The bus turned onto Yellowhead Trail and then Manning Drive.", "Manning Drive", "Place"),
    ("The river flows into Norris Reservoir near the town.", "Norris Reservoir", "Place"),
    ("Climbers reached Mount Tyree on the second day.", "Mount Tyree", "Place"),
]


@pytest.mark.parametrize(("text", "name", "cls"), AROUND)
def test_the_typer_reads_the_words_around_a_name(pipeline, text, name, cls):
    from kg.sources import parse_article

    [extraction] = pipeline.extract([parse_article(text, "a", "a")])
    assert {e.cls for e in extraction.entities if name in (e.label, *e.alt_labels)} == {cls}


def test_without_the_typer_the_ner_labels_vote_again(pipeline):
    """Leaving the learned rule out (``--exclude-rule kg.types.learned.v1``) gives the
    NER's label its vote back."""
    from kg.pipeline import Pipeline
    from kg.sources import parse_article

    without = Pipeline(exclude=[LEARNED_TYPES_RULE])
    text = "Barack Obama spoke in Chicago on Monday."
    [extraction] = without.extract([parse_article(text, "a", "a")])
    assert {e.label: e.cls for e in extraction.entities} == {
        "Barack Obama": "Person",
        "Chicago": "Place",
    }


def _gum_file(path: Path, text: str, entities: list[tuple[str, str]]) -> None:
    """A GUM-format article with one named entity per (name, GUM type)."""
    rows = []
    for n, (name, kind) in enumerate(entities):
        start = text.index(name)
        rows.append(
            {
                "start": start,
                "end": start + len(name),
                "text": name,
                "type": kind,
                "cluster": n,
                "identity": name.replace(" ", "_"),
                "named": True,
                "name": name,
                "head": name.split()[-1],
            }
        )
    clusters = [
        {"cluster": n, "type": kind, "identity": name, "named": True, "names": [name]}
        for n, (name, kind) in enumerate(entities)
    ]
    data = {"id": path.stem, "title": "t", "text": text, "entities": rows, "clusters": clusters}
    path.write_text(json.dumps(data), encoding="utf-8")


def test_the_trainer_writes_the_same_model_twice_and_kg_can_use_it(tmp_path, monkeypatch):
    """``python -m kg.train typer`` on a tiny GUM-format data folder: the same data
    give the same bytes, and ``KG_TYPER_MODEL`` points kg at the artefact."""
    from kg.train.typer import main

    more, news = tmp_path / "gum-more", tmp_path / "gum-news"
    more.mkdir()
    news.mkdir()
    people = [("Ada Reyes", "person"), ("Lumen Labs", "organization"), ("Halvik", "place")]
    for k in range(3):
        _gum_file(
            more / f"GUM_bio_t{k}.json",
            "Ada Reyes joined Lumen Labs in Halvik. The Board met on Monday.",
            people,
        )
    _gum_file(news / "GUM_news_t.json", "Ada Reyes left Halvik for Lumen Labs.", people)
    _gum_file(news / "GUM_news_clock.json", "Ada Reyes met Lumen Labs in Halvik.", people)
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    for out in outs:
        args = ["--data", str(tmp_path), "--no-docred", "--date", "2026-01-01", "--out", str(out)]
        assert main(args) == 0
    assert outs[0].read_bytes() == outs[1].read_bytes()
    model = load_model(outs[0])
    assert model.card["date"] == "2026-01-01" and model.weights
    monkeypatch.setenv("KG_TYPER_MODEL", str(outs[0]))
    assert default_model_path() == outs[0]
