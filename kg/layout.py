"""News layout: the parts of an article page that are not prose.

Two kinds, found in the article's text before it is parsed:

- **furniture** kg does not read at all: photo and audio credits ("Image: Jane
  Roe.", "Jane Roe/Getty Images", "(AP Photo/Jane Roe)"), bylines ("By Jane
  Roe"), datelines ("LONDON (Reuters) -", "KYIV, Ukraine -", "Evansville,
  Indiana, United States -"). Each of
  their characters becomes a space before spaCy sees the text, so offsets
  still count the same characters and no name or fact comes from them;
- **display lines** set in title case (a headline "Acme Unveils Video Generator
  Zephyr", a sub-head "Board Undergoes Reshuffle"): capital letters there say
  nothing about names, so a name seen only there is not an entity and no fact
  comes from them, but a name the body uses is confirmed ("Ahmed Mohamed" in
  the headline and in the text is one entity, with both mentions).

>>> text = "Acme Unveils Video Generator Zephyr\\n\\nBy Jane Roe\\n\\nAcme showed Zephyr."
>>> layout = analyse(text)
>>> [text[s:e] for s, e in layout.display]
['Acme Unveils Video Generator Zephyr']
>>> blank(text, layout.furniture).split("\\n\\n")[1].strip() == ""
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Layout", "analyse", "blank", "display_lines"]

Span = tuple[int, int]

#: Words a title-case line leaves in lower case.
_SMALL = frozenset(
    "a an and as at but by for from in into nor of on onto or over per the to up upon via vs "
    "with without".split()
)
_WORD = re.compile(r"[^\W\d_][\w'\u2019.-]*")
_LINE = re.compile(r"[^\n]+")
#: The word that opens a credit at the end of a caption line: "Image: Nick Moreau."
_CREDIT = re.compile(
    r"\b(?:Images?|Photos?|Photograph|Picture|Audio|Video|Credits?|Illustration|Graphic|Map|"
    r"Footage)\s*:|\b(?:Photo|Photograph|Picture|Image)s? (?:by|courtesy of) ",
    re.IGNORECASE,
)
#: Where a credit may start: a line's start, or after a sentence's end.
_BEFORE_CREDIT = frozenset('.!?"\u201d)')
_AGENCIES = (
    r"Getty Images|AFP|AP|Reuters|REUTERS|EPA|EPA-EFE|Bloomberg|Shutterstock|Alamy|"
    r"Xinhua|ANP|dpa|PA|PA Images|NurPhoto|Sipa|Anadolu|Pool|Invision"
)
_NAME = r"[A-Z][\w.'\u2019-]*(?: [A-Z][\w.'\u2019-]*){0,3}"
#: "Jane Roe/Getty Images", "Jane Roe/AFP via Getty Images" (read from each "/")
_AGENCY_AFTER = re.compile(rf"/(?:{_AGENCIES})(?: via (?:{_AGENCIES}))?\b")
_NAME_BEFORE = re.compile(rf"{_NAME}$")
#: "REUTERS/Jane Roe"
_AGENCY_BEFORE = re.compile(rf"\b(?:{_AGENCIES})$")
_NAME_AFTER = re.compile(rf"/{_NAME}")
_AP_PHOTO = re.compile(r"\((?:AP|AFP|Reuters|EPA)(?: Photo)?/[^)\n]{1,60}\)")
_BYLINE = re.compile(r"^[ \t]*By [A-Z][^\n]{0,60}$", re.MULTILINE)
_REPORTING = re.compile(
    r"^[ \t]*\(?(?:Reporting|Additional reporting|Writing|Editing) by [^\n]{1,160}$",
    re.MULTILINE,
)
#: "LONDON (Reuters) -", "WASHINGTON, March 3 (UPI) --", "(CNN) --" at a paragraph's start.
_DATELINE = re.compile(
    r"^[ \t]*(?:[A-Z][A-Z .'\u2019-]{1,40}(?:, [A-Z][\w .]{1,30})?(?:, [A-Z][a-z]{2,8}\.? \d{1,2})?"
    r"[ \t]*)?\((?:AP|AFP|Reuters|UPI|Bloomberg|CNN|Xinhua|IANS|PTI|dpa|[A-Z]{2,5})\)"
    r"[ \t]*(?:--|\u2014|\u2013|-)[ \t]*",
    re.MULTILINE,
)
_PLACE = r"[A-Z][\w.'\u2019-]*(?: [A-Z][\w.'\u2019-]*){0,3}"
#: A place-only dateline at a paragraph's start: "KYIV, Ukraine - ", "SAN FRANCISCO - ",
#: "Evansville, Indiana, United States - " (two places or more, or one in capitals).
_PLACE_DATELINE = re.compile(
    rf"^[ \t]*(?:{_PLACE}(?:, {_PLACE}){{1,3}}|[A-Z][A-Z.'\u2019-]+(?: [A-Z][A-Z.'\u2019-]+){{0,3}}"
    rf"(?:, {_PLACE})?)[ \t]+(?:--|\u2014|\u2013|-)[ \t]+(?=[A-Z\"\u201c])",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Layout:
    """Where an article's furniture and title-case display lines are (character spans)."""

    furniture: tuple[Span, ...] = ()
    display: tuple[Span, ...] = ()

    def in_display(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.display)


def _title_case(line: str) -> bool:
    """A line set in title case: no sentence end, and its words capitalised."""
    text = line.strip()
    if not text or text[-1] in ".!?:;,\"\u201d'\u2019)" or len(text) > 200:
        return False
    words = [w for w in _WORD.findall(text) if w.lower() not in _SMALL]
    if len(words) < 2:
        return False
    capital = sum(w[0].isupper() for w in words)
    return capital == len(words) or (len(words) >= 5 and capital / len(words) >= 0.8)


def analyse(text: str) -> Layout:
    """The furniture and the title-case display lines of an article's body."""
    furniture: list[Span] = [*_credits(text), *_agency_credits(text)]
    for pattern in (_AP_PHOTO, _BYLINE, _REPORTING, _DATELINE, _PLACE_DATELINE):
        furniture.extend(m.span() for m in pattern.finditer(text) if m.end() > m.start())
    spans = _joined(furniture)
    return Layout(spans, display_lines(blank(text, spans)))


def display_lines(text: str) -> tuple[Span, ...]:
    """The title-case display lines of a text whose furniture is blank already."""
    return tuple(m.span() for m in _LINE.finditer(text) if _title_case(m.group()))


def _credits(text: str) -> list[Span]:
    """ "Image: Jane Roe." or "Photo by Jane Roe" ending a line, after a sentence or alone."""
    found = []
    for match in _CREDIT.finditer(text):
        start = match.start()
        line_start = text.rfind("\n", 0, start) + 1
        before = text[line_start:start].rstrip()
        capital = match.group()[0].isupper()
        if before and before[-1] not in _BEFORE_CREDIT and not capital:
            continue  # mid-sentence: "its image: a strong brand"
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        rest = text[match.end() : line_end]
        if not rest.strip() or len(rest) > 80 or ":" in rest:
            continue
        while start > line_start and text[start - 1] in " \t":
            start -= 1
        found.append((start, line_end))
    return found


def _agency_credits(text: str) -> list[Span]:
    """ "Jane Roe/Getty Images", "REUTERS/Jane Roe": a name and an agency about a "/"."""
    found = []
    at = text.find("/")
    while at >= 0:
        line_start = text.rfind("\n", 0, at) + 1
        after = _AGENCY_AFTER.match(text, at)
        name = _NAME_BEFORE.search(text, line_start, at)
        if after and name:
            found.append((name.start(), after.end()))
        agency = _AGENCY_BEFORE.search(text, line_start, at)
        named = _NAME_AFTER.match(text, at)
        if agency and named:
            found.append((agency.start(), named.end()))
        at = text.find("/", at + 1)
    return found


def _joined(spans: list[Span]) -> tuple[Span, ...]:
    """Spans in order, overlapping ones joined ("Photo: Reuters/Jane Roe" is one)."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return tuple(out)


def blank(text: str, spans: tuple[Span, ...]) -> str:
    """``text`` with the characters of ``spans`` made spaces (line breaks kept)."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] not in "\n\r":
                chars[i] = " "
    return "".join(chars)
