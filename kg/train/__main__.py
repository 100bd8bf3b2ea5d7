"""``python -m kg.train NAME [options]``: run one model's trainer (see :mod:`kg.train`)."""

from __future__ import annotations

import importlib
import sys

from kg.train import models


def main(argv: list[str]) -> int:
    names = models()
    known = ", ".join(names) or "none yet"
    if not argv or argv[0] in {"-h", "--help"}:
        print(f"usage: python -m kg.train NAME [options]   (NAME: {known})")
        return 0 if argv else 64
    name, rest = argv[0], argv[1:]
    if name not in names:
        print(f"kg.train: unknown model {name!r}; known: {known}", file=sys.stderr)
        return 64
    module = importlib.import_module(f"kg.train.{name}")
    return int(module.main(rest) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
