"""Training kg's learned parts: one module per model, one command for all.

    pip install -e ".[train]"
    python -m kg.train NAME [options]      # NAME: a module of this package

Each module here (``kg.train.<name>``) has a ``main(argv)`` that reads the
annotated sets in ``../shared/data`` through the same readers ``kg eval`` uses
(:mod:`kg.gum`, :mod:`kg.docred`, :mod:`kg.knowledgenet`), fits on the **train**
split with a fixed seed, chooses thresholds on the **dev** split, prints the
figures of every split it read with the split named, and writes its artefact
(JSON weights and a model card: data sets, licences, split, date, figures) under
``kg/data/models/``. The same data and options write the same bytes.
"""

from __future__ import annotations

import pkgutil

__all__ = ["models"]


def models() -> list[str]:
    """The names ``python -m kg.train`` accepts: the modules of this package."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
