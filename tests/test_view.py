"""The HTML views, opened in real headless Chromium: offline, complete, informative, inert."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph
from tests_browser import available, chromium

from kg.analysis import to_networkx
from kg.cli import main
from kg.sources import parse_article
from kg.store.backends import MemoryStore
from kg.view import ViewOptions, render

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
HOSTILE = (
    "OpenAI's CEO, Sam Altman, said the <script>window.kgPwned=1</script> tag and "
    '<img src=x onerror="window.kgPwned=2"> were harmless.'
)

needs_browser = pytest.mark.skipif(
    not available() and not os.environ.get("CI"),
    reason="headless Chromium not installed (apt-get install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def graph(pipeline):
    from kg.sources import read_articles

    articles = [*read_articles([EXAMPLES]), parse_article(HOSTILE, "hostile", "hostile")]
    return to_networkx(MemoryStore(pipeline.build(articles)))


@pytest.fixture(scope="module")
def page(graph, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("view") / "view.html"
    out.write_text(
        render(graph, ViewOptions(title="Examples <b>and</b> a hostile article")), encoding="utf-8"
    )
    return out


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


def test_page_needs_no_network(page):
    import re

    text = page.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link)\b[^>]*\b(src|href)=[\"']https?://", text)
    assert "Examples &lt;b&gt;and&lt;/b&gt;" in text


@needs_browser
def test_page_loads_without_errors_and_draws_everything(page, graph, browser):
    browser.get(page.as_uri())
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "network.once('afterDrawing', () => done(true)); network.redraw();"
    )
    counts = browser.execute_script(
        "return [network.body.data.nodes.length, network.body.data.edges.length]"
    )
    assert counts == [graph.number_of_nodes(), graph.number_of_edges()]
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
    legend = browser.find_element("id", "kg-legend").text
    for cls in {d["cls"] for _, d in graph.nodes(data=True)}:
        assert cls in legend
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "view.png"))
    assert (ARTIFACTS / "view.png").stat().st_size > 10_000


@pytest.fixture(scope="module")
def hostile_page(pipeline, tmp_path_factory) -> Path:
    """A view of one hostile article: a single fact whose evidence holds markup."""
    graph = to_networkx(MemoryStore(pipeline.build([parse_article(HOSTILE, "hostile", "h")])))
    assert graph.number_of_edges() == 1
    out = tmp_path_factory.mktemp("hostile") / "view.html"
    out.write_text(render(graph), encoding="utf-8")
    return out


@needs_browser
def test_hovering_an_edge_shows_its_evidence_as_text(hostile_page, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(hostile_page.as_uri())
    browser.execute_script("network.stopSimulation(); network.fit();")
    # the edge whose evidence holds the hostile markup
    edge = browser.execute_script(
        "const e = network.body.data.edges.get().find(x => x.kgTitle.includes('<script>'));"
        "const p = network.getPositions([e.from, e.to]);"
        "const mid = {x: (p[e.from].x + p[e.to].x) / 2, y: (p[e.from].y + p[e.to].y) / 2};"
        "const dom = network.canvasToDOM(mid);"
        "const box = document.querySelector('#mynetwork canvas').getBoundingClientRect();"
        "return {x: dom.x, y: dom.y, w: box.width, h: box.height, title: e.kgTitle};"
    )
    assert edge is not None
    canvas = browser.find_element("css selector", "#mynetwork canvas")
    ActionChains(browser).move_to_element_with_offset(
        canvas, int(edge["x"] - edge["w"] / 2), int(edge["y"] - edge["h"] / 2)
    ).perform()
    tooltip = WebDriverWait(browser, 10).until(
        lambda d: next(
            (
                t
                for t in d.find_elements("css selector", "div.vis-tooltip")
                if t.is_displayed() and t.text
            ),
            None,
        )
    )
    assert "<script>window.kgPwned=1</script>" in tooltip.text  # shown, as text
    assert "Sam Altman ceoOf OpenAI" in tooltip.text
    assert browser.execute_script("return window.kgPwned") is None  # and never run
    assert not browser.find_elements("css selector", "#mynetwork img")


@needs_browser
def test_big_graphs_are_capped_with_a_message(tmp_path, browser):
    from bench_view import synthetic

    big = synthetic(1200)
    out = tmp_path / "big.html"
    out.write_text(render(big, ViewOptions(max_nodes=1000)), encoding="utf-8")
    browser.get(out.as_uri())
    drawn = browser.execute_script("return network.body.data.nodes.length")
    assert drawn == 1000
    assert "1,000 most central of 1,200" in browser.find_element("id", "kg-header").text
    assert browser.execute_script("return network.physics.options.enabled") is False


def test_focus_and_community_views(graph):
    focused = render(graph, ViewOptions(focus="Sam Altman", depth=1))
    assert "Entities within 1 step(s) of Sam Altman" in focused
    assert '"label": "Sam Altman"' in focused
    assert '"label": "Tyler Perry"' not in focused
    assert "Community 0 of" in render(graph, ViewOptions(community=0))


def test_cli_view_and_errors(tmp_path, capsys):
    built = tmp_path / "g.trig"
    assert main(["build", str(EXAMPLES), "-o", str(built), "-q"]) == 0
    assert main(["view", str(built), "-o", str(tmp_path / "v.html"), "-q"]) == 0
    assert (tmp_path / "v.html").read_text(encoding="utf-8").startswith("<html")
    assert main(["view", str(built), "-o", str(tmp_path / "v.png")]) == 64
    assert main(["view", str(built), "-o", str(tmp_path / "v.html"), "--focus", "Nobody"]) == 66
    assert main(["view", str(built), "-o", str(tmp_path / "v.html"), "--community", "99"]) == 64
    assert "communities 0 to" in capsys.readouterr().err


# -- tooltips stay text, whatever the labels hold ------------------------------------

#: Labels that would run script if a tooltip were HTML. "Ahrefs" alone puts "href" in
#: every title, which made pyvis switch to a popup that sets innerHTML.
HOSTILE_LABELS = (
    "<img src=x onerror=window.kgPwned=1> Inc",
    '<a href="javascript:window.kgPwned=2">Ahrefs</a>',
    "<svg onload=alert(document.domain)>",
    "Ahrefs",
    "</div><script>window.kgPwned=3</script>",
    "Plain Name",
)


def _hostile_graph(labels: Sequence[str], sentence: str) -> Graph:
    """Entities named by ``labels``, each the subject of one fact with ``sentence`` as
    its evidence: a graph as a knowledge-base file or another tool could make it."""
    from rdflib import RDF, RDFS, Literal, URIRef

    from kg.vocab import ID, KG

    graph = Graph()
    article, sent = URIRef(f"{ID}article/h"), URIRef(f"{ID}article/h/s0")
    graph.add((article, RDF.type, KG.NewsArticle))
    graph.add((article, RDFS.label, Literal(f"article {labels[0]}")))
    graph.add((sent, RDF.type, KG.Sentence))
    graph.add((sent, KG.text, Literal(sentence)))
    graph.add((sent, KG.inArticle, article))
    hub = URIRef(f"{ID}organization/hub")
    graph.add((hub, RDF.type, KG.Company))
    graph.add((hub, RDFS.label, Literal(labels[-1])))
    for n, label in enumerate(labels[:-1]):
        node = URIRef(f"{ID}person/p{n}")
        graph.add((node, RDF.type, KG.Person))
        graph.add((node, RDFS.label, Literal(label)))
        graph.add((node, KG.worksFor, hub))
        claim = URIRef(f"{ID}article/h/a{n}")
        for p, o in (
            (RDF.type, KG.Assertion),
            (RDF.subject, node),
            (RDF.predicate, KG.worksFor),
            (RDF.object, hub),
            (KG.confidence, Literal(0.8)),
            (KG.rule, Literal(f"rule <b>{n}</b>")),
            (KG.inSentence, sent),
        ):
            graph.add((claim, p, o))
    return graph


@pytest.mark.parametrize(
    "labels",
    [HOSTILE_LABELS, tuple(label.replace("href", "hr") for label in HOSTILE_LABELS)],
    ids=["with-href", "without-href"],
)
def test_view_of_hostile_labels_has_text_tooltips(labels, tmp_path):
    source = tmp_path / "hostile.ttl"
    _hostile_graph(labels, HOSTILE).serialize(source, format="turtle")
    out = tmp_path / "hostile.html"
    assert main(["view", str(source), "-o", str(out), "-q"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "innerHTML = nodeData" not in page  # pyvis's HTML popup is never switched on
    assert '"title":' not in page  # no title reaches pyvis or vis-network as a string


@needs_browser
@pytest.mark.parametrize("href", [True, False], ids=["with-href", "without-href"])
def test_hovering_every_node_and_edge_of_hostile_labels_runs_no_script(href, tmp_path, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    labels = HOSTILE_LABELS if href else tuple(x.replace("href", "hr") for x in HOSTILE_LABELS)
    source = tmp_path / "hostile.ttl"
    _hostile_graph(labels, HOSTILE).serialize(source, format="turtle")
    out = tmp_path / "hostile.html"
    assert main(["view", str(source), "-o", str(out), "-q"]) == 0
    browser.get(out.as_uri())
    # every element added to the page from now on is recorded
    browser.execute_script(
        "network.stopSimulation(); network.fit(); window.kgAdded = [];"
        "new MutationObserver(changes => changes.forEach(c => c.addedNodes.forEach(n => {"
        "  if (n.nodeType === 1) window.kgAdded.push({tag: n.tagName, cls: n.className,"
        "    inside: [...n.querySelectorAll('*')].map(c => c.tagName + '.' + c.className)});"
        "}))).observe(document.documentElement, {childList: true, subtree: true});"
    )
    targets = browser.execute_script(
        "const box = document.querySelector('#mynetwork canvas').getBoundingClientRect();"
        "const at = p => { const d = network.canvasToDOM(p);"
        "  return {x: d.x - box.width / 2, y: d.y - box.height / 2}; };"
        "const pos = network.getPositions();"
        "const text = x => x.kgTitle || x.title;"
        "const out = network.body.data.nodes.get().map(n => ({...at(pos[n.id]), text: text(n)}));"
        "network.body.data.edges.get().forEach(e => {"
        "  const a = pos[e.from], b = pos[e.to];"
        "  out.push({...at({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2}), text: text(e)}); });"
        "return out;"
    )
    assert len(targets) == 2 * len(labels) - 1  # every node and every edge
    canvas = browser.find_element("css selector", "#mynetwork canvas")
    from selenium.common.exceptions import TimeoutException

    def shows(target: dict[str, object]) -> Callable[[object], bool]:
        return lambda d: any(
            tip.is_displayed() and tip.text.strip() == str(target["text"]).strip()
            for tip in d.find_elements("css selector", "div.vis-tooltip")
        )

    for target in targets:
        # the physics layout differs from run to run: where another element's label
        # covers this one's point, a few pixels aside finds it
        for dx, dy in ((0, 0), (0, -8), (8, 0), (-8, 0), (0, 8), (0, -16), (16, 0)):
            ActionChains(browser).move_to_element_with_offset(
                canvas, int(target["x"]) + dx, int(target["y"]) + dy
            ).perform()
            try:
                WebDriverWait(browser, 3).until(shows(target))
                break
            except TimeoutException:
                ActionChains(browser).move_to_element_with_offset(canvas, 5, 5).perform()
        else:
            raise AssertionError(f"no tooltip for {target['text']!r}")
        ActionChains(browser).move_to_element_with_offset(canvas, 5, 5).perform()
    # and the event vis-network fires on each hover, for any listener on the page
    browser.execute_script(
        "network.body.data.nodes.getIds().concat(network.body.data.edges.getIds())"
        "  .forEach(id => { network.emit('showPopup', id); network.emit('hidePopup'); });"
    )
    time.sleep(0.5)  # an image's error handler runs once its load has failed
    assert browser.execute_script("return window.kgPwned") is None
    added = browser.execute_script("return window.kgAdded")
    # the only elements a hover adds are kg's text boxes (holding text, no markup) and
    # vis-network's tooltip frame around them
    assert added and all(
        a["tag"] == "DIV"
        and a["cls"] in ("kg-tip", "vis-tooltip")
        and set(a["inside"]) <= {"DIV.kg-tip"}
        for a in added
    ), added
    assert not browser.find_elements("css selector", "#mynetwork img, #mynetwork svg, a")


# -- a view a person can read --------------------------------------------------------

#: Boxes from vis-network itself: each node with its label (getBoundingBox), each edge
#: label (its label module, as last drawn); the pairs that overlap.
OVERLAPS = """
network.redraw();
const nodes = network.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.id);
const boxes = nodes.map(id => [id, network.getBoundingBox(id)]);
const labels = network.body.data.edges.getIds().map(id => {
  const s = network.body.edges[id].labelModule.size;
  return [id, {left: s.left, top: s.top, right: s.left + s.width, bottom: s.top + s.height}];
}).filter(x => x[1].right > x[1].left);
const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const bad = [];
for (let i = 0; i < boxes.length; i++)
  for (let j = i + 1; j < boxes.length; j++)
    if (hit(boxes[i][1], boxes[j][1])) bad.push(['node', boxes[i][0], boxes[j][0]]);
for (const [n, b] of boxes)
  for (const [e, l] of labels) if (hit(b, l)) bad.push(['edge label', n, e]);
return bad;
"""


@pytest.fixture(scope="module")
def example_page(pipeline, tmp_path_factory) -> Path:
    from kg.sources import read_articles

    graph = to_networkx(MemoryStore(pipeline.build(read_articles([EXAMPLES]))))
    out = tmp_path_factory.mktemp("example") / "view.html"
    out.write_text(render(graph, ViewOptions(title="kg: the example articles")), encoding="utf-8")
    return out


@needs_browser
def test_example_view_overlaps_no_label_and_sets_loose_entities_apart(example_page, browser):
    browser.set_window_size(1400, 900)
    browser.get(example_page.as_uri())
    assert browser.execute_script(OVERLAPS) == []
    # entities without facts stand in a band right of everything connected
    sides = browser.execute_script(
        "const all = network.body.data.nodes.get();"
        "const edgeOf = new Set(network.body.data.edges.get().flatMap(e => [e.from, e.to]));"
        "const right = Math.max(...all.filter(n => edgeOf.has(n.id))"
        "  .map(n => network.getBoundingBox(n.id).right));"
        "const loose = all.filter(n => !edgeOf.has(n.id));"
        "return [loose.length, loose.every(n => n.kgLoose),"
        "  Math.min(...loose.map(n => network.getBoundingBox(n.id).left)) - right];"
    )
    assert sides[0] > 0 and sides[1] and sides[2] > 0
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "view-example.png"))
    # and the checkbox hides them
    browser.find_element("id", "kg-loose").click()
    hidden = browser.execute_script(
        "return network.body.data.nodes.get().filter(n => n.kgLoose).every(n => n.hidden)"
    )
    assert hidden


@needs_browser
def test_the_legend_shows_shapes_and_a_click_hides_and_shows_a_class(example_page, browser):
    browser.get(example_page.as_uri())
    key = browser.find_element("css selector", '.kg-key[data-cls="Place"]')
    assert key.text == "\u25b2Place"  # the class's shape, in its colour

    def places_hidden() -> list[bool]:
        return browser.execute_script(
            "return network.body.data.nodes.get().filter(n => n.kgClass === 'Place')"
            "  .map(n => Boolean(n.hidden))"
        )

    assert places_hidden() and not any(places_hidden())
    key.click()
    assert all(places_hidden())
    others = browser.execute_script(
        "return network.body.data.nodes.get().filter(n => n.kgClass !== 'Place' && n.hidden)"
    )
    assert others == []
    key.click()
    assert not any(places_hidden())


@needs_browser
def test_the_search_box_centres_an_entity(example_page, browser):
    from selenium.webdriver.common.keys import Keys

    browser.get(example_page.as_uri())
    search = browser.find_element("id", "kg-search")
    search.send_keys("sam altman", Keys.ENTER)
    browser.execute_script("document.getElementById('kg-search').blur()")
    selected = browser.execute_script(
        "return network.getSelectedNodes().map(id => network.body.data.nodes.get(id).kgLabel)"
    )
    assert selected == ["Sam Altman"]


@needs_browser
def test_a_big_view_draws_only_labels_that_do_not_overlap(tmp_path, browser):
    from bench_view import synthetic

    out = tmp_path / "big.html"
    out.write_text(render(synthetic(5000), ViewOptions(title="5,000 entities")), encoding="utf-8")
    browser.set_window_size(1400, 900)
    browser.get(out.as_uri())
    check = (
        "window.kgDeclutter(); network.redraw();"
        "const drawn = network.body.data.nodes.get({filter: n => n.label.trim()});"
        "const boxes = drawn.map(n => network.body.nodes[n.id].labelModule.size);"
        "const hit = (a, b) => a.left < b.left + b.width && b.left < a.left + a.width"
        "  && a.top < b.top + b.height && b.top < a.top + a.height;"
        "let bad = 0;"
        "for (let i = 0; i < boxes.length; i++)"
        "  for (let j = i + 1; j < boxes.length; j++) if (hit(boxes[i], boxes[j])) bad++;"
        "return [drawn.length, bad, drawn.map(n => n.kgRank)];"
    )
    drawn, bad, ranks = browser.execute_script(check)
    assert 10 <= drawn <= 60 and bad == 0
    assert min(ranks) == 0  # the most central entity is among them
    # a node with no label drawn shows no white ground (a bar across the node)
    grounds = browser.execute_script(
        "return Object.values(network.body.nodes).filter(n => n.options.label !== undefined)"
        "  .map(n => [n.options.label.trim() !== '', n.labelModule.fontOptions.background])"
    )
    assert {ground for named, ground in grounds if not named} == {"none"}
    assert {ground for named, ground in grounds if named} == {"rgba(255,255,255,0.75)"}
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "view-5000.png"))
    browser.execute_script("network.moveTo({scale: network.getScale() * 8})")
    drawn, bad, _ = browser.execute_script(check)
    assert drawn > 0 and bad == 0  # zoomed in: other labels, still apart


@pytest.mark.parametrize("confidence, shown", [("high", "0.00"), ("NaN", "0.00"), ("7", "1.00")])
def test_a_confidence_that_is_no_number_from_0_to_1_neither_breaks_view_nor_analyze(
    confidence, shown, tmp_path, capsys
):
    from rdflib import Literal, URIRef

    from kg.vocab import ID, KG

    graph = _hostile_graph(("Jo Park", "Acme"), "Jo Park works for Acme.")
    claim = URIRef(f"{ID}article/h/a0")
    graph.set((claim, KG.confidence, Literal(confidence)))
    source = tmp_path / "graph.ttl"
    graph.serialize(source, format="turtle")
    out = tmp_path / "view.html"
    assert main(["view", str(source), "-o", str(out), "-q"]) == 0
    assert f"confidence {shown}" in out.read_text(encoding="utf-8")
    assert main(["analyze", str(source)]) == 0
    assert main(["analyze", str(source), "--path", "Jo Park", "Acme"]) == 0
    assert "kg: internal error" not in capsys.readouterr().err


# -- zoom, search and fitting ------------------------------------------------------

#: The on-screen extent of the shown entities with facts and of those without, and
#: the canvas's width and height, in CSS pixels.
EXTENTS = """
const edgeOf = new Set(network.body.data.edges.get().flatMap(e => [e.from, e.to]));
const shown = network.body.data.nodes.get({filter: n => !n.hidden});
const extent = group => {
  if (!group.length) return null;
  const boxes = group.map(n => network.getBoundingBox(n.id));
  const a = network.canvasToDOM({x: Math.min(...boxes.map(b => b.left)),
    y: Math.min(...boxes.map(b => b.top))});
  const b = network.canvasToDOM({x: Math.max(...boxes.map(b => b.right)),
    y: Math.max(...boxes.map(b => b.bottom))});
  return {left: a.x, right: b.x, width: b.x - a.x, height: b.y - a.y};
};
const canvas = document.querySelector('#mynetwork canvas');
return {connected: extent(shown.filter(n => edgeOf.has(n.id))),
  loose: extent(shown.filter(n => !edgeOf.has(n.id))),
  width: canvas.clientWidth, height: canvas.clientHeight};
"""

#: For each node with a label drawn: its font size on screen (CSS px), and the other
#: nodes on screen whose shapes its label covers.
LABELS_ON_SCREEN = """
network.redraw();
const scale = network.getScale();
const shown = network.body.data.nodes.get({filter: n => !n.hidden});
const view = network.getViewPosition();
const canvas = document.querySelector('#mynetwork canvas');
const half = {x: canvas.clientWidth / 2 / scale, y: canvas.clientHeight / 2 / scale};
const onScreen = shown.filter(n => { const b = network.body.nodes[n.id];
  return Math.abs(b.x - view.x) < half.x && Math.abs(b.y - view.y) < half.y; });
return onScreen.filter(n => n.label && n.label.trim()).map(n => {
  const body = network.body.nodes[n.id];
  const s = body.labelModule.size;
  const covers = onScreen.filter(o => o.id !== n.id).filter(o => {
    const b = network.body.nodes[o.id], r = b.options.size;
    return s.left < b.x + r && b.x - r < s.left + s.width
      && s.top < b.y + r && b.y - r < s.top + s.height;
  }).map(o => o.kgLabel);
  return {label: n.kgLabel, px: body.labelModule.fontOptions.size * scale, covers: covers};
});
"""


def _with_loose(graph: nx.MultiDiGraph, count: int) -> nx.MultiDiGraph:
    """``graph`` with ``count`` entities more, named in no fact."""
    graph = graph.copy()
    for n in range(count):
        graph.add_node(
            f"loose{n}", iri=f"https://kg.example.org/id/x/l{n}", label=f"Loose {n}", cls="Place"
        )
    return graph


@needs_browser
def test_the_example_view_opens_across_the_width_of_the_page(example_page, browser):
    browser.set_window_size(1400, 900)
    browser.get(example_page.as_uri())
    seen = browser.execute_script(EXTENTS)
    # labels pushed apart stack up: the layout is stretched across, not a narrow column
    assert seen["connected"]["width"] > 0.6 * seen["width"], seen


@needs_browser
def test_at_first_paint_most_of_the_width_goes_to_entities_with_facts(tmp_path, browser):
    from bench_view import synthetic

    # as 19 articles made it: 172 entities in facts, 287 in none
    page = tmp_path / "islands.html"
    page.write_text(render(_with_loose(synthetic(172), 287)), encoding="utf-8")
    browser.set_window_size(1400, 900)
    browser.get(page.as_uri())
    seen = browser.execute_script(EXTENTS)
    connected, loose = seen["connected"], seen["loose"]
    assert loose is not None
    # the part of the canvas's width each takes
    loose_width = max(0.0, min(seen["width"], loose["right"]) - max(0.0, loose["left"]))
    assert connected["width"] > 1.5 * loose_width, seen
    assert connected["width"] > 0.4 * seen["width"] or connected["height"] > 0.9 * seen["height"]


@needs_browser
def test_hiding_entities_fits_the_view_to_what_stays(tmp_path, browser):
    from bench_view import synthetic

    page = tmp_path / "islands.html"
    page.write_text(render(_with_loose(synthetic(172), 287)), encoding="utf-8")
    browser.set_window_size(1400, 900)
    browser.get(page.as_uri())

    def fitted() -> float:
        time.sleep(1)  # the view moves in 300 ms
        seen = browser.execute_script(EXTENTS)
        assert seen["loose"] is None
        return max(
            seen["connected"]["width"] / seen["width"],
            seen["connected"]["height"] / seen["height"],
        )

    browser.execute_script("network.moveTo({scale: network.getScale() / 3})")  # zoomed out
    browser.find_element("id", "kg-loose").click()
    assert 0.85 < fitted() <= 1.01
    browser.find_element("css selector", '.kg-key[data-cls="Person"]').click()
    assert 0.85 < fitted() <= 1.01


@needs_browser
@pytest.mark.parametrize("big", [False, True], ids=["example", "big"])
def test_an_entity_found_by_search_is_centred_with_labels_readable_and_off_the_nodes(
    big, example_page, tmp_path, browser
):
    from bench_view import synthetic
    from selenium.webdriver.common.keys import Keys

    if big:
        page = tmp_path / "big.html"
        page.write_text(render(_with_loose(synthetic(600), 200)), encoding="utf-8")
    else:
        page = example_page
    browser.set_window_size(1400, 900)
    browser.get(page.as_uri())
    wanted = (
        browser.execute_script(
            "return network.body.data.nodes.get().find(n => n.kgRank === 7).kgLabel"
        )
        if big
        else "Sam Altman"
    )
    # zoomed far in or out first: the search must not keep that zoom for its labels
    for scale in (0.05, 6.0):
        browser.execute_script("network.moveTo({scale: arguments[0]})", scale)
        search = browser.find_element("id", "kg-search")
        search.clear()
        search.send_keys(wanted.lower(), Keys.ENTER)
        time.sleep(1.2)  # the move takes 400 ms, the labels follow it
        assert browser.execute_script(
            "return network.getSelectedNodes().map(id => network.body.data.nodes.get(id).kgLabel)"
        ) == [wanted]
        labels = browser.execute_script(LABELS_ON_SCREEN)
        assert any(label["label"] == wanted for label in labels)
        for label in labels:
            assert 12.5 <= label["px"] <= 20, label  # not 90 px
            # the label found is always drawn, even where a node of a dense cluster
            # sits right under it; every other label makes room
            assert label["covers"] == [] or (big and label["label"] == wanted), label


# -- who appears with whom (kg view --articles) -------------------------------------


def _named_graph(named: dict[str, dict[str, int]]) -> Graph:
    """Articles (title -> {entity label: how many times it names it}), each entity a
    Person, and one fact, so the graph is as kg build makes it."""
    from rdflib import RDF, RDFS, Literal, URIRef

    from kg.vocab import ID, KG

    graph = Graph()
    people: dict[str, URIRef] = {}
    for a, (title, entities) in enumerate(named.items()):
        article = URIRef(f"{ID}article/a{a}")
        graph.add((article, RDF.type, KG.NewsArticle))
        graph.add((article, RDFS.label, Literal(title)))
        for label, times in entities.items():
            person = people.setdefault(label, URIRef(f"{ID}person/p{len(people)}"))
            graph.add((person, RDF.type, KG.Person))
            graph.add((person, RDFS.label, Literal(label)))
            graph.add((article, KG.mentions, person))
            for t in range(times):
                at = 100 * int(str(person).rsplit("p", 1)[-1]) + 10 * t
                mention = URIRef(f"{article}#char={at},{at + 5}")
                graph.add((mention, KG.denotes, person))
                graph.add((mention, KG.inArticle, article))
    return graph


NAMED = {
    "Budget talks resume": {"Ana Ruiz": 3, "Ben Okafor": 1, "Chen Li": 1},
    "Ruiz and Okafor meet again": {"Ana Ruiz": 2, "Ben Okafor": 2},
    "A quiet week": {"Dara Quinn": 1},
}


def test_the_articles_view_links_each_entity_to_the_articles_that_name_it():
    from kg.view import articles_graph

    graph = articles_graph(MemoryStore(_named_graph(NAMED)))
    label = {n: d["label"] for n, d in graph.nodes(data=True)}
    articles = sorted(label[n] for n, d in graph.nodes(data=True) if d["cls"] == "NewsArticle")
    assert articles == sorted(NAMED)
    links = {(label[e], label[a], d["times"]) for e, a, d in graph.edges(data=True)}
    assert links == {
        (entity, title, times) for title, named in NAMED.items() for entity, times in named.items()
    }
    ruiz = next(d for d in graph.nodes.values() if d["label"] == "Ana Ruiz")
    tip = ruiz["tip"].splitlines()
    assert "named in 2 articles" in tip
    # named most with: Okafor in both of Ruiz's articles, Li in one; Quinn never
    assert tip[tip.index("named most with (articles in common):") + 1 :] == [
        "  Ben Okafor (2)",
        "  Chen Li (1)",
    ]
    talks = next(d for d in graph.nodes.values() if d["label"] == "Budget talks resume")
    assert "  Ana Ruiz (3\u00d7)" in talks["tip"].splitlines()


def test_kg_view_articles_draws_who_appears_with_whom(tmp_path, capsys):
    source = tmp_path / "named.ttl"
    _named_graph(NAMED).serialize(source, format="turtle")
    out = tmp_path / "articles.html"
    assert main(["view", str(source), "--articles", "-o", str(out), "-q"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "3 articles, 4 entities, each linked to the articles that name it" in page
    assert "named most with (articles in common):" in page
    assert '"title":' not in page  # tooltips stay text, as in the graph view
    focused = tmp_path / "ruiz.html"
    assert main(["view", str(source), "--articles", "--focus", "Chen Li", "-o", str(focused)]) == 0
    text = focused.read_text(encoding="utf-8")
    # one step through an article: Li's article and the entities it names
    assert "1 articles, 3 entities" in text and "Dara Quinn" not in text
    assert main(["view", str(source), "--articles", "--min-degree", "2", "-o", str(focused)]) == 0
    assert "2 articles, 2 entities" in focused.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["view", str(source), "--articles", "--timeline", "-o", str(out)]) == 64
    assert main(["view", str(source), "--articles", "--k-core", "2", "-o", str(out)]) == 64
    assert "--articles takes --focus" in capsys.readouterr().err
    facts_only = tmp_path / "facts.ttl"
    _hostile_graph(("Jo Park", "Acme"), "Jo Park works for Acme.").serialize(facts_only)
    assert main(["view", str(facts_only), "--articles", "-o", str(out)]) == 64
    assert "names none of its 2 entities in an article" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["view", "--help"])
    assert "--articles" in capsys.readouterr().out


def test_the_python_api_draws_the_articles_view_too(tmp_path):
    from kg.graph import KnowledgeGraph

    with KnowledgeGraph(MemoryStore(_named_graph(NAMED))) as graph:
        page = graph.view(tmp_path / "articles.html", articles=True).read_text(encoding="utf-8")
    assert "3 articles, 4 entities, each linked to the articles that name it" in page


@needs_browser
def test_the_articles_view_opens_with_no_label_over_another_and_text_tooltips(tmp_path, browser):
    source = tmp_path / "named.ttl"
    _named_graph(NAMED).serialize(source, format="turtle")
    out = tmp_path / "articles.html"
    assert main(["view", str(source), "--articles", "-o", str(out), "-q"]) == 0
    browser.set_window_size(1400, 900)
    browser.get(out.as_uri())
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    assert browser.execute_script("return network.body.data.nodes.length") == 7
    assert browser.execute_script(OVERLAPS) == []
    # an article names an entity: the links carry neither an arrow nor a label
    links = browser.execute_script(
        "return Object.values(network.body.edges)"
        "  .map(e => [e.options.arrows.to.enabled, e.options.label || ''])"
    )
    assert links and all(link == [False, ""] for link in links)
    tip = browser.execute_script(
        "return network.body.data.nodes.get().find(n => n.kgLabel === 'Ben Okafor')"
        "  .title.textContent"
    )
    assert "Ana Ruiz (2)" in tip
