"""Reading articles: text files, directories and globs of them, and JSON Lines files.

An article file may start with a front-matter block::

    ---
    title: OpenAI courts Hollywood
    date: 2024-03-22
    url: https://example.org/news/sora
    id: openai-hollywood
    ---

Offsets kg records are character offsets into the decoded file text, front
matter included, so they point at the same characters a user sees.

A JSON Lines file (``.jsonl``) holds one article per line: an object with a
``text`` and optional ``title``, ``date``, ``url`` and ``id``; its offsets
count from the start of ``text``. Articles are read one at a time
(:func:`iter_articles`), so a corpus never has to fit in memory.

>>> lines = ['{"text": "Hi.", "id": "a1"}', '', '{"text": "Yo."}']
>>> [a.key for a in iter_jsonl_text(chr(10).join(lines), "c.jsonl")]
['a1', 'c-3']
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

from kg.errors import InputError
from kg.limits import DEFAULT_MAX_STDIN_BYTES, copy_limited, copy_lines_limited
from kg.types import Article

#: Articles larger than this are refused; news articles are a few kilobytes.
DEFAULT_MAX_BYTES = 5_000_000
TEXT_SUFFIXES = (".txt", ".md", ".text")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
INPUT_SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, *JSONL_SUFFIXES)
#: Control characters (but tab and line breaks) and the two non-characters: they
#: mean nothing in news text and some RDF syntaxes (RDF/XML) cannot carry them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Lone UTF-16 surrogates: JSON can escape them (\\ud800) but they are not text,
#: and no UTF-8 output can hold them.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Characters per article: spaCy's own limit for one text (``nlp.max_length``),
#: which kg sets on the model it loads, so an article is refused while reading,
#: before anything is written, never halfway through a build.
MAX_ARTICLE_CHARS = 1_000_000
_GLOB_CHARS = frozenset("*?[")
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: What a title's slug leaves out (a piped article's key): all but ASCII letters and
#: digits, as the article's IRI does.
_SLUG = re.compile(r"[^a-z0-9]+")
_SLUG_CHARS = 60


def check_date(value: str, where: str) -> str:
    """A publication date of the form YYYY-MM-DD that is a day of the calendar.

    >>> check_date("2024-02-29", "a.txt")
    '2024-02-29'
    >>> check_date("2024-02-30", "a.txt")
    Traceback (most recent call last):
    ...
    kg.errors.InputError: a.txt: date '2024-02-30' is not a day of the calendar (YYYY-MM-DD)
    """
    if not _DATE.match(value):
        raise InputError(f"{where}: date {value!r} is not YYYY-MM-DD")
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"{where}: date {value!r} is not a day of the calendar (YYYY-MM-DD)"
        ) from None
    return value


def check_article(article: Article) -> Article:
    """Refuse what spaCy or the outputs would fail on later, in the middle of a build:
    lone surrogates (from JSON escapes) and a text over spaCy's length limit."""
    for name in ("text", "title", "url", "key"):
        value = getattr(article, name)
        if value and (found := _SURROGATE.search(value)):
            raise InputError(
                f"{article.source}: its {name} holds a lone surrogate "
                f"(\\u{ord(found.group()):04x}), which is not text"
            )
    chars = len(article.body)
    if chars > MAX_ARTICLE_CHARS:
        raise InputError(
            f"{article.source} is {chars:,} characters; kg reads articles up to "
            f"{MAX_ARTICLE_CHARS:,} characters (spaCy's limit for one text)"
        )
    return article


def _glob(pattern: str) -> list[Path]:
    """Files matching a glob pattern ("corpus/**/*.txt"), sorted."""
    anchor = Path(pattern).anchor
    relative = pattern[len(anchor) :] if anchor else pattern
    base = Path(anchor) if anchor else Path(".")
    return sorted(p for p in base.glob(relative) if p.is_file())


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, the article files inside directories named (sorted, recursive),
    and the files a glob pattern matches, for shells that did not expand it."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists() and _GLOB_CHARS & set(str(raw)):
            matched = _glob(str(raw))
            if not matched:
                raise InputError(f"no files match {raw}")
            found.extend(matched)
        elif path.is_dir():
            inside = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
            )
            if not inside:
                raise InputError(
                    f"no article files ({', '.join(INPUT_SUFFIXES)}) in directory {path}"
                )
            found.extend(inside)
        elif path.exists() and not path.is_file():
            raise InputError(f"not a regular file: {path}")
        elif not path.exists():
            raise InputError(f"no such file or directory: {path}")
        else:
            found.append(path)
    return found


@contextmanager
def _input_errors(path: Path) -> Iterator[None]:
    """A file that cannot be read is an input error, in one line."""
    try:
        yield
    except FileNotFoundError as exc:
        raise InputError(f"no such file: {path}") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path} is a directory") from exc
    except PermissionError as exc:
        raise InputError(f"permission denied: {path}") from exc


def _refuse_non_text(head: bytes, name: str) -> None:
    """Refuse UTF-16 and binary data, by the first bytes of a file."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(f"{name} is UTF-16 text; convert it to UTF-8 first")
    if b"\x00" in head[:8192]:
        raise InputError(f"{name} looks like a binary file, not text")


def decode(data: bytes, name: str) -> str:
    """Decode article bytes as UTF-8, refusing binary data with a clear message."""
    _refuse_non_text(data, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 first"
        ) from exc
    if not text.strip():
        raise InputError(f"{name} is empty")
    # each control character becomes a space, so offsets still count the same characters
    return _CONTROL.sub(" ", text)


#: What a style sheet's top-level structure is read by: block braces and the ends
#: of at-statements (``@import ...;``). Scanned once, so any sheet reads in linear time.
_CSS_PUNCTUATION = re.compile(r"[{};]")
#: A simple selector: an element, classes and an id (``p``, ``.x``, ``#promo``,
#: ``div.ad.wide``). Others (descendants, pseudo-classes, attributes) are not read.
_CSS_SIMPLE = re.compile(r"([a-z][a-z0-9-]*)?((?:[.#][\w-]+)*)", re.IGNORECASE)
_CSS_ZERO = re.compile(r"(?:0+(?:\.0*)?|\.0+)(?:[a-z]+|%)?")
_CSS_NEGATIVE = re.compile(r"-(\d+(?:\.\d*)?|\.\d+)([a-z]*|%)")
#: Properties that a large negative value moves out of sight (``left: -9999px``,
#: ``text-indent: -9999px``), and how large, by unit (no unit: as pixels).
_OFFSET_PROPERTIES = frozenset({"left", "top", "right", "text-indent", "margin-left", "margin-top"})
_OFF_SCREEN = {"": 500.0, "px": 500.0, "pt": 375.0, "em": 30.0, "rem": 30.0, "%": 100.0}


def style_hides(style: str) -> bool:
    """Whether CSS declarations hide what they apply to from a reader: ``display:
    none``, ``visibility: hidden``, ``font-size: 0``, ``opacity: 0``, or an
    element moved far off the page (``position: absolute; left: -9999px``).

    >>> style_hides("color: red; DISPLAY : none !important"), style_hides("opacity: .5")
    (True, False)
    >>> style_hides("position:absolute;left:-9999px"), style_hides("margin-left: -1em")
    (True, False)
    """
    for declaration in "".join(style.lower().split()).split(";"):
        name, _, value = declaration.partition(":")
        value = value.removesuffix("!important")
        if (name, value) in (("display", "none"), ("visibility", "hidden")):
            return True
        if name in ("font-size", "opacity") and _CSS_ZERO.fullmatch(value):
            return True
        if name in _OFFSET_PROPERTIES and (far := _CSS_NEGATIVE.fullmatch(value)):
            least = _OFF_SCREEN.get(far.group(2))
            if least is not None and float(far.group(1)) >= least:
                return True
    return False


@dataclasses.dataclass(frozen=True)
class _Selector:
    """A simple CSS selector: an element (or any), classes it has, and an id."""

    tag: str | None
    classes: frozenset[str]
    ids: frozenset[str]

    def matches(self, tag: str, classes: set[str], id_: str | None) -> bool:
        return (
            (self.tag is None or self.tag == tag)
            and self.classes <= classes
            and self.ids <= ({id_} if id_ else set())
        )


class _StyleSheets(HTMLParser):
    """The style sheets of a page that apply on screen, as the parser finds them
    (not those inside comments or scripts); ``media="print"`` sheets are left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sheets: list[str] = []
        self.media_ok = False
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            media = dict(attrs).get("media") or "all"
            self.inside = True
            self.media_ok = bool(re.search(r"\b(?:all|screen)\b", media, re.IGNORECASE))

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside and self.media_ok:
            self.sheets.append(data)


def _without_comments(css: str) -> str:
    """CSS without its ``/* comments */`` (an unclosed one runs to the end)."""
    kept, pos = [], 0
    while (opened := css.find("/*", pos)) != -1:
        kept.append(css[pos:opened])
        closed = css.find("*/", opened + 2)
        pos = len(css) if closed == -1 else closed + 2
    kept.append(css[pos:])
    return " ".join(kept)


def css_rules(css: str) -> Iterator[tuple[str, str]]:
    """The (selectors, declarations) of a style sheet's top-level rules; at-rules
    (``@media``, ``@supports``, ``@import``) are left out, as what they hide depends
    on the screen or the medium.

    >>> list(css_rules("/* x */ .a, p { color: red } @media print { .b { display: none } }"))
    [('.a, p', ' color: red ')]
    """
    css = _without_comments(css)
    depth, start, prelude, body = 0, 0, "", 0
    for found in _CSS_PUNCTUATION.finditer(css):
        mark, pos = found.group(), found.start()
        if mark == "{":
            if depth == 0:
                prelude, body = css[start:pos].strip(), pos + 1
            depth += 1
        elif mark == "}" and depth:
            depth -= 1
            if depth == 0:
                if prelude and not prelude.startswith("@"):
                    yield prelude, css[body:pos]
                start = pos + 1
        elif depth == 0:  # the end of an at-statement, or a stray brace
            start = pos + 1


def hidden_selectors(page: str) -> list[_Selector]:
    """The simple selectors a page's style sheets hide (:func:`style_hides`): a small
    reader of ``.cls``, ``#id``, ``tag`` and comma lists of them, not a CSS engine.
    Sheets for another medium (``media="print"``) and rules inside at-rules
    (``@media``) are left out: they may not apply to the page as read.

    >>> css = "<style>.x, #ad{display:none} p.note{opacity:0} nav a{display:none}</style>"
    >>> [(s.tag, sorted(s.classes), sorted(s.ids)) for s in hidden_selectors(css)]
    [(None, ['x'], []), (None, [], ['ad']), ('p', ['note'], [])]
    """
    if "<style" not in page.lower():
        return []
    reader = _StyleSheets()
    reader.feed(page)
    reader.close()
    found: list[_Selector] = []
    for sheet in reader.sheets:
        for selectors, declarations in css_rules(sheet):
            if not style_hides(declarations):
                continue
            for selector in selectors.split(","):
                simple = _CSS_SIMPLE.fullmatch(selector.strip())
                if simple is None or not selector.strip():
                    continue
                parts = re.findall(r"([.#])([\w-]+)", simple.group(2))
                found.append(
                    _Selector(
                        tag=simple.group(1).lower() if simple.group(1) else None,
                        classes=frozenset(name for kind, name in parts if kind == "."),
                        ids=frozenset(name for kind, name in parts if kind == "#"),
                    )
                )
    return found


class _HTMLText(HTMLParser):
    """The text of an HTML page a reader sees: no markup, scripts or styles, nor what
    the page hides (``hidden``, ``aria-hidden="true"``, styles that hide, inline or
    by a style sheet's rule for its element, class or id (:func:`style_hides`),
    templates, SVG drawings with their titles, MathML annotations); blocks as
    paragraphs."""

    #: Elements whose content is never shown as the page's text.
    SKIP = frozenset(
        {
            "script",
            "style",
            "noscript",
            "template",
            "svg",
            "head",
            "iframe",
            "canvas",
            "datalist",
            "annotation",  # a formula's source (TeX) in MathML, not shown
            "annotation-xml",
        }
    )
    #: Elements with no content and no end tag: they hide nothing.
    VOID = frozenset(
        {
            "area",
            "base",
            "br",
            "col",
            "embed",
            "hr",
            "img",
            "input",
            "link",
            "meta",
            "param",
            "source",
            "track",
            "wbr",
        }
    )
    #: Elements a second start tag of their own kind closes (``<li>a<li>b``).
    SELF_CLOSING = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})
    BLOCKS = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "section",
            "article",
            "header",
            "footer",
            "blockquote",
            "pre",
            "table",
            "hr",
            "dd",
            "dt",
        }
    )

    def __init__(self, rules: Iterable[_Selector] = ()) -> None:
        super().__init__(convert_charrefs=True)
        self.rules = tuple(rules)  # what the page's style sheets hide
        self.parts: list[str] = []
        self.title: list[str] = []
        self.hiding: str | None = None  # the element whose content is hidden
        self.depth = 0  # elements of its kind open inside it, itself included
        self.in_title = False

    def hides(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        """Whether an element's attributes, or a style sheet rule for it, hide it
        from readers."""
        classes: set[str] = set()
        id_ = None
        for name, value in attrs:
            if name == "hidden":
                return True
            if name == "aria-hidden" and (value or "").strip().lower() == "true":
                return True
            if name == "style" and value and style_hides(value):
                return True
            if name == "class" and value:
                classes.update(value.split())
            if name == "id" and value:
                id_ = value.strip()
        # a sheet hiding <html> or <body> until a script shows it is a guard against
        # framing, not text hidden from readers
        if tag in ("html", "body"):
            return False
        return any(rule.matches(tag, classes, id_) for rule in self.rules)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.hiding is not None:
            if tag == "body" and self.hiding == "head":  # </head> may be left out
                self.hiding = None
            elif tag == self.hiding and tag not in self.VOID:
                if tag in self.SELF_CLOSING and self.depth == 1:
                    self.hiding = None  # it closes the hidden one: this one is shown
                else:
                    self.depth += 1
                    return
            elif tag == "title" and self.hiding == "head":
                self.in_title = True
                return
            else:
                return
        if tag == "title":  # the page's title, or one in the body: not an SVG's
            self.in_title = True
        elif tag not in self.VOID and (tag in self.SKIP or self.hides(tag, attrs)):
            self.hiding, self.depth = tag, 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if self.hiding is not None:
            if tag == "title":
                self.in_title = False
            if tag == self.hiding:
                self.depth -= 1
                if not self.depth:
                    self.hiding = None
            return
        if tag == "title":
            self.in_title = False
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif self.hiding is None:
            self.parts.append(data)

    def text(self) -> str:
        paragraphs = re.split(r"\n\s*\n", "".join(self.parts))
        kept = (" ".join(p.split()) for p in paragraphs)
        return "\n\n".join(p for p in kept if p)


def html_article(text: str, key: str, source: str) -> Article:
    """An article from an HTML page: its visible text, and its <title> as the title.

    >>> a = html_article("<title>Deal</title><p>OpenAI &amp; Disney</p><script>x()</script>",
    ...                  "p", "p.html")
    >>> a.title, a.text
    ('Deal', 'OpenAI & Disney')
    """
    parser = _HTMLText(hidden_selectors(text))
    parser.feed(text)
    parser.close()
    body = parser.text()
    if not body.strip():
        raise InputError(f"{source} has no text outside its markup")
    title = " ".join("".join(parser.title).split()) or None
    return Article(key=key, text=body, source=source, title=title)


def parse_article(
    text: str, key: str, source: str, key_of: Callable[[Article], str] | None = None
) -> Article:
    """An :class:`Article` from decoded text, reading front matter if present.
    ``key`` is its key unless the front matter gives an ``id``; ``key_of``, if
    given, makes the key of an article without one from the article itself."""
    meta: dict[str, str] = {}
    body_start = 0
    match = _FRONT.match(text)
    if match:
        for line in match.group(1).splitlines():
            name, sep, value = line.partition(":")
            if sep and name.strip():
                meta[name.strip().lower()] = value.strip().strip('"')
        body_start = match.end()
    date = meta.get("date")
    if date is not None:
        check_date(date, f"{source}: front-matter")
    if not text[body_start:].strip():
        raise InputError(f"{source} has front matter but no text")
    article = Article(
        key=meta.get("id") or key,
        text=text,
        source=source,
        body_start=body_start,
        title=meta.get("title"),
        date=date,
        url=meta.get("url"),
    )
    if key_of is not None and not meta.get("id"):
        article = dataclasses.replace(article, key=key_of(article))
    return article


def read_article(
    path: str | Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    key_of: Callable[[Article], str] | None = None,
) -> Article:
    """Read one article file (``key_of``: as :func:`parse_article`'s).

    Raises:
        InputError: the file is missing, too large, binary, not UTF-8 or empty.
    """
    path = Path(path)
    with _input_errors(path):
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path} is {size:,} bytes; kg reads articles up to {max_bytes:,} bytes"
            )
        data = path.read_bytes()
    text = decode(data, str(path))
    if path.suffix.lower() in HTML_SUFFIXES:
        article = html_article(text, key=path.stem, source=str(path))
        return article if key_of is None else dataclasses.replace(article, key=key_of(article))
    return parse_article(text, key=path.stem, source=str(path), key_of=key_of)


def _field(item: dict[str, object], name: str, where: str) -> str | None:
    """A string field of a JSON line, its control characters (JSON may escape them:
    ``\\u0000``) made spaces, as in text files."""
    value = item.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: {name!r} must be a string")
    return _CONTROL.sub(" ", value)


def iter_jsonl_text(
    text: str, source: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article]:
    """The articles of JSON Lines text; blank lines are skipped."""
    lines = enumerate(text.split("\n"), start=1)
    return _jsonl_articles(((n, _CONTROL.sub(" ", line)) for n, line in lines), source, max_bytes)


def _jsonl_articles(
    lines: Iterable[tuple[int, str]],
    source: str,
    max_bytes: int,
    key_of: Callable[[Article], str] | None = None,
) -> Iterator[Article]:
    """Articles from numbered JSON Lines (only "\\n" ends a line: JSON strings may hold
    other line separators, such as U+2028)."""
    stem = Path(source).stem
    for n, line in lines:
        if not line.strip():
            continue
        where = f"{source} line {n}"
        if len(line.encode("utf-8")) > max_bytes:
            raise InputError(f"{where} is over {max_bytes:,} bytes; kg reads articles up to that")
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg})") from exc
        except RecursionError as exc:
            raise InputError(f"{where}: JSON nested too deeply to read") from exc
        if not isinstance(item, dict):
            raise InputError(f"{where}: expected a JSON object with a 'text'")
        body = _field(item, "text", where)
        if body is None or not body.strip():
            raise InputError(f"{where}: no 'text'")
        date = _field(item, "date", where)
        if date is not None:
            check_date(date, where)
        given = _field(item, "id", where)
        article = Article(
            key=given or f"{stem}-{n}",
            text=body,
            source=where,
            body_start=0,
            title=_field(item, "title", where),
            date=date,
            url=_field(item, "url", where),
        )
        if key_of is not None and not given:
            article = dataclasses.replace(article, key=key_of(article))
        yield article


def read_jsonl(
    path: str | Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    key_of: Callable[[Article], str] | None = None,
) -> Iterator[Article]:
    """The articles of a JSON Lines file, one per non-blank line, read a line at a
    time: a corpus file of any size is never held in memory. A line without an
    ``id`` is keyed by the file's name and line number, or by ``key_of``."""
    path = Path(path)
    with _input_errors(path):
        handle = path.open("rb")
    with handle:
        _refuse_non_text(handle.read(8192), str(path))
        handle.seek(0)
        found = False
        lines = _text_lines(handle, path, max_bytes)
        for article in _jsonl_articles(lines, str(path), max_bytes, key_of):
            found = True
            yield article
    if not found:
        raise InputError(f"{path} is empty")


def _text_lines(handle: BinaryIO, path: Path, max_bytes: int) -> Iterator[tuple[int, str]]:
    """Numbered lines of a UTF-8 file, control characters as spaces (as :func:`decode`)."""
    n = 0
    while raw := handle.readline(max_bytes + 2):  # a line over the limit is not read whole
        n += 1
        if len(raw.rstrip(b"\r\n")) > max_bytes:
            raise InputError(
                f"{path} line {n} is over {max_bytes:,} bytes; kg reads articles up to that"
            )
        try:
            line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path} line {n} is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column "
                f"{exc.start}); convert it to UTF-8 first"
            ) from exc
        yield n, _CONTROL.sub(" ", line.rstrip("\r\n"))


#: The input path that means standard input.
STDIN = "-"
#: How an HTML page starts, after a byte order mark, white space, an XML declaration
#: (XHTML) and comments: a doctype, or the <html>, <head>, <body>, <title> or <meta>
#: element (``<html lang="en">``), in any case. Text that merely mentions a tag further
#: on, or Markdown that starts with an inline <div>, is not a page.
_HTML_START = re.compile(
    rb"(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|body|title|meta)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)


def piped_key(article: Article) -> str:
    """The key of an article read from standard input that names none (no ``id``):
    a slug of its title and the start of the SHA-256 of its text, else
    :func:`text_key`. Piped articles have no file name to be keyed by; one fixed
    key, or a title alone (a daily brief has the same title every day), would make
    each replace the one before. Keyed by its text, the same article piped again is
    the same article (a re-run skips it) and two texts never replace each other;
    the title part keeps the key readable.

    >>> piped_key(Article(key="-", text="Sora.", source="-", title="OpenAI  courts Hollywood!"))
    'openai-courts-hollywood-f11f5caa5576'
    >>> piped_key(Article(key="-", text="Sora.", source="-", title="Zürich"))
    'zurich-f11f5caa5576'
    >>> piped_key(Article(key="-", text="Sora.", source="-"))
    'stdin-f11f5caa5576'
    """
    folded = unicodedata.normalize("NFKD", article.title or "").encode("ascii", "ignore")
    slug = _SLUG.sub("-", folded.decode().lower()).strip("-")[:_SLUG_CHARS].rstrip("-")
    if not slug:
        return text_key(article)
    return f"{slug}-{_text_digest(article)}"


def text_key(article: Article) -> str:
    """``stdin-`` and the start of the SHA-256 of an article's text: the key of a
    JSON line piped in without an ``id``, and of a piped article without a title
    (titles repeat in a corpus; texts seldom do, and two lines of one text are
    refused as one article given twice)."""
    return f"stdin-{_text_digest(article)}"


def _text_digest(article: Article) -> str:
    """The first 12 hex digits of the SHA-256 of an article's text (front matter not
    included: it is not what the graph is built from)."""
    return hashlib.sha256(article.body.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def spool_stdin(
    directory: str | Path,
    stream: BinaryIO | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_total: int = DEFAULT_MAX_STDIN_BYTES,
) -> Path:
    """Copy standard input into a file in ``directory``, so that it can be read twice
    (kg checks every article before it builds any): ``stdin.jsonl`` if it starts
    like JSON Lines (``{``), ``stdin.html`` if it starts as an HTML page does
    (``curl -s URL | kg build -``: read as an ``.html`` file is), else ``stdin.txt``.
    Its articles are keyed by :func:`piped_key` (JSON Lines lines without an ``id``:
    by :func:`text_key`).

    The limits are checked as it is read, so endless input never fills the disk: an
    article (a text, or a JSON line) over ``max_bytes``, and JSON Lines over
    ``max_total`` in all, stop the copy with an :class:`InputError`.
    """
    source = stream if stream is not None else sys.stdin.buffer
    head = source.read(8192)
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    jsonl = start.startswith(b"{")
    suffix = ".jsonl" if jsonl else ".html" if _HTML_START.match(start) else ".txt"
    path = Path(directory) / f"stdin{suffix}"
    with path.open("wb") as out:
        if jsonl:
            copy_lines_limited(source, out, head, max_bytes, max_total, "<stdin>")
        else:
            if len(head) > max_bytes:
                raise InputError(
                    f"<stdin> is over {max_bytes:,} bytes; kg reads articles up to "
                    f"{max_bytes:,} bytes (--max-bytes)"
                )
            out.write(head)
            copy_limited(source, out, max_bytes - len(head), "<stdin>", max_bytes)
    return path


def iter_articles(
    paths: Iterable[str | Path],
    max_bytes: int = DEFAULT_MAX_BYTES,
    names: dict[Path, str] | None = None,
    stdin_id: str | None = None,
) -> Iterator[Article]:
    """Every article of the inputs, one at a time: text files, directories, globs, .jsonl.
    ``names`` gives files a name to show in messages: standard input's spool file,
    whose articles are keyed by :func:`piped_key` (:func:`text_key` for JSON Lines),
    or by ``stdin_id`` (``--id``)."""
    for path in expand_inputs(paths):
        shown = (names or {}).get(path)
        if shown is None:
            yield from _articles_of(path, max_bytes)
            continue
        try:
            jsonl = path.suffix.lower() in JSONL_SUFFIXES
            for article in _articles_of(path, max_bytes, text_key if jsonl else piped_key):
                if stdin_id is not None:
                    article = dataclasses.replace(article, key=stdin_id)
                yield dataclasses.replace(
                    article, source=article.source.replace(str(path), shown, 1)
                )
        except InputError as exc:
            raise InputError(str(exc).replace(str(path), shown)) from exc


def _articles_of(
    path: Path, max_bytes: int, key_of: Callable[[Article], str] | None = None
) -> Iterator[Article]:
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from map(check_article, read_jsonl(path, max_bytes, key_of))
    else:
        yield check_article(read_article(path, max_bytes, key_of))


def read_articles(
    paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article]:
    """Every article of the inputs (:func:`iter_articles`)."""
    return iter_articles(paths, max_bytes)
