"""The provenance levels of ``kg build --provenance``: what each keeps, and that the
leaner ones answer every shipped query as the full graph does.

``full`` is the graph kg wrote before the levels existed, plus ``kg:inArticle`` on each
mention; ``mentions`` (the default) leaves out what can be read off a mention's IRI or
taken as the default; ``facts`` keeps no mention nodes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef

from kg.cli import main
from kg.pipeline import article_graphs, dataset_of, union
from kg.query import bundled_queries, find_query, parse_params, run_query
from kg.rdf import (
    MENTION_CONFIDENCE,
    MENTION_RESOLUTION,
    MENTION_RULE,
    extraction_graph,
    mention_span,
)
from kg.sources import iter_articles, parse_article
from kg.types import PROVENANCE_LEVELS, Article
from kg.vocab import KG

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "examples" / "articles"
GOLD = ROOT / "tests" / "gold"
#: Parameters for the shipped queries that take one: entities the articles name.
PARAMS = {
    "entity": [["entity=Sam Altman"], ["entity=OpenAI"], ["entity=New York"]],
    "articles": [["entity=OpenAI"], ["entity=Sam Altman"], ["entity=Paramount"]],
}


def _articles() -> list[Article]:
    """The example articles and the articles of kg's own gold."""
    articles = list(iter_articles([ARTICLES]))
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text("utf-8"))
        front = f"---\ntitle: {gold['title']}\ndate: {gold['date']}\n---\n"
        articles.append(parse_article(front + gold["text"], path.stem, str(path)))
    return articles


@pytest.fixture(scope="module")
def levels(pipeline) -> dict[str, Graph]:
    """The articles' graph at each provenance level, from one extraction."""
    extractions = pipeline.extractions(_articles())
    return {
        level: union(dataset_of(article_graphs(extractions, pipeline.lexicon, provenance=level)))
        for level in PROVENANCE_LEVELS
    }


def _answers(graph: Graph, name: str, params: list[str]) -> list[tuple[str, ...]]:
    text, source = find_query(name)
    result = run_query(graph, text, parse_params(params), source)
    # GROUP_CONCAT joins its values in no set order (SPARQL 1.1 has no ORDER BY for it)
    return [tuple("; ".join(sorted(str(v).split("; "))) for v in row) for row in result.rows]


def _runs() -> list[tuple[str, list[str]]]:
    return [(name, p) for name in sorted(bundled_queries()) for p in PARAMS.get(name, [[]])]


@pytest.mark.parametrize(("name", "params"), _runs(), ids=lambda v: str(v))
def test_every_shipped_query_answers_the_same_at_every_level(levels, name, params):
    full = _answers(levels["full"], name, params)
    assert full, f"{name} {params} finds nothing in the example articles: a test that cannot fail"
    assert _answers(levels["mentions"], name, params) == full
    facts = _answers(levels["facts"], name, params)
    if name == "articles":
        # on purpose: the facts level keeps no mention nodes, so there is nothing to count;
        # the articles that name the entity are the same
        assert {row[:2] for row in facts} == {row[:2] for row in full}
        assert {row[2] for row in facts} == {"0"}
    else:
        assert facts == full


def _evidence(graph: Graph) -> set[tuple]:
    """Every triple but those about mentions and the sentences no fact cites."""
    cited = {
        o for a in graph.subjects(RDF.type, KG.Assertion) for o in graph.objects(a, KG.inSentence)
    }
    mentions = set(graph.subjects(KG.denotes, None))
    sentences = set(graph.subjects(RDF.type, KG.Sentence)) - cited
    return {t for t in graph if t[0] not in mentions and t[0] not in sentences}


def test_every_level_keeps_each_facts_whole_evidence(levels):
    full = _evidence(levels["full"])
    assert any(p == KG.inSentence for _, p, _ in full)
    assert _evidence(levels["mentions"]) == full
    assert _evidence(levels["facts"]) == full


def test_the_default_level_keeps_each_mentions_entity_text_and_offsets(levels):
    full, lean = levels["full"], levels["mentions"]
    mentions = sorted(full.subjects(RDF.type, KG.Mention))
    assert len(mentions) > 50
    assert sorted(set(lean.subjects(KG.denotes, None))) == mentions
    stated = {"rule": 0, "confidence": 0, "resolution": 0}
    for m in mentions:
        for p in (KG.denotes, KG.text, KG.inArticle):
            assert lean.value(m, p) == full.value(m, p) is not None
        article, start, end = mention_span(m)
        assert (start, end) == (int(full.value(m, KG.startChar)), int(full.value(m, KG.endChar)))
        assert URIRef(article) == lean.value(m, KG.inArticle)
        # rule, confidence and resolution: stated where they differ from the default
        for prop, default in (
            ("rule", MENTION_RULE),
            ("confidence", MENTION_CONFIDENCE),
            ("resolution", MENTION_RESOLUTION),
        ):
            value = full.value(m, KG[prop])
            is_default = (float(value) if prop == "confidence" else str(value)) == default
            assert lean.value(m, KG[prop]) == (None if is_default else value)
            stated[prop] += not is_default
        # what the default level leaves to the reader: the type, the sentence, the NER label
        for p in (RDF.type, KG.startChar, KG.endChar, KG.inSentence, KG.nerLabel):
            assert lean.value(m, p) is None
    assert all(stated.values()), stated  # the articles exercise every non-default case


def test_the_facts_level_keeps_no_mention_nodes_but_what_each_article_names(levels):
    full, facts = levels["full"], levels["facts"]
    assert not list(facts.subjects(KG.denotes, None))
    assert set(facts.subject_objects(KG.mentions)) == set(full.subject_objects(KG.mentions))


def test_the_default_level_is_leaner(levels):
    sizes = {level: len(graph) for level, graph in levels.items()}
    assert sizes["facts"] < sizes["mentions"] <= 0.65 * sizes["full"]


def test_provenance_is_a_build_option_and_a_setting(tmp_path, capsys):
    article = ARTICLES / "01_sora_hollywood.txt"
    sizes = {}
    for level in PROVENANCE_LEVELS:
        out = tmp_path / f"{level}.nt"
        assert main(["build", str(article), "-o", str(out), "-q", "--provenance", level]) == 0
        sizes[level] = len(out.read_text("utf-8").splitlines())
    assert sizes["facts"] < sizes["mentions"] < sizes["full"]
    config = tmp_path / "kg.toml"
    config.write_text('provenance = "facts"\n', encoding="utf-8")
    out = tmp_path / "config.nt"
    assert main(["build", str(article), "-o", str(out), "-q", "--config", str(config)]) == 0
    assert len(out.read_text("utf-8").splitlines()) == sizes["facts"]
    # the command line wins over the file
    assert main(["build", str(article), "-o", str(out), "-q", "--config", str(config),
                 "--provenance", "full"]) == 0  # fmt: skip
    assert len(out.read_text("utf-8").splitlines()) == sizes["full"]
    capsys.readouterr()
    config.write_text('provenance = "some"\n', encoding="utf-8")
    assert main(["build", str(article), "-o", str(out), "--config", str(config)]) == 64
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "provenance must be one of full, mentions, facts" in err
    with pytest.raises(SystemExit) as exc:  # argparse refuses a choice it does not offer
        main(["build", str(article), "-o", str(out), "--provenance", "some"])
    assert exc.value.code == 64
    assert "invalid choice: 'some'" in capsys.readouterr().err
    assert len(out.read_text("utf-8").splitlines()) == sizes["full"]  # left as it was


def test_a_store_rebuilt_at_another_level_is_rewritten(tmp_path):
    store = tmp_path / "store"
    build = ["build", str(ARTICLES), "--store", str(store), "-q"]
    assert main([*build, "--provenance", "full"]) == 0
    from kg.store import open_store

    def mentions_typed() -> int:
        s = open_store(str(store), create=False)
        try:
            return len(s.query(f"SELECT ?m WHERE {{ ?m a <{KG.Mention}> }}").rows)
        finally:
            s.close()

    assert mentions_typed() > 50
    assert main(build) == 0  # the default level: not skipped as "already stored"
    assert mentions_typed() == 0


def test_an_unknown_level_is_refused_by_the_library():
    from kg.errors import UsageError

    with pytest.raises(UsageError, match="unknown provenance level 'all'"):
        extraction_graph(None, provenance="all")  # type: ignore[arg-type]


#: An article whose first sentence a rebuild edits: every name after the edit moves.
EDITED = (
    "Lumen Labs CEO Mira Chen opened a studio in Leeds on Monday. Chen said the studio "
    "would hire 40 people. Omar Ali, the chief financial officer of Lumen Labs, joined "
    "her in Leeds. Ali said Lumen Labs had raised money from Northwind Capital. Chen and "
    "Ali later met investors in Manchester.\n"
)


@pytest.mark.parametrize("level", ["mentions", "full"])
@pytest.mark.parametrize("target", ["--store", "-o"])
def test_diff_shows_an_edited_sentence_not_every_name_after_it(tmp_path, capsys, level, target):
    """ "CEO" becomes "chief executive," in the first sentence: the diff says what that
    changed (the fact its title said, its evidence), in a few lines, not the +133 -133
    triples of every mention and assertion whose offsets moved."""
    article = tmp_path / "news.txt"
    article.write_text(EDITED, encoding="utf-8")
    out = str(tmp_path / ("store" if target == "--store" else "g.trig"))
    build = ["build", str(article), target, out, "--provenance", level, "-q"]
    assert main(build) == 0
    article.write_text(EDITED.replace("CEO", "chief executive,", 1), encoding="utf-8")
    capsys.readouterr()
    assert main([*build, "--diff"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert 1 <= len(lines) <= 3, lines
    # each line is about the edited sentence: its fact or the evidence from it
    assert all("Mira Chen" in line and line[:2] in ("+ ", "- ") for line in lines), lines
    assert any(line.startswith("- fact: Mira Chen -") for line in lines), lines
    capsys.readouterr()
    assert main([*build, "--diff"]) == 0
    assert capsys.readouterr().out == ""  # the same again: nothing changed


def test_readable_diff_matches_mentions_by_entity_and_text_not_offsets():
    """Of three "Altman"s, the middle one is cut and the last moves: one line says a
    mention of him went, with no line for the one that only moved."""
    from kg.rdf import readable_diffs
    from kg.types import GraphDiff

    doc = "https://kg.example.org/id/article/a"
    person = "https://kg.example.org/id/person/sam-altman"

    def mention(start: int) -> list[str]:
        node = f"<{doc}#char={start},{start + 6}>"
        return [f"{node} <{KG.denotes}> <{person}> .", f'{node} <{KG.text}> "Altman" .']

    label = f'<{person}> <http://www.w3.org/2000/01/rdf-schema#label> "Sam Altman" .'
    removed = (*mention(40), *mention(80))
    added = tuple(mention(60))
    [diff, entities] = readable_diffs([GraphDiff(doc, added, removed), GraphDiff("e", (label,))])
    assert diff == GraphDiff(doc, (), ('mention "Altman" of Sam Altman',))
    assert entities.added == (f'<{person}> label "Sam Altman"',)


def test_readable_diff_says_a_name_that_stayed_now_denotes_another_entity():
    """A mention relinked at its place ("Altman" now Sam Altman): its text did not
    change, so only where it is and what it denotes can say which one it is."""
    from kg.rdf import readable_diffs
    from kg.types import GraphDiff

    node = "<https://kg.example.org/id/article/a#char=32,38>"
    old, new = (f"https://kg.example.org/id/person/{key}" for key in ("altman", "sam-altman"))
    [diff] = readable_diffs(
        [
            GraphDiff(
                "a", (f"{node} <{KG.denotes}> <{new}> .",), (f"{node} <{KG.denotes}> <{old}> .",)
            )
        ]
    )
    assert diff.removed == ("mention at 32-38: denotes person/altman",)
    assert diff.added == ("mention at 32-38: denotes person/sam-altman",)
