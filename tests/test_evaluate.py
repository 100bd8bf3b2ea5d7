"""kg eval: gold files, scoring, and the quality floor on our own gold set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.cli import main
from kg.errors import InputError
from kg.evaluate import Report, evaluate, load_gold, score
from kg.knowledgenet import Passage, split_passages
from kg.types import Article, Entity, Evidence, Extraction, Relation

GOLD = Path(__file__).resolve().parent / "gold"


def write_gold(path: Path, **overrides) -> Path:
    data = {
        "title": "t",
        "date": "2024-03-22",
        "text": "Sam Altman, OpenAI's CEO, met Satya Nadella in Paris.",
        "entities": [
            {"name": "Sam Altman", "type": "Person", "aliases": ["Altman"]},
            {"name": "OpenAI", "type": "Company"},
            {"name": "Satya Nadella", "type": "Person"},
            {"name": "Paris", "type": "Place"},
        ],
        "relations": [
            ["Sam Altman", "ceoOf", "OpenAI"],
            ["Sam Altman", "partnersWith", "Satya Nadella"],
        ],
        "absent": [["Sam Altman", "locatedIn", "Paris"]],
    }
    data.update(overrides)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_scores_count_each_kind_of_error(tmp_path):
    gold = load_gold(write_gold(tmp_path / "g.json"))
    ev = Evidence(0, 0, 1, "r", 0.9)
    predicted = Extraction(
        Article("g", "x", "g"),
        (),
        (
            Entity("person/sam-altman", "Person", "Sam Altman"),
            Entity("organization/openai", "Organization", "OpenAI"),  # wrong class
            Entity("person/nadella", "Person", "Nadella", ("Satya Nadella",)),
            Entity("place/tokyo", "Place", "Tokyo"),  # not in the gold
        ),
        (
            Relation("person/sam-altman", "ceoOf", "organization/openai", ev),
            Relation("person/nadella", "partnersWith", "person/sam-altman", ev),  # symmetric
            Relation("person/sam-altman", "locatedIn", "place/tokyo", ev),
        ),
    )
    report = Report()
    score(gold, predicted, report)
    data = report.as_dict()
    assert data["entities"]["Person"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "tp": 2,
        "fp": 0,
        "fn": 0,
    }
    assert data["entities"]["Company"]["fn"] == 1 and data["entities"]["Organization"]["fp"] == 1
    assert data["entities"]["Place"]["fn"] == 1 and data["entities"]["Place"]["fp"] == 1
    assert data["relations"]["ceoOf"]["tp"] == 1
    assert data["relations"]["partnersWith"]["tp"] == 1
    assert data["relations"]["locatedIn"]["fp"] == 1
    assert data["relations_total"]["precision"] == pytest.approx(2 / 3, abs=1e-3)
    assert "g.json: Paris (Place)" in data["missed_entities"]


def test_absent_facts_are_reported_as_false_facts(tmp_path):
    gold = load_gold(write_gold(tmp_path / "g.json"))
    ev = Evidence(0, 0, 1, "r", 0.9)
    predicted = Extraction(
        Article("g", "x", "g"),
        (),
        (
            Entity("person/sam-altman", "Person", "Sam Altman"),
            Entity("place/paris", "Place", "Paris"),
        ),
        (Relation("person/sam-altman", "locatedIn", "place/paris", ev),),
    )
    report = Report()
    score(gold, predicted, report)
    assert report.false_facts == ["g.json: Sam Altman locatedIn Paris"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": ""}, "non-empty 'text'"),
        ({"entities": [{"name": "X", "type": "Martian"}]}, "type 'Martian'"),
        ({"relations": [["Sam Altman", "likes", "OpenAI"]]}, "property among"),
        ({"relations": [["Sam Altman", "ceoOf", "Nobody"]]}, "not in 'entities'"),
    ],
)
def test_malformed_gold_is_refused(tmp_path, overrides, message):
    with pytest.raises(InputError, match=message):
        load_gold(write_gold(tmp_path / "g.json", **overrides))


def test_gold_that_is_not_json_is_refused(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    with pytest.raises(InputError, match="not valid UTF-8 JSON"):
        load_gold(bad)


def test_kg_eval_prints_tables_and_errors(tmp_path, capsys):
    write_gold(tmp_path / "g.json")
    assert main(["eval", str(tmp_path / "g.json")]) == 0
    out = capsys.readouterr().out
    assert "entities" in out and "relations" in out and "ALL" in out
    assert "missed relations" in out and "false facts" in out


def test_kg_eval_checks_gold_before_loading_the_model(tmp_path, capsys):
    write_gold(tmp_path / "g.json", entities=[{"name": "X", "type": "Martian"}], relations=[])
    assert main(["eval", str(tmp_path / "g.json")]) == 2
    assert "Martian" in capsys.readouterr().err


def test_every_shipped_gold_file_is_valid():
    files = sorted(GOLD.glob("*.json"))
    assert len(files) >= 12
    for path in files:
        gold = load_gold(path)
        for entity in gold.entities:
            for name in entity.names:
                assert name in gold.article.body.casefold(), (path.name, name)


def test_quality_floor_on_our_gold_set(pipeline):
    """Regression floor: scores on tests/gold must not fall below what kg reached.

    The issue's targets are entity F1 >= 0.90 and relation F1 >= 0.70."""
    report = evaluate(pipeline, [GOLD])
    assert report.total(report.entities).f1 >= 0.90
    assert report.total(report.relations).f1 >= 0.70
    assert len(report.false_facts) <= 1


SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@pytest.mark.skipif(not (SHARED / "re-docred").is_dir(), reason=f"no data at {SHARED}")
def test_kg_eval_puts_every_data_set_in_one_table(tmp_path, capsys):
    """kg's own gold, GUM (with kg's relation annotations) and Re-DocRED in one command."""
    write_gold(tmp_path / "g.json")
    gum = SHARED / "gum-news" / "GUM_news_crane.json"
    relations = Path(__file__).resolve().parent / "gum_relations"
    docred = SHARED / "re-docred" / "dev_revised.json"
    args = ["eval", str(tmp_path / "g.json"), str(gum), str(relations), str(docred)]
    assert main([*args, "--docred-limit", "3"]) == 0
    out = capsys.readouterr().out
    summary = out.split("\n\n")[0].splitlines()
    assert summary[0].split()[:3] == ["data", "ent", "R"]
    assert [line.split()[0] for line in summary[2:]] == ["kg", "GUM", "Re-DocRED", "Re-DocRED"]
    assert "GUM news train (1)" in summary[3]
    assert "Re-DocRED dev train (3)" in summary[4] and "macro" in summary[4]
    assert "Re-DocRED dev dev (3)" in summary[5]
    assert "relations (1 annotated articles)" in out
    assert "entities (person, organization and location clusters)" in out
    assert main([*args, "--docred-limit", "3", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    dev = data["docred"]["dev_revised.json"]
    assert list(dev) == ["train", "dev"] and dev["dev"]["documents"] == 3
    assert set(dev["train"]["entities"]["per_type"]) == {"PER", "ORG", "LOC"}
    assert data["gum"]["news train"]["relations"]["articles"] == 1


def test_each_split_holds_the_documents_issue_35_names():
    """Train, dev and test by name and position, without the model."""
    from kg.docred import docred_splits
    from kg.gum import HELD_OUT, gum_split

    dev = docred_splits("dev_revised.json", range(500))
    assert dev == {"train": list(range(250)), "dev": list(range(250, 500))}
    assert docred_splits("test_revised.json", range(500)) == {"test": list(range(500))}
    names = {"GUM_news_afghan", "GUM_news_asylum", "GUM_news_clock", "GUM_news_expo"}
    assert HELD_OUT == names and {gum_split(f"{n}.json") for n in names} == {"dev"}
    assert gum_split("GUM_news_crane.json") == gum_split("GUM_bio_galois.json") == "train"
    passages = [
        Passage(fold, str(fold), 0, 2, "Hi", frozenset({"CEO"}), ()) for fold in (1, 2, 3, 4)
    ]
    assert [p.fold for p in split_passages(passages, "train")] == [1, 2]
    assert [p.fold for p in split_passages(passages, "dev")] == [3]
    assert split_passages(passages, "test") == []


@pytest.mark.skipif(not (SHARED / "gum-more").is_dir(), reason=f"no data at {SHARED}")
def test_kg_eval_names_each_rows_set_and_split(capsys):
    """A small slice of every set: one row per set and split, named."""
    gum = [SHARED / "gum-news" / f"GUM_news_{n}.json" for n in ("crane", "clock")]
    more = SHARED / "gum-more" / "GUM_court_fire.json"
    docred = SHARED / "re-docred" / "dev_revised.json"
    knet = SHARED / "knowledgenet" / "train.jsonl"
    args = ["eval", *map(str, [*gum, more, docred, knet])]
    assert main([*args, "--docred-limit", "1", "--knowledgenet-limit", "1"]) == 0
    summary = capsys.readouterr().out.split("\n\n")[0].splitlines()
    assert [row.split(")")[0] + ")" for row in summary[2:]] == [
        "GUM news train (1)",
        "GUM news dev (1)",
        "GUM more train (1)",
        "Re-DocRED dev train (1)",
        "Re-DocRED dev dev (1)",
        "KnowledgeNet train (folds 1-2)",
        "KnowledgeNet dev (fold 3)",
    ]
    assert (
        main([*args, "--docred-limit", "1", "--knowledgenet-limit", "1", "--split", "test"]) == 64
    )


def _docred_file(tmp_path: Path) -> Path:
    """A Re-DocRED document in its format: two sentences, four clusters, three labels."""
    doc = {
        "title": "Harbour Lights",
        "sents": [
            ["Harbour", "Lights", "is", "a", "film", "by", "Greyfield", "Studios", "."],
            ["Zephyr", "is", "an", "app", "by", "Northwind", "Labs", "."],
        ],
        "vertexSet": [
            [{"name": "Harbour Lights", "sent_id": 0, "pos": [0, 2], "type": "MISC"}],
            [{"name": "Greyfield Studios", "sent_id": 0, "pos": [6, 8], "type": "ORG"}],
            [{"name": "Zephyr", "sent_id": 1, "pos": [0, 1], "type": "MISC"}],
            [{"name": "Northwind Labs", "sent_id": 1, "pos": [5, 7], "type": "ORG"}],
        ],
        "labels": [
            {"h": 0, "t": 1, "r": "P272", "evidence": [0]},  # production company
            {"h": 2, "t": 3, "r": "P178", "evidence": [1]},  # developer
        ],
    }
    path = tmp_path / "toy_revised.json"
    path.write_text(json.dumps([doc]), encoding="utf-8")
    return path


def test_a_fact_annotated_under_a_neighbouring_property_is_left_out_of_precision(tmp_path):
    from kg.docred import DocredReport, load_docred, score_docred

    [doc] = load_docred(_docred_file(tmp_path))
    assert doc.article.text.startswith("Harbour Lights is a film by Greyfield Studios.")
    ev = Evidence(0, 0, 10, "test", 0.9)
    names = ["Harbour Lights", "Greyfield Studios", "Zephyr", "Northwind Labs"]
    entities = tuple(Entity(f"e/{n}", "Thing", n) for n in names)

    def rel(s: str, o: str) -> Relation:
        return Relation(f"e/{s}", "develops", f"e/{o}", ev)

    extraction = Extraction(
        doc.article,
        (),
        entities,
        (
            rel("Greyfield Studios", "Harbour Lights"),  # Re-DocRED: production company
            rel("Northwind Labs", "Zephyr"),  # Re-DocRED: developer
            rel("Northwind Labs", "Harbour Lights"),  # not annotated
        ),
    )
    report = DocredReport()
    score_docred(doc, extraction, report)
    counts = report.properties["develops"]
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 0)
    assert report.apart["develops"] == 1
    assert report.as_dict()["properties"]["develops"]["apart"] == 1


def test_entities_are_scored_against_the_typed_clusters(tmp_path):
    """A cluster is found by an entity of its type; a kg person, organization or place
    is right, wrongly typed or names no cluster."""
    from kg.docred import DocredReport, load_docred, score_docred

    [doc] = load_docred(_docred_file(tmp_path))
    assert doc.types == ("MISC", "ORG", "MISC", "ORG")
    entities = (
        Entity("e/g", "Company", "Greyfield Studios"),  # right (a subclass counts)
        Entity("e/n", "Person", "Northwind Labs"),  # an organization, typed a person
        Entity("e/z", "Product", "Zephyr"),  # not a class Re-DocRED's types judge
        Entity("e/h", "Place", "Harbourside"),  # no cluster has the name
    )
    report = DocredReport()
    score_docred(doc, Extraction(doc.article, (), entities, ()), report)
    scored = report.as_dict()["entities"]
    assert scored["per_type"]["ORG"] == {"recall": 0.5, "found": 1, "missed": 1}
    assert (scored["right"], scored["wrong_typings"], scored["unmatched"]) == (1, 1, 1)
    assert scored["precision"] == round(1 / 3, 3)
    assert scored["confusion"] == {"Person for ORG": 1}
    assert scored["missed_list"] == ["Harbour Lights: northwind labs (ORG)"]
    assert scored["merged"] == "0/0"  # each cluster here has one name


def test_names_of_one_cluster_are_joined_or_split():
    from kg.docred import DocredDoc, EntityScore, score_entities
    from kg.sources import parse_article

    article = parse_article("Ada Reyes spoke. Reyes left. Nora Vance stayed. Vance sang.", "d", "d")
    names = (
        frozenset({"ada reyes", "reyes"}),
        frozenset({"nora vance", "vance"}),
    )
    doc = DocredDoc(article, names, frozenset(), types=("PER", "PER"))
    entities = (
        Entity("p/ada", "Person", "Ada Reyes", ("Reyes",)),  # both names: joined
        Entity("p/nora", "Person", "Nora Vance"),  # two entities: split
        Entity("p/vance", "Person", "Vance"),
    )
    score = EntityScore()
    score_entities(doc, Extraction(article, (), entities, ()), score)
    assert score.as_dict()["merged"] == "1/2"
    assert score.splits == ["d: nora vance | vance (PER)"]


@pytest.mark.skipif(not (SHARED / "re-docred").is_dir(), reason=f"no data at {SHARED}")
def test_entities_on_real_wikipedia_text_stay_above_their_floor(pipeline):
    """Re-DocRED dev, 500 real documents (kg's rules are tuned on them, never on test):
    the floors sit just under today's figures, well above spaCy's NER alone (recall
    0.634, precision 0.618, 1,581 wrong typings)."""
    from kg.docred import evaluate_docred, load_docred

    docs = load_docred(SHARED / "re-docred" / "dev_revised.json")
    scored = evaluate_docred(pipeline, docs).as_dict()["entities"]
    assert scored["recall"] >= 0.70
    assert scored["precision"] >= 0.69
    assert scored["wrong_typings"] <= 1100
