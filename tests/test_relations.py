"""Relations between people and organisations on short made-up news sentences, one shape each."""

from __future__ import annotations

from datetime import date

import storyline

TUESDAY = date(2022, 3, 15)


def relations(text: str) -> set[tuple[str, str, str, str | None, str | None]]:
    """(type, head name, tail name, start, end) per relation."""
    article = storyline.extract(text, published=TUESDAY, plain=True)
    names = {e.id: e.name for e in article.entities}
    return {(r.type, names[r.head], names[r.tail], r.start, r.end) for r in article.relations}


def test_two_role_nouns_joined_by_and_share_the_person_and_the_organisation() -> None:
    found = relations("Ann Lowe, the founder and chief executive of Kestrel Labs, spoke on Monday.")
    assert found == {
        ("founder", "Ann Lowe", "Kestrel Labs", None, None),
        ("employee", "Ann Lowe", "Kestrel Labs", None, None),
    }


def test_the_family_an_obituary_lists_after_survived_by_is_the_dead_persons() -> None:
    found = relations(
        "Tom Hale died Monday at his home. He is survived by a daughter, Mia Hale; a brother, "
        "Sam Hale; and three grandchildren."
    )
    assert found == {
        ("child", "Mia Hale", "Tom Hale", None, None),
        ("sibling", "Sam Hale", "Tom Hale", None, None),  # not Mia's brother: the list is Tom's
    }


def test_who_founded_a_company_with_someone_founded_it_too() -> None:
    found = relations("Ray Diaz founded Orbit Foods in 2001 with Lena Cruz.")
    assert found == {
        ("founder", "Ray Diaz", "Orbit Foods", None, None),
        ("founder", "Lena Cruz", "Orbit Foods", None, None),
    }


def test_a_party_title_reaches_the_name_across_a_no_break_space() -> None:
    found = relations("The plan was backed by Republican presidential nominee\u00a0Dan Wolfe on Friday.")
    assert found == {("member", "Dan Wolfe", "Republican Party", None, None)}


def test_a_marriage_dated_to_a_month_starts_the_spouse_relation_in_its_year() -> None:
    found = relations("Nora Bell and Sam Ortiz married in June 2020 in Ohio.")
    assert found == {("spouse", "Nora Bell", "Sam Ortiz", "2020", None)}


def test_wed_is_a_verb_and_a_season_dates_the_marriage_to_its_year() -> None:
    found = relations(
        "Lena Park and Tom Reyes wed on Saturday at a vineyard. Maria Lopez married Sam Ortiz last summer."
    )
    assert found == {
        ("spouse", "Lena Park", "Tom Reyes", "2022", None),
        ("spouse", "Maria Lopez", "Sam Ortiz", "2021", None),
    }


def test_a_spouses_dated_death_ends_the_marriage() -> None:
    found = relations(
        "Ann Hale died Sunday at her home. She married Arthur Hale in 1951. Arthur Hale died in 1994."
    )
    assert found == {("spouse", "Ann Hale", "Arthur Hale", "1951", "1994")}


def test_wed_the_weekday_still_dates_an_event_once_wed_is_a_word() -> None:
    article = storyline.extract("The board met on Wed., March 9, and voted.", published=TUESDAY, plain=True)
    assert ("Wed.", "2022-03-09") in [(t.text, t.value) for t in article.timexes]


def test_a_name_with_an_organisations_of_works_there_and_a_places_does_not() -> None:
    found = relations("Lena Park of Acme Corp. and Sen. Tom Reyes of Ohio declined to comment on Monday.")
    assert found == {("employee", "Lena Park", "Acme Corp.", None, None)}


def test_a_partys_spokeswoman_is_its_member_and_a_teams_striker_its_member() -> None:
    found = relations(
        "The opposition Civic Union rejected the plan. The Civic Union's spokeswoman, Maria Lopez, "
        "called it a disgrace. Sam Ortiz, a striker for Harbor City FC, was charged with assault."
    )
    assert ("member", "Maria Lopez", "Civic Union", None, None) in found
    assert ("employee", "Maria Lopez", "Civic Union", None, None) not in found
    assert ("member", "Sam Ortiz", "Harbor City FC", None, None) in found


def test_who_played_for_a_team_was_its_member() -> None:
    found = relations("Sam Ortiz played for Harbor City FC for six seasons before he retired.")
    assert ("member", "Sam Ortiz", "Harbor City FC", None, None) in found
