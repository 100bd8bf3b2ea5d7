"""News layout (kg/layout.py): page furniture is never read, and title-case display
lines confirm names without making any."""

from __future__ import annotations

import pytest

from kg.layout import analyse, blank


@pytest.mark.parametrize(
    ("text", "furniture"),
    [
        ("The minister visits the port. Image: Jane Roe.", " Image: Jane Roe."),
        ("Crowds at the rally. Photo: Reuters/Omar Ali", " Photo: Reuters/Omar Ali"),
        ("Protesters gather outside. Jane Roe/Getty Images", "Jane Roe/Getty Images"),
        ("Fans cheer (AP Photo/Jane Roe)", "(AP Photo/Jane Roe)"),
        ("A flooded street. Photo by Jane Roe", " Photo by Jane Roe"),
        ("By Jane Roe\nThe council met.", "By Jane Roe"),
        ("LONDON (Reuters) - The council met.", "LONDON (Reuters) - "),
        ("(UPI) -- The council met.", "(UPI) -- "),
        ("KYIV, Ukraine \u2014 The council met.", "KYIV, Ukraine \u2014 "),
        ("SAN FRANCISCO -- The council met.", "SAN FRANCISCO -- "),
        ("Tarn, Kessington, Northland - The council met.", "Tarn, Kessington, Northland - "),
        ("Full interview with the curator. Audio: Jkthom.", " Audio: Jkthom."),
        ("A demo of the headset Image: Jane Roe.", " Image: Jane Roe."),
    ],
)
def test_furniture_is_found(text, furniture):
    spans = analyse(text).furniture
    assert [text[s:e] for s, e in spans] == [furniture]
    assert len(blank(text, spans)) == len(text)  # offsets still count the same characters


@pytest.mark.parametrize(
    "text",
    [
        "The company said its image: a strong brand.",  # a colon in prose, mid-sentence
        "Photo: the council's own account of what it had decided to do, at length and in "
        "every detail that it could find",  # too long for a credit
        "Sources say the deal is near.",
        "By the end of the year, Acme will have moved.",  # "By" opening a sentence
        "The agency quoted Reuters reporting from London.",
        "Acme - the maker of drones - said it would hire.",  # one title-case name and a dash
        "Paris, London and Berlin - all three - voted.",  # a list, not a dateline
        "Sweden, Belgium, England win three points",  # no dash
    ],
)
def test_prose_is_not_furniture(text):
    assert analyse(text).furniture == ()


@pytest.mark.parametrize(
    ("line", "display"),
    [
        ("Acme Unveils Video Generator Zephyr to Studios", True),
        ("Board Undergoes Reshuffle", True),
        ("Texas student Ahmed Mohamed inspires social movement", False),  # sentence case
        ("Sam Altman met studio executives in Los Angeles.", False),  # a sentence
        ("Disney", False),  # one word
    ],
)
def test_title_case_lines_are_display(line, display):
    text = f"{line}\n\nThe body of the article follows here."
    assert bool(analyse(text).display) is display


def test_a_headline_name_the_body_uses_is_kept_and_one_it_does_not_is_not(pipeline):
    from kg.sources import parse_article

    text = (
        "Acme Unveils Video Generator Zephyr to Studios\n\n"
        "By Jane Roe\n\n"
        "Acme, a software company in Denver, showed its video tool to film studios on "
        "Monday. Mira Chen, the chief executive of Acme, said the tool was ready.\n\n"
        "Mira Chen speaks in Denver. Image: Omar Ali.\n"
    )
    [extraction] = pipeline.extract([parse_article(text, "acme", "acme")])
    labels = {e.label: e for e in extraction.entities}
    assert "Acme" in labels and "Mira Chen" in labels and "Denver" in labels
    assert not {"Generator Zephyr", "Video Generator Zephyr", "Jane Roe", "Omar Ali"} & set(labels)
    assert all(r.evidence.start > text.index("\n") for r in extraction.relations)


def test_display_mentions_count_only_where_the_body_confirms_them():
    from kg.layout import Layout
    from kg.resolve import _confirmed
    from kg.types import Mention

    def mention(start: int, text: str) -> Mention:
        return Mention(start, start + len(text), text, 0, "test", 1.0)

    layout = Layout(display=((0, 40),))
    headline = [mention(0, "Altman"), mention(10, "Generator Zephyr"), mention(30, "OpenAI")]
    body = [mention(50, "Sam Altman"), mention(70, "OpenAI")]
    kept = _confirmed([*headline, *body], layout)
    assert [m.text for m in kept] == ["Altman", "OpenAI", "Sam Altman", "OpenAI"]
