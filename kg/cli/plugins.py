"""``kg plugins``: the registered rules and stores."""

from __future__ import annotations

import argparse
from typing import Any

from kg.cli.common import Parents, emit


def cmd_plugins(args: argparse.Namespace) -> int:
    import kg.extract
    import kg.store.backends  # noqa: F401  (registers the built-in stores)
    from kg.registry import REGISTRIES
    from kg.store import stores

    rows = []
    for kind, registry in (*REGISTRIES.items(), ("stores", stores)):
        for name, factory in sorted(registry.get_all().items()):
            doc = (factory.__doc__ or "").strip().splitlines()
            rows.append([kind, name, f"{factory.__module__}", doc[0] if doc else ""])
    print(emit(["registry", "name", "module", "what"], rows, args.format))
    return 0


def add(sub: Any, p: Parents) -> None:
    """Add the command to the ``kg`` parser's subcommands."""
    plugins = sub.add_parser(
        "plugins",
        parents=[p.common],
        help="list the registered rules and stores",
        description="List every registered mention, type and relation rule and store backend, "
        "kg's own and those that installed packages register through the entry-point groups "
        "kg_mention_rules, kg_type_rules, kg_relation_rules and kg_stores (none of theirs "
        "with KG_NO_PLUGINS=1 in the environment).",
    )
    plugins.add_argument("--format", choices=("table", "csv", "json"), default="table")
    plugins.set_defaults(func=cmd_plugins)
