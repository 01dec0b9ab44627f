"""Event times the story around an event gives, and who an event's participants can be, on short
texts written for these tests (published Tuesday 2022-03-15): the rules of nlp/time/event_times.py
that date an act its own sentence does not, and the entity types nlp/events.py never takes."""

from __future__ import annotations

from test_events import events


def test_an_act_detailed_in_the_next_sentence_takes_that_sentences_date() -> None:
    found = events(
        "Ada Crane criticized the budget plan as reckless. "
        "During a rally on Monday, Crane said the plan would raise taxes."
    )
    assert [e[3] for e in found if e[0] == "statement"] == ["2022-03-14", "2022-03-14"], found


def test_the_next_sentence_of_another_speaker_dates_nothing() -> None:
    found = events(
        "Ada Crane criticized the budget plan as reckless. "
        "During a rally on Monday, Paul Lind said the plan would raise taxes."
    )
    crane = [e for e in found if e[1] == ["Ada Crane"]]
    assert crane and all(e[3] == "BEFORE2022-03-15" for e in crane), found


def test_an_act_named_again_takes_the_date_of_the_speakers_last_act() -> None:
    found = events(
        "Paul Lind said at a rally on Monday that the city was safe. Critics mocked Lind's comments."
    )
    statements = [e for e in found if e[0] == "statement"]
    assert [e[3] for e in statements] == ["2022-03-14", "2022-03-14"], found


def test_an_act_named_again_takes_the_date_of_the_speakers_last_speech_act_of_any_type() -> None:
    found = events("Paul Lind accused Ada Crane of lying at a rally on Monday. Critics mocked Lind's remarks")
    assert [(e[0], e[3]) for e in found] == [("accusation", "2022-03-14"), ("statement", "2022-03-14")], found


def test_a_simultaneous_clause_takes_its_governing_events_date() -> None:
    found = events(
        "Paul Lind said at a rally on Monday that taxes would fall. "
        "He made the criticism while showing support for Ada Crane."
    )
    assert ("support", ["Paul Lind"], ["Ada Crane"], "2022-03-14", "asserted") in found, found


def test_the_lede_takes_the_date_the_body_gives_the_same_act() -> None:
    found = events(
        "Crane Calls Lind A Disgrace.\n\n"
        "Senator Ada Crane described Governor Paul Lind as a disgrace after his budget speech.\n\n"
        "The budget cuts school funding by a tenth.\n\n"
        "Crane blasted Lind as a disgrace on Monday on a radio show."
    )
    statements = [e for e in found if e[0] == "statement" and e[2] == ["Paul Lind"]]
    assert len(statements) == 2 and {e[3] for e in statements} == {"2022-03-14"}, found


def test_the_lede_does_not_take_a_date_of_background() -> None:
    found = events(
        "Crane Calls Lind A Disgrace.\n\n"
        "Senator Ada Crane described Governor Paul Lind as a disgrace after his budget speech.\n\n"
        "The budget cuts school funding by a tenth.\n\n"
        "Crane blasted Lind as a disgrace in March 2019 on a radio show."
    )
    lede = [e for e in found if e[0] == "statement" and e[3] != "2019-03"]
    assert lede and all(e[3] == "BEFORE2022-03-15" for e in lede), found


def test_the_sentence_after_the_lede_details_the_ledes_event() -> None:
    found = events(
        "Lind Convicted Of Fraud.\n\n"
        "A federal judge convicted Paul Lind on Friday of fraud. "
        "Judge Ada Crane convicted his partner of fraud too."
    )
    assert [(e[0], e[1], e[3]) for e in found] == [
        ("verdict", [], "2022-03-11"),
        ("verdict", ["Ada Crane"], "2022-03-11"),
    ], found


def test_an_act_about_what_happened_today_is_of_today() -> None:
    found = events(
        "Six people were hurt tonight by a fire that Mayor Paul Lind described as arson. "
        "Police said nothing. "
        "Following early reports of the fire, Ada Crane said at a rally that the city was unsafe."
    )
    statements = [e for e in found if e[0] == "statement"]
    assert [(e[1], e[3]) for e in statements] == [
        (["Paul Lind"], "2022-03-15"),
        (["Ada Crane"], "2022-03-15"),
    ], found


def test_a_relative_clause_of_the_speaker_is_not_about_today() -> None:
    found = events("Ada Crane, who has praised Paul Lind for years, criticized the mayor tonight.")
    praise = [e for e in found if e[0] == "support"]
    assert praise and all(e[3] != "2022-03-15" for e in praise), found


def test_an_act_with_a_time_of_its_own_takes_no_date_from_the_next_sentence() -> None:
    found = events(
        "Over the past few days, Ada Crane criticized the budget plan. "
        "On Monday, Crane said the plan would raise taxes."
    )
    statements = [e for e in found if e[0] == "statement"]
    assert [e[3] for e in statements] == ["BEFORE2022-03-15", "2022-03-14"], found


def test_a_law_is_no_participant() -> None:
    found = events("Senator Paul Lind criticized the Affordable Care Act as a crazy system.")
    assert [e[:3] for e in found if e[0] == "statement"] == [("statement", ["Paul Lind"], [])], found


def test_a_refusal_its_own_clause_dates_keeps_that_date_and_an_undated_one_gets_none() -> None:
    found = events(
        "Senator Ada Crane refused to endorse Paul Lind at the party convention in January. "
        "Lind did not resign."
    )
    assert ("support", ["Ada Crane"], ["Paul Lind"], "2022-01", "negated") in found, found
    assert [e[3:] for e in found if e[0] == "resignation"] == [(None, "negated")], found
    ahead = events("Paul Lind will not resign on Friday.")  # not happened, and a date ahead
    assert [e[3:] for e in ahead] == [(None, "negated")], ahead
