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
