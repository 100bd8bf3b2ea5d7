"""The learned relation extractor (kg.relations.learned.v1) and its trainer (kg.train.relations)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.extract.relations import learned
from kg.extract.relations.learned import doc_parse, ends, features, load_model, pairs
from kg.sources import parse_article
from kg.train import relations as trainer

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

PEOPLE = ["Maren Okafor", "Declan Reyes", "Priya Nandakumar", "Tomas Ibarra", "Lena Vogt"]
PEOPLE += ["Jonah Whitcombe", "Ines Carvalho", "Rafael Montoya", "Ayla Demir", "Henrik Solberg"]
ORGS = ["Halvern Bank", "Rivermark Systems", "Calder Council", "Brightwater Analytics"]
ORGS += ["Copperline Energy", "Salt Orchard Films", "Tarn Valley Trust", "Korvath Robotics"]


def _gold_files(folder: Path, first: int, count: int) -> None:
    """Short articles in kg's gold format: each says in one sentence that a person
    works at an organization, and in another that the person visited a second one."""
    folder.mkdir()
    for n in range(first, first + count):
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
        (folder / f"a{n:02d}.json").write_text(json.dumps(data), encoding="utf-8")


def _pair(pipeline, text: str, a: str, b: str) -> list[str] | None:
    doc = pipeline.nlp(text)
    parse, _roots = doc_parse(doc)
    first = next(t.i for t in doc if t.text == a)
    second = next(t.i for t in doc if t.text == b)
    return features(parse, first, second)


def test_the_trainer_learns_a_pattern_from_own_annotations_and_writes_the_same_bytes(
    tmp_path, pipeline
):
    _gold_files(tmp_path / "train", 0, 16)
    _gold_files(tmp_path / "dev", 16, 8)
    args = ["--no-public", "--gold", str(tmp_path / "train"), "--gold-dev", str(tmp_path / "dev")]
    args += ["--date", "2026-01-01"]
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    assert trainer.main([*args, "--out", str(first)]) == 0
    assert trainer.main([*args, "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()  # fixed seed, sorted output
    card = json.loads(first.read_text(encoding="utf-8"))["card"]
    assert card["date"] == "2026-01-01" and card["documents"] == {"train": 16, "dev": 8}
    model = load_model(first)
    assert model.properties == ("worksFor",)
    # the model reads a new sentence of the same shape, with names it never saw
    feats = _pair(
        pipeline, "Nadia Petrov works at Greyfield Studios, the filing shows.", "Petrov", "Studios"
    )
    assert feats is not None
    assert [prop for prop, _p in model.score(feats)] == ["worksFor"]
    # and not for a visit
    visit = "Last week Nadia Petrov visited Greyfield Studios to talk about the weather."
    assert list(model.score(_pair(pipeline, visit, "Petrov", "Studios") or [])) == []


def test_features_name_no_name(pipeline):
    """A name's words never become features: the model cannot memorise who."""
    feats = _pair(
        pipeline, "Maren Okafor is the chief executive of Halvern Bank.", "Okafor", "Bank"
    )
    assert feats is not None
    assert not any("okafor" in f or "halvern" in f for f in feats)
    assert any(f.startswith("L:") and "executive" in f for f in feats)


def test_a_pronoun_end_is_proposed_and_resolved_to_the_person_named_before(pipeline):
    article = parse_article(
        "Maren Okafor is a British engineer. She is the co-founder and chief executive "
        "of Korvath Inc.",
        key="t",
        source="t",
    )
    doc = pipeline.nlp(article.text)
    parse, roots = doc_parse(doc)
    she = next(t.i for t in doc if t.text == "She")
    assert any(a == she for a, _b, _f in pairs(parse, ends(parse, roots), set(roots)))
    (extraction,) = pipeline.extract([article])
    facts = {(r.subject, r.prop, r.object): r.evidence for r in extraction.relations}
    evidence = facts.get(("person/maren-okafor", "founderOf", "organization/korvath-inc"))
    assert evidence is not None
    assert evidence.sentence == 1  # the sentence that states it, not the one that names her


def test_learned_facts_give_way_to_a_hand_rule_that_states_them(pipeline):
    """'Sophie Tran, Redgum's chief executive': the title rule says ceoOf; a learned
    worksFor (which ceoOf states) or ceoOf between the same names is not kept beside it."""
    article = parse_article(
        "Sophie Tran, Redgum Markets' chief executive, will lead the company.", key="t", source="t"
    )
    (extraction,) = pipeline.extract([article])
    pairs_ = [(r.prop, r.evidence.rule) for r in extraction.relations]
    assert ("ceoOf", "kg.relations.titles.v1") in pairs_
    assert all(rule != learned.RULE for _prop, rule in pairs_)


def test_kg_relations_model_points_kg_at_a_model_of_ones_own(tmp_path, monkeypatch):
    """A model one trained (``python -m kg.train relations --out FILE``) is used by
    naming it in ``KG_RELATIONS_MODEL``: here the shipped weights with every threshold
    out of reach, so the learned founder fact of the pronoun test above is gone."""
    from kg.pipeline import Pipeline

    data = json.loads(
        (Path(learned.__file__).parent.parent.parent / "data" / "models" / learned.MODEL).read_text(
            encoding="utf-8"
        )
    )
    data["thresholds"] = {prop: 2.0 for prop in data["thresholds"]}
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps(data), encoding="utf-8")
    text = "Maren Okafor is a British engineer. She co-founded Korvath Inc. in 2019."
    fact = ("person/maren-okafor", "founderOf", "organization/korvath-inc")

    def facts() -> set[tuple[str, str, str]]:
        (extraction,) = Pipeline().extract([parse_article(text, key="t", source="t")])
        return {(r.subject, r.prop, r.object) for r in extraction.relations}

    assert fact in facts()
    monkeypatch.setenv(learned.MODEL_ENV, str(mine))
    assert fact not in facts()
    monkeypatch.setenv(learned.MODEL_ENV, str(tmp_path / "missing.json"))
    with pytest.raises(InputError, match="cannot read the learned model"):
        facts()


def test_a_model_kg_did_not_write_is_a_one_line_error(tmp_path):
    bad = tmp_path / "model.json"
    bad.write_text('{"properties": ["worksFor"], "bias": {}}', encoding="utf-8")
    with pytest.raises(InputError, match="not one kg wrote"):
        load_model(bad)
    with pytest.raises(InputError, match="cannot read"):
        load_model(tmp_path / "missing.json")


def test_the_shipped_model_has_a_card_naming_its_data_and_licences():
    data = json.loads(
        (Path(learned.__file__).parent.parent.parent / "data" / "models" / learned.MODEL).read_text(
            encoding="utf-8"
        )
    )
    card = data["card"]
    text = " ".join(card["data"])
    for name in ("KnowledgeNet", "CC BY-SA 4.0", "Re-DocRED", "MIT", "GUM", "CC BY 2.5"):
        assert name in text
    assert "test never read" in card["split"]
    assert set(data["properties"]) <= set(trainer.FITS)


def test_the_trainer_never_reads_a_test_split(tmp_path):
    test_file = tmp_path / "test_revised.json"
    test_file.write_text("[]", encoding="utf-8")
    with pytest.raises(SystemExit, match="never reads a test split"):
        trainer.docred_examples(test_file)


def test_coordinated_names_share_the_path_of_the_first(pipeline):
    doc = pipeline.nlp("Brightwater was founded by Maren Okafor and Declan Reyes.")
    parse, _roots = doc_parse(doc)
    okafor = next(t.i for t in doc if t.text == "Okafor")
    reyes = next(t.i for t in doc if t.text == "Reyes")
    first, second = features(parse, okafor, 0), features(parse, reyes, 0)
    assert first is not None and second is not None

    def path(feats: list[str]) -> list[str]:
        return [f for f in feats if f[:2] in ("L:", "S:", "T:")]

    assert path(first) == path(second)
    assert features(parse, okafor, reyes) is None  # one name's conjuncts: no relation


@pytest.mark.skipif(not DATA.is_dir(), reason=f"shared data not found at {DATA}")
def test_knowledgenet_negatives_are_the_unlisted_pairs_of_an_annotated_passage():
    from kg.knowledgenet import load_knowledgenet

    passages = load_knowledgenet(DATA / "knowledgenet" / "train.jsonl")
    examples = trainer.knowledgenet_examples(passages)
    assert {e.split for e in examples} == {"train", "dev"}
    judged = [e for e in examples if e.exhaustive]
    assert judged and len(judged) < len(examples)  # other properties' facts are negatives too
    for example in judged[:200]:
        for _s, prop, _o in example.facts:
            assert prop in example.exhaustive or prop == "worksFor"  # a CEO works there
    subsidiary = next(e for e in examples if e.key == "knowledgenet-16-716")
    assert not subsidiary.exhaustive and not subsidiary.facts and subsidiary.other_pairs
