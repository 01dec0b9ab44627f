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
