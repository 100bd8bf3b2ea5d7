"""Linking against what is already held: a store's entities and earlier batches'.

Articles built one at a time into a store, or in batches of one, get the entities
and facts of one build of all of them: a bare "Altman" written after "Sam Altman"
joins him, with the merge recorded on the mention."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import main
from kg.resolve import CROSS_NAME_RULE, CROSS_TYPE_RULE, NameIndex
from kg.store import open_store
from kg.vocab import KG

FULL = (
    "OpenAI chief executive Sam Altman met studio heads in Los Angeles on Friday. "
    "The company wants Hollywood to use its video tools.\n"
)
BARE = (
    "Speaking in New York on Monday, Altman said the talks with the studios had gone "
    "well. Altman added that more meetings would follow.\n"
)
OTHER = "Jack Altman, who runs the payroll startup Lattice, spoke in Boston on Tuesday.\n"
# a bare surname the text makes a person's, with a fact of its own
BARE_PERSON = (
    "Speaking in New York on Monday, Altman, the chief executive of OpenAI, said the talks "
    "had gone well. He added that more meetings would follow.\n"
)


def _write(tmp_path: Path, **texts: str) -> list[str]:
    paths = []
    for name, text in texts.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def _quads(store_dir: Path) -> set[str]:
    with open_store(str(store_dir), create=False) as store:
        rows = store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return {" ".join(term.n3() for term in row) for row in rows}


def _denoted(store_dir: Path, article: str) -> dict[str, str]:
    """Mention text -> (entity key, resolution rule) in one article's graph."""
    with open_store(str(store_dir), create=False) as store:
        rows = store.query(
            f"SELECT ?text ?e ?r WHERE {{ GRAPH ?g {{ ?m <{KG.denotes}> ?e ; <{KG.text}> ?text "
            f"OPTIONAL {{ ?m <{KG.resolution}> ?r }} }} FILTER(STRENDS(STR(?g), '/{article}')) }}"
        ).rows
    return {str(t): (str(e).rsplit("/id/", 1)[1], str(r) if r else None) for t, e, r in rows}


def test_a_bare_name_built_later_joins_the_full_name_the_store_holds(tmp_path):
    full, bare = _write(tmp_path, full=FULL, bare=BARE)
    assert main(["build", full, "--store", str(tmp_path / "s"), "-q"]) == 0
    assert main(["build", bare, "--store", str(tmp_path / "s"), "-q"]) == 0
    altman = _denoted(tmp_path / "s", "bare")["Altman"]
    assert altman == ("person/sam-altman", CROSS_NAME_RULE)


def test_building_one_article_at_a_time_gives_the_store_of_one_build(tmp_path):
    full, bare = _write(tmp_path, full=FULL, bare=BARE)
    assert main(["build", full, bare, "--store", str(tmp_path / "once"), "-q"]) == 0
    for path in (full, bare):
        assert main(["build", path, "--store", str(tmp_path / "apart"), "-q"]) == 0
    assert _quads(tmp_path / "apart") == _quads(tmp_path / "once")


def test_batches_of_one_link_as_one_batch_does(tmp_path):
    paths = _write(tmp_path, full=FULL, bare=BARE)
    assert main(["build", *paths, "-o", str(tmp_path / "one.nq"), "-q"]) == 0
    args = ["build", *paths, "-o", str(tmp_path / "each.nq"), "--batch-size", "1", "-q"]
    assert main(args) == 0
    one = set((tmp_path / "one.nq").read_text(encoding="utf-8").splitlines())
    each = set((tmp_path / "each.nq").read_text(encoding="utf-8").splitlines())
    assert each == one
    assert any("person/sam-altman" in line and "bare" in line for line in each)


def test_a_bare_name_two_held_full_names_share_stays_apart(tmp_path):
    full, other, bare = _write(tmp_path, full=FULL, other=OTHER, bare=BARE)
    assert main(["build", full, other, "--store", str(tmp_path / "s"), "-q"]) == 0
    assert main(["build", bare, "--store", str(tmp_path / "s"), "-q"]) == 0
    key, rule = _denoted(tmp_path / "s", "bare")["Altman"]
    assert key not in ("person/sam-altman", "person/jack-altman") and rule is None


@pytest.mark.parametrize(
    ("key", "group", "word", "found"),
    [
        ("person/sam-altman", "person", "altman", True),  # a person by surname
        ("organization/korvath-robotics", "organization", "korvath", True),  # first word
        ("person/sam-altman", "person", "sam", False),
        ("person/altman", "person", "altman", False),  # a bare name is no full name
        ("place/new-york", "place", "new", False),  # places are not linked by a part
    ],
)
def test_the_name_index_holds_full_names_by_the_word_a_bare_name_is(key, group, word, found):
    index = NameIndex({key: "Thing"})
    assert (key in index.lookup(group, word)) is found


def test_a_full_name_built_later_takes_over_the_bare_name_stored_before(tmp_path, capsys):
    """The other way round: the bare "Altman" is stored first, "Sam Altman" comes the
    next day. The stored article moves to him, its fact's assertion too, and the store
    is the one a single build of both gives."""
    bare, full = _write(tmp_path, bare=BARE_PERSON, full=FULL)
    assert main(["build", bare, full, "--store", str(tmp_path / "once"), "-q"]) == 0
    assert main(["build", bare, "--store", str(tmp_path / "apart"), "-q"]) == 0
    assert _denoted(tmp_path / "apart", "bare")["Altman"] == ("person/altman", None)
    assert main(["build", full, "--store", str(tmp_path / "apart"), "--diff", "-q"]) == 0
    diff = capsys.readouterr().out.splitlines()
    assert any(line.startswith("- ") and "person/altman" in line for line in diff)
    assert _denoted(tmp_path / "apart", "bare")["Altman"] == ("person/sam-altman", CROSS_NAME_RULE)
    assert _quads(tmp_path / "apart") == _quads(tmp_path / "once")
    assert not any("person/altman>" in quad for quad in _quads(tmp_path / "apart"))


def test_an_honorific_and_a_surname_built_later_joins_the_full_name(tmp_path):
    """News style: "Mr Altman" the day after "Sam Altman" is him (the IRI of a person
    is made without the honorific, so the bare surname links across articles)."""
    mister = BARE.replace("Altman said", "Mr Altman said").replace(
        "Altman added", "Mr Altman added"
    )
    full, bare = _write(tmp_path, full=FULL, bare=mister)
    assert main(["build", full, "--store", str(tmp_path / "s"), "-q"]) == 0
    assert main(["build", bare, "--store", str(tmp_path / "s"), "-q"]) == 0
    assert _denoted(tmp_path / "s", "bare")["Mr Altman"] == ("person/sam-altman", CROSS_NAME_RULE)


# one name, typed as a company by two articles and as a place by a third
COMPANY_ONE = "Zorvex, a software company based in Oslo, hired forty engineers this year.\n"
COMPANY_TWO = (
    "Shares of Zorvex, the software company, rose on Monday after its new app passed a "
    "million users.\n"
)
PLACE = "Prices rose sharply in Zorvex last week, residents said.\n"


@pytest.mark.parametrize(
    "order",
    [("one", "two", "place"), ("place", "one", "two"), ("one", "place", "two")],
    ids=["place-last", "place-first", "place-between"],
)
def test_a_type_two_articles_outvote_is_the_same_one_at_a_time(tmp_path, order):
    """Two articles make "Zorvex" a company, one a place: one build gives the place
    article's mention to the company (each article one vote, 2 to 1), and so does
    building them one at a time in any order: the stored place article moves once
    the second company article comes, the mention recording the merge."""
    texts = {"one": COMPANY_ONE, "two": COMPANY_TWO, "place": PLACE}
    paths = dict(zip(texts, _write(tmp_path, **texts), strict=True))
    assert main(["build", *paths.values(), "--store", str(tmp_path / "once"), "-q"]) == 0
    assert _denoted(tmp_path / "once", "place")["Zorvex"] == (
        "organization/zorvex",
        CROSS_TYPE_RULE,
    )
    for name in order:
        assert main(["build", paths[name], "--store", str(tmp_path / "apart"), "-q"]) == 0
    assert _quads(tmp_path / "apart") == _quads(tmp_path / "once")
    assert not any("place/zorvex" in quad for quad in _quads(tmp_path / "apart"))


def test_an_even_split_of_articles_stays_two_entities_one_at_a_time(tmp_path):
    one, place = _write(tmp_path, one=COMPANY_ONE, place=PLACE)
    assert main(["build", one, "--store", str(tmp_path / "s"), "-q"]) == 0
    assert main(["build", place, "--store", str(tmp_path / "s"), "-q"]) == 0
    assert _denoted(tmp_path / "s", "place")["Zorvex"] == ("place/zorvex", None)
    assert _denoted(tmp_path / "s", "one")["Zorvex"][0] == "organization/zorvex"


def test_the_name_index_weighs_held_articles_and_moves_a_held_minority():
    index = NameIndex({"place/zorvex": "Place"}, {"place/zorvex": 1}, vouched=())
    assert index.held_types("zorvex") == {"place": ("Place", 1, False)}
    index.move("place/zorvex", "organization/zorvex")
    assert index.held_types("zorvex") == {}
    assert index.take_explained() == [("place/zorvex", "organization/zorvex")]
    assert index.take_explained() == []
    vouched = NameIndex({"place/paris": "Place"}, {"place/paris": 2}, vouched={"place/paris"})
    assert vouched.held_types("paris") == {"place": ("Place", 2, True)}


def test_the_seed_article_built_after_sam_altman_links_its_bare_names(tmp_path, seed_path):
    """The reference story built the day after an article naming "Sam Altman": its
    "Sam" is him, and the store is the one a single build of both gives."""
    (full,) = _write(tmp_path, full=FULL)
    seed = str(seed_path)
    assert main(["build", full, seed, "--store", str(tmp_path / "once"), "-q"]) == 0
    assert main(["build", full, "--store", str(tmp_path / "apart"), "-q"]) == 0
    assert main(["build", seed, "--store", str(tmp_path / "apart"), "-q"]) == 0
    denoted = _denoted(tmp_path / "apart", seed_path.stem.replace("_", "-"))
    assert denoted["Sam"][0] == "person/sam-altman"
    assert denoted["Sam Altman"][0] == "person/sam-altman"
    assert _quads(tmp_path / "apart") == _quads(tmp_path / "once")
