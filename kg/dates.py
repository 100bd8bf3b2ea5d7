"""Turning date expressions into calendar values, relative to the article's date.

>>> from datetime import date
>>> resolve_date("last year", date(2024, 3, 22))
('2023', 'gYear')
>>> resolve_date("March 10", date(2024, 3, 22))
('2024-03-10', 'date')
>>> resolve_date("next week", date(2024, 3, 22)) is None  # a span, not a day: not resolved
True
>>> resolve_date("in 2023", None)
('2023', 'gYear')
"""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_LEAD = re.compile(r"^(?:in|on|during|since|by|from|of|the)\s+", re.IGNORECASE)
_ORD = re.compile(r"(\d{1,2})(?:st|nd|rd|th)\b")
#: A year an event's name may open with ("the 1988 Winter Olympics").
EDITION_YEAR = re.compile(r"1[89]\d\d|20\d\d")


def _clean(text: str) -> str:
    text = " ".join(text.replace("\u2019", "'").replace(",", " ").split()).lower()
    text = re.sub(r"'s$", "", text)
    while _LEAD.match(text):
        text = _LEAD.sub("", text)
    return _ORD.sub(r"\1", text)


def _day(year: int, month: int, day: int) -> tuple[str, str] | None:
    try:
        return date(year, month, day).isoformat(), "date"
    except ValueError:
        return None


def resolve_date(text: str, anchor: date | None) -> tuple[str, str] | None:
    """``(lexical value, XSD type name)`` for a date expression, or ``None``.

    Absolute dates need no anchor; relative ones ("last year", "yesterday",
    "on Friday", "March 10") need the article's date. Spans ("next week", "the
    previous few months") are not single calendar values and give ``None``, and
    so does a day before year 1 or after year 9999, which no ``xsd:date`` holds.

    >>> resolve_date("yesterday", date(1, 1, 1)) is None
    True
    >>> resolve_date("last year", date(1000, 6, 1))
    ('0999', 'gYear')
    """
    try:
        value = _resolve(text, anchor)
    except (OverflowError, ValueError):  # date arithmetic past year 1 or 9999
        return None
    if value is None or value[0].startswith(("0000", "-")):
        return None  # year zero is not a year of XSD 1.0's calendar
    return value


def _year(year: int) -> str:
    if not 1 <= year <= 9999:
        raise OverflowError(f"year {year} is out of range")
    return f"{year:04d}"


def _resolve(text: str, anchor: date | None) -> tuple[str, str] | None:
    t = _clean(text)
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t):
        return _day(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(?:the )?(\d{4})", t):
        return m[1], "gYear"
    if m := re.fullmatch(r"([a-z]+)\.? (\d{1,2}) (\d{4})", t):
        if m[1] in MONTHS:
            return _day(int(m[3]), MONTHS[m[1]], int(m[2]))
    if m := re.fullmatch(r"(\d{1,2}) ([a-z]+)\.? (\d{4})", t):
        if m[2] in MONTHS:
            return _day(int(m[3]), MONTHS[m[2]], int(m[1]))
    if m := re.fullmatch(r"([a-z]+)\.? (\d{4})", t):
        if m[1] in MONTHS:
            return f"{m[2]}-{MONTHS[m[1]]:02d}", "gYearMonth"
    if anchor is None:
        return None
    if t in ("last year", "a year ago", "the previous year", "the year before"):
        return _year(anchor.year - 1), "gYear"
    if t in ("this year", "the year"):
        return _year(anchor.year), "gYear"
    if t == "next year":
        return _year(anchor.year + 1), "gYear"
    if t in ("today", "this morning", "this afternoon", "tonight", "this evening"):
        return anchor.isoformat(), "date"
    if t in ("yesterday", "last night"):
        return (anchor - timedelta(days=1)).isoformat(), "date"
    if t == "tomorrow":
        return (anchor + timedelta(days=1)).isoformat(), "date"
    if t in ("last month", "the previous month"):
        first = anchor.replace(day=1) - timedelta(days=1)
        return f"{_year(first.year)}-{first.month:02d}", "gYearMonth"
    if t == "this month":
        return f"{_year(anchor.year)}-{anchor.month:02d}", "gYearMonth"
    if t == "next month":
        nxt = (anchor.replace(day=28) + timedelta(days=4)).replace(day=1)
        return f"{_year(nxt.year)}-{nxt.month:02d}", "gYearMonth"
    if m := re.fullmatch(r"(?:(last|this|next) )?([a-z]+)", t):
        which, word = m[1], m[2]
        if word in WEEKDAYS:
            delta = (anchor.weekday() - WEEKDAYS.index(word)) % 7
            if which == "next":
                return (
                    anchor + timedelta(days=(WEEKDAYS.index(word) - anchor.weekday()) % 7 or 7)
                ).isoformat(), "date"
            if which == "last" and delta == 0:
                delta = 7
            return (anchor - timedelta(days=delta)).isoformat(), "date"
        if word in MONTHS and len(word) > 3 and which in (None, "last", "this"):
            year = anchor.year
            if which == "last" or (which is None and MONTHS[word] > anchor.month):
                year -= 1
            return f"{_year(year)}-{MONTHS[word]:02d}", "gYearMonth"
    if m := re.fullmatch(r"([a-z]+)\.? (\d{1,2})", t):
        if m[1] in MONTHS:
            year = anchor.year if MONTHS[m[1]] <= anchor.month else anchor.year - 1
            return _day(year, MONTHS[m[1]], int(m[2]))
    if m := re.fullmatch(r"(\d{1,2}) ([a-z]+)", t):
        if m[2] in MONTHS:
            year = anchor.year if MONTHS[m[2]] <= anchor.month else anchor.year - 1
            return _day(year, MONTHS[m[2]], int(m[1]))
    return None
