"""Interactive HTML views of the graph, made with pyvis, that work offline.

Everything the page needs is inlined (no CDN). Each class has its colour and
shape, shown in a legend; edges carry their property as label; hovering a node
or an edge shows its class, confidence and evidence sentences.

Tooltips are text under every condition. pyvis never sees a ``title``: it
switches to a popup of its own that sets ``innerHTML`` as soon as any title
holds the substring "href". Each node and edge carries its tooltip as
``kgTitle`` instead, and a script of kg's (:data:`TOOLTIPS`) turns it into a
``<div>`` whose ``textContent`` is the text, which vis-network shows as it is.
pyvis embeds the data as escaped JSON, so no label or sentence can end a
script element either.

Big graphs stay usable: above ``physics_limit`` nodes the layout is computed
in Python and physics is off; above ``max_nodes`` only the most central nodes
are drawn and the page says what was left out.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from dataclasses import dataclass
from typing import Any

import networkx as nx
from pyvis.network import Network

from kg.analysis import centrality, communities, core_numbers, find_node

__all__ = ["STYLES", "ViewOptions", "render", "style"]

#: Colour and vis-network shape per class.
STYLES: dict[str, tuple[str, str]] = {
    "Person": ("#4e79a7", "dot"),
    "Organization": ("#f28e2b", "square"),
    "Company": ("#e15759", "square"),
    "NewsOrganization": ("#b07aa1", "square"),
    "Product": ("#59a14f", "diamond"),
    "Event": ("#edc948", "star"),
    "Place": ("#76b7b2", "triangle"),
}
#: Colours for classes an extension adds, each class always the same one.
EXTRA_COLOURS = ("#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#8cd17d", "#b6992d", "#499894")


def style(cls: str) -> tuple[str, str]:
    """Colour and shape of a class: kg's own, or a stable pick for an extension's class.

    >>> style("Person")
    ('#4e79a7', 'dot')
    >>> style("LaborUnion") == style("LaborUnion") != style("Person")
    True
    """
    if cls in STYLES:
        return STYLES[cls]
    digest = int(hashlib.sha1(cls.encode()).hexdigest(), 16)
    return EXTRA_COLOURS[digest % len(EXTRA_COLOURS)], "hexagon"


EVIDENCE_SHOWN = 3
#: Turns each ``kgTitle`` into a tooltip element holding it as text (never markup).
TOOLTIPS = """<script>
(function () {
  function tip(text) {
    var box = document.createElement("div");
    box.className = "kg-tip";
    box.textContent = text;
    return box;
  }
  [nodes, edges].forEach(function (items) {
    items.update(items.get({filter: function (item) { return item.kgTitle !== undefined; }})
      .map(function (item) { return {id: item.id, title: tip(item.kgTitle)}; }));
  });
})();
</script>"""


@dataclass(frozen=True)
class ViewOptions:
    """What to draw. ``focus``/``depth``: an ego view; ``community``: one Louvain
    community (0 is the largest); ``min_degree`` and ``k_core`` filter nodes."""

    title: str = "kg: knowledge graph"
    focus: str | None = None
    depth: int = 1
    community: int | None = None
    min_degree: int = 0
    k_core: int = 0
    max_nodes: int = 5000
    physics_limit: int = 300


def _select(graph: nx.MultiDiGraph, options: ViewOptions) -> tuple[nx.MultiDiGraph, list[str]]:
    notes = []
    nodes = set(graph)
    if options.focus:
        center = find_node(graph, options.focus)
        ego = nx.ego_graph(graph.to_undirected(as_view=True), center, radius=options.depth)
        nodes &= set(ego)
        notes.append(f"Entities within {options.depth} step(s) of {graph.nodes[center]['label']}.")
    if options.community is not None:
        found = communities(graph)
        if not 0 <= options.community < len(found):
            from kg.errors import UsageError

            raise UsageError(
                f"--community {options.community}: the graph has communities 0 to {len(found) - 1}"
            )
        nodes &= found[options.community]
        notes.append(f"Community {options.community} of {len(found)} (Louvain).")
    if options.min_degree:
        nodes = {n for n in nodes if graph.degree(n) >= options.min_degree}
        notes.append(f"Entities in at least {options.min_degree} facts.")
    if options.k_core:
        cores = core_numbers(graph)
        nodes = {n for n in nodes if cores.get(n, 0) >= options.k_core}
        notes.append(f"The {options.k_core}-core.")
    return graph.subgraph(nodes).copy(), notes


def _node_title(data: dict[str, Any], scores: dict[str, float]) -> str:
    return (
        f"{data['label']}\n{data['cls']}\n{data['iri']}\n"
        f"facts: {scores['degree']}   PageRank: {scores['pagerank']:.4f}"
    )


def _edge_title(graph: nx.MultiDiGraph, s: str, o: str, data: dict[str, Any]) -> str:
    lines = [
        f"{graph.nodes[s]['label']} {data['property']} {graph.nodes[o]['label']}",
        f"confidence {data.get('confidence', 0):.2f}",
    ]
    evidence = data.get("evidence", [])
    for item in evidence[:EVIDENCE_SHOWN]:
        lines.append(f"\u201c{item['sentence']}\u201d \u2014 {item['article']}")
    if len(evidence) > EVIDENCE_SHOWN:
        lines.append(f"and {len(evidence) - EVIDENCE_SHOWN} more sentences")
    return "\n".join(lines)


def community_layout(graph: nx.MultiDiGraph, spacing: float = 60.0) -> dict[str, Any]:
    """Positions for a big graph in seconds: each Louvain community is laid out on
    its own (spring layout when small, a circle when large) and the communities
    are set side by side in a grid, largest first. A global force layout takes
    minutes at 5,000 nodes."""
    simple = nx.Graph(graph.to_undirected())
    positions: dict[str, Any] = {}
    groups = communities(graph)
    columns = max(1, math.ceil(math.sqrt(len(groups))))
    cell = spacing * 2 * math.sqrt(max(len(g) for g in groups))
    for index, group in enumerate(groups):
        radius = spacing * math.sqrt(len(group))
        sub = simple.subgraph(group)
        if len(group) == 1:
            local = {next(iter(group)): (0.0, 0.0)}
        elif len(group) <= 150:
            local = nx.spring_layout(sub, seed=7, iterations=50, scale=radius)
        else:
            local = nx.circular_layout(sub, scale=radius)
        cx, cy = (index % columns) * cell, (index // columns) * cell
        for node, (x, y) in local.items():
            positions[node] = (cx + float(x), cy + float(y))
    return positions


def render(graph: nx.MultiDiGraph, options: ViewOptions | None = None) -> str:
    """The HTML page of ``graph`` (see :func:`kg.analysis.to_networkx`)."""
    options = options or ViewOptions()
    view, notes = _select(graph, options)
    total = view.number_of_nodes()
    scores = centrality(view, betweenness=False)
    if total > options.max_nodes:
        keep = sorted(view, key=lambda n: (-scores[n]["pagerank"], n))[: options.max_nodes]
        view = view.subgraph(keep).copy()
        notes.append(
            f"Showing the {options.max_nodes:,} most central of {total:,} entities; "
            f"{total - options.max_nodes:,} left out. Narrow the view with --focus, "
            "--community or --min-degree to see them."
        )
    big = view.number_of_nodes() > options.physics_limit
    positions: dict[str, Any] = {}
    if big:
        positions = community_layout(view)
        notes.append(
            "Layout computed in advance, one cluster per community; physics is off so the "
            "page stays responsive."
        )
    top = max((scores[n]["pagerank"] for n in view), default=1.0) or 1.0

    net = Network(height="85vh", width="100%", directed=True, cdn_resources="in_line", heading="")
    for node, data in sorted(view.nodes(data=True)):
        colour, shape = style(data["cls"])
        extra: dict[str, Any] = {}
        if big:
            x, y = positions[node]
            extra = {"x": float(x), "y": float(y), "physics": False}
        net.add_node(
            node,
            label=data["label"],
            kgTitle=_node_title(data, scores[node]),
            color=colour,
            shape=shape,
            size=10 + 30 * math.sqrt(scores[node]["pagerank"] / top),
            **extra,
        )
    seen_pairs: dict[frozenset[str], int] = {}
    for s, o, _key, data in sorted(view.edges(keys=True, data=True)):
        # a second fact between the same two entities curves away from the first
        nth = seen_pairs.get(frozenset((s, o)), 0)
        seen_pairs[frozenset((s, o))] = nth + 1
        curve = (
            {"smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.2 * nth}} if nth else {}
        )
        net.add_edge(
            s,
            o,
            label=data["property"],
            kgTitle=_edge_title(view, s, o, data),
            width=1 + 2 * data.get("confidence", 0),
            **curve,
        )
    net.set_options(
        json.dumps(
            {
                "physics": {
                    "enabled": not big,
                    "stabilization": {"iterations": 150},
                    "barnesHut": {
                        "gravitationalConstant": -2500,
                        "centralGravity": 0.4,
                        "springLength": 120,
                    },
                },
                "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big},
                "edges": {
                    "smooth": False,
                    "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                    "font": {"size": 12, "align": "middle", "color": "#444"},
                },
                "nodes": {"font": {"size": 16}},
            }
        )
    )
    page = net.generate_html()
    return _finish(page, view, options.title, notes)


_CDN = re.compile(r"<(link|script)\b[^>]*\bhttps?://[^>]*>(\s*</script>)?", re.IGNORECASE)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>", re.IGNORECASE)


def _finish(page: str, view: nx.MultiDiGraph, title: str, notes: list[str]) -> str:
    """Make the page self-contained and add a title, notes and a legend."""
    page = _CDN.sub("", page)  # pyvis's template links Bootstrap from a CDN; kg needs none
    page = _EMPTY_HEADING.sub("", page)
    present = sorted(
        {d["cls"] for _, d in view.nodes(data=True)},
        key=lambda c: list(STYLES).index(c) if c in STYLES else len(STYLES),
    )
    swatch = '<span class="kg-key"><span class="kg-swatch" style="background:{}"></span>{}</span>'
    legend = "".join(swatch.format(style(c)[0], html.escape(c)) for c in present)
    counts = (
        f"{view.number_of_nodes():,} entities, {view.number_of_edges():,} facts. "
        "Hover a node or an edge for its evidence; drag to move, scroll to zoom."
    )
    header = (
        '<div id="kg-header" style="font-family:sans-serif;padding:8px 12px">'
        f'<h2 style="margin:4px 0">{html.escape(title)}</h2>'
        f'<div id="kg-counts">{html.escape(counts)}</div>'
        + "".join(f'<div class="kg-note">{html.escape(n)}</div>' for n in notes)
        + f'<div id="kg-legend" style="margin-top:6px">{legend}</div></div>'
        "<style>.kg-key{margin-right:14px;white-space:nowrap}"
        ".kg-swatch{display:inline-block;width:12px;height:12px;margin-right:4px;"
        "vertical-align:middle;border-radius:2px}"
        ".kg-note{color:#555;font-size:90%}"
        "div.vis-tooltip{white-space:pre-wrap;max-width:480px;font-family:sans-serif}</style>"
    )
    page = page.replace("<body>", "<body>" + header, 1)
    page = _replace_last(page, "</body>", TOOLTIPS + "\n</body>")
    return page.replace("<html>", f'<html lang="en"><title>{html.escape(title)}</title>', 1)


def _replace_last(page: str, old: str, new: str) -> str:
    head, found, tail = page.rpartition(old)
    if not found:  # pragma: no cover - pyvis's template always ends the body
        raise RuntimeError(f"the page has no {old}")
    return head + new + tail
