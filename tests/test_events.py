"""Events, relations and money on short news texts written for these tests, and the dev-set scorer."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

import storyline
from storyline.eval import events as ev_eval
from storyline.nlp.events import rules
from storyline.nlp.money import parse_money

DEV = Path(__file__).resolve().parent / "events_dev"
TUESDAY = date(2022, 3, 15)


def extract(text: str) -> storyline.Article:
    return storyline.extract(text, published=TUESDAY, plain=True)


def events(text: str) -> list[tuple[str, list[str], list[str], str | None, str]]:
    """(type, agent names, target names, time, modality) per event."""
    article = extract(text)
    names = {e.id: e.name for e in article.entities}

    def who(ids: object) -> list[str]:
        return [names[i] for i in ids] if isinstance(ids, list) else []

    return [
        (
            v.type,
            who(v.args.get("agent")),
            who(v.args.get("target")),
            None if v.time is None else (v.time.mod or "") + v.time.value,
            v.modality,
        )
        for v in article.events
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Harlow Foods Inc. sued Castor Packaging Co. for $2.5 million on Monday.",
            ("lawsuit", ["Harlow Foods Inc."], ["Castor Packaging Co."], "2022-03-14", "asserted"),
        ),
        (
            "Maria Ostrov resigned from the Budget Committee on Friday.",
            ("resignation", ["Maria Ostrov"], ["Budget Committee"], "2022-03-11", "asserted"),
        ),
        ("Mayor Dan Pruitt said he did not resign.", ("resignation", ["Dan Pruitt"], [], None, "negated")),
        ("Lena Varga may resign next week.", ("resignation", ["Lena Varga"], [], "2022-W12", "hedged")),
        (
            "Omar Haddad is expected to step down.",
            ("resignation", ["Omar Haddad"], [], None, "hedged"),
        ),
        (
            "Nora Bell married Sam Ortiz in 2004.",
            ("marriage", ["Nora Bell", "Sam Ortiz"], [], "2004", "asserted"),
        ),
        (
            "Former aide Rita Gomez accused Governor Paul Lind of fraud on Monday.",
            ("accusation", ["Rita Gomez"], ["Paul Lind"], "2022-03-14", "asserted"),
        ),
        (
            "Governor Paul Lind denied the allegations on Monday.",
            ("denial", ["Paul Lind"], [], "2022-03-14", "asserted"),
        ),
        (
            "The striker Jonas Berg was charged with assault in 2019.",
            ("charge", [], ["Jonas Berg"], "2019", "asserted"),
        ),
    ],
)
def test_event_type_participants_time_and_modality(text: str, expected: tuple) -> None:
    found = events(text)
    assert expected in found, found


def test_stopping_an_activity_is_no_resignation_and_a_for_to_clause_is_not_asserted() -> None:
    """ "quit giving speeches" leaves no post; "called for her to quit" says what should happen."""
    assert not [v for v in events("Ada Crane quit giving paid speeches in April.") if v[0] == "resignation"]
    assert ("resignation", ["Ada Crane"], [], None, "hedged") in events(
        "Paul Lind attacked Ada Crane and called for her to quit the race."
    )
    assert ("resignation", ["Ada Crane"], [], "2022-03", "asserted") in events(
        "Ada Crane quit her job in March."
    )


def test_allegations_are_accusations_and_a_negated_deed_in_a_quote_is_a_denial() -> None:
    text = (
        'Lawmakers made allegations against developer Ivo Stanek on Monday. "I did not do what they '
        'say I did," Stanek said.'
    )
    kinds = {(t, m) for t, _, _, _, m in events(text)}
    assert ("accusation", "asserted") in kinds and ("denial", "asserted") in kinds
    assert not any(t not in {"accusation", "denial", "statement"} for t, _ in kinds)


def test_a_quote_links_to_the_event_it_expresses() -> None:
    article = extract(
        'Rep. Joan Mills apologized to voters on Monday. "I am deeply sorry," Mills told reporters.'
    )
    (apology,) = [v for v in article.events if v.type == "apology"]
    assert [q.text for q in article.quotes if q.id in apology.quotes] == ["I am deeply sorry"]
    assert apology.time is not None and apology.time.value == "2022-03-14"


def test_relations_from_role_nouns_and_events() -> None:
    article = extract(
        "Nora Bell married Sam Ortiz in 2004, and the two divorced in 2015. Their daughter, Mia Ortiz, "
        "is an actor. Lena Park, a spokeswoman for Orbit Air, declined to comment. The Zenith Labs "
        "cofounder Raj Mehta joined the board."
    )
    names = {e.id: e.name for e in article.entities}
    found = {(r.type, names[r.head], names[r.tail], r.start, r.end) for r in article.relations}
    assert ("spouse", "Nora Bell", "Sam Ortiz", "2004", "2015") in found
    assert ("child", "Mia Ortiz", "Nora Bell", None, None) in found
    assert ("child", "Mia Ortiz", "Sam Ortiz", None, None) in found
    assert ("employee", "Lena Park", "Orbit Air", None, None) in found
    assert ("founder", "Raj Mehta", "Zenith Labs", None, None) in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a $5 million lawsuit", (5_000_000, "USD")),
        ("damages of £2m", (2_000_000, "GBP")),
        ("3.5 billion euros", (3_500_000_000, "EUR")),
        ("$1,250,000", (1_250_000, "USD")),
        ("seven people", None),
    ],
)
def test_money_is_normalised(text: str, expected: tuple | None) -> None:
    assert parse_money(text) == expected


def test_every_contract_event_type_has_a_rule() -> None:
    types = {r.type for rs in rules().values() for r in rs}
    contract = {"statement", "support", "accusation", "denial", "apology", "lawsuit", "charge", "trial",
                "verdict", "resignation", "appointment", "publication", "marriage", "divorce", "birth",
                "death", "meeting"}  # fmt: skip
    assert contract <= types


README = Path(__file__).parent.parent / "README.md"
# the rows of the development set's table in README.md ("Events and relations"), by result key
README_ROWS = {
    "events": "events (type, participants, modality, time)",
    "events_without_time": "events without the time",
    "relations": "relations (type, head, tail, years)",
}


def readme_figures() -> dict[str, tuple[int, float, float]]:
    """(expected, P, R) of each row, as the README reports them for `storyline eval events
    tests/events_dev`."""
    text = README.read_text(encoding="utf-8")
    figures = {}
    for key, label in README_ROWS.items():
        (row,) = re.findall(rf"^\| {re.escape(label)} \|(.*)\|$", text, re.M)
        expected, _, _, precision, recall, _ = (cell.strip() for cell in row.split("|"))
        figures[key] = (int(expected), float(precision), float(recall))
    return figures


def test_the_development_set_covers_every_type_and_is_scored_per_type(capsys: pytest.CaptureFixture) -> None:
    pairs = sorted(DEV.glob("*.json"))
    assert len(pairs) >= 20
    gold = [json.loads(p.read_text(encoding="utf-8")) for p in pairs]
    kinds = [e["type"] for g in gold for e in g["events"]]
    assert all(kinds.count(t) >= 2 for t in set(kinds)) and len(set(kinds)) == 17
    modality = [e["modality"] for g in gold for e in g["events"]]
    assert modality.count("negated") >= 4 and modality.count("hedged") >= 4
    result = ev_eval.evaluate(DEV)
    assert result["events_without_time"]["all"]["expected"] == len(kinds)
    # the README's figures for this set (P, R) less 0.01, the parser's run-to-run room: a change that
    # loses more has to say so there
    for row, (expected, precision, recall) in readme_figures().items():
        found = result[row]["all"]
        assert found["expected"] == expected, row
        assert found["precision"] >= precision - 0.01 and found["recall"] >= recall - 0.01, (row, found)
    print(ev_eval.format_report(result))
    assert "resignation" in capsys.readouterr().out


def test_scorer_matches_names_by_their_words() -> None:
    assert ev_eval.same_name("Brightwater Foods", "Brightwater Foods Inc.")
    assert ev_eval.same_name("Ruiz", "Ana Ruiz") and not ev_eval.same_name("Ana Ruiz", "Leo Ruiz")


def test_an_event_takes_no_date_from_another_clause() -> None:
    # the birth is what she acknowledged, not when: the content's date is not the act's
    found = events("In March, Maria Lopez acknowledged that Tom Reyes was born in Denver.")
    births = [e for e in found if e[0] == "birth"]
    assert [(e[1], e[3]) for e in births] == [(["Tom Reyes"], "BEFORE2022-03")]  # before she said it


def test_a_statement_is_an_event_when_its_occasion_is_reported() -> None:
    found = events("Maria Lopez said in an interview that the plan would fail. Tom Reyes said it would not.")
    statements = [(e[1], e[3]) for e in found if e[0] == "statement"]
    assert statements == [(["Maria Lopez"], "BEFORE2022-03-15")]


def test_a_hedged_event_has_no_date_and_an_asserted_one_a_bound() -> None:
    found = events("Tom Reyes resigned from Acme Corp. Maria Lopez may resign from Acme Corp.")
    assert [(e[0], e[1], e[3], e[4]) for e in found] == [
        ("resignation", ["Tom Reyes"], "BEFORE2022-03-15", "asserted"),
        ("resignation", ["Maria Lopez"], None, "hedged"),
    ]


def test_a_party_before_a_title_makes_its_bearer_a_member() -> None:
    article = extract("Democratic Sen. Claire McCaskill scolded the executives on Tuesday.")
    names = {e.id: e.name for e in article.entities}
    assert [(r.type, names[r.head], names[r.tail]) for r in article.relations] == [
        ("member", "Claire McCaskill", "Democratic Party")
    ]


def test_an_outlet_that_owns_a_name_employs_its_bearer_and_a_governor_serves_a_state() -> None:
    article = extract("NBC's Lester Holt questioned New Jersey Gov. Chris Christie on Monday.")
    names = {e.id: e.name for e in article.entities}
    assert sorted((r.type, names[r.head], names[r.tail]) for r in article.relations) == [
        ("employee", "Chris Christie", "New Jersey"),
        ("employee", "Lester Holt", "NBC"),
    ]


def test_a_bare_surname_is_the_principal_not_the_relative_named_last() -> None:
    article = extract(
        "Sen. Ted Cruz spoke in Houston. His father, Rafael Cruz, sat in the front row. "
        "Cruz endorsed Donald Trump on Friday."
    )
    names = {e.id: e.name for e in article.entities}
    (support,) = [v for v in article.events if v.type == "support"]
    assert [names[i] for i in support.args["agent"]] == ["Ted Cruz"]


def test_a_party_word_is_the_party_not_an_organisation_named_after_it() -> None:
    article = extract(
        "The Republican National Convention opened in Cleveland. "
        "Republican presidential nominee Donald Trump spoke, and Green Party nominee Jill Stein replied."
    )
    names = {e.id: e.name for e in article.entities}
    assert sorted((r.type, names[r.head], names[r.tail]) for r in article.relations) == [
        ("member", "Donald Trump", "Republican Party"),
        ("member", "Jill Stein", "Green Party"),
    ]


def test_a_senator_is_a_member_of_the_one_senate_the_article_names() -> None:
    article = extract("Sen. Ted Cruz spoke in Houston. The Senate voted on Tuesday.")
    names = {e.id: e.name for e in article.entities}
    assert [(r.type, names[r.head], names[r.tail]) for r in article.relations] == [
        ("member", "Ted Cruz", "Senate")
    ]
    two = extract("Sen. Ted Cruz spoke in Houston. The Senate and the Texas Senate voted on Tuesday.")
    assert not two.relations  # which Senate is his, the article does not say


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # the second verb shares the first one's passive and its subject
            "Rafael Ortega was shot and killed by a police officer on Saturday.",
            ("death", ["Rafael Ortega"], [], "2022-03-12", "asserted"),
        ),
        (  # a description in apposition is the person it describes
            "Dario Lentz, a 30-year-old teacher who committed suicide in June 2019, left a note.",
            ("death", ["Dario Lentz"], [], "2019-06", "asserted"),
        ),
        (  # name-calling that alleges wrongdoing is an accusation; its target is the one called
            "Senator Ada Crane called Governor Paul Lind a liar on Monday.",
            ("accusation", ["Ada Crane"], ["Paul Lind"], "2022-03-14", "asserted"),
        ),
        (  # criticism for something done is an accusation
            "Ada Crane criticized Paul Lind for cutting school funds.",
            ("accusation", ["Ada Crane"], ["Paul Lind"], "BEFORE2022-03-15", "asserted"),
        ),
        (  # a court's ruling against a party
            "The Supreme Court ruled against Harlow Foods Inc. on Friday.",
            ("verdict", ["Supreme Court"], ["Harlow Foods Inc."], "2022-03-11", "asserted"),
        ),
        (  # "filed suit": a lawsuit even without a named defendant
            "Harlow Foods Inc. filed suit in federal court on Monday.",
            ("lawsuit", ["Harlow Foods Inc."], [], "2022-03-14", "asserted"),
        ),
        (  # a month modifying a noun trigger dates it; "a May" is the month, not the modal
            "During a May interview, Ada Crane said she would run again.",
            ("statement", ["Ada Crane"], [], "2022-05", "asserted"),
        ),
        (  # a declaration of war is directed at whom war is declared on
            "Ada Crane declared war on Harlow Foods Inc. last year.",
            ("statement", ["Ada Crane"], ["Harlow Foods Inc."], "2021", "asserted"),
        ),
        (  # an outlet a declaration is made on is not its target
            "Ada Crane declared her candidacy on Twitter on Monday.",
            ("statement", ["Ada Crane"], [], "2022-03-14", "asserted"),
        ),
        (  # advice offered is a remark made to someone
            "Ada Crane offered some pointed advice to Paul Lind on Monday.",
            ("statement", ["Ada Crane"], ["Paul Lind"], "2022-03-14", "asserted"),
        ),
        (
            "Ada Crane gave Paul Lind advice on Monday.",
            ("statement", ["Ada Crane"], ["Paul Lind"], "2022-03-14", "asserted"),
        ),
        (  # the parser may make the one called a second complement ("oprd") beside the insult
            "One of the nurses who signed the petition called Paul Lind a quack and a fraud.",
            ("accusation", [], ["Paul Lind"], "BEFORE2022-03-15", "asserted"),
        ),
        (  # honored by someone's endorsement: the endorser honors
            "Paul Lind was honored by the endorsement of Senator Ada Crane on Monday.",
            ("support", ["Ada Crane"], ["Paul Lind"], "2022-03-14", "asserted"),
        ),
        (  # a paper writing, on a day, that someone did something writes about them
            "The Harlow Ledger on Monday wrote that Paul Lind had hidden a loss of $9 million.",
            ("publication", ["Harlow Ledger"], ["Paul Lind"], "2022-03-14", "asserted"),
        ),
        (  # what the writer writes of herself has no target
            "Ada Crane wrote on Monday that she had been ill for weeks.",
            ("publication", ["Ada Crane"], [], "2022-03-14", "asserted"),
        ),
        (  # calling for something is asking for it, not its happening
            "Lawmakers called for the dismissal of Paul Lind.",
            ("resignation", ["Paul Lind"], [], None, "hedged"),
        ),
    ],
)
def test_event_triggers_of_news_reports(text: str, expected: tuple) -> None:
    found = events(text)
    assert expected in found, found


def test_a_conjoined_verb_shares_the_auxiliaries_of_the_first_only_in_its_form() -> None:
    unable = events("Paul Lind will be unable to win the vote and defend Ada Crane.")
    assert unable == [("support", ["Paul Lind"], ["Ada Crane"], None, "hedged")], unable
    refused = events("Paul Lind refused to apologize and defend Ada Crane.")
    assert ("support", ["Paul Lind"], ["Ada Crane"], None, "negated") in refused, refused
    past = events("Paul Lind did not apologize and criticized Ada Crane.")  # "criticized" is not under "did"
    assert ("statement", ["Paul Lind"], ["Ada Crane"], "BEFORE2022-03-15", "asserted") in past, past


def test_a_speech_an_act_is_made_during_is_a_statement_of_its_own_that_took_place() -> None:
    found = events("Ada Crane refused to endorse Paul Lind during a speech at the convention on Monday.")
    assert found == [
        ("support", ["Ada Crane"], ["Paul Lind"], "2022-03-14", "negated"),
        ("statement", ["Ada Crane"], [], "2022-03-14", "asserted"),
    ], found
    ahead = events("Ada Crane will praise Paul Lind in a speech on Friday.")  # the speech is ahead too
    assert [e[4] for e in ahead] == ["hedged", "hedged"], ahead
    said = events("Ada Crane said in an interview on Monday that she would run.")  # one act, not two
    assert said == [("statement", ["Ada Crane"], [], "2022-03-14", "asserted")], said


def test_acting_on_advice_is_no_statement() -> None:
    found = events("On the advice of Ada Crane, Paul Lind stayed home on Monday.")
    assert found == [], found


def test_declining_to_comment_is_no_statement_and_a_modifier_is_no_event() -> None:
    found = events("Paul Lind declined to comment. Retired Gen. Ada Crane spoke to the council.")
    assert not [e for e in found if e[0] in {"statement", "resignation"}], found


def test_a_distance_before_after_dates_the_clause_exactly() -> None:
    text = "Paul Lind resigned on Friday, nine days after the Valley Courier published a report on him."
    found = events(text)
    assert ("resignation", ["Paul Lind"], [], "2022-03-11", "asserted") in found
    assert [e[3] for e in found if e[0] == "publication"] == ["2022-03-02"], found


def test_a_month_word_inside_a_name_is_no_date() -> None:
    article = extract("Reporter April Ryan asked Paul Lind about the budget in 2019.")
    assert [t.value for t in article.timexes] == ["2019"]


def test_what_a_dated_act_is_about_happened_before_it() -> None:
    found = events("Ada Crane spoke out on Tuesday about the death of Rafael Ortega.")
    assert ("death", ["Rafael Ortega"], [], "BEFORE2022-03-15", "asserted") in found, found


def test_a_date_of_another_noun_is_not_the_event_date() -> None:
    found = events("A Valley Courier article about his 2015 tax return accused Paul Lind of fraud.")
    dates = {e[3] for e in found if e[0] in {"publication", "accusation"}}
    assert dates and "2015" not in dates, found


def test_a_party_noun_or_initial_beside_a_name_makes_a_member() -> None:
    article = extract(
        "The Republican Party and the Democratic Party met. Democrat Karen Mills spoke first; "
        "Sen. Paul Lind (R-Ohio) and Sen. Ada Crane, D-Va., followed. Republican Party rules bind Tom Hale."
    )
    names = {e.id: e.name for e in article.entities}
    found = {(r.type, names[r.head], names[r.tail]) for r in article.relations if r.type == "member"}
    assert ("member", "Karen Mills", "Democratic Party") in found
    assert ("member", "Paul Lind", "Republican Party") in found
    assert ("member", "Ada Crane", "Democratic Party") in found
    assert not any(head == "Tom Hale" for _, head, _ in found)


def test_a_gerund_after_for_takes_the_object_as_its_subject() -> None:
    found = events("On Monday, Ada Crane thanked Paul Lind on Twitter for backing her bill.")
    assert ("support", ["Paul Lind"], ["Ada Crane"], "BEFORE2022-03-14", "asserted") in found, found


def test_a_couple_listed_with_their_ages_marry_each_other() -> None:
    found = events("Nina Castell, 33, and Reid Marlow, 36, married in June 2020 in a backyard ceremony.")
    assert ("marriage", ["Nina Castell", "Reid Marlow"], [], "2020-06", "asserted") in found, found


def test_a_headline_statement_takes_the_date_of_the_body_that_reports_it() -> None:
    text = (
        "Governor Paul Lind Says The Budget Is Balanced.\n\n"
        "Governor Paul Lind said on Monday in a radio interview that the budget was balanced."
    )
    found = [e for e in events(text) if e[0] == "statement"]
    assert len(found) == 2 and {e[3] for e in found} == {"2022-03-14"}, found


def test_what_did_not_happen_has_no_date() -> None:
    found = events("Until Friday, Paul Lind had refused to release his tax returns.")
    assert ("publication", ["Paul Lind"], [], None, "negated") in found, found


def test_a_group_is_no_participant_and_a_source_is_no_agent() -> None:
    found = events(
        "Americans were killing themselves at a quickening pace. Following reports of the attack, "
        "Paul Lind said at a rally on Monday that the city was safe."
    )
    assert [e for e in found if e[0] == "death"] == [], found
    assert not [e for e in found if e[0] == "publication"], found
    assert ("statement", ["Paul Lind"], [], "2022-03-14", "asserted") in found, found


def test_telling_an_outlet_is_a_reported_statement() -> None:
    found = events("Paul Lind told CNN that the budget was balanced.")
    assert [e[:2] for e in found if e[0] == "statement"] == [("statement", ["Paul Lind"])], found


def test_an_office_of_a_place_and_an_outlet_apostrophe_employ_the_name() -> None:
    article = extract(
        "Gov. Paul Lind of Indiana spoke on Monday. Fox News' Chris Wallace asked the questions. "
        "“The budget is fine,” Ada Crane wrote for the Valley Courier."
    )
    names = {e.id: e.name for e in article.entities}
    found = {(r.type, names[r.head], names[r.tail]) for r in article.relations}
    assert ("employee", "Paul Lind", "Indiana") in found, found
    assert ("employee", "Chris Wallace", "Fox News") in found, found
    assert ("employee", "Ada Crane", "Valley Courier") in found, found


def test_an_organisation_right_before_a_role_noun_is_its_other_side() -> None:
    article = extract("Former police officer and Navy veteran Peter Kaisen, 76, spoke on Monday.")
    names = {e.id: e.name for e in article.entities}
    found = {(r.type, names[r.head], names[r.tail]) for r in article.relations}
    assert ("member", "Peter Kaisen", "Navy") in found, found


def test_a_ruling_on_a_motion_is_no_denial_and_its_date_is_not_the_indictments() -> None:
    found = events(
        "Judge Ada Crane on Monday denied a defence motion to dismiss the indictment against Paul Lind."
    )
    assert ("verdict", ["Ada Crane"], [], "2022-03-14", "asserted") in found, found
    assert not [e for e in found if e[0] == "denial"], found
    assert [e[3] for e in found if e[0] == "charge"] == ["BEFORE2022-03-15"], found


def test_a_noun_the_parser_tagged_as_a_verb_is_a_noun_and_a_settlement_dates_no_lawsuit() -> None:
    found = events("Daniel Lind faces up to four years in prison on the felony records charge.")
    assert ("charge", [], ["Daniel Lind"], "BEFORE2022-03-15", "asserted") in found, found
    settled = events("In August, Harlow Foods Inc. settled Ada Crane's lawsuit.")
    assert ("lawsuit", ["Ada Crane"], [], "BEFORE2022-03-15", "asserted") in settled, settled
    filed = events("Ada Crane filed a lawsuit against Harlow Foods Inc. in August.")
    assert [e[3] for e in filed if e[0] == "lawsuit"] == ["2021-08"], filed


def test_a_curly_ll_hedges_an_event_as_a_straight_one_does() -> None:
    """ "She’ll present her proposals": the curly "’ll" is a future auxiliary, as "'ll" is."""
    for text in ("Lena Varga said she'll resign next week.", "Lena Varga said she’ll resign next week."):
        assert events(text) == [("resignation", ["Lena Varga"], [], "2022-W12", "hedged")], text
