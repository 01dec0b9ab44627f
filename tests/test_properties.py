"""Property tests: quotation-mark pairing and the whole pipeline never fail on messy text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import storyline
from storyline.nlp.marks import MARKS, find_quoted_spans

QUOTE_MARKS = ["“", "”", '"', "«", "»", "„"]

# Words, punctuation, quote marks and line breaks in proportions that make quotes, stray marks and
# quotes running over paragraphs all common.
_piece = st.one_of(
    st.sampled_from(QUOTE_MARKS),
    st.sampled_from(["\n", "\n\n", " ", ", ", ". ", ": ", "! ", "? ", "—", "-", "(", ")", "'", "’"]),
    st.sampled_from(
        ["said", "she", "he", "wrote", "Maria Lopez", "Lopez", "told", "reporters", "according to"]
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8),
)
salted_text = st.lists(_piece, max_size=60).map("".join).filter(lambda s: len(s) <= 400)


@settings(max_examples=300, deadline=None)
@given(salted_text)
@example('"')
@example('“Open\n„still open\n«and » stray ” " "')
@example('He said "\n\n" she said')
def test_find_quoted_spans_never_raises_and_spans_are_ordered_and_disjoint(text: str) -> None:
    spans = find_quoted_spans(text)
    previous_end = -1
    for span in spans:
        assert 0 <= span.start <= span.end <= len(text)
        assert span.start >= previous_end, "spans overlap or are out of order"
        previous_end = span.end
        assert span.pieces, "a span without pieces"
        for s, e in span.pieces:
            assert span.start <= s <= e <= span.end
        # the marks themselves are never part of a span's first or last character
        assert text[span.start] not in MARKS or not span.balanced


def test_find_quoted_spans_pairs_simple_marks() -> None:
    # a fixed case so that a broken pairing cannot hide behind "never raises"
    text = 'She said “one” and "two" and «three».'
    assert [text[s.start : s.end] for s in find_quoted_spans(text)] == ["one", "two", "three"]


@pytest.mark.parametrize("blank", ["", " ", "\n\n", " \t \n"])
def test_extract_refuses_empty_text(blank: str) -> None:
    with pytest.raises(ValueError, match="empty text"):
        storyline.extract(blank)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow]
)
@given(salted_text.filter(lambda s: s.strip()), st.booleans())
@example('"', False)
@example('“Open\n„still open\n«and » stray ” " "', True)
@example('Lopez said, "a\n\n"b" she said “', False)
def test_extract_never_fails_on_salted_text(text: str, plain: bool) -> None:
    try:
        article = storyline.extract(text, plain=plain)
    except ValueError as exc:
        # the only refusals by design: no body left after a title line, or a header date
        assert not plain and any(word in str(exc) for word in ("no article body", "impossible date")), exc
        return
    # a component that raised is reported as a warning, not raised: that is a failure too
    assert article.failure is None, article.warnings
    for q in article.quotes:
        assert 0 <= q.start <= q.end <= len(article.text)
        assert q.kind in {"direct", "partial", "indirect"}
        assert 0.0 <= q.confidence <= 1.0
        if "\n" not in article.text[q.start : q.end]:
            assert article.text[q.start : q.end] == q.text  # offsets point at the quote's own words
        if q.speaker is not None:
            assert article.entity(q.speaker) is not None
    for e in article.entities:
        for m in e.mentions:
            assert article.text[m.start : m.end] == m.text


def test_word_salad_from_news_vocabulary_never_fails_extraction() -> None:
    """Random sentences from the words the rules react to (cues, pronouns, marks, dates)."""
    import random
    from datetime import date

    from storyline.model import Article
    from storyline.nlp.pipeline import Extractor

    rng = random.Random(7)
    vocab = [
        "He",
        "she",
        "said",
        '"',
        "“",
        "”",
        ",",
        ".",
        "\n",
        "Monday",
        "last",
        "year",
        "Smith",
        "told",
        "reporters",
        "on",
        "Instagram",
        ":",
        "according",
        "to",
        "the",
        "1998",
        "$5",
        "million",
        "that",
        "«",
        "»",
        "week",
        "ago",
        "Mr.",
        "Jones",
        "added",
        "—",
        "(",
        ")",
        "who",
        "wrote",
        "it",
        "is",
        "not",
        "a",
        "day",
        "later",
        "To",
        "leave",
        "until",
    ]
    articles = [
        Article(
            text=" ".join(rng.choice(vocab) for _ in range(rng.randint(1, 60))), published=date(2020, 1, 1)
        )
        for _ in range(300)
    ]
    failures = [a.text for a in Extractor().annotate(articles) if any("failed" in w for w in a.warnings)]
    assert failures == []
