"""The learned relation extractor (kg.relations.learned.v1) and its trainer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.extract.relations import learn, learned
from kg.extract.relations.learned import features, load_model
from kg.sources import parse_article

DOCRED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "re-docred"

PEOPLE = ["Maren Okafor", "Declan Reyes", "Priya Nandakumar", "Tomas Ibarra", "Lena Vogt"]
PEOPLE += ["Jonah Whitcombe", "Ines Carvalho", "Rafael Montoya", "Ayla Demir", "Henrik Solberg"]
ORGS = ["Halvern Bank", "Rivermark Systems", "Calder Council", "Brightwater Analytics"]
ORGS += ["Copperline Energy", "Salt Orchard Films", "Tarn Valley Trust", "Korvath Robotics"]


def _gold_files(folder: Path) -> list[Path]:
    """Twenty short articles in kg's gold format: each says in one sentence that a person
    works at an organization, and in another that the person visited a second one."""
    paths = []
    for n in range(20):
        person, org, other = PEOPLE[n % 10], ORGS[n % 8], ORGS[(n + 3) % 8]
        text = (
            f"{person} works at {org}, the filing shows. "
            f"Last week {person} visited {other} to talk about the weather."
        )
        data = {
            "text": text,
            "entities": [
                {"name": person, "type": "Person"},
                {"name": org, "type": "Organization"},
                {"name": other, "type": "Organization"},
            ],
            "relations": [[person, "worksFor", org]],
        }
        path = folder / f"a{n:02d}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        paths.append(path)
    return paths


def test_the_trainer_learns_a_pattern_and_writes_the_same_model_twice(tmp_path, pipeline):
    (tmp_path / "gold").mkdir()
    _gold_files(tmp_path / "gold")
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    assert learn.main(["--gold", str(tmp_path / "gold"), "--out", str(first)]) == 0
    assert learn.main(["--gold", str(tmp_path / "gold"), "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()  # fixed seed, sorted output
    model = load_model(first)
    assert model.properties == ("worksFor",)
    # the model reads a new sentence of the same shape, with names it never saw
    doc = pipeline.nlp("Nadia Petrov works at Greyfield Studios, the filing shows.")
    person = next(t for t in doc if t.text == "Petrov")
    studio = next(t for t in doc if t.text == "Studios")
    feats = features(person, studio)
    assert feats is not None
    assert [prop for prop, _p in model.score(feats)] == ["worksFor"]
    # and not for a visit
    doc = pipeline.nlp(
        "Last week Nadia Petrov visited Greyfield Studios to talk about the weather."
    )
    person = next(t for t in doc if t.text == "Petrov")
    studio = next(t for t in doc if t.text == "Studios")
    assert list(model.score(features(person, studio) or [])) == []


def test_the_shipped_rule_proposes_facts_with_its_name_and_confidence(pipeline):
    article = parse_article(
        "Hebden Bridge is a market town in West Yorkshire, northern England.", key="t", source="t"
    )
    (extraction,) = pipeline.extract([article])
    found = {
        (r.subject, r.object): r.evidence for r in extraction.relations if r.prop == "locatedIn"
    }
    # the hand rules say the town is in West Yorkshire; no hand rule reads "northern England"
    evidence = found[("place/hebden-bridge", "place/england")]
    assert evidence.rule == learned.RULE
    shipped = learned._shipped()
    threshold = dict(zip(shipped.properties, shipped.thresholds, strict=True))
    assert threshold["locatedIn"] - 0.01 <= evidence.confidence <= 1.0
    assert evidence.sentence == 0 and evidence.start == 0


def test_learned_facts_give_way_to_a_hand_rule_on_the_same_pair(pipeline):
    """'Sophie Tran, Redgum's chief executive': the title rule says ceoOf; a learned
    worksFor between the same two names in the same sentence is not kept beside it."""
    article = parse_article(
        "Sophie Tran, Redgum Markets' chief executive, will lead the company.", key="t", source="t"
    )
    (extraction,) = pipeline.extract([article])
    pairs = [(r.prop, r.evidence.rule) for r in extraction.relations]
    assert ("ceoOf", "kg.relations.titles.v1") in pairs
    assert all(rule != learned.RULE for _prop, rule in pairs)


def test_a_model_kg_did_not_write_is_a_one_line_error(tmp_path):
    bad = tmp_path / "model.json"
    bad.write_text('{"properties": ["worksFor"], "bias": {}}', encoding="utf-8")
    with pytest.raises(InputError, match="not one kg wrote"):
        load_model(bad)
    with pytest.raises(InputError, match="cannot read"):
        load_model(tmp_path / "missing.json")


def test_the_trainer_never_reads_a_test_split(tmp_path):
    test_file = tmp_path / "test_revised.json"
    test_file.write_text("[]", encoding="utf-8")
    with pytest.raises(SystemExit, match="never reads a test split"):
        learn.main(["--docred", str(test_file), "--out", str(tmp_path / "m.json")])


def test_coordinated_names_share_the_path_of_the_first(pipeline):
    doc = pipeline.nlp("Brightwater was founded by Maren Okafor and Declan Reyes.")
    company = doc[0]
    okafor = next(t for t in doc if t.text == "Okafor")
    reyes = next(t for t in doc if t.text == "Reyes")
    assert features(okafor, company) == features(reyes, company)
    assert features(okafor, reyes) is None  # one name's conjuncts: no relation between them


@pytest.mark.skipif(not DOCRED.is_dir(), reason=f"Re-DocRED not found at {DOCRED}")
def test_docred_examples_align_the_annotated_mentions():
    examples = learn.docred_examples(DOCRED / "dev_revised.json")
    assert len(examples) == 500
    raw = json.loads((DOCRED / "dev_revised.json").read_text(encoding="utf-8"))
    for example, doc in zip(examples[:50], raw[:50], strict=True):
        for spans, cluster in zip(example.mentions, doc["vertexSet"], strict=True):
            for (start, end, unit), mention in zip(spans, cluster, strict=True):
                # Re-DocRED's names are its tokens re-joined, sometimes without spaces
                assert "".join(example.text[start:end].split()) == "".join(mention["name"].split())
                assert unit == mention["sent_id"]
