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

The layout is computed in Python, so the page opens still and the same graph
always looks the same: entities with facts first, spread so that no node or
node label covers another's or an edge's label (:func:`label_layout`; above
``physics_limit`` nodes, one cluster per community instead), and entities
without facts in a band of their own at the side, which a checkbox hides; the
page opens fitted to the entities with facts. The legend shows each class's
colour and shape, and a click on it hides or shows the class; the view is then
fitted to what stays shown. A search box finds an entity by name and centres it
at a zoom where labels read at their own size. In big views only the most
central labels that fit, covering no other label and no node, are drawn at each
zoom level, at a size that stays readable; the rest show on hover. Above ``max_nodes`` only the
most central nodes are drawn and the page says what was left out.
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

__all__ = ["STYLES", "ViewOptions", "articles_graph", "render", "style"]

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
#: The legend's glyph for each vis-network shape.
GLYPHS = {
    "dot": "\u25cf",
    "square": "\u25a0",
    "diamond": "\u25c6",
    "star": "\u2605",
    "triangle": "\u25b2",
    "hexagon": "\u2b22",
}
#: Colours for classes an extension adds, each class always the same one.
EXTRA_COLOURS = ("#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#8cd17d", "#b6992d", "#499894")


#: Articles in the articles view (``kg view --articles``): grey, a shape no class has.
ARTICLE = "NewsArticle"
ARTICLE_STYLE = ("#79706e", "hexagon")


def style(cls: str) -> tuple[str, str]:
    """Colour and shape of a class: kg's own, or a stable pick for an extension's class.

    >>> style("Person")
    ('#4e79a7', 'dot')
    >>> style("LaborUnion") == style("LaborUnion") != style("Person")
    True
    """
    if cls in STYLES:
        return STYLES[cls]
    if cls == ARTICLE:
        return ARTICLE_STYLE
    digest = int(hashlib.sha1(cls.encode()).hexdigest(), 16)
    return EXTRA_COLOURS[digest % len(EXTRA_COLOURS)], "hexagon"


EVIDENCE_SHOWN = 3
#: How vis-network's tooltip box shows kg's text tooltips.
TOOLTIP_STYLE = "div.vis-tooltip{white-space:pre-wrap;max-width:480px;font-family:sans-serif}"
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


#: The page's controls: the legend hides and shows classes, the checkbox the entities
#: without facts, and the view is fitted again to what stays shown; the search box
#: centres an entity at a zoom where labels read at their own size; in a big view
#: (KG_BIG), only the most central labels that fit and cover no node are drawn at
#: each zoom level, at a readable size.
CONTROLS = """<script>
(function () {
  var hiddenClasses = {};
  var looseBox = document.getElementById("kg-loose");
  function shown(node) {
    return !hiddenClasses[node.kgClass] && (!node.kgLoose || !looseBox || looseBox.checked);
  }
  function refresh() {
    nodes.update(nodes.get().map(function (n) { return {id: n.id, hidden: !shown(n)}; }));
    if (KG_BIG) { declutter(); }
  }
  // what is hidden leaves no empty room: the view is fitted to what stays shown
  function refit() {
    var ids = nodes.getIds({filter: function (n) { return !n.hidden; }});
    if (ids.length) { network.fit({nodes: ids, animation: {duration: 300}}); }
  }
  document.querySelectorAll(".kg-key").forEach(function (key) {
    function toggle() {
      var cls = key.getAttribute("data-cls");
      hiddenClasses[cls] = !hiddenClasses[cls];
      key.classList.toggle("kg-off", hiddenClasses[cls]);
      refresh();
      refit();
    }
    key.addEventListener("click", toggle);
    key.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { toggle(); }
    });
  });
  if (looseBox) { looseBox.addEventListener("change", function () { refresh(); refit(); }); }
  var search = document.getElementById("kg-search");
  search.addEventListener("change", function () {
    var wanted = search.value.trim().toLowerCase();
    if (!wanted) { return; }
    var all = nodes.get();
    var found = all.find(function (n) { return n.kgLabel.toLowerCase() === wanted; }) ||
      all.find(function (n) { return n.kgLabel.toLowerCase().indexOf(wanted) >= 0; });
    if (!found) {
      search.setCustomValidity("no entity of that name");
      search.reportValidity();
      return;
    }
    search.setCustomValidity("");
    if (!shown(found)) {
      delete hiddenClasses[found.kgClass];
      document.querySelectorAll(".kg-key").forEach(function (k) {
        if (k.getAttribute("data-cls") === found.kgClass) { k.classList.remove("kg-off"); }
      });
      if (found.kgLoose && looseBox) { looseBox.checked = true; }
      refresh();
    }
    network.selectNodes([found.id]);
    // at scale 1 labels show at the size they were laid out for, whatever the zoom
    // was before; a big view sizes its labels again once the move ends, and is
    // zoomed in until the label found (13 px) covers no other node
    network.focus(found.id, {scale: KG_BIG ? clearScale(found) : 1.0, locked: false,
      animation: {duration: 400}});
  });
  function clearScale(found) {
    var me = network.getPositions([found.id])[found.id];
    var others = nodes.get({filter: function (n) { return !n.hidden && n.id !== found.id; }});
    var at = network.getPositions(others.map(function (n) { return n.id; }));
    var half = (9 * found.kgLabel.length + 12) / 2;
    // where a node sits right under the label, zooming in cannot clear it: scale 1
    for (var scale = 1.0; scale <= 4; scale *= 1.25) {
      var box = [me.x - half / scale, me.y + found.size, me.x + half / scale,
        me.y + found.size + 24 / scale];
      var hit = others.some(function (o) {
        var p = at[o.id];
        return !(box[2] < p.x - o.size || box[0] > p.x + o.size ||
          box[3] < p.y - o.size || box[1] > p.y + o.size);
      });
      if (!hit) { return scale; }
    }
    return 1.0;
  }
  // big views: the most central labels that fit on screen, 13px whatever the zoom
  var labelled = {};
  function declutter() {
    var scale = network.getScale();
    var canvas = document.querySelector("#mynetwork canvas");
    var width = canvas.clientWidth, height = canvas.clientHeight;
    var all = nodes.get({filter: function (n) { return !n.hidden; }});
    // the entity found or clicked first: its label is the one looked for
    var chosen = {};
    network.getSelectedNodes().forEach(function (id) { chosen[id] = true; });
    all.sort(function (a, b) {
      return (chosen[b.id] ? 1 : 0) - (chosen[a.id] ? 1 : 0) || a.kgRank - b.kgRank;
    });
    var positions = network.getPositions(all.map(function (n) { return n.id; }));
    // the shapes of the nodes on screen: no label may cover one but its own (zoomed
    // far out, a node a few pixels wide is a speck a label may cover)
    var shapes = [];
    all.forEach(function (n) {
      var p = network.canvasToDOM(positions[n.id]), r = n.size * scale;
      if (r >= 3 && p.x + r >= 0 && p.x - r <= width && p.y + r >= 0 && p.y - r <= height) {
        shapes.push([p.x - r, p.y - r, p.x + r, p.y + r, n.id]);
      }
    });
    function meets(box, boxes, own) {
      return boxes.some(function (t) {
        var mine = own !== undefined && t[4] === own;
        return !mine && !(box[2] < t[0] || box[0] > t[2] || box[3] < t[1] || box[1] > t[3]);
      });
    }
    var taken = [], want = {};
    for (var i = 0; i < all.length && taken.length < 60; i++) {
      var n = all[i], p = network.canvasToDOM(positions[n.id]);
      var w = 9 * n.kgLabel.length + 12, top = p.y + n.size * scale + 2;
      var box = [p.x - w / 2, top, p.x + w / 2, top + 22];
      if (box[2] < 0 || box[0] > width || box[3] < 0 || box[1] > height) { continue; }
      // the entity found is always named; the others around it make room
      if (chosen[n.id] || (!meets(box, taken) && !meets(box, shapes, n.id))) {
        taken.push(box);
        want[n.id] = true;
      }
    }
    var updates = [];
    nodes.get().forEach(function (n) {
      var size = 13 / scale;
      if (want[n.id] && labelled[n.id] !== size) {
        updates.push({id: n.id, label: n.kgLabel, font: {size: size, background: "GROUND"}});
        labelled[n.id] = size;
      } else if (!want[n.id] && labelled[n.id]) {
        updates.push({id: n.id, label: " ", font: {background: "none"}});
        delete labelled[n.id];
      }
    });
    if (updates.length) { nodes.update(updates); }
    // then by the boxes vis-network drew: a label that still meets a more central
    // one or a node (the estimate above is only an estimate) is taken off
    network.redraw();
    var drawn = all.filter(function (n) { return labelled[n.id]; });
    var kept = [], off = [];
    var bodies = shapes.map(function (t) {
      var node = network.body.nodes[t[4]];
      return [node.x - node.options.size, node.y - node.options.size,
        node.x + node.options.size, node.y + node.options.size, t[4]];
    });
    drawn.forEach(function (n) {
      var s = network.body.nodes[n.id].labelModule.size;
      var box = [s.left, s.top, s.left + s.width, s.top + s.height];
      if (chosen[n.id] || (!meets(box, kept) && !meets(box, bodies, n.id))) {
        kept.push(box);
      } else {
        off.push({id: n.id, label: " ", font: {background: "none"}});
        delete labelled[n.id];
      }
    });
    if (off.length) { nodes.update(off); }
  }
  if (KG_BIG) {
    var timer = null;
    function later() { clearTimeout(timer); timer = setTimeout(declutter, 120); }
    network.on("zoom", later);
    network.on("dragEnd", later);
    network.on("select", later);
    // focus and fit move the view without a zoom event
    network.on("animationFinished", later);
    setTimeout(declutter, 0);
  }
  window.kgDeclutter = declutter;
  // the page opens on the entities with facts: the band of those without would
  // otherwise take most of the width (the checkbox and a zoom out show it whole)
  var firm = nodes.getIds({filter: function (n) { return !n.kgLoose; }});
  if (firm.length && looseBox) { network.fit({nodes: firm}); }
})();
</script>"""


@dataclass(frozen=True)
class ViewOptions:
    """What to draw. ``focus``/``depth``: an ego view; ``community``: one Louvain
    community (0 is the largest); ``min_degree`` and ``k_core`` filter nodes.
    ``articles``: the graph is an :func:`articles_graph`, so ``depth`` steps go
    through articles (1: the articles naming ``focus`` and what they name) and
    ``min_degree`` counts the articles naming an entity."""

    title: str = "kg: knowledge graph"
    focus: str | None = None
    depth: int = 1
    community: int | None = None
    min_degree: int = 0
    k_core: int = 0
    max_nodes: int = 5000
    physics_limit: int = 300
    articles: bool = False


#: Who appears with whom: the articles and the entities each names
#: (``kg:mentions``), and how often (its ``kg:Mention`` nodes).
ARTICLES = """PREFIX kg: <https://kg.example.org/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?article ?title WHERE {
  ?article a kg:NewsArticle . OPTIONAL { ?article rdfs:label ?title }
}"""
NAMES = """PREFIX kg: <https://kg.example.org/ontology#>
SELECT ?article ?e WHERE { ?article kg:mentions ?e }"""
TIMES = """PREFIX kg: <https://kg.example.org/ontology#>
SELECT ?m ?e ?article WHERE { ?m kg:denotes ?e ; kg:inArticle ?article }"""
#: How many co-mentioned entities a tooltip lists.
WITH_SHOWN = 8


def articles_graph(store: Any) -> nx.MultiDiGraph:
    """Who appears with whom: the entities of ``store`` (as :func:`kg.analysis.to_networkx`
    gives them) and its articles as nodes (``cls`` ``"NewsArticle"``), an edge from each
    entity to each article that names it (``times``: how many of its mentions do).

    Entities named in one article are two steps apart, through it. Each node's
    ``tip`` says, for an entity, the entities it is named with most and in how
    many articles; for an article, the entities it names most.

    Raises:
        UsageError: when no article of the graph names any of its entities.
    """
    from collections import Counter

    from networkx.algorithms import bipartite

    from kg.analysis import to_networkx

    entities = to_networkx(store)
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    graph.add_nodes_from(entities.nodes(data=True))
    titles = {str(a): str(t) if t is not None else str(a) for a, t in store.query(ARTICLES).rows}
    times = Counter((str(a), str(e)) for _m, e, a in store.query(TIMES).rows)
    pairs = {(str(a), str(e)) for a, e in store.query(NAMES).rows} | set(times)
    pairs = {(a, e) for a, e in pairs if e in entities and a not in entities}
    if not pairs:
        from kg.errors import UsageError

        raise UsageError(
            f"--articles: the graph names none of its {entities.number_of_nodes():,} entities "
            "in an article (no kg:mentions); kg build writes them for every article"
        )
    for article in sorted({a for a, _ in pairs}):
        graph.add_node(article, iri=article, label=titles.get(article, article), cls=ARTICLE)
    for article, entity in sorted(pairs):
        graph.add_edge(entity, article, key="mentions", property="", times=times[article, entity])
    # entities named together, weighted by the articles they share (networkx's projection)
    names = nx.Graph(graph.to_undirected(as_view=True).edges())
    named = [n for n in names if graph.nodes[n]["cls"] != ARTICLE]
    together = bipartite.weighted_projected_graph(names, named)
    label = {n: str(d["label"]) for n, d in graph.nodes(data=True)}
    for node, data in graph.nodes(data=True):
        lines = [str(data["label"]), str(data["cls"]), str(data["iri"])]
        if data["cls"] == ARTICLE:
            named_here = sorted(
                graph.predecessors(node), key=lambda e: (-times[node, e], label[e], e)
            )
            lines.append(f"names {len(named_here)} entities; most often:")
            lines += [
                f"  {label[e]} ({times[node, e] or 1}\u00d7)" for e in named_here[:WITH_SHOWN]
            ]
        else:
            articles = graph.out_degree(node)
            lines.append(f"named in {articles} article{'s' * (articles != 1)}")
            lines.append(f"facts: {entities.degree(node)}")
            if node in together and together.degree(node):
                lines.append("named most with (articles in common):")
                best = sorted(
                    together[node].items(), key=lambda kv: (-kv[1]["weight"], label[kv[0]])
                )
                lines += [f"  {label[o]} ({d['weight']})" for o, d in best[:WITH_SHOWN]]
                if len(best) > WITH_SHOWN:
                    lines.append(f"  and {len(best) - WITH_SHOWN} more")
        data["tip"] = "\n".join(lines)
    for entity, article, data in graph.edges(data=True):
        count = data["times"] or 1
        data["tip"] = f"{label[article]}\nnames {label[entity]} {count} time{'s' * (count != 1)}"
    return graph


class _Ids(list[Any]):
    """pyvis's list of node ids, with a set beside it: pyvis asks whether an id is in
    the list for every node and edge it adds, which a list answers in time linear in
    its length (minutes for a big view), a set at once."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[Any] = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def fast_ids(net: Network) -> Network:
    """``net``, made to add each node and edge in constant time (see :class:`_Ids`)."""
    net.node_ids = _Ids()
    return net


def _select(graph: nx.MultiDiGraph, options: ViewOptions) -> tuple[nx.MultiDiGraph, list[str]]:
    notes = []
    nodes = set(graph)
    if options.focus:
        center = find_node(graph, options.focus)
        # in the articles view a step goes through an article: from an entity to those
        # named with it
        radius = options.depth * (2 if options.articles else 1)
        ego = nx.ego_graph(graph.to_undirected(as_view=True), center, radius=radius)
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
    if options.min_degree and options.articles:
        nodes = {
            n
            for n in nodes
            if graph.nodes[n]["cls"] == ARTICLE or graph.out_degree(n) >= options.min_degree
        }
        # an article naming none of the entities kept is an island too
        nodes -= {
            n
            for n in nodes
            if graph.nodes[n]["cls"] == ARTICLE and not nodes & set(graph.predecessors(n))
        }
        notes.append(f"Entities named in at least {options.min_degree} articles.")
    elif options.min_degree:
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


#: Font sizes (canvas pixels) of node and edge labels, and how wide a character is
#: taken to be, as a share of its font size (generous: a box too big only spreads).
NODE_FONT = 16
#: Width over height of the drawing area on a usual screen (the full width, 85% of
#: the height under the header), which a layout is stretched to fill.
PAGE_ASPECT = 1.8
#: The light ground under node labels, so they read over edges.
GROUND = "rgba(255,255,255,0.75)"
EDGE_FONT = 13
CHAR_WIDTH = 0.62


def _node_box(label: str, size: float) -> tuple[float, float, float]:
    """(half width, height above the centre, height below it) of a node with its
    label: vis-network draws the label under these shapes."""
    width = max(2 * size, CHAR_WIDTH * NODE_FONT * len(label)) + 14
    return width / 2, size + 6, size + 8 + NODE_FONT * 1.4


def label_layout(
    graph: nx.MultiDiGraph, sizes: dict[str, float], seed: int = 7, rounds: int = 600
) -> dict[str, tuple[float, float]]:
    """Positions for the entities that have facts, none of whose boxes (the node with
    its label) overlaps another's or an edge's label: a spring layout (seeded, so a
    graph always looks the same), then boxes pushed apart until none overlap."""
    import numpy as np

    nodes = sorted(n for n in graph if graph.degree(n) > 0)
    if not nodes:
        return {}
    index = {n: i for i, n in enumerate(nodes)}
    # nodes and edges in a fixed order: the seeded layout is then the same in every
    # process (a graph read from a store lists them in an order that varies)
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from(
        sorted({tuple(sorted((a, b))) for a, b in graph.subgraph(nodes).edges() if a != b})
    )
    start = nx.spring_layout(simple, seed=seed, iterations=200, scale=90 * math.sqrt(len(nodes)))
    xy = np.array([start[n] for n in nodes], dtype=float)
    boxes = np.array([_node_box(graph.nodes[n]["label"], sizes[n]) for n in nodes])
    half, up, down = boxes[:, 0], boxes[:, 1], boxes[:, 2]
    # each fact's label, where vis-network draws it: at the middle of its edge, or,
    # for the second and later facts between the same two entities, on the curve
    # (curvedCW, roundness 0.2 per fact before it) that the page gives the edge
    links: list[tuple[int, int, float, str]] = []
    nth: dict[frozenset[str], int] = {}
    for s, o, _key, data in sorted(graph.subgraph(nodes).edges(keys=True, data=True)):
        pair = frozenset((s, o))
        nth[pair] = nth.get(pair, -1) + 1
        links.append((index[s], index[o], 0.2 * nth[pair], str(data.get("property", ""))))
    ends = np.array([(a, b) for a, b, _, _ in links], dtype=int).reshape(-1, 2)
    roundness = np.array([r for _, _, r, _ in links], dtype=float)
    # generous boxes: the label's light ground and outline
    label_half = np.array([CHAR_WIDTH * EDGE_FONT * len(t) / 2 + 12 for *_, t in links])
    label_high = np.full((len(links), 1), EDGE_FONT * 0.9 + 6)

    def labels_at(xy: Any) -> Any:
        """Where each fact's label is: the middle of a quadratic Bezier curve through
        vis-network's control point for a curvedCW edge (the straight middle at 0)."""
        a, b = xy[ends[:, 0]], xy[ends[:, 1]]
        k = 0.5 * roundness + 0.5
        across, rise = b[:, 0] - a[:, 0], a[:, 1] - b[:, 1]
        angle = np.arctan2(rise, across) + k * np.pi
        length = np.hypot(across, rise)
        via = np.stack(
            [a[:, 0] + k * length * np.sin(angle), a[:, 1] + k * length * np.cos(angle)], axis=1
        )
        return 0.25 * a + 0.5 * via + 0.25 * b

    count = len(nodes)
    others = ~np.eye(count, dtype=bool)

    def forces(xy: Any) -> tuple[Any, int]:
        """How far each node should move, and how many overlaps there are."""
        moved = np.zeros_like(xy)
        x, y = xy[:, 0], xy[:, 1]
        # node against node
        over_x = half[:, None] + half[None, :] - np.abs(x[:, None] - x[None, :])
        over_y = np.minimum(y[:, None] + down[:, None], y[None, :] + down[None, :]) - np.maximum(
            y[:, None] - up[:, None], y[None, :] - up[None, :]
        )
        clash = (over_x > 0) & (over_y > 0) & others
        tie = np.sign(np.arange(count)[:, None] - np.arange(count)[None, :])
        side_x = np.where(x[:, None] != x[None, :], np.sign(x[:, None] - x[None, :]), tie)
        side_y = np.where(y[:, None] != y[None, :], np.sign(y[:, None] - y[None, :]), tie)
        along_x = clash & (over_x <= over_y)
        along_y = clash & (over_x > over_y)
        moved[:, 0] += (np.where(along_x, side_x * over_x, 0) * 0.3).sum(axis=1)
        moved[:, 1] += (np.where(along_y, side_y * over_y, 0) * 0.3).sum(axis=1)
        hits = int(clash.sum())
        # edge labels against nodes
        if len(links):
            mid = labels_at(xy)
            ex = label_half[:, None] + half[None, :] - np.abs(mid[:, 0:1] - x[None, :])
            ey = np.minimum(mid[:, 1:2] + label_high, y[None, :] + down[None, :]) - np.maximum(
                mid[:, 1:2] - label_high, y[None, :] - up[None, :]
            )
            cover = (ex > 0) & (ey > 0)
            hits += int(cover.sum())
            for e, n in zip(*np.nonzero(cover), strict=True):
                a, b = ends[e]
                if n in (a, b):
                    # an edge too short for its label: lengthen it
                    direction = xy[a] - xy[b]
                    norm = float(np.hypot(*direction)) or 1.0
                    step = direction / norm * min(ex[e, n], ey[e, n]) * 0.5
                    moved[a] += step
                    moved[b] -= step
                elif ex[e, n] <= ey[e, n]:
                    moved[n, 0] += np.sign(x[n] - mid[e, 0] or 1) * ex[e, n] * 0.5
                else:
                    moved[n, 1] += np.sign(y[n] - mid[e, 1] or 1) * ey[e, n] * 0.5
        return moved, hits

    def settle(xy: Any) -> Any:
        for _ in range(rounds):
            moved, hits = forces(xy)
            if hits == 0:
                break
            xy += moved
        # where pushing cannot settle every overlap (a node held between others),
        # spread the whole layout: every distance grows, the boxes do not
        for _ in range(40):
            if forces(xy)[1] == 0:
                break
            xy *= 1.1
        return xy

    xy = settle(xy)
    # labels are wider than high, so pushing them apart stacks them: a layout taller
    # than the page is wide would open as a narrow column. Stretched across, it fills
    # the page's width; then settled again, as curved edges' labels move with it.
    wide = float((xy[:, 0] + half).max() - (xy[:, 0] - half).min())
    high = float((xy[:, 1] + down).max() - (xy[:, 1] - up).min())
    spread = float(np.ptp(xy[:, 0]))
    if spread > 0 and wide < PAGE_ASPECT * high:
        middle = float(xy[:, 0].mean())
        stretch = min(4.0, (PAGE_ASPECT * high - (wide - spread)) / spread)
        xy[:, 0] = middle + (xy[:, 0] - middle) * stretch
        xy = settle(xy)
    return {n: (float(xy[i, 0]), float(xy[i, 1])) for n, i in index.items()}


def band_layout(
    graph: nx.MultiDiGraph,
    loose: list[str],
    sizes: dict[str, float],
    placed: dict[str, tuple[float, float]],
) -> dict[str, tuple[float, float]]:
    """Positions for the entities without facts: a grid of columns to the right of
    everything ``placed``, so none sits on an edge or among the connected ones.

    The columns are as tall as the connected part, so the band is no wider than
    it needs to be; the page opens fitted to the entities with facts, the first
    columns of the band at the right edge.
    """
    if not loose:
        return {}
    boxes = {n: _node_box(graph.nodes[n]["label"], sizes[n]) for n in loose}
    extents = [
        (x - box[0], y - box[1], x + box[0], y + box[2])
        for n, (x, y) in placed.items()
        for box in [_node_box(graph.nodes[n]["label"], sizes[n])]
    ]
    right = max((e[2] for e in extents), default=0.0)
    top = min((e[1] for e in extents), default=0.0)
    high = max((e[3] for e in extents), default=0.0) - top
    row_height = max(b[1] + b[2] for b in boxes.values()) + 10
    ordered = sorted(loose, key=lambda n: (graph.nodes[n]["cls"], graph.nodes[n]["label"], n))

    rows = max(4, math.ceil(math.sqrt(len(loose))) if not placed else int(high // row_height))
    positions: dict[str, tuple[float, float]] = {}
    left = right + 120
    for start in range(0, len(ordered), rows):
        column = ordered[start : start + rows]
        half = max(boxes[n][0] for n in column)
        for row, node in enumerate(column):
            positions[node] = (left + half, top + boxes[node][1] + row * row_height)
        left += 2 * half + 30
    return positions


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
    top = max((scores[n]["pagerank"] for n in view), default=1.0) or 1.0
    sizes = {n: 10 + 30 * math.sqrt(scores[n]["pagerank"] / top) for n in view}
    loose = sorted(n for n in view if view.degree(n) == 0)
    connected = view.subgraph(n for n in view if view.degree(n) > 0)
    if big:
        positions: dict[str, Any] = community_layout(connected) if len(connected) else {}
        notes.append("Layout computed in advance, one cluster per community.")
    else:
        positions = label_layout(view, sizes)
    positions.update(band_layout(view, loose, sizes, positions))
    if loose:
        notes.append(
            f"{len(loose):,} entities "
            + ("named in no article" if options.articles else "without facts")
            + " stand apart at the right; "
            "the checkbox hides them."
        )
    rank = {n: i for i, n in enumerate(sorted(view, key=lambda n: (-scores[n]["pagerank"], n)))}

    net = fast_ids(
        Network(height="85vh", width="100%", directed=True, cdn_resources="in_line", heading="")
    )
    for node, data in sorted(view.nodes(data=True)):
        colour, shape = style(data["cls"])
        x, y = positions[node]
        net.add_node(
            node,
            # a big view draws the labels that fit at each zoom level (its script)
            label=" " if big else data["label"],
            kgLabel=data["label"],
            kgClass=data["cls"],
            kgLoose=view.degree(node) == 0,
            kgRank=rank[node],
            kgTitle=data.get("tip") or _node_title(data, scores[node]),
            color=colour,
            shape=shape,
            size=sizes[node],
            x=float(x),
            y=float(y),
            physics=False,
        )
    seen_pairs: dict[frozenset[str], int] = {}
    for s, o, _key, data in sorted(view.edges(keys=True, data=True)):
        # a second fact between the same two entities curves away from the first
        nth = seen_pairs.get(frozenset((s, o)), 0)
        seen_pairs[frozenset((s, o))] = nth + 1
        curve = (
            {"smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.2 * nth}} if nth else {}
        )
        # an article names an entity: no label, no direction worth an arrow
        named = {"arrows": {"to": {"enabled": False}}} if options.articles else {}
        label = {"label": data["property"]} if data["property"] else {}
        net.add_edge(
            s,
            o,
            kgTitle=data.get("tip") or _edge_title(view, s, o, data),
            width=1 + 2 * data.get("confidence", 0) + min(3, data.get("times", 0) / 3),
            **label,
            **named,
            **curve,
        )
    net.set_options(
        json.dumps(
            {
                # positions come from Python: the page opens still, the same every time
                "physics": {"enabled": False},
                "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big},
                "edges": {
                    "smooth": False,
                    "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                    # horizontal labels on a light ground: readable over the lines
                    "font": {
                        "size": EDGE_FONT,
                        "align": "horizontal",
                        "color": "#444",
                        "background": "rgba(255,255,255,0.85)",
                    },
                },
                # a big view's unlabelled nodes hold a blank label, which a ground
                # would draw as a white bar: its script sets the ground with the label
                "nodes": {"font": {"size": NODE_FONT, "background": "none" if big else GROUND}},
            }
        )
    )
    page = net.generate_html()
    return _finish(page, view, options.title, notes, big, len(loose), options.articles)


_CDN = re.compile(r"<(link|script)\b[^>]*\bhttps?://[^>]*>(\s*</script>)?", re.IGNORECASE)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>", re.IGNORECASE)


def _finish(
    page: str,
    view: nx.MultiDiGraph,
    title: str,
    notes: list[str],
    big: bool,
    loose: int,
    articles: bool = False,
) -> str:
    """Make the page self-contained and add a title, notes, a legend that hides and
    shows classes, a search box, and (``loose``) a switch for entities without facts."""
    present = sorted(
        {d["cls"] for _, d in view.nodes(data=True)},
        key=lambda c: list(STYLES).index(c) if c in STYLES else len(STYLES),
    )
    key = (
        '<span class="kg-key" role="button" tabindex="0" data-cls="{cls}" '
        'title="hide or show {cls}"><span class="kg-glyph" style="color:{colour}">{glyph}</span>'
        "{cls}</span>"
    )
    legend = "".join(
        key.format(
            cls=html.escape(c, quote=True), colour=style(c)[0], glyph=GLYPHS.get(style(c)[1], "")
        )
        for c in present
    )
    counts = (
        f"{view.number_of_nodes():,} entities, {view.number_of_edges():,} facts. "
        "Hover a node or an edge for its evidence; drag to move, scroll to zoom; click a "
        "class in the legend to hide or show it."
    )
    if articles:
        shown = sum(1 for _, d in view.nodes(data=True) if d["cls"] == ARTICLE)
        counts = (
            f"{shown:,} articles, {view.number_of_nodes() - shown:,} entities, each linked to "
            "the articles that name it. Hover an entity for those it is named with most; "
            "drag to move, scroll to zoom; click a class in the legend to hide or show it."
        )
    names = "".join(
        f'<option value="{html.escape(label, quote=True)}"></option>'
        for label in sorted({str(d["label"]) for _, d in view.nodes(data=True)})
    )
    switch = (
        '<label id="kg-loose-switch" style="margin-left:14px"><input type="checkbox" '
        f'id="kg-loose" checked> entities '
        f"{'named in no article' if articles else 'without facts'} ({loose:,})</label>"
        if loose
        else ""
    )
    header = (
        '<div id="kg-header" style="font-family:sans-serif;padding:8px 12px">'
        f'<h2 style="margin:4px 0">{html.escape(title)}</h2>'
        f'<div id="kg-counts">{html.escape(counts)}</div>'
        + "".join(f'<div class="kg-note">{html.escape(n)}</div>' for n in notes)
        + f'<div id="kg-legend" style="margin-top:6px">{legend}'
        '<input id="kg-search" list="kg-names" placeholder="find an entity" '
        'aria-label="find an entity" style="margin-left:14px">'
        f'<datalist id="kg-names">{names}</datalist>{switch}</div></div>'
        "<style>.kg-key{margin-right:14px;white-space:nowrap;cursor:pointer;user-select:none}"
        ".kg-key.kg-off{opacity:0.35;text-decoration:line-through}"
        ".kg-glyph{display:inline-block;width:1.1em;margin-right:3px;text-align:center}"
        ".kg-note{color:#555;font-size:90%}</style>"
    )
    script = CONTROLS.replace("KG_BIG", "true" if big else "false").replace("GROUND", GROUND)
    return frame(page, title, header, "", script)


def frame(page: str, title: str, header: str, end: str, script: str) -> str:
    """A pyvis page made kg's: self-contained (pyvis's template links Bootstrap from a
    CDN; kg needs none) and titled, ``header`` first in the body, and ``end``, the
    text tooltips (:data:`TOOLTIPS`) and ``script`` last."""
    page = _CDN.sub("", page)
    page = _EMPTY_HEADING.sub("", page)
    page = page.replace("<body>", "<body>" + header, 1)
    style = "<style>" + TOOLTIP_STYLE + "</style>"
    page = _replace_last(page, "</body>", end + style + TOOLTIPS + "\n" + script + "\n</body>")
    return page.replace("<html>", f'<html lang="en"><title>{html.escape(title)}</title>', 1)


def _replace_last(page: str, old: str, new: str) -> str:
    head, found, tail = page.rpartition(old)
    if not found:  # pragma: no cover - pyvis's template always ends the body
        raise RuntimeError(f"the page has no {old}")
    return head + new + tail
