"""Relative and absolute date expressions resolve against the article's date."""

from __future__ import annotations

from datetime import date

import pytest

from kg.dates import resolve_date

FRIDAY = date(2024, 3, 22)


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("last year", FRIDAY, ("2023", "gYear")),
        ("last year's", FRIDAY, ("2023", "gYear")),
        ("next year", FRIDAY, ("2025", "gYear")),
        ("this year", FRIDAY, ("2024", "gYear")),
        ("last month", FRIDAY, ("2024-02", "gYearMonth")),
        ("last month", date(2024, 1, 5), ("2023-12", "gYearMonth")),
        ("next month", date(2024, 12, 5), ("2025-01", "gYearMonth")),
        ("yesterday", FRIDAY, ("2024-03-21", "date")),
        ("tomorrow", FRIDAY, ("2024-03-23", "date")),
        ("on Monday", FRIDAY, ("2024-03-18", "date")),
        ("next Monday", FRIDAY, ("2024-03-25", "date")),
        ("in February", FRIDAY, ("2024-02", "gYearMonth")),
        ("in November", FRIDAY, ("2023-11", "gYearMonth")),
        ("March 10", FRIDAY, ("2024-03-10", "date")),
        ("2023", None, ("2023", "gYear")),
        ("in 2019", None, ("2019", "gYear")),
        ("Sept. 5, 2023", None, ("2023-09-05", "date")),
        ("5 September 2023", None, ("2023-09-05", "date")),
        ("March 2023", None, ("2023-03", "gYearMonth")),
        ("2024-03-22", None, ("2024-03-22", "date")),
    ],
)
def test_resolves(text, anchor, expected):
    assert resolve_date(text, anchor) == expected


@pytest.mark.parametrize(
    "text",
    ["last year", "yesterday", "on Friday"],
)
def test_relative_dates_need_the_article_date(text):
    assert resolve_date(text, None) is None


@pytest.mark.parametrize(
    "text", ["next week", "the previous few months", "12 months", "February 30, 2023"]
)
def test_spans_and_impossible_dates_are_not_resolved(text):
    assert resolve_date(text, FRIDAY) is None
