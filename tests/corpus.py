"""A synthetic news corpus for throughput and scale benchmarks, made by a fixed procedure.

No public news corpus ships with kg, so the scale benchmarks generate one:

1. Pools of invented names: people (first x last names), companies (a coined
   stem and an industry word: "Korvath Robotics"), products (a stem and a model
   word: "Heron X2"), unions, news outlets, events ("the Lisbon Robotics
   Summit"), and real cities.
2. Each article picks a focus company, two or three other companies, four to six
   people and a city, then writes 12 to 18 sentences from about thirty sentence
   templates in the style of business news: executives with titles, launches,
   partnerships, rivalries, founders, events, reporting verbs, quotes, figures
   and dates, and filler sentences with no entity at all, as real articles have.
3. The random generator is seeded (``--seed``), so a corpus is the same on every
   machine: article ``n`` of a 1,000-article corpus is article ``n`` of a
   100-article one.

The texts are grammatical, entity-dense (about one name per eight tokens) and
around 350-450 tokens long, like short wire stories. They are written by this
procedure, not copied from anywhere.

Usage::

    python tests/corpus.py 1000 corpus.jsonl       # JSON Lines: id, title, date, text
    python tests/corpus.py 200 corpus/ --format txt  # one .txt file per article
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path

FIRST = (
    "Amara Bruno Carla Dmitri Elena Farid Greta Hiro Ines Jonas Keiko Lena Marco Nadia Oskar "
    "Priya Quentin Rosa Stefan Tamsin Umar Vera Wen Ximena Yusuf Zofia Anders Beatriz Cormac "
    "Delphine Emeka Fiona Goran Halima Ivo Jia Kasper Leila Mateo Noor"
).split()
LAST = (
    "Okafor Lindqvist Moreau Tanaka Varga Whitcombe Castellano Ng Petrov Haddad Brennan Sato "
    "Kowalski Duarte Fischer Mensah Rahman Oyelaran Halloran Iversen Qureshi Ferreira Novak "
    "Achterberg Delacroix Mbeki Sorensen Valcourt Ibarra Kimura"
).split()
STEMS = (
    "Korvath Brightwater Meridian Tessaly Orbis Calderon Vantor Lumetra Quillon Haverly Stratos "
    "Pellucid Norvane Ashgrove Kestrel Corvina Thalassa Veridian Zephyr Altamont Brisco Ferrow "
    "Glenmore Halcyon Ironbark Juniper Kaskade Lodestar Marrow Nimbus"
).split()
INDUSTRY = "Robotics Energy Pictures Systems Labs Health Motors Networks Foods Analytics".split()
MODELS = "X2 Pro Nova One Lite Max Air Prime Edge Flow".split()
PRODUCT_NOUNS = "drone app chatbot chip platform headset scanner battery camera assistant".split()
CITIES = (
    "Lisbon Toronto Nairobi Seoul Denver Rotterdam Melbourne Austin Dublin Osaka Lyon Bangalore "
    "Santiago Helsinki Accra Glasgow"
).split()
EVENT_KINDS = "Summit Expo Forum Conference Festival Awards".split()
OUTLETS = ("The Daily Ledger", "Harbor Wire", "The Northern Courier", "Metro Business Journal")
TITLES = ("chief executive", "chief technology officer", "president", "head of research")
DAYS = "Monday Tuesday Wednesday Thursday Friday".split()
MONTHS = (
    "January February March April May June July August September October November December"
).split()

TEMPLATES = (
    "{p1}, the {title} of {c1}, said on {day} that the company would expand in {city}.",
    "{c1} unveiled the {prod}, a {noun} aimed at small businesses, at an event in {city}.",
    "{c1}'s chief executive, {p1}, told reporters that demand had doubled since {month}.",
    "{p2} founded {c1} in {year} after a decade at {c2}.",
    "{c1} and {c2} agreed to work together on a new {noun}, the companies said.",
    "{c2}, a rival based in {city2}, launched a competing {noun} last {month}.",
    "{outlet} reported that {c1} was in talks to buy a stake in {c3}.",
    "According to {outlet}, {p3} will join {c2} as {title} next year.",
    "{p1} will speak at the {event} in {city} on {day}.",
    "{c3}, which is headquartered in {city2}, makes components for the {prod}.",
    "Shares of {c1} rose {n} percent in early trading.",
    "The company employs about {n}00 people and expects to hire more this year.",
    "{p4}, an analyst at {c4}, said the deal could reshape the market.",
    '"We are building for the next ten years," {p1} said in an interview.',
    "{c1} signed a partnership with {c4} to supply its {noun} to hospitals in {city}.",
    "Critics said the {prod} raised questions about privacy, and regulators in {city} "
    "have asked for details.",
    "{c2} competes with {c1} for contracts with city governments.",
    "The {event} drew more than {n},000 visitors last year.",
    "{p3}, who previously worked for {c3}, leads the team that designed the {prod}.",
    "Revenue grew to {n}.{n2} billion dollars in the last quarter, the company said.",
    "{c4} was founded by {p4} and {p2} in {city2}.",
    "Several investors, including {c3}, backed the company's latest funding round.",
    "The announcement came a week after {c2} cut prices on its own {noun}.",
    "{p2} said the company had no plans to leave {city}.",
    "Analysts expect the market for such devices to grow quickly over the next five years.",
    "{c1} is expected to show the {prod} again at the {event} in {month}.",
    "Officials in {city} welcomed the investment, saying it would create jobs.",
    "{outlet} said {c4} had hired {p3} to run its operations in {city2}.",
    "The {noun} will go on sale in {month}, priced at {n}99 dollars.",
    "It was not immediately clear how the plan would affect suppliers.",
)


def _company(rng: random.Random) -> str:
    return f"{rng.choice(STEMS)} {rng.choice(INDUSTRY)}"


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def article(n: int, seed: int = 7) -> dict[str, str]:
    """Article ``n`` of the corpus made with ``seed`` (independent of corpus size)."""
    rng = random.Random(seed * 1_000_003 + n)
    companies: list[str] = []
    while len(companies) < 4:
        name = _company(rng)
        if name not in companies:
            companies.append(name)
    people: list[str] = []
    while len(people) < 4:
        name = _person(rng)
        if name not in people:
            people.append(name)
    city, city2 = rng.sample(CITIES, 2)
    prod = f"{companies[0].split()[0][:4]}{rng.choice('aeiou')}n {rng.choice(MODELS)}"
    slots = {
        "c1": companies[0],
        "c2": companies[1],
        "c3": companies[2],
        "c4": companies[3],
        "p1": people[0],
        "p2": people[1],
        "p3": people[2],
        "p4": people[3],
        "city": city,
        "city2": city2,
        "prod": prod,
        "noun": rng.choice(PRODUCT_NOUNS),
        "event": f"{city} {rng.choice(['Robotics', 'Energy', 'Health', 'Media'])} "
        f"{rng.choice(EVENT_KINDS)}",
        "outlet": rng.choice(OUTLETS),
        "title": rng.choice(TITLES),
        "day": rng.choice(DAYS),
        "month": rng.choice(MONTHS),
        "year": str(rng.randint(1995, 2022)),
        "n": str(rng.randint(2, 9)),
        "n2": str(rng.randint(1, 9)),
    }
    chosen = [TEMPLATES[0], TEMPLATES[1], *rng.sample(TEMPLATES[2:], rng.randint(16, 24))]
    sentences = [t.format(**slots) for t in chosen]
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return {
        "id": f"synthetic-{seed}-{n:06d}",
        "title": f"{companies[0]} bets on {prod} as {companies[1]} raises the stakes",
        "date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "text": "\n\n".join(paragraphs),
    }


def corpus(size: int, seed: int = 7) -> Iterator[dict[str, str]]:
    for n in range(size):
        yield article(n, seed)


def write_jsonl(path: Path, size: int, seed: int = 7) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for item in corpus(size, seed):
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    return path


def write_txt(folder: Path, size: int, seed: int = 7) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for item in corpus(size, seed):
        front = f"---\ntitle: {item['title']}\ndate: {item['date']}\n---\n"
        (folder / f"{item['id']}.txt").write_text(front + item["text"] + "\n", encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--format", choices=("jsonl", "txt"), default="jsonl")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.format == "jsonl":
        write_jsonl(args.output, args.size, args.seed)
    else:
        write_txt(args.output, args.size, args.seed)


if __name__ == "__main__":
    main()
