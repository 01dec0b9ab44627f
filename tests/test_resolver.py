"""Cross-article entity resolution (store.resolver) on hand-built articles: no NLP, only the store.

Each article is built the way the extractor hands it over (entities already resolved within the
article) and stored with Store.add; the tests read back which store entity each name joined, the
reason recorded for it, and what the queries answer.
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from storyline import query
from storyline.cli import main
from storyline.model import Article, Entity, Event, Quote, Relation, Span
from storyline.store import Store
from storyline.store import resolver as resolver_module
from storyline.store.identity import automatic_key, load_rules, lookup_keys, middles_compatible, parse_person
from storyline.store.schema import MIGRATIONS, VERSION

_numbers = itertools.count()


def person(local: str, name: str, gender: str | None = None, aliases: tuple[str, ...] = ()) -> Entity:
    return Entity(local, name, "PERSON", list(aliases), [Span(0, len(name), name)], gender)


def org(local: str, name: str, aliases: tuple[str, ...] = ()) -> Entity:
    return Entity(local, name, "ORG", list(aliases), [Span(0, len(name), name)], None)


def article(*entities: Entity, says: tuple[tuple[str, str], ...] = (), day: int = 1, **facts) -> Article:
    """An article naming the entities; `says` holds (speaker local id, quote text) pairs."""
    text = f"Story {next(_numbers)} about {', '.join(e.name for e in entities)}."
    quotes = []
    for i, (speaker, said) in enumerate(says):
        start = len(text) + 2
        text += f' "{said}"'
        quotes.append(Quote(f"q{i + 1}", said, start, start + len(said), "direct", speaker=speaker))
    return Article(text=text, published=date(2016, 5, day), entities=list(entities), quotes=quotes, **facts)


def stored(store: Store, *articles: Article) -> list[Article]:
    for a in articles:
        assert store.add(a)
    store.flush()
    return list(articles)


def entity_of(store: Store, a: Article, local: str) -> int:
    return store.conn.execute(
        "SELECT entity_id FROM article_entities WHERE article_id = ? AND local_id = ?", (a.id, local)
    ).fetchone()[0]


def reason_of(store: Store, a: Article, local: str) -> str:
    return store.conn.execute(
        "SELECT link_reason FROM article_entities WHERE article_id = ? AND local_id = ?", (a.id, local)
    ).fetchone()[0]


def named(store: Store, name: str) -> int:
    return query.resolve(store.conn, name)[0].id


@pytest.fixture()
def store(tmp_path: Path):
    with Store(tmp_path / "s.db") as s:
        yield s


def barack(n: int, **kw) -> list[Article]:
    return [article(person("e1", "Barack Obama", "m"), **kw) for _ in range(n)]


def michelle(n: int) -> list[Article]:
    return [article(person("e1", "Michelle Obama", "f")) for _ in range(n)]


# ------------------------------------------------------------------ names
@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("George W. Bush", "George H.W. Bush", False),
        ("George W. Bush", "George Walker Bush", True),
        ("George H. W. Bush", "George Herbert Walker Bush", True),
        ("Kimora Lee Simmons", "Kimora Simmons", True),
        ("John F. Kennedy", "John Kennedy", True),
    ],
)
def test_middle_parts(a: str, b: str, same: bool) -> None:
    pa, pb = parse_person(a), parse_person(b)
    assert pa is not None and pb is not None and pa.block == pb.block
    assert middles_compatible(pa.middles, pb.middles) is same


def test_names_kept_whole() -> None:
    kim = parse_person("Kim Jong Un")
    assert kim is not None and kim.whole and kim.text == "kim jong un" and kim.words == ["kim"]
    assert automatic_key("Kim Jong-un", "PERSON") == "person:kim jong un"
    assert automatic_key("Kim Jong Un", "PERSON") != automatic_key("Kim Yong Un", "PERSON")
    assert not parse_person("Kim Kardashian").whole  # a given name, not a family name
    ursula = parse_person("Ursula von der Leyen")
    assert ursula is not None and (ursula.given, ursula.surname) == ("ursula", "von der leyen")
    assert parse_person("Al Gore").given == "al"
    king = parse_person("Martin Luther King Jr.")
    assert king is not None and king.text == "martin luther king jr"
    assert parse_person("President Obama") == parse_person("Obama")


# ------------------------------------------------------------------ full names
def test_bushes_stay_two_people(store: Store) -> None:
    w, hw, walker = stored(
        store,
        article(person("e1", "George W. Bush", "m")),
        article(person("e1", "George H.W. Bush", "m")),
        article(person("e1", "George Walker Bush", "m")),
    )
    assert entity_of(store, w, "e1") != entity_of(store, hw, "e1")
    assert entity_of(store, walker, "e1") == entity_of(store, w, "e1")
    assert "compatible" in reason_of(store, walker, "e1")
    # "George Bush" fits both, and neither is 3x more reported: its own entity
    (plain,) = stored(store, article(person("e1", "George Bush", "m")))
    assert entity_of(store, plain, "e1") not in {entity_of(store, w, "e1"), entity_of(store, hw, "e1")}
    assert "neither 3x more reported" in reason_of(store, plain, "e1")


def test_kim_jong_un_stays_whole(store: Store) -> None:
    un, other, kim = stored(
        store,
        article(person("e1", "Kim Jong Un", "m")),
        article(person("e1", "Kim Yong Un", "m")),
        article(person("e1", "Kim Jong-un", "m")),
    )
    assert entity_of(store, un, "e1") == entity_of(store, kim, "e1") != entity_of(store, other, "e1")
    key = store.conn.execute(
        "SELECT key FROM entities WHERE id = ?", (entity_of(store, un, "e1"),)
    ).fetchone()
    assert key == ("person:kim jong un",)


@pytest.mark.parametrize("order", [1, -1])
def test_a_missing_middle_name_is_compatible_a_different_given_name_is_not(store: Store, order: int) -> None:
    made = [
        article(person("e1", "Kimora Lee Simmons", "f")),
        article(person("e1", "Kimora Simmons", "f")),
    ][::order]
    stored(store, *made, article(person("e1", "Russell Simmons", "m")))
    kimora = {entity_of(store, a, "e1") for a in made}
    assert len(kimora) == 1
    assert named(store, "Russell Simmons") not in kimora
    assert named(store, "Kimora Simmons") in kimora and named(store, "Kimora Lee Simmons") in kimora


def test_a_generational_suffix_distinguishes(store: Store) -> None:
    king, jr = stored(
        store,
        article(person("e1", "Martin Luther King", "m")),
        article(person("e1", "Martin Luther King Jr.", "m")),
    )
    assert entity_of(store, king, "e1") != entity_of(store, jr, "e1")


# ------------------------------------------------------------------ one-word names
def test_one_word_name_joins_the_dominant_full_name(store: Store) -> None:
    stored(store, *barack(3), *michelle(1))
    (obama,) = stored(store, article(person("e1", "Obama")))
    assert entity_of(store, obama, "e1") == named(store, "Barack Obama")
    assert reason_of(store, obama, "e1") == (
        "one-word name: Barack Obama is 3.0x more reported than Michelle Obama (3 vs 1 articles) and "
        "gender-compatible"
    )
    (president,) = stored(store, article(person("e1", "President Obama", "m")))
    assert entity_of(store, president, "e1") == named(store, "Barack Obama")


def test_one_word_name_stays_apart_when_two_compete(store: Store) -> None:
    stored(store, *barack(2), *michelle(2))
    (obama,) = stored(store, article(person("e1", "Obama")))
    own = entity_of(store, obama, "e1")
    assert own not in {named(store, "Barack Obama"), named(store, "Michelle Obama")}
    assert store.conn.execute("SELECT name, key FROM entities WHERE id = ?", (own,)).fetchone() == (
        "Obama",
        "person:obama",
    )
    assert "both fit, neither 3x ahead" in reason_of(store, obama, "e1")


def test_a_female_obama_is_michelle(store: Store) -> None:
    stored(store, *barack(5), *michelle(1))
    (she,) = stored(store, article(person("e1", "Obama", "f")))
    assert entity_of(store, she, "e1") == named(store, "Michelle Obama")
    assert "only gender-compatible person" in reason_of(store, she, "e1")
    assert "Barack Obama is m" in reason_of(store, she, "e1")


def test_a_gender_learnt_later_relinks(store: Store) -> None:
    stored(store, article(person("e1", "Barack Obama")))  # no pronoun: gender unknown
    (she,) = stored(store, article(person("e1", "Obama", "f")))
    assert entity_of(store, she, "e1") == named(store, "Barack Obama")
    stored(store, *barack(1))  # "he": Barack is a man, so she is not him
    assert entity_of(store, she, "e1") != named(store, "Barack Obama")
    assert "Barack Obama is m" in reason_of(store, she, "e1")


def test_co_mentions_decide_between_candidates(store: Store) -> None:
    biden = person("e2", "Joe Biden", "m")
    program = org("e2", "Let's Move")
    stored(store, *[article(person("e1", "Barack Obama", "m"), biden) for _ in range(3)])
    stored(store, article(person("e1", "Michelle Obama", "f"), program))
    with_program, with_biden = stored(
        store, article(person("e1", "Obama"), program), article(person("e1", "Obama"), biden)
    )
    # 3 articles against 1 would join Barack, but Michelle's program is in the article: 3 x 1 vs 1 x 2
    assert entity_of(store, with_program, "e1") not in {
        named(store, "Barack Obama"),
        named(store, "Michelle Obama"),
    }
    assert entity_of(store, with_biden, "e1") == named(store, "Barack Obama")
    assert "3 x 2 vs 1 x 1" in reason_of(store, with_biden, "e1")


def test_a_relink_does_not_count_the_article_itself_as_a_co_mention(store: Store) -> None:
    stored(store, *barack(3), *michelle(1))
    (senate,) = stored(store, article(person("e1", "Obama"), org("e2", "Senate")))
    assert entity_of(store, senate, "e1") == named(store, "Barack Obama")
    # a second Michelle: 3 vs 2, so every "Obama" is decided again; the Senate is seen with Barack
    # only in this very article, which must not count for him (else 3 x 2 vs 2 x 1 would keep it)
    stored(store, *michelle(1))
    assert entity_of(store, senate, "e1") not in {
        named(store, "Barack Obama"),
        named(store, "Michelle Obama"),
    }
    assert "neither 3x ahead" in reason_of(store, senate, "e1")


def test_an_earlier_one_word_name_is_relinked_when_the_full_name_arrives(store: Store) -> None:
    said = "We will get this done for the American people, and we will not stop"
    biden = person("e2", "Joe Biden", "m")
    early = article(
        person("e1", "Obama"),
        biden,
        says=(("e1", said), ("e2", "Obama was right about it")),
        relations=[Relation("r1", "colleague", "e1", "e2", confidence=0.9)],  # as the extractor gives them
        events=[
            Event("v1", "speech", "spoke", 0, 5, Span(0, 5, "Story"), args={"agent": ["e1"]}, confidence=0.9)
        ],
    )
    early.entities[0].mentions.append(
        Span(early.text.index("Obama was"), early.text.index("Obama was") + 5, "Obama")
    )
    stored(store, early)
    own = entity_of(store, early, "e1")
    assert query.resolve(store.conn, "Obama")[0].id == own
    assert "no full name with it" in reason_of(store, early, "e1")

    (full,) = stored(store, article(person("e1", "Barack Obama", "m"), says=(("e1", said),), day=2))
    obama = named(store, "Barack Obama")
    assert entity_of(store, early, "e1") == obama
    assert store.conn.execute("SELECT count(*) FROM entities WHERE id = ?", (own,)).fetchone() == (0,)
    assert "Obama" in query.resolve(store.conn, obama)[0].aliases
    # his quotes, both reports of the same one now a single quote group, the relation, the event and
    # the quote about him all follow him
    quotes = query.quotes(store.conn, speaker="Barack Obama").quotes
    assert [q.text for q in quotes] == [said] and quotes[0].reports_total == 2
    assert {r.article_id for r in quotes[0].reports} == {early.id, full.id}
    assert [r.tail for r in query.relations(store.conn, "Barack Obama").relations] == ["Joe Biden"]
    assert [q.text for q in query.quotes(store.conn, about="Barack Obama").quotes] == [
        "Obama was right about it"
    ]
    kinds = {e.kind for e in query.timeline(store.conn, "Barack Obama").entries}
    assert {"event", "quote", "relation"} <= kinds
    # the event's group follows him too: its participants are rewritten, the old entity is gone
    (participants,) = store.conn.execute("SELECT participants FROM event_groups").fetchone()
    assert json.loads(participants) == [["agent", obama]]
    (groups,) = store.conn.execute("SELECT count(*) FROM quote_groups").fetchone()
    assert groups == 2  # his quote, and Biden's

    # Michelle arrives as often as Barack: "Obama" is no longer his, and goes back on its own ...
    stored(store, *michelle(1))
    back = entity_of(store, early, "e1")
    assert back != obama and query.quotes(store.conn, speaker="Barack Obama").quotes[0].reports_total == 1
    assert query.quotes(store.conn, speaker=back).quotes[0].text == said
    # ... until he is 3x more reported than her again
    stored(store, *barack(2))
    assert entity_of(store, early, "e1") == obama
    assert store.conn.execute("SELECT count(*) FROM quote_groups").fetchone() == (2,)


# ------------------------------------------------------------------ organisations
def test_legal_and_descriptive_tails(store: Store) -> None:
    made = stored(
        store,
        article(org("e1", "Apple Inc.")),
        article(org("e1", "Apple")),
        article(org("e1", "The Apple Company")),
        article(org("e1", "Volkswagen Group")),
    )
    apple = {entity_of(store, a, "e1") for a in made[:3]}
    assert len(apple) == 1 and entity_of(store, made[3], "e1") not in apple
    assert "legal forms" in reason_of(store, made[1], "e1")


def test_an_acronym_an_article_defines(store: Store) -> None:
    vw_first = article(org("e1", "VW"))
    stored(store, vw_first)
    assert "no organisation defines it" in reason_of(store, vw_first, "e1")
    defined, plain, later = stored(
        store,
        article(org("e1", "Volkswagen AG", aliases=("VW", "the carmaker"))),
        article(org("e1", "Volkswagen")),
        article(org("e1", "VW")),
    )
    volkswagen = entity_of(store, defined, "e1")
    assert entity_of(store, plain, "e1") == volkswagen
    assert entity_of(store, later, "e1") == volkswagen
    assert entity_of(store, vw_first, "e1") == volkswagen  # re-linked when the definition arrived
    assert reason_of(store, later, "e1") == "acronym VW: defined for Volkswagen AG in 1 article"
    assert "defines the acronym VW" in reason_of(store, defined, "e1")
    assert query.resolve(store.conn, "VW")[0].id == volkswagen


def test_initials_match_one_prominent_organisation(store: Store) -> None:
    rifle = [article(org("e1", "National Rifle Association")) for _ in range(3)]
    *_, nra = stored(store, *rifle[:2], article(org("e1", "NRA")))
    assert "no organisation defines it" in reason_of(store, nra, "e1")  # not prominent yet
    stored(store, rifle[2])
    assert entity_of(store, nra, "e1") == entity_of(store, rifle[0], "e1")
    assert "the initials of National Rifle Association (3 articles)" in reason_of(store, nra, "e1")
    # a second organisation with these initials becomes prominent: the acronym is ambiguous again
    stored(store, *[article(org("e1", "National Retail Association")) for _ in range(3)])
    assert entity_of(store, nra, "e1") != entity_of(store, rifle[0], "e1")
    assert "several organisations" in reason_of(store, nra, "e1")


# ------------------------------------------------------------------ rules, explanations, the store
def test_the_rules_file_wins(tmp_path: Path) -> None:
    rules = tmp_path / "rules.txt"
    rules.write_text(
        "merge: Obama = Michelle Obama\nsplit: Kimora Simmons / Kimora Lee Simmons\n", encoding="utf-8"
    )
    with Store(tmp_path / "s.db", rules=rules) as store:
        stored(store, *barack(5), *michelle(1))
        obama, kimora, lee = stored(
            store,
            article(person("e1", "Obama", "m")),
            article(person("e1", "Kimora Simmons", "f")),
            article(person("e1", "Kimora Lee Simmons", "f")),
        )
        assert entity_of(store, obama, "e1") == named(store, "Michelle Obama")
        assert reason_of(store, obama, "e1") == "user merge rule (merge: Obama = Michelle Obama)"
        assert entity_of(store, kimora, "e1") != entity_of(store, lee, "e1")
        assert reason_of(store, lee, "e1") == "user split rule (split: Kimora Simmons / Kimora Lee Simmons)"
        rules.write_text("# no rules\n", encoding="utf-8")
    with Store(tmp_path / "s.db", rules=rules) as store:
        assert store.apply_rules()
        assert entity_of(store, obama, "e1") == named(store, "Barack Obama")
        assert entity_of(store, kimora, "e1") == entity_of(store, lee, "e1")
        assert not store.apply_rules()


def test_the_keys_a_query_tries_for_a_name_are_the_keys_the_resolver_gives_it(tmp_path: Path) -> None:
    rules = tmp_path / "rules.txt"
    rules.write_text("merge: Russell Simmons = Rush\nsplit: Kimora Simmons\n", encoding="utf-8")
    plain, ruled = (
        resolver_module.Resolver(sqlite3.connect(":memory:"), load_rules(f)) for f in (None, rules)
    )
    keys = {
        name: plain.plan(name, type_).key
        for name, type_ in [
            ("Kimora Lee Simmons", "PERSON"),
            ("Obama", "PERSON"),
            ("Trump Jr.", "PERSON"),
            ("The Volkswagen AG", "ORG"),
            ("U.N.", "ORG"),
        ]
    }
    assert keys == {
        "Kimora Lee Simmons": "person:kimora lee simmons",
        "Obama": "person:obama",
        "Trump Jr.": "person:trump jr",
        "The Volkswagen AG": "org:volkswagen",
        "U.N.": "org:un",
    }
    assert all(key in lookup_keys(name) for name, key in keys.items())
    merged = ruled.plan("Rush", "PERSON").key
    assert merged == ruled.rules.key("Rush", "PERSON") == "merge:russell simmons"
    assert merged in lookup_keys("Russell Simmons")  # the merge entity is found by the name it shows
    assert ruled.plan("Kimora Simmons", "PERSON").key == ruled.rules.key("Kimora Simmons", "PERSON")


def test_why(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    stored(store, *barack(3), *michelle(1), article(person("e1", "Obama")), article(person("e1", "Obama")))
    db = store.path
    store.close()
    assert main(["people", "Barack Obama", "--why", "--db", db]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("Barack Obama (PERSON, entity")
    assert "  Barack Obama: 3 articles" in out and "  Obama: 2 articles" in out
    assert re.search(r"^\s+2  one-word name: Barack Obama is 3\.0x more reported", out, re.M)
    assert re.search(r"^\s+1  new entity$", out, re.M) and re.search(r"^\s+2  same full name$", out, re.M)
    assert main(["people", "Obama", "--why", "--json", "--db", db]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["entity"]["name"] == "Barack Obama"
    names = {n["name"]: n for n in data["names"]}
    assert names["Obama"]["articles"] == 2 and names["Obama"]["reasons"][0]["articles"] == 2
    assert main(["people", "--why", "--db", db]) == 2
    assert "needs a NAME" in capsys.readouterr().err


def test_every_lookup_of_a_write_is_an_indexed_seek(store: Store) -> None:
    stored(store, *barack(3), *michelle(1), article(person("e1", "Obama")), article(org("e1", "VW")))
    stored(
        store, article(org("e1", "Volkswagen AG", aliases=("VW",)), org("e2", "National Rifle Association"))
    )
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    stored(
        store,
        article(
            person("e1", "Barack Obama", "m"), person("e2", "Obama", "f"), org("e3", "VW"), org("e4", "NRA")
        ),
        article(person("e1", "Michelle Obama", "f"), org("e2", "Volkswagen AG", aliases=("VW",))),
    )
    store.conn.set_trace_callback(None)
    reads = {s for s in seen if s.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))}
    assert any("entity_names" in s for s in reads)
    assert any(s.startswith("UPDATE quotes SET speaker_id") for s in reads)  # a re-link ran
    for sql in reads:
        plan = " / ".join(row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
        scans = [p for p in plan.split(" / ") if p.startswith("SCAN") and not p.startswith("SCAN s")]
        assert not scans, (sql, plan)


def test_a_store_linked_by_the_old_key_is_re_resolved(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # a version 3 store, as the string key wrote it
        for script in MIGRATIONS[:3]:
            conn.executescript(script)
        conn.execute("PRAGMA user_version = 3")
        conn.execute("INSERT INTO articles (id, text, ingested_at) VALUES ('a1', 'Obama spoke.', '2016')")
        conn.execute(
            "INSERT INTO entities (id, key, name, type) VALUES (1, 'person:obama', 'Obama', 'PERSON')"
        )
        conn.execute(
            "INSERT INTO article_entities (article_id, local_id, entity_id, name, type, aliases, mentions) "
            "VALUES ('a1', 'e1', 1, 'Obama', 'PERSON', '[]', '[]')"
        )
    with Store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone() == (VERSION,)
        assert store.meta("resolver") == "key"
        (full,) = stored(store, *barack(1))  # the first write re-resolves the store, then adds
        assert store.meta("resolver") == resolver_module.VERSION
        assert store.conn.execute(
            "SELECT entity_id FROM article_entities WHERE article_id = 'a1'"
        ).fetchone() == (entity_of(store, full, "e1"),)


def test_a_merged_entity_s_id_leads_to_the_entity_it_joined(store: Store, tmp_path: Path) -> None:
    """A page linked before a merge still finds its person: the API answers for the entity the id
    went to, the page moves there for good (301), and a chain of merges is one hop."""
    from fastapi.testclient import TestClient

    from storyline.web.app import create_app

    (early,) = stored(store, article(person("e1", "Obama")))
    own = entity_of(store, early, "e1")
    stored(store, article(person("e1", "Barack Obama", "m"), day=2))
    obama = named(store, "Barack Obama")
    assert own != obama and entity_of(store, early, "e1") == obama
    assert store.conn.execute("SELECT count(*) FROM entities WHERE id = ?", (own,)).fetchone() == (0,)
    assert query.person(store.conn, own).id == obama
    later = own + 1000
    resolver_module.move_references(store.conn, obama, later)  # obama moves on: still one hop from own
    store.conn.execute("INSERT INTO entities (id, key, name, type) VALUES (?, 'x', 'X', 'PERSON')", (later,))
    assert store.conn.execute("SELECT new FROM entity_moves WHERE old = ?", (own,)).fetchone() == (later,)
    store.flush()
    store.conn.commit()
    with TestClient(create_app(store.path, rate=0), base_url="http://localhost") as client:
        page = client.get(f"/people/{own}?kind=quote", follow_redirects=False)
        assert page.status_code == 301 and page.headers["location"] == f"/people/{later}?kind=quote"
        assert client.get(f"/api/entities/{own}").json()["entity"]["id"] == later
        assert client.get("/people/999999").status_code == 404
