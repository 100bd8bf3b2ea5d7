"""The HTML views, opened in real headless Chromium: offline, complete, informative, inert."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
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
        "const e = network.body.data.edges.get().find(x => x.title.includes('<script>'));"
        "const p = network.getPositions([e.from, e.to]);"
        "const mid = {x: (p[e.from].x + p[e.to].x) / 2, y: (p[e.from].y + p[e.to].y) / 2};"
        "const dom = network.canvasToDOM(mid);"
        "const box = document.querySelector('#mynetwork canvas').getBoundingClientRect();"
        "return {x: dom.x, y: dom.y, w: box.width, h: box.height, title: e.title};"
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
