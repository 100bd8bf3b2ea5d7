"""A timeline of the graph's dated events (``kg view --timeline``), drawn with vis-network.

Each event with a ``kg:date`` is a node on a time axis, at the start of the
period its date names (a year, a month or a day), lifted to a row of its own
where its label would cover another's. Hovering an event shows its date, its
participants, its places and the sentences that say so; clicking it scrolls to
its row in the table under the axis, which lists every one of those facts with
its sentence and article. Like :mod:`kg.view`, the page is self-contained and
works offline, and every tooltip is text.
"""

from __future__ import annotations

import heapq
import html
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pyvis.network import Network

from kg.store import Store
from kg.view import CHAR_WIDTH, EVIDENCE_SHOWN, NODE_FONT, fast_ids, frame, style

__all__ = ["TimelineEvent", "events", "render_timeline"]

PREFIXES = """PREFIX kg: <https://kg.example.org/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
#: Dated events. Their facts come from :data:`FACTS` and are joined in Python:
#: rdflib's engine joins an event to its assertions in time quadratic in their
#: number (a store of a few thousand events took minutes), each query alone is linear.
EVENTS = (
    PREFIXES
    + """SELECT DISTINCT ?e ?event ?date WHERE {
  ?e a kg:Event ; rdfs:label ?event ; kg:date ?date .
}"""
)
#: Every fact with its sentence and article; :data:`LABELS` names its ends.
FACTS = (
    PREFIXES
    + """SELECT DISTINCT ?s ?p ?o ?sentence ?article WHERE {
  ?a a kg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
     kg:inSentence ?sent ; prov:wasDerivedFrom ?art .
  ?sent kg:text ?sentence .
  ?art rdfs:label ?article .
}"""
)
LABELS = PREFIXES + "SELECT ?x ?label WHERE { ?x rdfs:label ?label }"
#: Pixels per day on the axis, at most; a long span gets fewer.
MAX_DAY = 40.0
AXIS_WIDTH = 1200.0
ROW = 110.0


@dataclass
class TimelineEvent:
    """One dated event with its participants, places and evidence."""

    iri: str
    label: str
    when: str
    participants: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    #: (property, other end, sentence, article), each once
    evidence: set[tuple[str, str, str, str]] = field(default_factory=set)

    @property
    def start(self) -> date:
        return period_start(self.when)


def period_start(value: str) -> date:
    """The first day of the period a ``kg:date`` names.

    Raises ``ValueError`` for a date off the calendar kg draws (years 1 to 9999)
    or one that is not a date at all.

    >>> period_start("2023"), period_start("2023-05"), period_start("2024-03-10T09:00:00")
    (datetime.date(2023, 1, 1), datetime.date(2023, 5, 1), datetime.date(2024, 3, 10))
    """
    text = value.strip()
    negative = text.startswith("-")
    parts = text.lstrip("-").split("T")[0].split("-")
    if not all(part[:2].isdigit() for part in parts):
        raise ValueError(f"not a date: {value!r}")
    year = int(parts[0])
    if negative or not 1 <= year <= 9999:
        raise ValueError(f"a date kg cannot place on a timeline: {value!r}")
    month = int(parts[1]) if len(parts) > 1 else 1
    day = int(parts[2][:2]) if len(parts) > 2 else 1
    return date(year, month, day)


def events(store: Store, skipped: list[str] | None = None) -> list[TimelineEvent]:
    """The store's dated events, in date order (then by name).

    An event whose date is not one (``"2023-13-45"``, ``"high"``) or lies off the
    calendar (year 0, before year 1, after 9999) is left off; ``skipped``, if
    given, gets a line saying which and why.
    """
    found: dict[tuple[str, str], TimelineEvent] = {}
    undated: list[str] = []
    for iri, label, when in store.query(EVENTS).rows:
        try:
            period_start(str(when))
        except ValueError:
            undated.append(f"{label} ({iri}): date {str(when)!r} is not on the calendar")
            continue
        key = (str(iri), str(when))
        found.setdefault(key, TimelineEvent(str(iri), str(label), str(when)))
    dated: defaultdict[str, list[TimelineEvent]] = defaultdict(list)
    for event in found.values():
        dated[event.iri].append(event)
    if dated:
        labels = {str(x): str(label) for x, label in store.query(LABELS).rows}
        for s, p, o, sentence, article in store.query(FACTS).rows:
            prop = str(p).rsplit("#", 1)[-1]
            for here, there in ((str(s), str(o)), (str(o), str(s))):
                for event in dated.get(here, ()):
                    other = labels.get(there, there)
                    if prop == "participatesIn":
                        event.participants.add(other)
                    elif prop == "locatedIn":
                        event.places.add(other)
                    event.evidence.add((prop, other, str(sentence), str(article)))
    if skipped is not None:
        skipped.extend(sorted(undated))
    return sorted(found.values(), key=lambda e: (e.start, e.label, e.when))


def _tooltip(event: TimelineEvent) -> str:
    lines = [event.label, f"date: {event.when}"]
    if event.participants:
        lines.append("participants: " + ", ".join(sorted(event.participants)))
    if event.places:
        lines.append("places: " + ", ".join(sorted(event.places)))
    # one sentence often says several facts (the date, a place, a participant): each once
    sentences = sorted({(sentence, article) for _p, _o, sentence, article in event.evidence})
    for sentence, article in sentences[:EVIDENCE_SHOWN]:
        lines.append(f"\u201c{sentence}\u201d \u2014 {article}")
    if len(sentences) > EVIDENCE_SHOWN:
        lines.append(f"and {len(sentences) - EVIDENCE_SHOWN} more sentences")
    lines.append("click for every sentence")
    return "\n".join(lines)


def _who_where(event: TimelineEvent, width: int = 48) -> list[str]:
    """A label's lines for the event's participants and places, cut to ``width``."""
    lines = []
    for word, names in (("with", event.participants), ("in", event.places)):
        if names:
            text = f"{word} " + ", ".join(sorted(names))
            lines.append(text if len(text) <= width else text[: width - 1] + "\u2026")
    return lines


def _rows(found: list[TimelineEvent], x_of: dict[str, float]) -> dict[str, int]:
    """A row per event, the lowest where its label covers no other's.

    Labels are taken from left to right; a row is free once the last label in it
    ends before the next one starts, so two heaps (rows in use by where they end,
    free rows by number) find the lowest free row in O(log n) per event.
    """
    spans = []
    for event in found:
        key = event.iri + event.when
        longest = max(len(line) for line in [event.label, event.when, *_who_where(event)])
        half = CHAR_WIDTH * NODE_FONT * longest / 2 + 16
        spans.append((x_of[key] - half, x_of[key] + half, key))
    busy: list[tuple[float, int]] = []
    free: list[int] = []
    rows: dict[str, int] = {}
    for left, right, key in sorted(spans):
        while busy and busy[0][0] <= left:
            heapq.heappush(free, heapq.heappop(busy)[1])
        row = heapq.heappop(free) if free else len(busy)
        heapq.heappush(busy, (right, row))
        rows[key] = row
    return rows


def render_timeline(
    store: Store, title: str = "kg: timeline", skipped: list[str] | None = None
) -> str:
    """The HTML page of the store's dated events on a time axis.

    Events whose dates kg cannot place are left off (see :func:`events`); the
    page says how many, and ``skipped``, if given, gets a line for each.
    """
    left_off: list[str] = []
    found = events(store, left_off)
    if skipped is not None:
        skipped.extend(left_off)
    first = min((e.start for e in found), default=date.today())
    last = max((e.start for e in found), default=first)
    # the axis runs over whole years, from the first event's to the end of the last's
    # (counted in days: the day after 9999-12-31 is beyond what a date can hold)
    origin = date(first.year, 1, 1)
    span = (date(last.year, 12, 31) - origin).days + 1
    per_day = min(MAX_DAY, AXIS_WIDTH / span)
    x_of = {e.iri + e.when: (e.start - origin).days * per_day for e in found}
    rows = _rows(found, x_of)
    net = fast_ids(
        Network(height="55vh", width="100%", directed=False, cdn_resources="in_line", heading="")
    )
    for n, event in enumerate(found):
        key = event.iri + event.when
        colour, shape = style("Event")
        net.add_node(
            n,
            label="\n".join([event.label, event.when, *_who_where(event)]),
            kgTitle=_tooltip(event),
            kgAnchor=f"event-{n}",
            color=colour,
            shape=shape,
            size=14,
            x=x_of[key],
            y=-rows[key] * ROW,
            physics=False,
        )
    # two invisible ends of the axis, so that fitting the view shows all of it
    for n, days in enumerate((0, span)):
        net.add_node(
            f"axis-{n}",
            label=" ",
            kgAxis=True,
            shape="dot",
            size=1,
            color="rgba(0,0,0,0)",
            x=days * per_day,
            y=ROW,
            physics=False,
        )
    net.set_options(
        json.dumps(
            {
                "physics": {"enabled": False},
                "interaction": {"hover": True, "tooltipDelay": 120, "dragNodes": False},
                "nodes": {"font": {"size": NODE_FONT, "background": "rgba(255,255,255,0.8)"}},
            }
        )
    )
    axis = {
        "first": origin.isoformat(),
        "perDay": per_day,
        "years": list(range(first.year, last.year + 2)),
        "months": span <= 3 * 366,
    }
    return _page(net.generate_html(), found, title, axis, len(left_off))


#: Draws the time axis under the events, and links each event to its rows below.
AXIS = """<script>
(function () {
  var axis = AXIS_DATA;
  var origin = Date.parse(axis.first + "T00:00:00Z");
  function x(year, month) { return (Date.UTC(year, month, 1) - origin) / 86400000 * axis.perDay; }
  network.on("beforeDrawing", function (ctx) {
    var base = ROW_HEIGHT * 0.75;
    ctx.save();
    ctx.strokeStyle = "#888"; ctx.fillStyle = "#333"; ctx.lineWidth = 1;
    ctx.font = "14px sans-serif"; ctx.textAlign = "center";
    var from = x(axis.years[0], 0), to = x(axis.years[axis.years.length - 1], 0);
    ctx.beginPath(); ctx.moveTo(from - 40, base); ctx.lineTo(to + 40, base); ctx.stroke();
    axis.years.forEach(function (year) {
      var at = x(year, 0);
      ctx.beginPath(); ctx.moveTo(at, base - 10); ctx.lineTo(at, base + 10); ctx.stroke();
      ctx.fillText(String(year), at, base + 28);
      if (axis.months) {
        for (var m = 1; m < 12; m++) {
          var tick = x(year, m);
          ctx.beginPath(); ctx.moveTo(tick, base - 4); ctx.lineTo(tick, base + 4); ctx.stroke();
        }
      }
    });
    ctx.restore();
  });
  network.on("click", function (params) {
    if (!params.nodes.length) { return; }
    var node = network.body.data.nodes.get(params.nodes[0]);
    document.querySelectorAll("tr.kg-on").forEach(function (r) { r.classList.remove("kg-on"); });
    document.querySelectorAll('tr[data-event="' + node.kgAnchor + '"]').forEach(
      function (r) { r.classList.add("kg-on"); });
    location.hash = node.kgAnchor;
  });
  network.fit();
})();
</script>"""


def _page(
    page: str, found: list[TimelineEvent], title: str, axis: dict[str, Any], left_off: int = 0
) -> str:
    rows = []
    for n, event in enumerate(found):
        facts = sorted(event.evidence) or [("date", event.when, "", "")]
        for m, (prop, other, sentence, article) in enumerate(facts):
            cells = [
                html.escape(event.when) if m == 0 else "",
                html.escape(event.label) if m == 0 else "",
                html.escape(prop),
                html.escape(other),
                html.escape(sentence),
                html.escape(article),
            ]
            anchor = f' id="event-{n}"' if m == 0 else ""
            rows.append(
                f'<tr{anchor} data-event="event-{n}">'
                + "".join(f"<td>{c}</td>" for c in cells)
                + "</tr>"
            )
    count = (
        f"{len(found):,} dated events. Hover an event for its facts; click it for every sentence."
    )
    if left_off:
        count += f" {left_off:,} events with dates off the calendar (year 1 to 9999) left off."
    header = (
        '<div id="kg-header" style="font-family:sans-serif;padding:8px 12px">'
        f'<h2 style="margin:4px 0">{html.escape(title)}</h2>'
        f'<div id="kg-counts">{html.escape(count)}</div></div>'
    )
    table = (
        '<table id="kg-evidence" style="font-family:sans-serif;border-collapse:collapse;'
        'margin:12px"><thead><tr><th>date</th><th>event</th><th>fact</th><th>with</th>'
        "<th>sentence</th><th>article</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        "<style>#kg-evidence td,#kg-evidence th{border-bottom:1px solid #ddd;padding:4px 8px;"
        "text-align:left;vertical-align:top}tr.kg-on{background:#fff3c4}</style>"
    )
    script = AXIS.replace("AXIS_DATA", json.dumps(axis)).replace("ROW_HEIGHT", str(ROW))
    return frame(page, title, header, table, script)
