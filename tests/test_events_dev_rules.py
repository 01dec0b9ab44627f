"""Event rules from the events_dev gap (issue 14), each on a short sentence written for it."""

from __future__ import annotations

import pytest
from tests.test_events import events, extract

from storyline.nlp.sentences import dateline_end


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("BRISTOL (Harbor Wire) - Ada Crane resigned.", "BRISTOL (Harbor Wire) - "),
        ("EL PASO, Texas, Feb. 3, 2022 -- Ada Crane resigned.", "EL PASO, Texas, Feb. 3, 2022 -- "),
        ("OSLO — Ada Crane resigned.", "OSLO — "),
        ("ACME Corp. - a maker of locks - said so.", None),  # no sentence after the dash
        ("FBI Director Ada Crane - who resigned - said so.", None),  # a title, not a place
        ("ADA CRANE, HOST: Welcome back.", None),  # a transcript's speaker
    ],
)
def test_a_wire_dateline_is_found_at_a_paragraph_start(text: str, place: str | None) -> None:
    end = dateline_end(text, 0)
    assert (text[:end] if end is not None else None) == place


def test_the_place_of_a_dateline_is_not_the_subject_of_the_sentence() -> None:
    """Parsed with the dateline, "BRISTOL" was the subject of "resigned" and the event had nobody."""
    text = "BRISTOL (Harbor Wire) - Ada Crane, chief executive of Harlow Foods Inc., resigned on Friday."
    found = events(text)
    assert ("resignation", ["Ada Crane"], ["Harlow Foods Inc."], "2022-03-11", "asserted") in found, found


def test_who_resigns_resigns_from_the_one_employer_the_article_names() -> None:
    """The organisation is named in an earlier sentence; with two employers named, neither."""
    one = events("Ada Crane is the chief executive of Harlow Foods Inc.\nOn Friday, Crane resigned.")
    assert ("resignation", ["Ada Crane"], ["Harlow Foods Inc."], "2022-03-11", "asserted") in one, one
    two = events(
        "Ada Crane is the chief executive of Harlow Foods Inc. and a director of Castor Packaging Co.\n"
        "On Friday, Crane resigned."
    )
    assert ("resignation", ["Ada Crane"], [], "2022-03-11", "asserted") in two, two


def test_meeting_an_obligation_is_no_meeting() -> None:
    found = events("Castor Packaging Co. met every deadline in the contract, Ada Crane said on Monday.")
    assert not [e for e in found if e[0] == "meeting"], found
    found = events("Ada Crane met with Paul Lind on Monday.")
    assert ("meeting", ["Ada Crane"], ["Paul Lind"], "2022-03-14", "asserted") in found, found


def test_who_reads_a_book_did_not_write_it() -> None:
    """The subject of the verb governing a document is its author only for a verb of making or
    saying it ("wrote in a report"), not for "read" or "cited"."""
    assert not [e for e in events("Paul Lind said he had not read the book.") if e[0] == "publication"]
    assert not [e for e in events("Paul Lind cited a study on Monday.") if e[0] == "publication"]
    found = events("Ada Crane argued in a report on Monday that the plant was unsafe.")
    assert ("publication", ["Ada Crane"]) in [e[:2] for e in found], found


def test_a_question_reports_no_event() -> None:
    assert events("Will Ada Crane step down as chief executive of Harlow Foods Inc.?") == []
    assert events("Ada Crane resigned from the board of Harlow Foods Inc.")[0][0] == "resignation"


def test_born_opening_a_sentence_is_the_birth_of_its_subject() -> None:
    """ "Born in Leeds in 1951, Ada Crane ...": the participle hangs on the clause whose subject was
    born; "natural-born" is an adjective and tells no birth."""
    found = events("Born in Leeds in 1951, Ada Crane moved to London in 1970.")
    assert ("birth", ["Ada Crane"], [], "1951", "asserted") in found, found
    found = events("Paul Lind said on Monday that Ada Crane is a natural-born citizen.")
    assert not [e for e in found if e[0] == "birth"], found
    found = events("Paul Lind said on Monday that Ada Crane bore the cost of the merger.")
    assert not [e for e in found if e[0] == "birth"], found  # "bore the cost": no one born


def test_who_is_hired_is_appointed_without_a_title_named() -> None:
    """ "was hired to write for the show": a hiring is an appointment though no post is named."""
    found = events("In 2019, Ada Crane was hired by Harlow Foods Inc. to run its bakeries.")
    assert ("appointment", ["Ada Crane"], ["Harlow Foods Inc."], "2019", "asserted") in found, found


@pytest.mark.parametrize(
    "denial",
    [
        "Crane denied the claim on Tuesday.",
        "On Tuesday, Crane dismissed the charge as a lie.",
    ],
)
def test_a_denied_claim_answers_the_accuser_reported_before(denial: str) -> None:
    """A denial of "the claim" or "the charge", which names no accuser, answers the accusation the
    article reported before it, as one of "the allegations" does."""
    found = events("Paul Lind accused Ada Crane of fraud on Monday.\n" + denial)
    assert ("denial", ["Ada Crane"], ["Paul Lind"]) in [e[:3] for e in found], found


def test_a_claim_denied_in_a_relative_clause() -> None:
    """ "a claim Crane denied": the relative clause's object is the noun it modifies."""
    found = events("Paul Lind accused Ada Crane of fraud on Monday, a claim Crane dismissed as a lie.")
    assert ("denial", ["Ada Crane"], ["Paul Lind"]) in [e[:3] for e in found], found


def test_a_countersuit_is_against_who_sued() -> None:
    """ "X sued Y ... Y may countersue": the countersuit names no defendant; it is the plaintiff."""
    found = events(
        "Harlow Foods Inc. sued Castor Packaging Co. on Monday.\n"
        "Paul Lind said Castor Packaging Co. may countersue."
    )
    assert ("lawsuit", ["Castor Packaging Co."], ["Harlow Foods Inc."], None, "hedged") in found, found
    assert all("counter" not in a.args for a in extract("Castor Packaging Co. may countersue.").events)


def test_who_reports_remarks_did_not_make_them() -> None:
    """The subject of the verb governing a statement noun made it ("gave an interview"), unless the
    verb relays it ("the remarks were reported by the Herald")."""
    found = events("The remarks were first reported by the Valley Herald on Tuesday.")
    assert not [e for e in found if e[0] == "statement"], found
    found = events("Ada Crane gave an interview on Tuesday.")
    assert ("statement", ["Ada Crane"]) in [e[:2] for e in found], found


def test_the_paper_is_the_outlet_named_before_it_not_the_company_it_wrote_about() -> None:
    """ "the newspaper", "the paper" stand for an organisation a masthead word names ("the
    Weekly Courier"), never the nearest organisation of another kind."""
    found = events(
        "The Weekly Courier reported in May that Harlow Foods Inc. hid losses.\n"
        "Ada Crane sued the paper for libel on Friday."
    )
    assert ("lawsuit", ["Ada Crane"], ["Weekly Courier"]) in [e[:3] for e in found], found
    found = events("Ada Crane of Harlow Foods Inc. sued the newspaper on Friday.")
    assert not [e for e in found if e[0] == "lawsuit" and e[2]], found


def test_an_outlet_the_ner_missed_is_an_organisation() -> None:
    """A speaker the NER did not name whose name ends in a masthead word is an outlet."""
    from tests.test_identity import entity

    a = extract("Ada Crane resigned on Friday, a week after the Sunday Ledger reported that she had lied.")
    assert entity(a, "Sunday Ledger").type == "ORG"


def test_who_resigns_with_no_employer_resigns_from_the_body_they_are_a_member_of() -> None:
    """ "City Council member Ada Crane resigned": the council; a party is no such body."""
    found = events("Harlow City Council member Ada Crane resigned on Friday, citing health reasons.")
    assert ("resignation", ["Ada Crane"], ["Harlow City Council"], "2022-03-11", "asserted") in found, found
    found = events("Republican Ada Crane resigned on Friday, citing health reasons.")
    assert ("resignation", ["Ada Crane"], [], "2022-03-11", "asserted") in found, found


def test_an_organisation_that_appoints_is_the_appointment_s_organisation() -> None:
    """The appointing subject is the target only when it is an organisation; "appoint" needs no
    post named ("appoint X to serve the remainder of the term")."""
    found = events("Harlow Foods Inc. appointed Ada Crane to serve out the term on Friday.")
    assert ("appointment", ["Ada Crane"], ["Harlow Foods Inc."]) in [e[:3] for e in found], found
    found = events("Paul Lind appointed Ada Crane as chief of staff on Friday.")
    assert [e[:3] for e in found if e[0] == "appointment"] == [("appointment", ["Ada Crane"], [])], found


def test_the_board_is_the_organisation_named_before_it() -> None:
    found = events("Harlow Foods Inc. lost money again.\nAda Crane resigned from the board on Friday.")
    assert ("resignation", ["Ada Crane"], ["Harlow Foods Inc."], "2022-03-11", "asserted") in found, found


def test_a_date_on_the_last_word_of_a_trigger_phrase_dates_the_event() -> None:
    """ "found X guilty on Jan. 27": the parser hangs the date on "guilty", inside the phrase."""
    found = events("A jury found Ada Crane guilty on Jan. 27 of 11 counts of fraud.")
    assert ("verdict", [], ["Ada Crane"], "2022-01-27", "asserted") in found, found


def test_a_document_s_allegation_takes_the_day_it_was_published() -> None:
    found = events(
        "Ada Crane resigned on Friday, nine days after the Weekly Courier published an investigation "
        "alleging that she had hidden losses."
    )
    assert ("accusation", ["Weekly Courier"], ["Ada Crane"], "2022-03-02", "asserted") in found, found


def test_that_month_is_in_the_year_the_text_last_gave() -> None:
    """ "that October" after "in 2019" is October 2019; after a verb of saying, "that" is the
    conjunction and October the publication year's."""
    a = extract("In 2019, Ada Crane pressured Paul Lind to quit. Lind resigned that October.")
    assert [(t.text, t.value) for t in a.timexes] == [("2019", "2019"), ("that October", "2019-10")]
    a = extract("In 2019, Paul Lind said that October was a hard month.")
    assert [(t.text, t.value) for t in a.timexes] == [("2019", "2019"), ("October", "2021-10")]


def test_a_dated_resignation_ends_the_job_it_leaves() -> None:
    a = extract(
        "In 2019, Ada Crane pressured Harlow Foods Inc.'s general counsel, Paul Lind, to quit. "
        "Lind resigned from Harlow Foods Inc. that October."
    )
    names = {e.id: e.name for e in a.entities}
    found = [(r.type, names[r.head], names[r.tail], r.end) for r in a.relations]
    assert ("employee", "Paul Lind", "Harlow Foods Inc.", "2019") in found, found


@pytest.mark.parametrize(
    ("text", "about"),
    [
        ("The Weekly Courier published an investigation alleging that Paul Lind had lied.", ["Paul Lind"]),
        ("The Weekly Courier published articles questioning whether Harlow Foods Inc.'s pies were safe.",
         ["Harlow Foods Inc."]),
        ("The Weekly Courier published a series of articles questioning whether Paul Lind lied.",
         ["Paul Lind"]),
        ("Ada Crane published a memoir saying that she had been ill.", []),  # about herself: no target
    ],
)  # fmt: skip
def test_a_published_document_is_about_whom_its_participle_names(text: str, about: list[str]) -> None:
    found = [e for e in events(text) if e[0] == "publication"]
    assert [e[2] for e in found] == [about], found


def test_the_couple_is_the_pair_the_text_joined_not_a_child_named_since() -> None:
    found = events(
        "Ada Crane, 38, and Paul Lind, 41, married in 2012 and share two children, daughter Mia Lind, "
        "8, and son Leo Lind, 5. The two first met in 2009."
    )
    assert ("meeting", ["Ada Crane", "Paul Lind"], [], "2009", "asserted") in found, found
    found = events(
        "Ada Crane has given birth to her first child with husband Paul Lind. She welcomed daughter "
        'Mia Lind on Monday. "We are over the moon," the couple said in a joint statement.'
    )
    assert ("statement", ["Ada Crane", "Paul Lind"]) in [e[:2] for e in found], found


def test_they_who_met_are_the_couple_the_text_paired() -> None:
    found = events("Ada Crane, 33, and Paul Lind, 36, married in June 2020. They met in 2017.")
    assert ("meeting", ["Ada Crane", "Paul Lind"], [], "2017", "asserted") in found, found
    assert not [e for e in events("They met in 2017.") if e[0] == "meeting"]


def test_the_couple_by_their_descriptions_and_we_in_a_quote() -> None:
    """ "The singer and the chef wed": conjoined descriptions of a couple doing something together
    are the pair; so is a quoted "we met" when its speaker is one of the pair."""
    found = events(
        "Ada Crane and Paul Lind are officially husband and wife! The singer and the chef wed on Saturday."
    )
    assert ("marriage", ["Ada Crane", "Paul Lind"], [], "2022-03-12", "asserted") in found, found
    found = events(
        'Ada Crane and Paul Lind are officially husband and wife! "We met at a dinner in 2019," Crane said.'
    )
    assert ("meeting", ["Ada Crane", "Paul Lind"], [], "2019", "asserted") in found, found


def test_one_subject_s_acts_told_together_share_the_day_and_an_ongoing_content_is_its_telling() -> None:
    """ "apologized on Friday ... and announced that he was stepping down": the announcement is
    Friday's, and so is the resignation a progressive reports as happening then; "had resigned"
    stays a bound before the day it was told."""
    found = events(
        "Harlow Rovers owner Paul Lind apologized on Friday for his remarks, and announced that he was "
        "stepping down as chairman of the team's board."
    )
    assert ("statement", ["Paul Lind"], [], "2022-03-11", "asserted") in found, found
    assert ("resignation", ["Paul Lind"], ["Harlow Rovers"], "2022-03-11", "asserted") in found, found
    found = events("Ada Crane told reporters on Friday that Paul Lind had resigned.")
    assert ("resignation", ["Paul Lind"], [], "BEFORE2022-03-11", "asserted") in found, found


def test_a_trial_is_held_by_the_court_it_opens_in_against_the_one_it_is_brought_against() -> None:
    found = events("The trial of Paul Lind began on Monday in Carver County District Court.")
    court = ["Carver County District Court"]
    assert ("trial", court, ["Paul Lind"], "2022-03-14", "asserted") in found, found
    found = events("The libel trial brought by Ada Crane against the Weekly Courier opened on Monday.")
    assert ("trial", [], ["Weekly Courier"]) in [e[:3] for e in found], found
    found = events("The trial of Paul Lind began on Monday in Leeds.")  # a place holds no trial
    assert ("trial", [], ["Paul Lind"]) in [e[:3] for e in found], found


def test_who_sues_through_lawyers_is_their_client() -> None:
    found = events("Ada Crane wrote a memoir.\nHer lawyers have threatened to sue Paul Lind for defamation.")
    assert ("lawsuit", ["Ada Crane"], ["Paul Lind"], None, "hedged") in found, found
    found = events("Lawyers for Ada Crane sued Paul Lind on Monday.")
    assert ("lawsuit", ["Ada Crane"], ["Paul Lind"], "2022-03-14", "asserted") in found, found
