"""What the pipeline's speed-ups must keep: the same text, names and runs of proper nouns as the
slow paths they replace, on short invented sentences."""

from __future__ import annotations

import gc

from storyline.nlp.identity.clusters import name_text
from storyline.nlp.identity.names import _capitalised, unnamed_proper_nouns
from storyline.nlp.pipeline import load, make_doc
from storyline.nlp.sentences import text_of


def test_the_loaded_model_is_frozen_out_of_the_garbage_collector() -> None:
    load()
    assert gc.get_freeze_count() > 100_000


def test_make_doc_keeps_the_text_so_it_is_never_joined_again() -> None:
    nlp = load()
    text = "MADRID (Wire) - Ana Ruiz said: “We won.”\n\n  It rained.  "
    doc = make_doc(nlp, text)
    assert doc._.text is text
    assert text_of(doc) == doc.text == text


def test_name_text_is_the_same_on_every_call_and_per_doc() -> None:
    nlp = load()
    doc = nlp(make_doc(nlp, "Officials met Bashar al-Assad's envoy and (Ana) Ruiz."))
    names = [name_text(doc[i:j]) for i, j in ((2, 7), (2, 7), (9, 13))]
    assert names == ["Bashar al-Assad", "Bashar al-Assad", "Ana Ruiz"]
    other = nlp(make_doc(nlp, "Lena Ortiz met Bashar al-Assad's envoy."))
    assert name_text(other[3:8]) == "Bashar al-Assad"
    assert name_text(other[2:6]) == "met Bashar al-"  # the same token range as above: per Doc
    assert name_text(other[0:2]) == "Lena Ortiz"


def _walked(doc, taken: set[int]) -> list[tuple[int, int]]:
    """The runs unnamed_proper_nouns starts from, found the slow way: token by token."""
    runs, i = [], 0
    while i < len(doc):
        t = doc[i]
        if t.pos_ != "PROPN" or not _capitalised(t) or t.ent_type_ or i in taken:
            i += 1
            continue
        end = i + 1
        while (
            end < len(doc) and doc[end].pos_ == "PROPN" and _capitalised(doc[end]) and not doc[end].ent_type_
        ):
            end += 1
        runs.append((i, end))
        i = end
    return runs


def test_unnamed_proper_nouns_are_runs_of_untagged_capitalised_proper_nouns() -> None:
    nlp = load()
    doc = nlp(make_doc(nlp, "Robles was sentenced on Monday. Later Robles appealed, and Kettering agreed."))
    found = unnamed_proper_nouns(doc, set())
    assert all((s.start, s.end) in _walked(doc, set()) for s in found)
    assert unnamed_proper_nouns(doc, {t.i for t in doc}) == []
    assert unnamed_proper_nouns(nlp(make_doc(nlp, "")), set()) == []


def test_the_word_hash_cache_is_bounded_by_the_rule_lists_not_the_documents() -> None:
    """A set of words made for one Doc (a name's parts) must not stay for the life of an ingest."""
    from storyline.nlp import lexicon

    for k in range(500):
        lexicon.hashes(frozenset({f"Name{k}", f"Other{k}"}))
    assert lexicon.hashes.cache_info().currsize <= 64


# ------------------------------------------------------------------ the attribute ruler's index

_RULER_TEXTS = (
    "I ain't gonna wait, she said; they wed in 2016 and we'd have gone.",
    "Y'all don't know nothin' about it.\n\n  He's been there, hasn't he?  It is what it is.",
    "Whether or not the bill passes, Sen. Ruiz will vote against it and won't say why.",
)


def test_the_indexed_attribute_ruler_finds_what_spacys_matcher_finds() -> None:
    """Its matches are the Matcher's on text with the patterns' contractions, spaces and the
    "wed" rows storyline adds, and so are the tags, parts of speech, morphology and lemmas."""
    from storyline.nlp.attribute_ruler import IndexedMatcher

    nlp = load()
    ruler = nlp.get_pipe("attribute_ruler")
    indexed = ruler.matcher
    assert isinstance(indexed, IndexedMatcher)

    def read(text: str) -> list[tuple[str, str, str, str]]:
        return [(t.tag_, t.pos_, str(t.morph), t.lemma_) for t in nlp(make_doc(nlp, text))]

    for text in _RULER_TEXTS:
        parsed = nlp(make_doc(nlp, text), disable=["attribute_ruler", "lemmatizer", "ner"])
        found = sorted(indexed(parsed, allow_missing=True))
        assert found and found == sorted(set(indexed.matcher(parsed, allow_missing=True)))
        fast = read(text)
        try:
            ruler.matcher = indexed.matcher
            slow = read(text)
        finally:
            ruler.matcher = indexed
        assert fast == slow
        assert ("VBD", "VERB", "Tense=Past|VerbForm=Fin", "wed") in fast or "wed" not in text


def test_a_pattern_the_index_cannot_match_keeps_the_matcher() -> None:
    import spacy

    from storyline.nlp.attribute_ruler import IndexedMatcher, index_patterns
    from storyline.nlp.pipeline import MODEL

    ruler = spacy.load(MODEL).get_pipe("attribute_ruler")
    assert index_patterns(ruler) and isinstance(ruler.matcher, IndexedMatcher)
    ruler = spacy.load(MODEL).get_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"LEMMA": "very"})
    matcher = ruler.matcher
    assert not index_patterns(ruler) and ruler.matcher is matcher


def test_a_pattern_added_later_is_filed_or_hands_back_the_matcher() -> None:
    import spacy

    from storyline.nlp.attribute_ruler import IndexedMatcher, index_patterns
    from storyline.nlp.pipeline import MODEL

    nlp = spacy.load(MODEL)
    ruler = nlp.get_pipe("attribute_ruler")
    assert index_patterns(ruler)
    ruler.add([[{"LOWER": "zorbly"}]], {"LEMMA": "zorb"})
    assert isinstance(ruler.matcher, IndexedMatcher)
    assert [t.lemma_ for t in nlp("They zorbly left.")][1] == "zorb"
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"LEMMA": "truly"})
    assert [t.lemma_ for t in nlp("They zorbly left, very very late.")][1:6] == ["zorb"] + ["leave", ","] + [
        "truly"
    ] * 2
    assert not isinstance(ruler.matcher, IndexedMatcher)  # handed back at the first Doc after the add
