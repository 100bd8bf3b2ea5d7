"""Linking against what is already held: a store's entities and earlier batches'.

Articles built one at a time into a store, or in batches of one, get the entities
and facts of one build of all of them: a bare "Altman" written after "Sam Altman"
joins him, with the merge recorded on the mention; and two same-named organizations
their articles tell apart (country, kind, founders) keep two IRIs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kg.cli import main
from kg.resolve import (
    CROSS_NAME_RULE,
    CROSS_TYPE_RULE,
    HOMONYM_RULE,
    HeldEvidence,
    NameIndex,
    Profile,
    link_articles,
    slug,
)
from kg.store import open_store
from kg.types import (
    SAME_NAME,
    Article,
    Entity,
    Evidence,
    Extraction,
    Mention,
    Relation,
    Sentence,
)
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
    return {" ".join(term.n3() for term in row if term is not None) for row in rows}


def _denoted(store_dir: Path, article: str) -> dict[str, tuple[str, str | None]]:
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


# -- homonyms: same-named organizations their articles tell apart (invented texts) -----

LIBERAL_CANADA = (
    "The Liberal Party won a majority in Canada's election on Monday, and Ottawa braced "
    "for a new budget.\n"
)
LIBERAL_AUSTRALIA = "In Australia, the Liberal Party chose a new leader in Canberra on Tuesday.\n"
PHOENIX_SOFTWARE = (
    "Phoenix, a Dutch software company based in Utrecht, sold its accounting tools to banks. "
    "Phoenix hired forty engineers this year, the company said.\n"
)
PHOENIX_BAND = (
    "Phoenix, a Texas band based in Austin, played three sold-out shows last week. The band "
    "will tour Europe in the spring.\n"
)
ATLAS_LOPEZ = (
    "Atlas, a startup founded by Maria Lopez, makes batteries for electric buses in Lyon.\n"
)
ATLAS_SATO = (
    "Atlas was founded by Kenji Sato in 2019. The company makes batteries for electric buses.\n"
)
# the same Atlas as ATLAS_LOPEZ: the same founder; nothing said; a chief executive named
ATLAS_LOPEZ_AGAIN = (
    "Maria Lopez, who founded Atlas, said the startup would double its staff next year.\n"
)
ATLAS_SILENT = "Shares in Atlas rose sharply on Tuesday after the results.\n"
ATLAS_CHIEF = (
    "Atlas chief executive Tom Reed said on Friday that the company would hire more engineers.\n"
)


def _organizations(store_dir: Path) -> dict[str, str]:
    """Article name -> the organization key it names (one each here)."""
    with open_store(str(store_dir), create=False) as store:
        rows = store.query(
            f"SELECT ?g ?e WHERE {{ GRAPH ?g {{ ?a <{KG.mentions}> ?e }} "
            "FILTER(CONTAINS(STR(?e), '/id/organization/')) }"
        ).rows
    return {str(g).rsplit("/", 1)[1]: str(e).rsplit("/id/", 1)[1] for g, e in rows}


def test_liberal_parties_of_two_countries_stay_apart(tmp_path):
    paths = _write(tmp_path, canada=LIBERAL_CANADA, australia=LIBERAL_AUSTRALIA)
    assert main(["build", *paths, "--store", str(tmp_path / "s"), "-q"]) == 0
    assert _organizations(tmp_path / "s") == {
        "canada": "organization/liberal-party-canada",
        "australia": "organization/liberal-party-australia",
    }


@pytest.mark.parametrize(
    ("texts", "keys"),
    [
        (
            {"software": PHOENIX_SOFTWARE, "band": PHOENIX_BAND},
            ["organization/phoenix", "organization/phoenix--united-states"],
        ),
        (
            {"band": PHOENIX_BAND, "software": PHOENIX_SOFTWARE},
            ["organization/phoenix", "organization/phoenix--netherlands"],
        ),
        (
            {"lopez": ATLAS_LOPEZ, "sato": ATLAS_SATO},
            ["organization/atlas", "organization/atlas--sato"],
        ),
    ],
    ids=["software-then-band", "band-then-software", "two-founders"],
)
def test_same_named_organizations_their_articles_tell_apart_stay_apart(tmp_path, texts, keys):
    """A Dutch software company and a Texas band, both "Phoenix"; two "Atlas"es with
    different founders: the first built keeps the name's IRI, the other's says what
    tells it apart (its country, else its kind, else its founder), in one build and
    one article at a time, whichever comes first."""
    paths = _write(tmp_path, **texts)
    assert main(["build", *paths, "--store", str(tmp_path / "once"), "-q"]) == 0
    assert _organizations(tmp_path / "once") == dict(zip(texts, keys, strict=True))
    for path in paths:
        assert main(["build", path, "--store", str(tmp_path / "apart"), "-q"]) == 0
    assert _quads(tmp_path / "apart") == _quads(tmp_path / "once")
    second = _denoted(tmp_path / "apart", list(texts)[1])
    assert {rule for key, rule in second.values() if key == keys[1]} == {HOMONYM_RULE}


def test_articles_that_say_nothing_apart_join_one_organization(tmp_path):
    """Positive controls: the same founder, nothing said, and a chief executive (who may
    change) named beside a founder all leave one Atlas, in one build and built one
    article at a time; a second founder then sets a new one apart."""
    texts = {
        "lopez": ATLAS_LOPEZ,
        "again": ATLAS_LOPEZ_AGAIN,
        "silent": ATLAS_SILENT,
        "chief": ATLAS_CHIEF,
        "sato": ATLAS_SATO,
    }
    paths = _write(tmp_path, **texts)
    assert main(["build", *paths, "--store", str(tmp_path / "once"), "-q"]) == 0
    found = _organizations(tmp_path / "once")
    assert found == {
        "lopez": "organization/atlas",
        "again": "organization/atlas",
        "silent": "organization/atlas",
        "chief": "organization/atlas",
        "sato": "organization/atlas--sato",
    }
    for path in paths:
        assert main(["build", path, "--store", str(tmp_path / "apart"), "-q"]) == 0
    assert _quads(tmp_path / "apart") == _quads(tmp_path / "once")


def _profile_of(text: str, name: str) -> Profile:
    start = text.index(name)
    return Profile.of([(text, start, start + len(name))], (), ())


@pytest.mark.parametrize(
    ("text", "name", "kinds", "countries"),
    [
        (
            "Phoenix, a Dutch software company based in Utrecht, sold tools.",
            "Phoenix",
            {"company"},
            {"NL"},
        ),
        ("The Texas band Phoenix played in Austin.", "Phoenix", {"band"}, {"US"}),
        ("Orbit, the New Zealand rugby club, won again.", "Orbit", {"club"}, {"NZ"}),
        ("Atlas is a charity that runs shelters in Leeds.", "Atlas", {"charity"}, set()),
        ("Shares in Atlas rose on Tuesday.", "Atlas", set(), set()),
        ("Atlas, a paper company, grew.", "Atlas", {"company"}, set()),  # the head noun
        ("Atlas, a New York-based maker, grew.", "Atlas", {"company"}, {"US"}),  # not York's
        ("The U.S. band Atlas played.", "Atlas", {"band"}, {"US"}),
        ("Atlas, the party's youth wing, met.", "Atlas", set(), set()),  # a possessive
        ("Atlas said the group had grown.", "Atlas", set(), set()),  # "group" says no kind
        ("Halvard Smith, a founder of Atlas, spoke.", "Atlas", set(), set()),
    ],
)
def test_a_profile_reads_the_kind_and_country_a_description_gives(text, name, kinds, countries):
    profile = _profile_of(text, name)
    assert profile.kinds == kinds and profile.countries == countries


def _at(*places: str) -> Profile:
    return Profile(places=frozenset((p,) for p in places))


@pytest.mark.parametrize(
    ("one", "other", "why"),
    [
        (_at("Utrecht"), _at("Austin"), "countries"),
        (_at("Utrecht"), _at("Dutch"), None),  # two names, one country
        (_at("Utrecht"), _at("Utrecht", "Austin"), None),
        (Profile(kinds=frozenset({"party"})), Profile(kinds=frozenset({"company"})), "kinds"),
        (Profile(founders=frozenset({"lopez"})), Profile(founders=frozenset({"sato"})), "founders"),
        (_at("Utrecht"), Profile(), None),  # silence says nothing
        (Profile(kinds=frozenset({"company"})), Profile(kinds=frozenset({"company"})), None),
        (
            Profile(founders=frozenset({"lopez", "sato"})),
            Profile(founders=frozenset({"sato"})),
            None,
        ),
        # a chief executive change is no proof: only founders tell two apart
        (
            Profile(people=frozenset({"person/tom-reed"})),
            Profile(people=frozenset({"person/ann-lee"})),
            None,
        ),
        # a person both are tied to makes them one, whatever else differs
        (
            Profile(_at("Leeds").places, people=frozenset({"person/tom-reed"})),
            Profile(_at("Austin").places, people=frozenset({"person/tom-reed"})),
            None,
        ),
    ],
)
def test_two_profiles_differ_only_where_both_say_something_and_it_disagrees(one, other, why):
    assert one.differs(other) == why
    assert other.differs(one) == why


def test_a_postal_code_of_a_us_state_names_no_country():
    """ "Boston, MA": the place's code is a state's, not Morocco."""
    assert Profile.of((), (), ["MD"]).countries == frozenset()
    assert Profile.of((), (), ["Utrecht"]).countries == {"NL"}


def test_the_name_index_reads_a_stores_evidence_once_and_adds_the_batches():
    """Against a store, the held organization's profile comes from what the store keeps
    (read once, when first needed); a batch's own articles add to it."""
    calls: list[str] = []

    def evidence(key: str) -> HeldEvidence:
        calls.append(key)
        return [(PHOENIX_SOFTWARE, 0, len("Phoenix"))], [], ["Utrecht"]

    index = NameIndex({"organization/phoenix": "Company"}, evidence=evidence)
    assert index.senses("organization/phoenix") == ["organization/phoenix"]
    assert calls == []  # knowing what is held reads nothing
    band = _org_extraction("b", PHOENIX_BAND, "Phoenix", "Austin")
    index.add_all([band])
    assert calls == []
    held = index.profile("organization/phoenix")
    assert (held.countries, held.kinds) == ({"NL", "US"}, {"band", "company"})
    index.profile("organization/phoenix")
    assert calls == ["organization/phoenix"]
    assert index.senses("organization/atlas") == []


def _org_extraction(key: str, text: str, name: str, place: str = "X") -> Extraction:
    """An article of one sentence naming one organization, cited by a fact of it: that
    it is located in ``place``."""
    start = text.index(name)
    mention = Mention(start, start + len(name), name, 0, "kg.mentions.ner.v1", 0.85, "ORG")
    at = text.find(place)
    where = Mention(at, at + len(place), place, 0, "kg.mentions.ner.v1", 0.85, "GPE")
    org, place_key = f"organization/{slug(name)}", f"place/{slug(place)}"
    entities = (
        Entity(org, "Organization", name, (), (mention,)),
        Entity(place_key, "Place", place, (), (where,)),
    )
    fact = Relation(org, "locatedIn", place_key, Evidence(0, 0, len(text), "t", 0.9))
    return Extraction(
        Article(key, text, key), (Sentence(0, 0, len(text), text),), entities, (fact,)
    )


def test_linking_keeps_a_homonym_apart_in_the_article_that_names_it():
    software = _org_extraction("a", PHOENIX_SOFTWARE, "Phoenix")
    band = _org_extraction("b", PHOENIX_BAND, "Phoenix")
    silent = _org_extraction("c", "Phoenix rose on Tuesday.", "Phoenix")
    linked = link_articles([software, band, silent])
    keys = [[e.key for e in ex.entities if e.cls == "Organization"] for ex in linked]
    assert keys == [
        ["organization/phoenix"],
        ["organization/phoenix--united-states"],
        ["organization/phoenix"],
    ]
    [moved] = [e for e in linked[1].entities if e.cls == "Organization"]
    assert {m.resolution for m in moved.mentions} == {HOMONYM_RULE}
    assert linked[1].relations[0].subject == "organization/phoenix--united-states"


@pytest.mark.parametrize(("place", "joins"), [("Brooklyn", False), ("Moscow", True)])
def test_a_bare_name_joins_no_full_name_its_article_tells_apart(place, joins):
    """A bare "Academy" joins another article's unique "Academy of Fine Arts" only
    where nothing tells them apart: not one in Brooklyn and one in Saint Petersburg."""
    full = _org_extraction(
        "a",
        "He taught at the Academy of Fine Arts in Saint Petersburg.",
        "Academy of Fine Arts",
        "Saint Petersburg",
    )
    bare = _org_extraction("b", f"She studied at the Academy in {place}.", "Academy", place)
    _, linked = link_articles([full, bare])
    [org] = [e for e in linked.entities if e.cls == "Organization"]
    assert org.key == ("organization/academy-of-fine-arts" if joins else "organization/academy")
    assert {m.resolution for m in org.mentions} == {CROSS_NAME_RULE if joins else SAME_NAME}


def test_a_store_is_read_only_for_a_name_an_article_says_something_of():
    """Linking against a store: an article that says nothing of its "Phoenix" joins the
    held one without reading the store; one that says it is a Texas band reads it once
    and is kept apart."""
    calls: list[str] = []

    def evidence(key: str) -> HeldEvidence:
        calls.append(key)
        return [(PHOENIX_SOFTWARE, 0, len("Phoenix"))], [], ["Utrecht"]

    index = NameIndex({"organization/phoenix": "Company"}, evidence=evidence)
    silent = replace(_org_extraction("c", "Phoenix rose on Tuesday.", "Phoenix"), relations=())
    [linked] = link_articles([silent], index)
    assert "organization/phoenix" in {e.key for e in linked.entities} and calls == []
    band = _org_extraction("b", PHOENIX_BAND, "Phoenix", "Austin")
    [linked] = link_articles([band], index)
    assert "organization/phoenix--united-states" in {e.key for e in linked.entities}
    assert calls == ["organization/phoenix"]


def test_an_article_rebuilt_keeps_the_iri_that_kept_it_apart(tmp_path):
    """The band's article, edited and built again into the store that holds it and the
    software company's, is still the band's: its old version is the held organization
    nothing tells it from."""
    software, band = _write(tmp_path, software=PHOENIX_SOFTWARE, band=PHOENIX_BAND)
    for path in (software, band):
        assert main(["build", path, "--store", str(tmp_path / "s"), "-q"]) == 0
    Path(band).write_text(PHOENIX_BAND + "Tickets sold out in an hour.\n", encoding="utf-8")
    assert main(["build", band, "--store", str(tmp_path / "s"), "-q"]) == 0
    assert _organizations(tmp_path / "s") == {
        "software": "organization/phoenix",
        "band": "organization/phoenix--united-states",
    }
