"""Claims of quotes (nlp/claims.py) and the contradictions between them (query/contradictions.py).

Each rule has a made-up sentence of its shape; the demo's deliberate contradictions are read from
its README, so that what is asserted found is what the corpus was written to hold.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

import storyline
from storyline import query
from storyline.ingest import ingest, read_inputs
from storyline.model import Article
from storyline.query.contradictions import CLAIM_KIND
from storyline.store import Store
from test_store import _contradictions_in

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo"


@cache
def _extract(text: str) -> Article:
    article = storyline.extract(text, plain=True)
    assert article.failure is None, article.failure
    return article


def claims(text: str) -> list[tuple[str, str, bool]]:
    """(the subject's name, the predicate, negated) of every claim in the text's quotes."""
    a = _extract(text)
    names = {e.id: e.name for e in a.entities}
    return [(names[c.subject], c.predicate, c.negated) for q in a.quotes for c in q.claims]


def test_a_negated_claim_and_its_synonym_are_one_predicate() -> None:
    text = 'Mark Dunne runs the firm. "He never once raised his voice at anyone," Anna Reyes said.\n\n'
    text += 'Tom Hale disagreed. "He yelled at people every day," Hale said.'
    assert {("Mark Dunne", "shout", True), ("Mark Dunne", "shout", False)} <= set(claims(text))


def test_a_copula_claims_its_place_and_a_first_person_is_the_speaker() -> None:
    found = claims('"I was not in the office that night," Paul Grant said.')
    assert found == [("Paul Grant", "was in office", True)]
    assert claims('"Paul Grant is in the office," Ruth Cole said.') == [("Paul Grant", "is in office", False)]


def test_a_generic_verb_claims_its_infinitive() -> None:
    text = 'Ruth Cole said Paul Grant told her to shred the files. "I never told anyone to shred anything,"'
    found = set(claims(text + " Paul Grant said."))
    assert {("Paul Grant", "tell to shred", False), ("Paul Grant", "tell to shred", True)} <= found
    assert claims('"I said what I said," Paul Grant said.') == []
    assert claims('"Paul Grant is going to resign," Ruth Cole said.') == []  # a prediction
    assert claims('"Paul Grant does not want to run the firm," Ruth Cole said.') == []  # a wish
    assert claims('"Paul Grant can\'t find the files," Ruth Cole said.') == []  # a modal, spelt "ca"
    assert claims('"Paul Grant was asked to be quiet," Ruth Cole said.') == []
    assert claims('"Paul Grant ought to resign," Ruth Cole said.') == []  # a modal as the verb
    assert claims('"In that sense Paul Grant is fine," Ruth Cole said.') == []  # no place
    assert claims('"Paul Grant is up at 49 percent," Ruth Cole said.') == []  # a quantity


def test_an_opinion_and_a_vague_object_claim_nothing() -> None:
    """ "is not the right person", "is good": opinions; "answered it": what "it" is is unknown."""
    assert claims('"Paul Grant is not the right person, and he is not good," Ruth Cole said.') == []
    assert claims('"Paul Grant never answered it," Ruth Cole said.') == []
    found = claims('"Paul Grant never answered the question," Ruth Cole said.')
    assert found == [("Paul Grant", "answer question", True)]


@pytest.mark.parametrize(
    "text",
    [
        '"Paul Grant could have been in the office," Ruth Cole said.',  # a modal
        '"Was Paul Grant in the office?" Ruth Cole asked.',  # a question
        '"If Paul Grant was in the office, he lied," Ruth Cole said.',  # a condition
        "Ruth Cole declined to say that Paul Grant was in the office.",  # unsaid
        "Ruth Cole did not say that Paul Grant was in the office.",
        "The report stopped short of saying that Paul Grant was fired.",
    ],
)
def test_what_is_not_stated_as_fact_claims_nothing(text: str) -> None:
    assert [c for c in claims(text) if c[0] == "Paul Grant"] == []


def test_not_merely_claims_nothing_and_a_causative_is_passive() -> None:
    assert claims('"Paul Grant was not merely involved," Ruth Cole said.') == []
    found = claims("Ruth Cole says Tom Hale bullied her for years and had her fired after she complained.")
    assert ("Ruth Cole", "be fire", False) in found
    assert ("Ruth Cole", "fire", False) not in found


def test_a_conjunct_shares_its_heads_subject_and_negation() -> None:
    found = claims("Ruth Cole said Paul Grant never read, signed or touched the logs.")
    assert found == [("Paul Grant", "touch log", True)]  # "read" and "signed" alone say too little
    found = claims("Ruth Cole said Paul Grant met the staff and told them to shred the files.")
    assert found == [("Paul Grant", "meet staff", False), ("Paul Grant", "tell to shred", False)]


def test_an_imperative_after_said_is_no_infinitive() -> None:
    found = claims("Ruth Cole said: \"He looked at me and said, 'Shred the files.'\" Paul Grant denied it.")
    assert [c for c in found if c[1].endswith("to shred")] == []


def test_a_pronoun_in_a_quote_names_the_one_person_of_its_gender() -> None:
    """ "He" in a quotation is the one man named just before it; with two men, nobody."""
    one = claims('Mark Dunne founded the firm.\n\n"He shouted at everyone," Anna Reyes said.')
    assert one == [("Mark Dunne", "shout", False)]
    two = claims('Mark Dunne and Tom Hale founded the firm.\n\n"He shouted at everyone," Anna Reyes said.')
    assert two == []


def test_a_message_said_either_way_round_is_one_claim_with_the_other_person() -> None:
    """ "emailed him" and his "I never heard from her" are one claim: she contacted him."""
    text = "Ruth Cole said Paul Grant emailed Tom Hale in May."
    text += ' "I never heard from Paul Grant," Tom Hale said.'
    assert claims(text) == [("Paul Grant", "contact {e3}", False), ("Paul Grant", "contact {e3}", True)]
    text = '"I never received any letter from Paul Grant," Tom Hale said.'
    assert claims(text) == [("Paul Grant", "contact {e2}", True)]
    # the object named by its apposition; "called him a liar" is no message
    text = "Ruth Cole said she wrote to the head of the firm, Tom Hale, in May."
    assert claims(text) == [("Ruth Cole", "contact {e2}", False)]
    assert claims('"Paul Grant called Tom Hale a liar," Ruth Cole said.') == []
    assert claims("Ruth Cole said she sent a letter to Tom Hale.") == [("Ruth Cole", "contact {e2}", False)]
    assert claims("Ruth Cole said she sent troops to Tom Hale.") == [("Ruth Cole", "send troop", False)]


def test_an_organisations_act_on_a_person_and_nobodys_are_claims_of_that_person() -> None:
    """ "The board gave him until Monday" is his being given a deadline by the board; "nobody on
    the board" negates it of the board, a plain "no one" of anyone."""
    text = 'Mark Dunne quit. "The board gave him until Monday," Anna Reyes said.'
    assert claims(text) == [("Mark Dunne", "be give deadline by board", False)]
    text = 'Mark Dunne quit. "Nobody on the board gave him any deadline," Anna Reyes said.'
    assert claims(text) == [("Mark Dunne", "be give deadline by board", True)]
    assert claims('"No one asked me to leave," Mark Dunne said.') == [
        ("Mark Dunne", "be ask to leave by anyone", True)
    ]
    assert claims('Mark Dunne quit. "Tom Hale gave him until Monday," Anna Reyes said.') == []  # a person's


def test_a_denial_cue_negates_the_clause_it_reports() -> None:
    assert claims("Paul Grant denied that he fired Ruth Cole.") == [("Paul Grant", "fire cole", True)]
    assert claims("Paul Grant denied he never paid Ruth Cole.") == []  # a denied negation: not read
    assert claims('"Paul Grant falsified the records," Ruth Cole said.') == [
        ("Paul Grant", "falsify record", False)
    ]


def test_a_negated_infinitive_a_subjects_apposition_and_a_neutral_verb_claim_nothing_false() -> None:
    """ "told them not to shred" is not "tell to shred"; "altered the records" is falsifying them,
    "altered his plans" and "forged a career" are not."""
    assert claims("Ruth Cole said Paul Grant told them not to shred the files.") == []
    assert claims('"Paul Grant altered the records," Ruth Cole said.') == [
        ("Paul Grant", "falsify record", False)
    ]
    found = claims('"Paul Grant altered his plans and forged a career," Ruth Cole said.')
    assert [c for c in found if "falsify" in c[1]] == []
    text = "Ruth Cole said messages by the firm's head, Paul Grant, involved threats."
    assert [c for c in claims(text) if c[0] == "Paul Grant"] == []


def things(text: str) -> list[tuple[str, str, bool]]:
    """(the thing's key, the act, negated) of every claim of a thing in the text's quotes."""
    return [(c.thing, c.predicate, c.negated) for q in _extract(text).quotes for c in q.thing_claims]


def test_a_checkable_thing_is_claimed_under_one_key_affirmed_or_negated() -> None:
    """Logs and records are one thing, fake and altered one act; "no records", "not fake" and a
    denial negate it."""
    assert things('"The logs were fake," Tom Hale said.') == [("record", "falsify", False)]
    assert things('"The records were altered in August," Tom Hale said.') == [("record", "falsify", False)]
    assert things('"The documents were forged," Tom Hale said.') == [("document", "falsify", False)]
    assert things('"No records were altered," Tom Hale said.') == [("record", "falsify", True)]
    assert things('"The logs were not fake," Tom Hale said.') == [("record", "falsify", True)]
    assert things("Tom Hale denied that the emails were forged.") == [("email", "falsify", True)]
    assert claims('"The logs were fake," Tom Hale said.') == []  # no person is their subject


def test_a_quoted_denial_negates_the_clause_it_governs_outside_the_quote() -> None:
    """'the company "categorically denies" that ...': the speaker's organisation denies what
    follows the quoted words; a denial the speaker reports of another person is not theirs."""
    text = 'Ruth Cole said the company "categorically denies" that any safety records were altered.'
    assert set(things(text)) == {("record", "falsify", True)}  # the quoted words and the reported speech
    assert things('Ruth Cole said Paul Grant "categorically denies" that the logs were doctored.') == []


def test_not_merely_affirms_and_they_names_the_thing_before_it() -> None:
    text = '"The records were not merely incomplete, they were fabricated," Ruth Cole said.'
    assert things(text) == [("record", "falsify", False)]


@pytest.mark.parametrize(
    "text",
    [
        '"If the logs were fake, we would know," Tom Hale said.',  # a condition
        '"The entries were added in August," Tom Hale said.',  # no checkable act
        '"The files were destroyed," Tom Hale said.',
        '"The plans were altered," Tom Hale said.',  # no checkable thing
        '"The logs and the emails were fake," Tom Hale said.',  # two things
    ],
)
def test_a_thing_claims_only_a_checkable_act_in_a_plain_clause(text: str) -> None:
    assert things(text) == []


def test_a_replys_pronoun_is_not_the_one_it_answers() -> None:
    """ "He" in Reyes's reply to Hale is not Hale (he would be "you"): the one man left."""
    text = 'Tom Hale asked Anna Reyes about Mark Dunne. "Was he there?" Hale asked.\n\n'
    text += '"He was in the office," Reyes replied.'
    assert claims(text) == [("Mark Dunne", "was in office", False)]
    said = text.replace("replied", "said")
    assert claims(said) == []  # not a reply: two men


def test_a_pronoun_names_the_one_man_of_the_speakers_own_words_before_it() -> None:
    text = 'Tom Hale disagreed with Mark Dunne. "Mark made this call himself," Anna Reyes said. '
    text += '"The board never fired him."'
    assert ("Mark Dunne", "be fire by board", True) in claims(text)
    # the name not the subject of its clause, or another "he" between: the one man is not known
    opening = 'Tom Hale disagreed with Mark Dunne. "'
    for words in ("I trust Mark", "Mark told him so"):
        found = claims(f'{opening}{words}," Anna Reyes said. "The board never fired him."')
        assert [c for c in found if c[1].startswith("be fire")] == []


# ------------------------------------------------------------------ the query


def _pairs(tmp_path: Path, name: str, *articles: tuple[str, str]) -> list:
    """The claim pairs of `name` in a store of (day, text) articles."""
    texts = {f"{day}-{i}.txt": f"date {day} News\n{body}\n" for i, (day, body) in enumerate(articles)}
    return [p for p in _contradictions_in(tmp_path, texts, name) if p.kind == CLAIM_KIND]


YELLED = 'Mark Dunne runs the firm. "He yelled at people every day," said Anna Reyes, a former manager.'


def test_a_claim_and_another_speakers_denial_are_a_pair(tmp_path: Path) -> None:
    denial = 'Mark Dunne spoke on Thursday. "I never raised my voice at anyone," Mark Dunne said.'
    pairs = _pairs(tmp_path, "Mark Dunne", ("2024-05-02", YELLED), ("2024-05-09", denial))
    assert [(p.affirmed.participants[0]["name"], p.denied.participants[0]["name"]) for p in pairs] == [
        ("Anna Reyes", "Mark Dunne")
    ]
    assert "yelled" in pairs[0].affirmed.summary and "never raised" in pairs[0].denied.summary


def test_other_predicates_one_speaker_and_another_story_are_no_pair(tmp_path: Path) -> None:
    own = YELLED + ' "He never shouted at the interns," Anna Reyes said.'  # the same speaker
    other = 'Mark Dunne spoke on Thursday. "I never resigned," Mark Dunne said.'  # another predicate
    later = 'Mark Dunne spoke again. "I never shouted at my staff," Mark Dunne said.'  # two years on
    assert (
        _pairs(tmp_path, "Mark Dunne", ("2024-05-02", own), ("2024-05-09", other), ("2026-06-09", later))
        == []
    )


def test_a_message_and_its_converse_are_a_pair_under_either_person(tmp_path: Path) -> None:
    sent = "Ruth Cole runs the firm. Ruth Cole said she emailed Tom Hale, the chairman, in May."
    never = 'Tom Hale spoke on Friday. "I never received any email from Ruth Cole," Tom Hale said.'
    for name in ("Ruth Cole", "Tom Hale"):
        (tmp_path / name[:3]).mkdir()
        pairs = _pairs(tmp_path / name[:3], name, ("2024-05-02", sent), ("2024-05-09", never))
        assert [(p.affirmed.participants[0]["name"], p.denied.participants[0]["name"]) for p in pairs] == [
            ("Ruth Cole", "Tom Hale")
        ]


def test_nobody_denies_it_of_the_board(tmp_path: Path) -> None:
    gave = 'Mark Dunne quit on Monday. "The board gave him until Monday," said Anna Reyes, a founder.'
    nobody = 'Mark Dunne quit on Monday. "No one gave me any deadline," Mark Dunne said.'
    pairs = _pairs(tmp_path, "Mark Dunne", ("2024-05-02", gave), ("2024-05-03", nobody))
    assert [(p.affirmed.participants[0]["name"], p.denied.participants[0]["name"]) for p in pairs] == [
        ("Anna Reyes", "Mark Dunne")
    ]


DENIES = (
    "Harbor Freight Lines and its founder, Mark Dunne, faced questions on Monday. Ruth Cole, a spokeswoman,"
    ' said the company "categorically denies" that any safety records were altered.'
)
FAKE = (
    "A state review of Harbor Freight Lines and of Mark Dunne was published on Monday."
    ' "The logs were fake," said Anna Reyes, a former manager.'
)
ELSEWHERE = 'Tom Hale, who runs Blue Pine Farms, spoke on Friday. "The logs were fake," said Ann Fields.'


def test_a_thing_claim_pairs_with_its_opposite_in_the_same_story_only(tmp_path: Path) -> None:
    """The spokeswoman's denial and the manager's "The logs were fake" share the company and its
    founder: one story. The inspector's words, nearer in time, are of another farm's logs; and
    someone who said neither, though named in both, is in no pair of them."""
    articles = {"2024-05-06": DENIES, "2024-06-10": FAKE, "2024-05-10": ELSEWHERE}
    for day, body in articles.items():
        (tmp_path / f"{day}.txt").write_text(f"date {day} News\n{body}\n", encoding="utf-8")
    with Store(tmp_path / "c.db") as store:
        ingest(store, read_inputs([str(tmp_path)]))
        for name, expected in [
            ("Ruth Cole", [("Anna Reyes", "Ruth Cole")]),
            ("Anna Reyes", [("Anna Reyes", "Ruth Cole")]),
            ("Ann Fields", []),
            ("Mark Dunne", []),
        ]:
            pairs = [p for p in query.contradictions(store.conn, name).pairs if p.kind == CLAIM_KIND]
            found = [(p.affirmed.participants[0]["name"], p.denied.participants[0]["name"]) for p in pairs]
            assert found == expected, name


# ------------------------------------------------------------------ the demo's deliberate contradictions


def _deliberate() -> dict[int, tuple[set[str], set[str]]]:
    """The demo README's deliberate contradictions: number -> (the surnames it names, the
    article dates it cites as MM-DD)."""
    text = (DEMO / "README.md").read_text(encoding="utf-8").split("## Deliberate contradictions", 1)[1]
    out = {}
    for number, body in re.findall(r"^(\d+)\. (.+)$", text.split("\n## ", 1)[0], flags=re.M):
        names = set(re.findall(r"\b([A-Z][a-z]+)(?:'s)?\b", body))
        out[int(number)] = (names, set(re.findall(r"\b(\d\d-\d\d)\b", body)))
    return out


def _side(entry) -> tuple[str, str]:
    """A quote line's speaker's surname and the MM-DD of its first report's article."""
    article = entry.evidence[0].published or ""
    return entry.participants[0]["name"].split()[-1], article[5:10]


@pytest.fixture(scope="module")
def demo_pairs(tmp_path_factory: pytest.TempPathFactory) -> list:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store(db) as store:
        ingest(store, read_inputs([str(DEMO)]))
    with Store(db, create=False) as store:
        people = {n for names, _ in _deliberate().values() for n in names}
        found = []
        for name in ("Daniel Okafor", "Priya Raman", "Lucy Brennan"):
            assert name.split()[-1] in people
            found += [p for p in query.contradictions(store.conn, name).pairs if p.kind == CLAIM_KIND]
        return found


def test_the_demos_deliberate_contradictions_are_found(demo_pairs: list) -> None:
    """Both sides of a pair are statements the README's item names by speaker and date: the witness's
    "The logs were fake" and the spokeswoman's "categorically denies" on the records (2), the ex-wife
    and the co-founder on his temper (3), the lawsuit and the spokeswoman on the firing (4), the
    email and the chair's "never received any communication" (5), the co-founder's deadline and the
    lawyer's "nobody on that board" (6), the witness's "He was in the room" and his "I was not in
    that room" (7). Every pair found is one of the README's items (the trial's "make the numbers
    clean" is item 1, the defendant's denial on the date it cites)."""
    items = _deliberate()

    def matches(pair, number: int, both: bool = True) -> bool:
        names, dates = items[number]
        sides = [_side(pair.affirmed), _side(pair.denied)]
        named = [who in names and day in dates for who, day in sides]
        return all(named) if both else named[1]

    assert {n for n in items for p in demo_pairs if matches(p, n)} >= {2, 3, 4, 5, 6, 7}
    assert any(matches(p, 1, both=False) for p in demo_pairs)
    assert all(any(matches(p, n, both=False) for n in items) for p in demo_pairs)
