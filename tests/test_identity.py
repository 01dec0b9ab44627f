"""Entity identity within one article: the sieve's passes, each on a sentence a reporter could write."""

from __future__ import annotations

from storyline import extract
from storyline.model import Article, Entity


def entity(a: Article, name: str) -> Entity:
    found = [e for e in a.entities if e.name == name]
    assert len(found) == 1, [e.name for e in a.entities]
    return found[0]


def linked(a: Article, text: str, kind: str) -> list[str]:
    """The names of the entities that have a mention of `kind` with this text."""
    return [e.name for e in a.entities for m in e.mentions if m.kind == kind and m.text == text]


def test_a_title_is_matched_to_its_role_and_the_quote_follows_it() -> None:
    a = extract(
        "Donald Trump attacked his rivals again on Monday. Trump said the race was over. "
        "Trump repeated it in Iowa. Sen. Marco Rubio disagreed. "
        '"We made progress," the Florida senator said.'
    )
    rubio = entity(a, "Marco Rubio")
    (q,) = [q for q in a.quotes if q.text.startswith("We made")]
    assert q.speaker == rubio.id
    assert "the Florida senator" in rubio.aliases
    assert "the Florida senator" not in entity(a, "Donald Trump").aliases


def test_a_description_without_evidence_is_nobody() -> None:
    a = extract(
        "Hillary Clinton and Donald Trump campaigned in Ohio on Tuesday. Clinton spoke about jobs. "
        "Trump spoke about trade. The Slovenian-born former model did not attend."
    )
    assert not [e.name for e in a.entities if any("model" in alias for alias in e.aliases)]
    assert not linked(a, "The Slovenian-born former model", "description")


def test_apposition_and_predicate_nominative_describe_the_name() -> None:
    a = extract(
        "Maria Lopez, the mayor of Tucson, met reporters. Lopez is a former teacher. "
        "The mayor said the budget was balanced."
    )
    lopez = entity(a, "Maria Lopez")
    descriptions = [m.text for m in lopez.mentions if m.kind == "description"]
    assert descriptions == ["the mayor", "a former teacher", "The mayor"]
    assert (lopez.aliases[0], "the mayor" in lopez.aliases) == ("Maria Lopez", True)
    assert "a former teacher" not in lopez.aliases  # an indefinite description is a mention, not a name


def test_pronouns_agree_in_gender_and_respect_binding() -> None:
    a = extract(
        "Mary Smith met John Brown in Denver. He thanked her for the invitation. Tom Green praised him."
    )
    john, mary = entity(a, "John Brown"), entity(a, "Mary Smith")
    assert [(m.text, m.kind) for m in john.mentions] == [
        ("John Brown", "name"),
        ("He", "pronoun"),
        ("him", "pronoun"),
    ]
    assert [(m.text, m.kind) for m in mary.mentions] == [("Mary Smith", "name"), ("her", "pronoun")]
    # "Tom Green praised him": a non-reflexive object is not its own clause's subject
    assert [m.text for m in entity(a, "Tom Green").mentions] == ["Tom Green"]


def test_a_company_is_it_and_never_he() -> None:
    a = extract("Apple hired Tim Cook in 1998. It said the move would help its supply chain. He agreed.")
    apple, cook = entity(a, "Apple"), entity(a, "Tim Cook")
    assert [m.text for m in apple.mentions if m.kind == "pronoun"] == ["It", "its"]
    assert [m.text for m in cook.mentions if m.kind == "pronoun"] == ["He"]


def test_an_unclear_pronoun_stays_unlinked() -> None:
    a = extract("John Brown called Tom Green on Friday. Brown and Green argued. He left early.")
    assert linked(a, "He", "pronoun") == []


def test_a_defined_acronym_is_a_name_of_its_organisation() -> None:
    a = extract(
        "The American Civil Liberties Union, or ACLU, sued the city on Monday. "
        "The ACLU said the law was unconstitutional."
    )
    (aclu,) = [e for e in a.entities if e.type == "ORG"]
    assert aclu.name == "American Civil Liberties Union"
    assert [m.text for m in aclu.mentions if m.kind == "name"] == [
        "American Civil Liberties Union",
        "ACLU",
        "ACLU",
    ]
    (q,) = a.quotes
    assert q.speaker == aclu.id


def test_names_are_written_as_the_text_writes_them() -> None:
    a = extract(
        "Syrian President Bashar al-Assad met George H.W. Bush and George W. Bush in 2005. "
        "Kim Jong Un was not invited. Martin Luther King Jr. was remembered."
    )
    names = {e.name for e in a.entities if e.type == "PERSON"}
    assert {"Bashar al-Assad", "George H.W. Bush", "George W. Bush", "Kim Jong Un"} <= names
    assert any(n.startswith("Martin Luther King Jr") for n in names)
    for e in a.entities:
        assert "  " not in e.name and not e.name.endswith((":", "]", "'s")) and " - " not in e.name


def test_a_hyphened_given_name_stays_whole_and_a_dash_after_a_name_is_not_its() -> None:
    a = extract(
        "A vote for anyone else is a vote for Dana Whitcombe - and that is a terrible thing, the "
        "senator said. Ban Ki-moon, the secretary general, met Park Geun-hye in Seoul. "
        "“Everybody is laughing at Tom Rusk-spent $100 million and is at the bottom,” he wrote."
    )
    names = {e.name for e in a.entities if e.type == "PERSON"}
    assert {"Dana Whitcombe", "Ban Ki-moon", "Park Geun-hye", "Tom Rusk"} <= names
    assert not [n for n in names if n.endswith(("-", " -")) or "spent" in n]


def test_markup_headlines_and_bare_titles_are_not_entities() -> None:
    a = extract(
        'Police named a suspect. datetime="2015-12-02">POSSIBLE SUSPECT\n'
        "The FBI Director spoke to the press on Friday."
    )
    assert not [e.name for e in a.entities if "SUSPECT" in e.name or "datetime" in e.name]
    assert not [e.name for e in a.entities if e.name.endswith("Director")]


def test_a_role_before_a_name_describes_the_person_not_the_company() -> None:
    a = extract(
        "Apple CEO Steve Jobs unveiled the iPhone. Apple Stores opened early. Apple said sales were strong."
    )
    jobs = entity(a, "Steve Jobs")
    assert [(m.text, m.kind) for m in jobs.mentions] == [("Apple CEO", "description"), ("Steve Jobs", "name")]
    apple = entity(a, "Apple")
    assert [m.text for m in apple.mentions if m.kind == "name"] == ["Apple", "Apple"]
    assert (q := a.quotes[0]).speaker == apple.id, q


def test_a_relative_pronoun_is_a_mention_of_its_noun() -> None:
    a = extract("Officials praised John Smith, who resigned on Monday.")
    assert linked(a, "who", "pronoun") == ["John Smith"]


def test_a_quotation_signed_with_a_dash_is_its_signer_s() -> None:
    a = extract(
        "Readers answered our question.\n"
        "“Trump must stop portraying Latinos as gangsters.” ― Carla Sanchez\n“He scares me.” ― Ruth Ortega\n"
    )
    assert [(q.text, q.speaker_name) for q in a.quotes] == [
        ("Trump must stop portraying Latinos as gangsters.", "Carla Sanchez"),
        ("He scares me.", "Ruth Ortega"),
    ]


def test_first_person_inside_a_quote_is_its_speaker() -> None:
    a = extract('"I will not resign," Paul Lind said on Monday.')
    assert linked(a, "I", "pronoun") == ["Paul Lind"]


def test_an_apposition_does_not_make_its_entity_more_salient() -> None:
    # Lappin and Leass count each salience factor once per entity and sentence: the subject wins.
    a = extract(
        "In 2010, Laura Diaz moved to Boston to work for the clinic of the surgeon Ellen Park. "
        "She ran its budget for six years."
    )
    assert (linked(a, "She", "pronoun"), entity(a, "Ellen Park").type) == (["Laura Diaz"], "PERSON")


def test_binding_excludes_an_entity_by_any_of_its_mentions() -> None:
    # "Dr. Ellen Park, the head of the clinic, noticed her": neither the name nor the apposition
    a = extract("Laura Diaz joined the clinic in 2015. Dr. Ellen Park, the head of the clinic, noticed her.")
    assert linked(a, "her", "pronoun") == ["Laura Diaz"]


def test_the_text_shows_a_person_the_ner_typed_otherwise() -> None:
    chess = extract("Geller was a chess player of the first rank. He won the title twice.")
    assert (entity(chess, "Geller").type, linked(chess, "He", "pronoun")) == ("PERSON", ["Geller"])
    widow = extract("Halvorsen's widow attended the ceremony in Oslo.")
    assert entity(widow, "Halvorsen").type == "PERSON"  # whoever has a widow is a person


def test_a_given_name_the_ner_passed_over_is_a_person() -> None:
    a = extract("The council thanked Isabel for the report, and Suzanne presented the budget.")
    assert (entity(a, "Isabel").type, entity(a, "Suzanne").type) == ("PERSON", "PERSON")


def test_a_surname_made_plural_is_a_family_not_one_of_its_people() -> None:
    a = extract(
        "Gov. Mark Brandt spoke on Monday. The Brandts have made millions since leaving office, "
        "and Ann Pruitt said the family was generous."
    )
    names = [e.name for e in a.entities if e.type == "PERSON"]
    assert "Mark Brandt" in names and "Ann Pruitt" in names
    assert not [n for n in names if n.endswith("Brandts")]


def test_a_sentence_longer_than_a_file_name_is_read_as_text() -> None:
    text = "Senator Jane Roe said the budget was sound. " * 8  # one line of 350 characters
    assert [e.name for e in extract(text.strip()).entities if e.type == "PERSON"] == ["Jane Roe"]


def test_two_surnames_hyphened_into_a_modifier_name_neither_person() -> None:
    a = extract(
        'Tom Pruitt and Ann Dalton met. "Pruitt-Dalton failed us," Greene said. '
        "Eva Resnick-Day, a spokeswoman, disagreed."
    )
    names = {e.name for e in a.entities if e.type == "PERSON"}
    assert {"Tom Pruitt", "Ann Dalton", "Eva Resnick-Day"} <= names
    assert "Pruitt-Dalton" not in names


def test_a_headline_name_run_on_into_its_verb_is_cut_to_the_name_the_article_uses() -> None:
    """Title case hides where a name ends: "Gomez Hid Old Debts" is Gomez, named in the body."""
    a = extract(
        "Gomez Hid Old Debts From Investors, Former Partner Claims.\n\n"
        "Maria Gomez kept the debts secret for years, her former partner said. Gomez wrote of them in 2012.",
        plain=True,
    )
    assert [e.name for e in a.entities if e.type == "PERSON"] == ["Maria Gomez"]
    assert [m.text for m in entity(a, "Maria Gomez").mentions if m.kind == "name"][:2] == [
        "Gomez",
        "Maria Gomez",
    ]
    b = extract(
        "Clinton Foundation Donors Gave Millions To Charity, Report Says.\n\n"
        "Hillary Clinton praised the Clinton Foundation on Monday.",
        plain=True,
    )
    assert "Clinton Foundation Donors" in [e.name for e in b.entities]  # an organisation's name stays whole


def test_the_company_is_never_a_party_or_a_ministry_but_can_be_the_company_named_before() -> None:
    """rules/org_kinds.tsv: "the company" passes over an organisation whose name shows a kind it
    cannot describe (a party, a ministry), to an earlier one whose name shows a company, and else
    stays unlinked; an organisation whose name shows no kind is still the nearest."""
    a = extract(
        "Halvorsen Motors Inc. gave $2 million to the Republican Party last year. "
        "The company said on Monday it would give nothing this year."
    )
    assert linked(a, "The company", "description") == ["Halvorsen Motors Inc."]
    a = extract("Voters met officials of the Labor Department on Tuesday. The company said it was not told.")
    assert linked(a, "The company", "description") == []
    a = extract("Brightwater Logistics cut 300 jobs in Ohio. The company said demand had fallen.")
    assert linked(a, "The company", "description") == ["Brightwater Logistics"]


def test_a_name_conjoined_to_a_person_s_full_name_is_a_person() -> None:
    """The NER passes over "Teo Almasy" beside "Lola Brightman"; conjoined, it is a person too."""
    a = extract("Lola Brightman and Teo Almasy are officially husband and wife! Almasy cooked.")
    assert entity(a, "Teo Almasy").type == "PERSON"
    assert [e.name for e in a.entities if "Almasy" in e.aliases] == ["Teo Almasy"]


def test_an_untagged_name_ending_in_an_organisation_s_word_is_an_organisation() -> None:
    a = extract("Paul Lind resigned from the California State Senate in December.")
    assert entity(a, "California State Senate").type == "ORG"
    a = extract("Paul Lind visited the Big Sur coast in December.")  # no organisation's word
    assert not [e.name for e in a.entities if e.type == "ORG"]


def test_a_one_word_name_written_again_where_the_ner_passed_it_over_is_the_same_person() -> None:
    # the small model tags the second "Dhoni" only; the first is the same name, so the same person
    a = extract("Dhoni met the board on Monday. A day later, Dhoni said he would stay.")
    assert [(m.text, m.start) for m in entity(a, "Dhoni").mentions if m.kind == "name"] == [
        ("Dhoni", 0),
        ("Dhoni", 44),
    ]


def test_a_birth_name_or_a_name_known_as_is_the_same_person() -> None:
    a = extract("Grayson Hall was an actress. Hall was born Shirley Grossman in Philadelphia in 1922.")
    assert [e.aliases for e in a.entities if e.type == "PERSON"] == [
        ["Grayson Hall", "Hall", "Shirley Grossman"]
    ]
    b = extract("Bonnie Tyler (then known as Gaynor Hopkins) spent seven years performing in pubs.")
    assert [e.name for e in b.entities if e.type == "PERSON"] == ["Bonnie Tyler"]
    # a name after "born in" is a place, and two people side by side stay two
    c = extract("Ahn was born in Chicago. Ahn met Mary Smith in 1990.")
    assert sorted(e.name for e in c.entities if e.type == "PERSON") == ["Ahn", "Mary Smith"]


def test_a_title_word_that_ends_a_name_is_its_surname() -> None:
    # "King" opens royal names ("King Abdullah"), but ends Larry King's: "Mr. King" is he, not the
    # organisation named before
    a = extract(
        "Old Hands Help Russia Navigate U.S. Media.\n\nLast week, I caught Larry King on RT. "
        '"They pay us a lot of money," Mr. King said.'
    )
    king = next(e for e in a.entities if e.name == "Larry King")
    assert [m.text for m in king.mentions if m.kind == "name"] == ["Larry King", "King"]
    assert [q.speaker_name for q in a.quotes] == ["Larry King"]


def test_a_person_who_has_known_another_is_not_that_person() -> None:
    a = extract('"Anyone who attacks him pays," said Louise Sunshine, who has known Donald Trump since 1970.')
    assert sorted(e.name for e in a.entities if e.type == "PERSON") == ["Donald Trump", "Louise Sunshine"]
