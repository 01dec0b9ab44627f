"""Claims of quotes (nlp/claims.py) and the contradictions between them (query/contradictions.py).

Each rule has a made-up sentence of its shape; the demo's deliberate contradictions are read from
its README, so that what is asserted found is what the corpus was written to hold.
"""

from __future__ import annotations

from functools import cache

import pytest

import storyline
from storyline.model import Article


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
