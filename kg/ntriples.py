"""Terms as N-Triples text, the form kg hands to stores and prints in diffs.

A foundation module: the RDF writer (:mod:`kg.rdf`) and the stores use it alike.
"""

from __future__ import annotations

from rdflib import Literal
from rdflib.term import Node

__all__ = ["nt", "nt_text"]

#: What N-Triples (and SPARQL) escape inside a quoted literal.
_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt_text(value: str) -> str:
    """A plain literal's N-Triples text: one line whatever it holds.

    rdflib's ``n3()`` writes a literal with a line break in triple quotes, and gets
    one that then ends in a backslash and a quote wrong (``'\\n\\\\"'`` becomes
    text no Turtle or SPARQL parser reads); N-Triples escapes are always right.

    >>> print(nt_text('say "hi"\\n\\\\'))
    "say \\"hi\\"\\n\\\\"
    """
    return '"' + value.translate(_NT_ESCAPES) + '"'


def nt(term: Node) -> str:
    """A term's N-Triples text (literals always on one line; see :func:`nt_text`).

    >>> from rdflib import URIRef
    >>> nt(Literal("a\\nb", lang="en")), nt(URIRef("https://x.example/a"))
    ('"a\\\\nb"@en', '<https://x.example/a>')
    """
    if isinstance(term, Literal):
        text = nt_text(str(term))
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^<{term.datatype}>"
        return text
    return str(term.n3())
