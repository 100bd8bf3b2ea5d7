"""Given names and surnames, from the US Census Bureau's 1990 lists of first names and
last names, read through the ``names`` package (MIT; the lists are in the public
domain).

A two- or three-word name that opens with a common given name is evidence that it
names a person ("Annie Oakley", "Dries Mertens" is not in these lists). The table
loads once per process, on first use.

>>> is_given_name("Annie"), is_given_name("annie"), is_given_name("Volgograd")
(True, True, False)
>>> is_given_name("Lincoln"), is_given_name("Lincoln", common=False)
(False, True)
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

#: The package's data files: name, frequency (%), cumulative frequency, rank.
FILES = ("dist.male.first", "dist.female.first")
SURNAME_FILES = ("dist.all.last",)
#: Fewest people per 100 who bear a name for it to count (the lists' rarest are
#: also surnames and words: "Royal", "Major", "Velvet").
MIN_FREQUENCY = 0.01


@lru_cache(maxsize=3)
def _table(files: tuple[str, ...], least: float) -> frozenset[str]:
    found: set[str] = set()
    for name in files:
        text = resources.files("names").joinpath(name).read_text(encoding="ascii")
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 4 and float(parts[1]) >= least:
                found.add(parts[0].casefold())
    return frozenset(found)


def is_surname(word: str) -> bool:
    """Whether ``word`` is a common surname in the census lists ("Park", "Hall"; not
    "Drive" or "Falls").

    >>> is_surname("Park"), is_surname("Falls")
    (True, False)
    """
    return word.casefold() in _table(SURNAME_FILES, MIN_FREQUENCY)


def is_given_name(word: str, common: bool = True) -> bool:
    """Whether ``word`` is a given name in the census lists: a common one, or (with
    ``common=False``) any, rare ones too ("Lincoln")."""
    return word.casefold() in _table(FILES, MIN_FREQUENCY if common else 0.0)
