"""spaCy component ``kg_paragraphs``: a sentence never runs across a paragraph break.

The parser reads a headline, a dateline or a caption with no full stop as the
start of the sentence after it ("Michael Tien of NPP\\n\\nDAB's Elizabeth
Quat\\n\\nIn the New Territories East constituency, Alvin Yeung of the Civic
Party ..." is one sentence to it), and then parses the real sentence wrongly.
This component runs before the parser and starts a sentence after a blank line,
and after a line break that ends a title-case display line (a headline or a
sub-head, :func:`kg.layout.display_lines`). The parser keeps boundaries set
before it. A single line break elsewhere may be a hard wrap inside a sentence,
so it is left to the parser.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.doc import PARAGRAPHS, doc_text
from kg.layout import display_lines

#: A blank line: two line breaks with only spaces or tabs between.
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def paragraph_starts(doc: Doc) -> list[int]:
    """Indices of the tokens that open a paragraph or follow a display line."""
    starts = []
    display_ends: set[int] | None = None
    for token in doc:
        if not token.is_space or "\n" not in token.text or token.i + 1 >= len(doc):
            continue
        if _BLANK_LINE.search(token.text) is None:
            if display_ends is None:  # read the display lines once, where needed
                display_ends = {end for _, end in display_lines(doc_text(doc))}
            line_end = token.idx + token.text.index("\n")
            if line_end not in display_ends:
                continue
        starts.append(token.i + 1)
    return starts


@Language.factory(PARAGRAPHS, requires=["token.is_space"], assigns=["token.is_sent_start"])
def make_paragraphs(nlp: Language, name: str) -> ParagraphBreaks:
    return ParagraphBreaks()


class ParagraphBreaks:
    """Sets ``is_sent_start`` on the first token of each paragraph (see the module)."""

    def __call__(self, doc: Doc) -> Doc:
        for i in paragraph_starts(doc):
            doc[i].is_sent_start = True
        return doc
