"""Reading articles: files and directories of UTF-8 text, with optional front matter.

An article may start with a front-matter block::

    ---
    title: OpenAI courts Hollywood
    date: 2024-03-22
    url: https://example.org/news/sora
    ---

Offsets kg records are character offsets into the decoded file text, front
matter included, so they point at the same characters a user sees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.types import Article

#: Articles larger than this are refused; news articles are a few kilobytes.
DEFAULT_MAX_BYTES = 5_000_000
TEXT_SUFFIXES = (".txt", ".md", ".text")
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, plus the text files inside directories named (sorted, recursive)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
            )
            if not inside:
                raise InputError(
                    f"no article files ({', '.join(TEXT_SUFFIXES)}) in directory {path}"
                )
            found.extend(inside)
        elif path.exists() and not path.is_file():
            raise InputError(f"not a regular file: {path}")
        elif not path.exists():
            raise InputError(f"no such file or directory: {path}")
        else:
            found.append(path)
    return found


def decode(data: bytes, name: str) -> str:
    """Decode article bytes as UTF-8, refusing binary data with a clear message."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{name} looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 first"
        ) from exc
    if not text.strip():
        raise InputError(f"{name} is empty")
    return text


def parse_article(text: str, key: str, source: str) -> Article:
    """An :class:`Article` from decoded text, reading front matter if present."""
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
    if date is not None and not _DATE.match(date):
        raise InputError(f"{source}: front-matter date {date!r} is not YYYY-MM-DD")
    if not text[body_start:].strip():
        raise InputError(f"{source} has front matter but no text")
    return Article(
        key=meta.get("id") or key,
        text=text,
        source=source,
        body_start=body_start,
        title=meta.get("title"),
        date=date,
        url=meta.get("url"),
    )


def read_article(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read one article file.

    Raises:
        InputError: the file is missing, too large, binary, not UTF-8 or empty.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path} is {size:,} bytes; kg reads articles up to {max_bytes:,} bytes"
            )
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"no such file: {path}") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path} is a directory") from exc
    except PermissionError as exc:
        raise InputError(f"permission denied: {path}") from exc
    return parse_article(decode(data, str(path)), key=path.stem, source=str(path))


def read_articles(
    paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article]:
    for path in expand_inputs(paths):
        yield read_article(path, max_bytes)
