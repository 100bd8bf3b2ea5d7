"""The timeline (kg view --timeline): dated events on a time axis, linked to their evidence."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import XSD
from tests_browser import available, chromium

from kg.cli import main
from kg.store.backends import MemoryStore
from kg.timeline import events, period_start, render_timeline
from kg.vocab import KG

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

needs_browser = pytest.mark.skipif(
    not available() and not os.environ.get("CI"),
    reason="headless Chromium not installed (apt-get install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def store(pipeline):
    from kg.sources import read_articles

    return MemoryStore(pipeline.build(read_articles([EXAMPLES])))


def test_dated_events_come_in_date_order_with_their_places_and_sentences(store):
    found = events(store)
    assert [(e.label, e.when) for e in found] == [
        ("Hollywood writers' strike", "2023-05"),
        ("actors' strike", "2023-11"),  # "The actors' strike ended in November 2023"
        ("96th Academy Awards", "2024-03-10"),
    ]
    strike = found[0]
    assert strike.places == {"Hollywood"}
    assert ("date", "2023-05", "The Hollywood writers' strike began in May 2023.") in {
        e[:3] for e in strike.evidence
    }


@pytest.mark.parametrize("value", ["-0044-03-15", "0000", "12345"])
def test_dates_off_the_calendar_are_left_off_the_axis(value):
    with pytest.raises(ValueError):
        period_start(value)


def test_labels_and_sentences_stay_text(tmp_path):
    graph = Graph()
    event = URIRef("https://kg.example.org/id/event/x")
    graph.add((event, RDF.type, KG.Event))
    graph.add((event, RDFS.label, Literal("</script><script>window.kgPwned=1</script> Summit")))
    graph.add((event, KG.date, Literal("2024-05-01", datatype=XSD.date)))
    page = render_timeline(MemoryStore(graph))
    assert "<script>window.kgPwned" not in page
    assert "&lt;/script&gt;&lt;script&gt;window.kgPwned=1" in page  # the table shows it
    assert not re.search(r"<(script|link)\b[^>]*\b(src|href)=[\"']https?://", page)  # offline
    assert '"title":' not in page


def test_the_timeline_takes_no_narrowing_option(tmp_path, capsys):
    built = tmp_path / "g.trig"
    assert main(["build", str(EXAMPLES), "-o", str(built), "-q"]) == 0
    out = tmp_path / "t.html"
    assert main(["view", str(built), "--timeline", "-o", str(out), "-q"]) == 0
    assert "<title>kg: timeline</title>" in out.read_text(encoding="utf-8")
    assert main(["view", str(built), "--timeline", "--focus", "Sam Altman", "-o", str(out)]) == 64
    assert "--timeline draws every dated event" in capsys.readouterr().err


@needs_browser
def test_events_sit_on_the_axis_in_date_order_and_link_to_their_evidence(store, tmp_path):
    out = tmp_path / "timeline.html"
    out.write_text(render_timeline(store), encoding="utf-8")
    with chromium() as browser:
        browser.set_window_size(1400, 900)
        browser.get(out.as_uri())
        assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
        placed = browser.execute_script(
            "return network.body.data.nodes.get({filter: n => !n.kgAxis})"
            "  .map(n => [n.label.split('\\n')[0], n.x, n.kgAnchor])"
        )
        assert [p[0] for p in sorted(placed, key=lambda p: p[1])] == [
            "Hollywood writers' strike",
            "actors' strike",
            "96th Academy Awards",
        ]
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "timeline.png"))
        strike = next(p for p in placed if p[0] == "Hollywood writers' strike")
        browser.execute_script(
            "network.emit('click', {nodes: [network.body.data.nodes.get().find("
            "  n => n.kgAnchor === arguments[0]).id], edges: []})",
            strike[2],
        )
        assert browser.execute_script("return location.hash") == "#" + strike[2]
        rows = browser.execute_script(
            "return [...document.querySelectorAll('tr.kg-on')].map(r => r.textContent)"
        )
        assert rows and all("Hollywood" in r for r in rows)
        assert any("began in May 2023" in r for r in rows)


def _events_graph(dates: dict[str, str], facts_per_event: int = 0) -> Graph:
    """Events named by ``dates`` (label -> kg:date), each with ``facts_per_event``
    facts from one sentence: its date, a place and participants."""
    from rdflib.namespace import PROV

    from kg.vocab import ID

    graph = Graph()
    article = URIRef(f"{ID}article/a")
    graph.add((article, RDF.type, KG.NewsArticle))
    graph.add((article, RDFS.label, Literal("an article")))
    place = URIRef(f"{ID}place/p")
    graph.add((place, RDF.type, KG.Place))
    graph.add((place, RDFS.label, Literal("Springfield")))
    for n, (label, when) in enumerate(dates.items()):
        event = URIRef(f"{ID}event/e{n}")
        graph.add((event, RDF.type, KG.Event))
        graph.add((event, RDFS.label, Literal(label)))
        graph.add((event, KG.date, Literal(when)))
        sentence = URIRef(f"{ID}article/a/s{n}")
        graph.add((sentence, KG.text, Literal(f"{label} took place in Springfield on {when}.")))
        for m in range(facts_per_event):
            prop, other = (KG.locatedIn, place) if m == 0 else (KG.participatesIn, None)
            subject, obj = event, other
            if other is None:
                subject, obj = URIRef(f"{ID}person/p{n}-{m}"), event
                graph.add((subject, RDF.type, KG.Person))
                graph.add((subject, RDFS.label, Literal(f"Person {n}-{m}")))
            claim = URIRef(f"{ID}article/a/a{n}-{m}")
            for p, o in (
                (RDF.type, KG.Assertion),
                (RDF.subject, subject),
                (RDF.predicate, prop),
                (RDF.object, obj),
                (KG.inSentence, sentence),
                (PROV.wasDerivedFrom, article),
            ):
                graph.add((claim, p, o))
    return graph


def test_the_tooltip_shows_a_sentence_once_whatever_facts_it_says():
    graph = _events_graph({"Harvest Fair": "2024-09-01"}, facts_per_event=3)
    (fair,) = events(MemoryStore(graph))
    assert len(fair.evidence) == 3  # a place and two participants, all from one sentence
    page = render_timeline(MemoryStore(graph))
    tip = re.search(r'"kgTitle": "([^"]*)"', page)
    assert tip and tip.group(1).count("took place in Springfield") == 1


def test_the_timeline_of_a_graph_file_grows_near_linearly_with_its_events():
    import time

    def seconds(count: int) -> float:
        graph = _events_graph(
            {
                f"Event {n}": f"{2000 + n % 20}-{1 + n % 12:02d}-{1 + n % 28:02d}"
                for n in range(count)
            },
            facts_per_event=2,
        )
        start = time.perf_counter()
        page = render_timeline(MemoryStore(graph))
        assert f"{count:,} dated events" in page
        return time.perf_counter() - start

    small, big = seconds(300), seconds(1200)
    # four times the events: about four times the time, not sixteen (before, 100
    # events took over a minute)
    assert big < 15
    assert big < 8 * small + 1.0


def test_dates_off_the_calendar_are_left_off_with_a_warning_not_a_crash(tmp_path, capsys):
    dates = {
        "Last Fair": "9999",  # the last year a date holds: drawn
        "Harvest Fair": "2024-09-01",
        "Year Zero": "0000",
        "Leap Day": "2023-02-30",
        "Far Future": "10000-01-01",
        "Garbled": "soon",
    }
    source = tmp_path / "dates.ttl"
    graph = _events_graph(dates)
    # typed as a date, as another tool could write it: rdflib cannot read it as one
    graph.add((URIRef("https://kg.example.org/id/event/bad"), RDF.type, KG.Event))
    graph.add((URIRef("https://kg.example.org/id/event/bad"), RDFS.label, Literal("Ill Typed")))
    graph.add(
        (
            URIRef("https://kg.example.org/id/event/bad"),
            KG.date,
            Literal("2023-02-30", datatype=XSD.date),
        )
    )
    graph.serialize(source, format="turtle")
    out = tmp_path / "t.html"
    assert main(["view", str(source), "--timeline", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    for label in ("Year Zero", "Leap Day", "Far Future", "Garbled", "Ill Typed"):
        assert f"kg: warning: left off the timeline: {label} (" in err
    assert "Last Fair" not in err and "Harvest Fair" not in err
    page = out.read_text(encoding="utf-8")
    assert "2 dated events" in page and "5 events with dates off the calendar" in page
    assert "Last Fair" in page and "Year Zero" not in page
    # and, as a user runs it (pytest holds log records back), no traceback either
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "kg.cli", "view", str(source), "--timeline", "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert "left off the timeline: Ill Typed" in run.stderr


@pytest.mark.parametrize(
    "datatype, value", [(XSD.gYear, "9999"), (XSD.dateTime, "9999-12-31T23:59:59Z")]
)
def test_an_event_in_the_year_9999_is_drawn(datatype, value):
    graph = Graph()
    event = URIRef("https://kg.example.org/id/event/x")
    graph.add((event, RDF.type, KG.Event))
    graph.add((event, RDFS.label, Literal("The end of the calendar")))
    graph.add((event, KG.date, Literal(value, datatype=datatype)))
    found = events(MemoryStore(graph))
    assert [e.start.year for e in found] == [9999]
    assert "1 dated events" in render_timeline(MemoryStore(graph))
