"""Event rules for how news reports events (issue 14): each on a short sentence written for it."""

from __future__ import annotations

import pytest
from tests.test_events import events


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # the organisation of a title in apposition is what the person resigns from
            "Ada Crane, chief financial officer of Harlow Foods Inc., resigned on Friday.",
            ("resignation", ["Ada Crane"], ["Harlow Foods Inc."], "2022-03-11", "asserted"),
        ),
        (  # "its board appointed X": the board's organisation appoints
            "Harlow Foods Inc. said on Monday that its board had appointed Ada Crane as chief executive.",
            ("appointment", ["Ada Crane"], ["Harlow Foods Inc."], "BEFORE2022-03-14", "asserted"),
        ),
        (  # the parser hangs "as CEO" on the person, not the verb: still the position; the firm that
            # appoints is the organisation
            "Castor Packaging Co. has appointed Paul Lind as Chief Operating Officer, effective May 1.",
            ("appointment", ["Paul Lind"], ["Castor Packaging Co."], "BEFORE2022-03-15", "asserted"),
        ),
    ],
)
def test_a_post_and_its_organisation(text: str, expected: tuple) -> None:
    found = events(text)
    assert expected in found, found


def test_a_document_released_by_someone_is_their_publication() -> None:
    """A reduced relative ("a report released by X") names its publisher in the by-phrase."""
    found = events("A 30-page report released by the Valley Water Board on Monday shows heavy losses.")
    assert ("publication", ["Valley Water Board"], [], "2022-03-14", "asserted") in found, found


@pytest.mark.parametrize(
    ("text", "agent", "target"),
    [
        (
            "Harlow Foods Inc. has held talks with Castor Packaging Co. about a merger.",
            "Harlow Foods Inc.",
            "Castor Packaging Co.",
        ),
        (
            "Harlow Foods Inc. is in talks with Castor Packaging Co. about a merger.",
            "Harlow Foods Inc.",
            "Castor Packaging Co.",
        ),
    ],
)
def test_talks_held_with_someone_are_a_meeting(text: str, agent: str, target: str) -> None:
    """The lemma of "talks" is "talk": held or under way, talks are a meeting; a talk given is not."""
    assert [(e[0], e[1], e[2]) for e in events(text)] == [("meeting", [agent], [target])]
    assert not [e for e in events("Paul Lind gave a talk at the university.") if e[0] == "meeting"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ada Crane retweeted a photo of Paul Lind.", ("publication", ["Ada Crane"], ["Paul Lind"])),
        ("The Valley Theatre premiered the play on Friday.", ("publication", ["Valley Theatre"], [])),
        ("Ada Crane lambasted Paul Lind.", ("accusation", ["Ada Crane"], ["Paul Lind"])),
    ],
)
def test_a_trigger_whose_past_tense_spacy_lemmatises_wrongly(text: str, expected: tuple) -> None:
    """spaCy lemmatises "retweeted" as "retweete", "premiered" as "premier": the rows list both."""
    assert expected in [e[:3] for e in events(text)]


def test_a_statement_made_on_a_platform_is_reported() -> None:
    """ "said on Twitter" reports the act, as "said in an interview" does; hearing of it there does not."""
    found = events("Ada Crane said on Twitter that Paul Lind lied.")
    assert ("statement", ["Ada Crane"], []) in [e[:3] for e in found], found
    assert not [e for e in events("Paul Lind said he read it on Twitter.") if e[0] == "statement"]


def test_a_denial_of_the_allegations_answers_the_accuser_reported_before() -> None:
    """ "X denied the allegations": the accuser is the one the article named earlier, not an
    accuser of somebody else."""
    text = (
        "The Valley Courier accused Paul Lind of fraud on Monday. "
        "Ada Crane accused Tom Hale of lying. Paul Lind has denied the allegations."
    )
    denials = [e[:3] for e in events(text) if e[0] == "denial"]
    assert denials == [("denial", ["Paul Lind"], ["Valley Courier"])], denials
    alone = [e[:3] for e in events("Ada Crane accused Tom Hale of lying. Paul Lind denied the allegations.")]
    assert ("denial", ["Paul Lind"], []) in alone, alone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ada Crane urged Paul Lind to resign.", ("resignation", ["Paul Lind"], [], None, "hedged")),
        ("Ada Crane called on Paul Lind to step down.", ("resignation", ["Paul Lind"], [], None, "hedged")),
        ("Ada Crane wants to sue Paul Lind.", ("lawsuit", ["Ada Crane"], ["Paul Lind"], None, "hedged")),
        (  # pressed to act: not (yet) done
            "Donors pressured Paul Lind to endorse Ada Crane.",
            ("support", ["Paul Lind"], ["Ada Crane"], None, "hedged"),
        ),
    ],
)
def test_the_one_urged_to_act_is_who_would_act(text: str, expected: tuple) -> None:
    """An infinitive after an object ("urged Lind to resign") is the object's act, not the urger's."""
    found = events(text)
    assert expected in found, found


def test_nobody_is_the_target_of_their_own_act_but_by_a_reflexive() -> None:
    """ "backed her minister": "her" is the one who backs, so no support of herself is reported."""
    assert not [
        e for e in events("Prime Minister Ada Crane backed her minister on Monday.") if e[0] == "support"
    ]
    assert ("support", ["Ada Crane"], ["Ada Crane"]) in [e[:3] for e in events("Ada Crane defended herself.")]
    assert ("support", ["Ada Crane"], ["Paul Lind"]) in [
        e[:3] for e in events("Ada Crane defended Paul Lind's record.")
    ]
    # only a possessive is the agent's own: who pleads guilty is the verdict's target too
    assert ("verdict", ["Paul Lind"], ["Paul Lind"]) in [e[:3] for e in events("Paul Lind pleaded guilty.")]


def test_found_guilty_with_the_defendant_parsed_as_the_subject_of_guilty() -> None:
    """spaCy parses "found X guilty" as a clause "X guilty": X is still the one found guilty."""
    found = [e[:3] for e in events("A jury found Paul Lind guilty of fraud.")]
    assert ("verdict", [], ["Paul Lind"]) in found, found


def test_who_looks_into_the_allegations_did_not_make_them() -> None:
    """ "hired a firm to investigate the allegations": the firm is no accuser."""
    text = "The board hired Calloway Partners to conduct an investigation into allegations against Paul Lind."
    assert not [e for e in events(text) if e[0] == "accusation" and e[1]], events(text)
