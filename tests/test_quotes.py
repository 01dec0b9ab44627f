"""Quote extraction on short invented news texts: speakers, cue verbs, channels, kinds and entities.

Every text is invented for these tests. Bodies are passed with ``plain=True`` so that the first line
is body, not a title; the seed-format header is tested separately.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

import storyline
from storyline import Article, Entity, Quote
from storyline.nlp.quotes import QuoteExtractor

FIXTURES = Path(__file__).parent / "fixtures"


@cache
def _extract(text: str) -> Article:
    return storyline.extract(text, plain=True)


def extract(text: str) -> Article:
    return no_failure(_extract(text))


def no_failure(article: Article) -> Article:
    """The components turn an exception into a failed article so that a batch goes on: a test
    sees a crash only by asking (test_a_crash_in_a_component_is_seen_by_these_tests)."""
    assert not any(w.startswith("extraction failed") for w in article.warnings), article.warnings
    return article


def only_quote(text: str) -> Quote:
    quotes = extract(text).quotes
    assert len(quotes) == 1, [(q.kind, q.text) for q in quotes]
    return quotes[0]


def mention(q: Quote) -> str | None:
    return q.speaker_mention.text if q.speaker_mention else None


def person(article: Article, name: str) -> Entity:
    found = [e for e in article.entities if e.name == name]
    assert len(found) == 1, [(e.name, e.type) for e in article.entities]
    return found[0]


def assert_offsets(article: Article, q: Quote) -> None:
    assert article.text[q.start : q.end] == q.text


# --- direct quotes: where the attribution stands ---------------------------------------------------


def test_trailing_attribution() -> None:
    text = '"We will reopen the library by spring," Maria Lopez said.'
    a = extract(text)
    (q,) = a.quotes
    assert q.kind == "direct"
    assert q.text == "We will reopen the library by spring"
    assert q.speaker_name == "Maria Lopez" and mention(q) == "Maria Lopez"
    assert q.speaker == person(a, "Maria Lopez").id
    assert q.cue == "said" and q.cue_span is not None and q.cue_span.text == "said"
    assert q.channel is None
    assert q.confidence >= 0.8
    assert_offsets(a, q)


def test_two_apostrophes_are_a_quotation_mark() -> None:
    """The New York Times' copy writes ''...'': one mark, its quotes direct, their offsets the text's."""
    text = (
        "Paul Lind attacked the plan - ''I love this town,'' he said, ''I will never leave it'' - and "
        "left. ''We are ready,'' Ada Crane said."
    )
    a = extract(text)
    found = [(q.kind, q.text, q.speaker_name) for q in a.quotes if q.kind == "direct"]
    assert found == [
        ("direct", "I love this town", "Paul Lind"),
        ("direct", "I will never leave it", "Paul Lind"),
        ("direct", "We are ready", "Ada Crane"),
    ]
    for q in a.quotes:
        assert_offsets(a, q)


def test_a_bare_quote_before_a_cue_that_reports_its_own_clause_keeps_the_speaker_before() -> None:
    """ "...," Lopez said. "Nobody asked." Ruth Cole said the firm had... : the next sentence's cue
    reports something else, so the bare quote goes on with Lopez; a cue alone takes it."""
    text = '"We did it ourselves," Maria Lopez said. "Nobody asked us to." Ruth Cole said the firm '
    text += "had no comment."
    quotes = {q.text: q.speaker_name for q in extract(text).quotes}
    assert quotes["Nobody asked us to."] == "Maria Lopez"
    text = '"We did it ourselves," Maria Lopez said. "Nobody asked us to." Ruth Cole said.'
    assert {q.text: q.speaker_name for q in extract(text).quotes}["Nobody asked us to."] == "Ruth Cole"


def test_leading_attribution() -> None:
    text = (
        "Maria Lopez, the city librarian, spoke at the opening. "
        'Lopez said, "The books are back where they belong."'
    )
    a = extract(text)
    (q,) = a.quotes
    assert q.kind == "direct"
    assert q.text == "The books are back where they belong."
    assert q.speaker_name == "Maria Lopez" and mention(q) == "Lopez" and q.cue == "said"
    assert_offsets(a, q)


def test_inverted_attribution() -> None:
    text = 'Maria Lopez runs the library. "We counted every single volume twice," said Lopez.'
    q = only_quote(text)
    assert (q.kind, q.text, q.speaker_name, mention(q), q.cue) == (
        "direct",
        "We counted every single volume twice",
        "Maria Lopez",
        "Lopez",
        "said",
    )


def test_inverted_attribution_with_full_name_and_apposition() -> None:
    text = "“The station will be built from reclaimed timber,” said Sofia Lindqvist, the project’s architect."
    q = only_quote(text)
    assert q.text == "The station will be built from reclaimed timber"
    assert q.speaker_name == "Sofia Lindqvist" and q.cue == "said"


def test_colon_attribution_told_reporters() -> None:
    text = 'Maria Lopez met the press on Monday. Lopez told reporters: "Nobody lost their job over this."'
    q = only_quote(text)
    assert q.text == "Nobody lost their job over this."
    assert q.speaker_name == "Maria Lopez" and mention(q) == "Lopez"
    assert q.cue == "told"
    assert q.channel is None  # reporters are an audience, not an outlet
    assert q.medium == "reporters"


def test_quote_split_around_its_attribution() -> None:
    text = (
        "Maria Lopez spoke after the meeting. "
        '"The first phase is finished," she said. "The second phase starts in June."'
    )
    a = extract(text)
    assert [q.text for q in a.quotes] == ["The first phase is finished", "The second phase starts in June."]
    first, second = a.quotes
    assert first.kind == second.kind == "direct"
    assert first.speaker == second.speaker == person(a, "Maria Lopez").id
    assert mention(first) == "she" and first.cue == "said"
    assert second.speaker_name == "Maria Lopez"
    for q in a.quotes:
        assert_offsets(a, q)


def test_split_quote_second_part_in_its_own_sentence() -> None:
    text = (
        'The union leader, Karen Doyle, gave her verdict. "Nobody asked the drivers," Doyle said. '
        '"Nobody asked the passengers either."'
    )
    a = extract(text)
    assert [(q.text, q.speaker_name, q.cue) for q in a.quotes] == [
        ("Nobody asked the drivers", "Karen Doyle", "said"),
        ("Nobody asked the passengers either.", "Karen Doyle", "said"),
    ]
    assert a.quotes[0].confidence > a.quotes[1].confidence  # the second part's attribution is borrowed


def test_multi_sentence_quote() -> None:
    text = (
        "Coach Daniel Reyes was blunt after the loss. "
        '"We played badly. We did not defend. We deserved to lose," Reyes said.'
    )
    q = only_quote(text)
    assert q.text == "We played badly. We did not defend. We deserved to lose"
    assert q.speaker_name == "Daniel Reyes" and mention(q) == "Reyes" and q.cue == "said"


@pytest.mark.parametrize(
    ("opening", "closing"),
    [('"', '"'), ("“", "”")],
    ids=["straight", "curly"],
)
def test_quote_running_over_two_paragraphs(opening: str, closing: str) -> None:
    text = (
        "Harold Finch addressed the council on Tuesday evening.\n"
        f"{opening}The bridge has been unsafe for years, and everyone in this room knew it. "
        "We waited too long.\n"
        f"{opening}Now the repairs will cost twice as much, and the taxpayers will carry that "
        f"burden,{closing} Finch said."
    )
    a = extract(text)
    (q,) = a.quotes  # one quote, not two
    assert q.kind == "direct"
    assert q.text == (
        "The bridge has been unsafe for years, and everyone in this room knew it. We waited too long.\n"
        "Now the repairs will cost twice as much, and the taxpayers will carry that burden"
    )
    assert a.text[q.start :].startswith("The bridge has been unsafe")
    assert a.text[: q.end].endswith("carry that burden")
    assert q.speaker_name == "Harold Finch" and mention(q) == "Finch" and q.cue == "said"
    assert q.confidence >= 0.8  # both paragraphs' marks were paired


def test_curly_and_straight_marks_in_one_article() -> None:
    text = '“The harvest came early this year,” farmer Ellen Marsh said. "Prices will fall," she added.'
    a = extract(text)
    assert [(q.text, q.speaker_name, mention(q), q.cue) for q in a.quotes] == [
        ("The harvest came early this year", "Ellen Marsh", "Ellen Marsh", "said"),
        ("Prices will fall", "Ellen Marsh", "she", "added"),
    ]
    for q in a.quotes:
        assert_offsets(a, q)


def test_guillemets_are_quotation_marks() -> None:
    text = "«We will rebuild the pier before summer,» harbour master Pieter Voss said."
    q = only_quote(text)
    assert q.text == "We will rebuild the pier before summer"
    assert q.speaker_name == "Pieter Voss" and q.cue == "said"


# --- partial quotes and indirect speech -----------------------------------------------------------


def test_partial_quote_with_described() -> None:
    text = 'Opposition leader Tomas Berg described the plan as "reckless and dangerous".'
    a = extract(text)
    (q,) = a.quotes
    assert q.kind == "partial"
    assert q.text == "reckless and dangerous"
    assert q.speaker_name == "Tomas Berg" and q.cue == "described"
    assert_offsets(a, q)


def test_partial_quote_with_called_and_a_longer_fragment() -> None:
    text = (
        "Opposition leader Tomas Berg called the proposal "
        '"a betrayal of every family in this town" during a rally.'
    )
    q = only_quote(text)
    assert q.kind == "partial"
    assert q.text == "a betrayal of every family in this town"
    assert q.speaker_name == "Tomas Berg" and q.cue == "called"


def test_partial_quote_by_an_unnamed_group() -> None:
    q = only_quote('The union described the offer as "insulting".')
    assert (q.kind, q.text, q.cue) == ("partial", "insulting", "described")
    assert q.speaker is None and mention(q) == "The union"


def test_indirect_speech_said_that() -> None:
    text = "The mayor said that the budget would be cut by ten percent next year."
    a = extract(text)
    (q,) = a.quotes
    assert q.kind == "indirect"
    assert q.text == "the budget would be cut by ten percent next year"
    assert mention(q) == "The mayor" and q.cue == "said"
    assert q.speaker is None  # "the mayor" is not a named entity in this text
    assert_offsets(a, q)


def test_indirect_speech_by_a_named_person() -> None:
    text = "Police chief Ann Kowalski said that two officers had been suspended."
    q = only_quote(text)
    assert q.kind == "indirect"
    assert q.text == "two officers had been suspended"
    assert q.speaker_name == "Ann Kowalski" and q.cue == "said"


@pytest.mark.parametrize(
    ("text", "content", "source"),
    [
        (
            "According to the police, the suspect fled the scene in a grey van.",
            "the suspect fled the scene in a grey van",
            "the police",
        ),
        (
            "The suspect fled the scene in a grey van, according to the police.",
            "The suspect fled the scene in a grey van",
            "the police",
        ),
        (
            "The fire started in a kitchen, according to a spokesperson for the fire department.",
            "The fire started in a kitchen",
            "a spokesperson",
        ),
    ],
    ids=["leading", "trailing", "spokesperson"],
)
def test_according_to(text: str, content: str, source: str) -> None:
    a = extract(text)
    (q,) = a.quotes
    assert q.kind == "indirect"
    assert q.text == content
    assert mention(q) == source
    assert q.cue == "according to"
    assert_offsets(a, q)


def test_according_to_a_named_source() -> None:
    q = only_quote("According to Sheriff Dale Morgan, the fire started in a kitchen.")
    assert (q.kind, q.text, q.speaker_name, q.cue) == (
        "indirect",
        "the fire started in a kitchen",
        "Dale Morgan",
        "according to",
    )


# --- pronoun, possessive and carried-over speakers ------------------------------------------------


@pytest.mark.parametrize("sep", [" ", "\n"], ids=["one-paragraph", "paragraphs"])
def test_pronouns_resolve_by_gender(sep: str) -> None:
    text = sep.join(
        [
            "Laura Chen and David Okafor both spoke at the hearing.",
            '"The numbers simply do not add up," he said.',
            '"We cannot wait another year," she added.',
        ]
    )
    a = extract(text)
    chen, okafor = person(a, "Laura Chen"), person(a, "David Okafor")
    assert (chen.gender, okafor.gender) == ("f", "m")
    he, she = a.quotes
    assert (he.text, he.speaker, mention(he), he.cue) == (
        "The numbers simply do not add up",
        okafor.id,
        "he",
        "said",
    )
    assert (she.text, she.speaker, mention(she), she.cue) == (
        "We cannot wait another year",
        chen.id,
        "she",
        "added",
    )


def test_pronouns_resolve_by_honorific() -> None:
    # Given names are absent: only "Mr." and "Ms." say who is who; the woman is named last.
    text = (
        "Mr. Okafor and Ms. Chen both spoke at the hearing. "
        '"We cannot wait another year," she said. "The numbers do not add up," he replied.'
    )
    a = extract(text)
    chen, okafor = person(a, "Chen"), person(a, "Okafor")
    assert (chen.gender, okafor.gender) == ("f", "m")
    she, he = a.quotes
    assert (she.speaker, she.speaker_name, mention(she), she.cue) == (chen.id, "Chen", "she", "said")
    assert (he.speaker, he.speaker_name, mention(he), he.cue) == (okafor.id, "Okafor", "he", "replied")


def test_possessive_speaker_part_of_her_statement_read() -> None:
    text = (
        "The singer Aurelia Banks has broken her silence. "
        '"I am grateful for every message," part of her statement read.'
    )
    q = only_quote(text)
    assert q.text == "I am grateful for every message"
    assert q.speaker_name == "Aurelia Banks"
    assert mention(q) == "her"
    assert q.cue == "read"
    assert q.medium == "statement"


@pytest.mark.parametrize(("opening", "closing"), [('"', '"'), ("“", "”")], ids=["straight", "curly"])
def test_speaker_carried_over_to_an_unattributed_paragraph(opening: str, closing: str) -> None:
    text = (
        "Karen Doyle gave her verdict at the depot.\n"
        f"{opening}Nobody asked the drivers,{closing} Doyle said.\n"
        f"{opening}Nobody asked the passengers either. This was decided in an office.{closing}\n"
        "Transport minister Victor Hale disagreed."
    )
    a = extract(text)
    doyle = person(a, "Karen Doyle")
    first, carried = a.quotes
    assert first.text == "Nobody asked the drivers" and first.speaker == doyle.id and first.cue == "said"
    assert carried.text == "Nobody asked the passengers either. This was decided in an office."
    assert carried.kind == "direct"
    assert carried.speaker == doyle.id and carried.speaker_name == "Karen Doyle"
    assert 0 < carried.confidence < first.confidence


def test_unattributed_quote_with_no_previous_speaker_stays_unattributed() -> None:
    text = (
        "The hall was silent when the results came in.\n"
        '"Nobody expected this outcome tonight, least of all the candidates themselves."'
    )
    q = only_quote(text)
    assert q.speaker is None and q.speaker_name is None and q.cue is None
    assert q.confidence <= 0.3


# --- cue verbs: an open list ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker", "cue", "quote"),
    [
        (
            'The actress Selena Vance celebrated the premiere. "Best night of my life," Vance tweeted.',
            "Selena Vance",
            "tweeted",
            "Best night of my life",
        ),
        (
            "The novelist Harriet Osei wrote a long post after the award. "
            '"Words fail me tonight," Osei penned.',
            "Harriet Osei",
            "penned",
            "Words fail me tonight",
        ),
        (
            'The singer Jade Whitfield shared a photo from the beach. "Sun, sand and zero emails," '
            "Jade Whitfield captioned the snap.",
            "Jade Whitfield",
            "captioned",
            "Sun, sand and zero emails",
        ),
        (
            'Comedian Marcus Pell was asked about retirement. "I retire every Tuesday," Pell quipped.',
            "Marcus Pell",
            "quipped",
            "I retire every Tuesday",
        ),
        (
            "Laura Chen and David Okafor both spoke at the hearing. "
            '"The numbers do not add up," Okafor replied.',
            "David Okafor",
            "replied",
            "The numbers do not add up",
        ),
    ],
    ids=["tweeted", "penned", "captioned", "quipped", "replied"],
)
def test_cue_verbs_come_back_as_written(text: str, speaker: str, cue: str, quote: str) -> None:
    q = only_quote(text)
    assert (q.kind, q.text, q.speaker_name, q.cue) == ("direct", quote, speaker, cue)
    assert q.cue_span is not None and q.cue_span.text == cue


def test_cue_outside_the_lexicon_is_found_with_lower_confidence() -> None:
    listed = only_quote(
        'Comedian Marcus Pell was asked about retirement. "I retire every Tuesday," Pell quipped.'
    )
    unlisted = only_quote(
        'Comedian Marcus Pell was asked about retirement. "I retire every Tuesday," Pell beamed.'
    )
    assert (unlisted.speaker_name, unlisted.cue) == ("Marcus Pell", "beamed")
    assert unlisted.confidence < listed.confidence


# --- channels -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker", "cue", "channel", "medium"),
    [
        (
            "Singer Olivia Grant thanked her fans. "
            '"You carried me through this tour," Grant wrote on Instagram.',
            "Olivia Grant",
            "wrote",
            "Instagram",
            None,
        ),
        (
            'Daniel Brooks, the team captain, apologised on Sunday. "I let everyone down," Brooks said in a '
            "statement to The Daily Ledger.",
            "Daniel Brooks",
            "said",
            "The Daily Ledger",
            "statement",
        ),
        (
            'Daniel Brooks, the team captain, apologised on Sunday. "I let everyone down," Brooks said in a '
            "statement to Reuters.",
            "Daniel Brooks",
            "said",
            "Reuters",
            "statement",
        ),
        (
            'Ruth Adler spoke on Monday. Adler told The Harbor Gazette, "We are not raising taxes."',
            "Ruth Adler",
            "told",
            "The Harbor Gazette",
            None,
        ),
        (
            'In a post on Facebook, Mayor Linda Park wrote: "The water is safe to drink again."',
            "Linda Park",
            "wrote",
            "Facebook",
            "post",
        ),
        (
            'Linda Park posted on TikTok, "The water is safe to drink again."',
            "Linda Park",
            "posted",
            "TikTok",
            None,
        ),
        (
            'Governor Ruth Adler met the press. "The roads will be cleared by noon," Adler told reporters.',
            "Ruth Adler",
            "told",
            None,
            "reporters",
        ),
    ],
    ids=["instagram", "daily-ledger", "reuters", "told-outlet", "facebook-post", "tiktok", "told-reporters"],
)
def test_channels(text: str, speaker: str, cue: str, channel: str | None, medium: str | None) -> None:
    q = only_quote(text)
    assert (q.speaker_name, q.cue, q.channel, q.medium) == (speaker, cue, channel, medium)


def test_outlet_channel_becomes_an_org_entity_not_a_speaker() -> None:
    text = (
        'Daniel Brooks, the team captain, apologised on Sunday. "I let everyone down," Brooks said in a '
        "statement to The Daily Ledger."
    )
    a = extract(text)
    assert person(a, "The Daily Ledger").type == "ORG"
    assert person(a, "Daniel Brooks").type == "PERSON"
    assert a.quotes[0].speaker == person(a, "Daniel Brooks").id


# --- what is not a quote --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'She starred in "Midnight Orchard" last year.',
        'The film "Midnight Orchard" won the top prize on Saturday.',
    ],
    ids=["starred-in-title", "the-film-title"],
)
def test_titles_in_quotation_marks_are_not_quotes(text: str) -> None:
    a = extract(text)
    assert a.quotes == []


def test_title_in_quotes_is_a_work_entity() -> None:
    a = extract('The film "Midnight Orchard" won the top prize on Saturday.')
    assert [(e.name, e.type) for e in a.entities] == [("Midnight Orchard", "WORK")]


def test_a_quoted_title_inside_indirect_speech_stays_inside_it() -> None:
    text = 'Director Ana Ruiz said her film "Midnight Orchard" took six years to make.'
    q = only_quote(text)
    assert q.kind == "indirect"
    assert q.text == 'her film "Midnight Orchard" took six years to make'
    assert q.speaker_name == "Ana Ruiz"


# --- unbalanced and stray marks -------------------------------------------------------------------


def test_missing_closing_mark_still_gives_the_quote_with_lower_confidence() -> None:
    balanced = only_quote('Harbour master Pieter Voss said, "We will rebuild the pier before summer."')
    unbalanced = only_quote('Harbour master Pieter Voss said, "We will rebuild the pier before summer.')
    assert unbalanced.text == balanced.text == "We will rebuild the pier before summer."
    assert unbalanced.speaker_name == balanced.speaker_name == "Pieter Voss"
    assert unbalanced.cue == "said"
    assert unbalanced.confidence < balanced.confidence


def test_missing_closing_mark_at_paragraph_end_does_not_swallow_the_next_paragraph() -> None:
    text = (
        'Harbour master Pieter Voss said, "We will rebuild the pier before summer.\n'
        "The council approved the money on Friday."
    )
    a = extract(text)
    (q,) = [q for q in a.quotes if q.kind == "direct"]
    assert q.text == "We will rebuild the pier before summer."
    assert "council" not in q.text


@pytest.mark.parametrize(
    "text",
    [
        'He said " stray » marks “ everywhere „ and « none closed',
        "”Closing first, then opening“",
        '"',
        '“\n”\n"\n«\n»\n„',
        'Maria Lopez said, "It is "fine" and "not fine" at once," she said" ” »',
        "The plan, Lopez said, was “finished.\n\n„Nobody “ reads » these.",
    ],
)
def test_stray_marks_never_raise(text: str) -> None:
    a = _extract(text)
    assert a.warnings == []  # a crash would be a warning "extraction failed (quotes: ...)"
    for q in a.quotes:
        assert 0 <= q.start <= q.end <= len(a.text)


def test_a_crash_in_a_component_is_seen_by_these_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(self: QuoteExtractor) -> None:
        raise ValueError("no closing mark")

    monkeypatch.setattr(QuoteExtractor, "run", crash)
    article = storyline.extract('Harbour master Pieter Voss said, "The pier is " closed.', plain=True)
    assert article.quotes == [] and article.entities  # the batch went on past the failed stage
    with pytest.raises(AssertionError, match=r"quotes: ValueError: no closing mark"):
        no_failure(article)


# --- entities -------------------------------------------------------------------------------------


def test_full_name_surname_and_given_name_are_one_entity() -> None:
    text = (
        "Emily Carter opened her bakery on Main Street in 2015. Carter says the first winter nearly broke "
        "her. Emily still bakes every loaf herself."
    )
    a = extract(text)
    people = [e for e in a.entities if e.type == "PERSON"]
    assert len(people) == 1
    carter = people[0]
    assert carter.name == "Emily Carter"
    assert carter.aliases == ["Emily Carter", "Carter", "Emily"]
    # every mention, in text order and with its kind: names and the pronouns linked to her
    assert [(m.text, m.kind) for m in carter.mentions] == [
        ("Emily Carter", "name"),
        ("her", "pronoun"),
        ("Carter", "name"),
        ("her", "pronoun"),
        ("Emily", "name"),
        ("herself", "pronoun"),
    ]
    for m in carter.mentions:
        assert a.text[m.start : m.end] == m.text
    assert carter.gender == "f"
    # the indirect quote's speaker is the same entity, found through the surname
    (q,) = a.quotes
    assert (q.kind, q.speaker, mention(q), q.cue) == ("indirect", carter.id, "Carter", "says")


def test_given_name_and_surname_join_the_full_name_of_a_man() -> None:
    a = extract(
        "James Porter founded the club in 1998. Porter stepped down last year. "
        "James still attends every match."
    )
    porter = person(a, "James Porter")
    assert porter.aliases == ["James Porter", "Porter", "James"]
    assert porter.gender == "m"
    assert [e.name for e in a.entities if e.type == "PERSON"] == ["James Porter"]


@pytest.mark.parametrize(
    "text",
    [
        "Rebecca Holm and her brother Thomas Holm run the family vineyard. Rebecca handles the sales, and "
        "Thomas tends the vines.",
        "Rebecca Holm and her brother Thomas Holm run the family vineyard. Rebecca Holm handles the sales. "
        "Thomas Holm tends the vines.",
    ],
    ids=["given-names", "full-names"],
)
def test_two_people_sharing_a_surname_stay_two_entities(text: str) -> None:
    a = extract(text)
    people = {e.name: e for e in a.entities if e.type == "PERSON"}
    assert set(people) == {"Rebecca Holm", "Thomas Holm"}
    rebecca, thomas = people["Rebecca Holm"], people["Thomas Holm"]
    assert rebecca.id != thomas.id
    assert "Thomas" not in rebecca.aliases and "Rebecca" not in thomas.aliases
    assert (rebecca.gender, thomas.gender) == ("f", "m")


def test_byline_fixture_author_and_photo_credit_are_not_entities() -> None:
    a = storyline.extract(FIXTURES / "byline_article.txt")
    assert a.author == "Marisol Quintero"
    names = {alias for e in a.entities for alias in e.aliases}
    assert "Odile Brandt" in names  # the body's people are found
    for leaked in ("Marisol", "Quintero", "Tobias", "Wren", "Lakeside"):
        assert not any(leaked in n for n in names), names


def test_byline_author_of_a_seed_format_file_is_not_an_entity(tmp_path: Path) -> None:
    path = tmp_path / "library.txt"
    path.write_text(
        "date 2022-06-14 Riverside Library Reopens After Flood Repairs\n"
        "by\n"
        "Gwendolyn Ashby\n"
        "|\n"
        "Tue., Jun. 14, 2022 8:30 AM\n"
        "Rafael Montoya/Northbank Photo Service\n"
        "Courtesy of the Riverside Library\n"
        "Maria Lopez, the head librarian, reopened the doors on Tuesday.\n"
        '"We counted every single volume twice," Lopez said.\n'
        "Her deputy, Samuel Ortiz, said that the children's section would open next month.\n",
        encoding="utf-8",
    )
    a = storyline.extract(path)
    assert a.author == "Gwendolyn Ashby"
    assert a.title == "Riverside Library Reopens After Flood Repairs"
    people = sorted(e.name for e in a.entities if e.type == "PERSON")
    assert people == ["Maria Lopez", "Samuel Ortiz"]
    names = {alias for e in a.entities for alias in e.aliases}
    for leaked in ("Gwendolyn", "Ashby", "Rafael", "Montoya", "Northbank"):
        assert not any(leaked in n for n in names), names
    assert [(q.kind, q.speaker_name, q.cue) for q in a.quotes] == [
        ("direct", "Maria Lopez", "said"),
        ("indirect", "Samuel Ortiz", "said"),
    ]
    assert a.quotes[0].text == "We counted every single volume twice"
    assert a.quotes[1].text == "the children's section would open next month"


def test_a_description_goes_to_the_person_with_that_title() -> None:
    text = (
        "Mark Dalton appeared in court on Monday. Dalton, 51, faces two counts of fraud. "
        "Judge Anna Pryce set a trial date. Dalton's lawyer said Dalton would testify. "
        "Dalton waved to reporters. The judge said the trial would last two weeks."
    )
    article = storyline.extract(text, published="2024-02-06")
    judge = next(e for e in article.entities if e.name == "Anna Pryce")
    dalton = next(e for e in article.entities if e.name == "Mark Dalton")
    assert "The judge" in judge.aliases
    assert not any(a.lower() == "the judge" for a in dalton.aliases)


def test_reported_speech_that_holds_its_own_cue_is_not_a_quote() -> None:
    """ "refugees, who he speculates are ...": a relative clause holding the cue is no statement of
    its own; the words it reports stay in the statement they belong to."""
    text = (
        "Paul Lind spoke in July. Lind, later alleging - again falsely - that President Ada Crane wanted "
        'to admit 250,000 refugees, said he would deport refugees, who he speculates are "mostly men".'
    )
    found = [(q.kind, q.text, q.speaker_name) for q in extract(text).quotes]
    assert not [f for f in found if f[1].startswith("who he speculates")]
    assert not [f for f in found if f[2] == "Ada Crane"]
    assert ("indirect", 'he would deport refugees, who he speculates are "mostly men"', "Paul Lind") in found


def test_a_pronoun_speaker_after_someone_reported_saying_something_is_them() -> None:
    """ "Quinlan noted that ... '...,' he said": the last to speak is the one reported in the
    sentence before (read after the direct quotes), not the speaker of the quote before that;
    one of the other gender is passed over ("Shaw accused ..., a claim Okonkwo denied. '...,' she
    said": Okonkwo, the last woman to speak)."""
    text = (
        "Dan Okafor, who resigned as chief executive last month, said through his lawyer, Robert Quinlan, "
        'that the report "confirms what he has always said: he had nothing to do with these records." '
        "Quinlan noted that the board's investigators had not named Okafor. "
        '"The report does not mention Dan because there is nothing to mention," he said.\n'
        "At the meeting, parent Derek Shaw accused board members of meeting Gloria Vance before the vote, "
        'a claim Linda Okonkwo denied. "No one on this board met with her," she said.\n'
    )
    speakers = {q.text: q.speaker_name for q in storyline.extract(text).quotes}
    assert speakers["The report does not mention Dan because there is nothing to mention"] == "Robert Quinlan"
    assert speakers["No one on this board met with her"] == "Linda Okonkwo"
