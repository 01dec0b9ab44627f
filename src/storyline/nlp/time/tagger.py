"""The temporal tagger: every temporal expression of a text, found and normalised to a TIMEX3 value.

News rarely writes full dates: "on Thursday", "back in November", "that same month", "over 25
years". The rules of rules/time_patterns.tsv find the expressions, in windows around the words
of time only; of overlapping matches the longest wins, then the earlier rule. Each rule's
normaliser (normalisers.py) turns its match into a value against the document creation time, the
tense of the clause, and the last date the discourse mentioned.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from spacy.tokens import Doc

from storyline.intervals import ANCHORS, granularity
from storyline.model import Timex
from storyline.nlp import lexicon
from storyline.nlp.time.normalisers import NORMALISERS, Context, Normaliser
from storyline.nlp.time.words import PATTERNS, context, rules, words

# how far an expression reaches from its trigger word: "the very beginning of the year"
_BEFORE, _AFTER = 70, 50


@cache
def _table() -> tuple[tuple[re.Pattern[str], Normaliser], ...]:
    out = []
    for name, pattern in rules():
        if name not in NORMALISERS:
            raise ValueError(f"rules/{PATTERNS}: no normaliser is called {name!r}")
        out.append((pattern, NORMALISERS[name]))
    return tuple(out)


def _plausible(m: re.Match[str], fn: Normaliser) -> bool:
    """Cheap filters that need only the text: "May" is a month only where a month can stand."""
    if fn is NORMALISERS["month"] and m["month"] == "May" and not m["rel"]:
        return bool(context("may_month").search(m.string[max(0, m.start() - 12) : m.start()]))
    return not (fn is NORMALISERS["season"] and m["season"].lower() == "fall" and not (m["rel"] or m["year"]))


# the classes of rules/time_words.tsv whose words open a window (not numbers, mods, steps, ...)
TRIGGER_CLASSES = ("unit", "month", "weekday", "part", "season", "ref", "holiday", "decade", "set", "trigger")
DIGIT = "digit"  # the trigger class of a digit
_EVERY_CLASS = frozenset((DIGIT, *TRIGGER_CLASSES))  # a trigger not found in the table opens every rule


@cache
def _trigger() -> re.Pattern[str]:
    """Every rule needs a digit or a word of TRIGGER_CLASSES; the rules run only in windows around them.
    A window reaches from a trigger's start to its end: the longest word that starts there counts
    ("July", not "Jul")."""
    w = words()
    found = {x.rstrip(".").lower() for k in TRIGGER_CLASSES for x in w.tables[k]}
    return re.compile(rf"\d|\b(?:{lexicon.trie_alternation(found, space=re.escape(' '))})", re.IGNORECASE)


@cache
def _trigger_classes() -> dict[str, frozenset[str]]:
    """A trigger word (as `_trigger` matches it) -> the classes it belongs to."""
    w = words()
    out: dict[str, set[str]] = {}
    for k in TRIGGER_CLASSES:
        for x in w.tables[k]:
            out.setdefault(x.rstrip(".").lower(), set()).add(k)
    return {word: frozenset(classes) for word, classes in out.items()}


@cache
def _rule_classes() -> tuple[frozenset[str], ...]:
    """Per rule (in `_table` order), the triggers a match of it can hold: DIGIT where its
    expression has a digit class, and the classes of every trigger word written in it. A match
    holds a trigger (the windows rest on that), so a rule need not run in a window opened only by
    triggers of other classes: a month rule is not tried around "42 percent"."""
    classes = _trigger_classes()
    out = []
    for pattern, _ in _table():
        source = re.sub(r"\(\?P<\w+>", "(", pattern.pattern.lower())  # not the groups' names
        found = {k for word, ks in classes.items() if _written(word, source) for k in ks}
        if re.search(r"\\d|\[[^]]*0-9|[0-9]", source):
            found.add(DIGIT)
        out.append(frozenset(found))
    return tuple(out)


def _written(word: str, source: str) -> bool:
    """The word stands in the expression as a word of its own ("day", not the "day" of "today")."""
    escaped = re.escape(word).replace("\\ ", r"(?:\\ |\\s\+|\s|\\s)")
    return re.search(rf"(?<![a-z]){escaped}(?![a-z])", source) is not None


def _windows(text: str) -> list[tuple[int, int, frozenset[str]]]:
    """The stretches around triggers, with the classes of the triggers in each."""
    out: list[tuple[int, int, frozenset[str]]] = []
    classes = _trigger_classes()
    for m in _trigger().finditer(text):
        lo, hi = max(0, m.start() - _BEFORE), min(len(text), m.end() + _AFTER)
        word = m[0].lower()
        kinds = frozenset({DIGIT}) if word.isdigit() else classes.get(word, _EVERY_CLASS)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi), out[-1][2] | kinds)
        else:
            out.append((lo, hi, kinds))
    return out


def _inside_a_name(doc: Doc | None, start: int, end: int) -> bool:
    """ "the Sunday Ledger", "April Ryan": a day or month word that is part of a longer name of a
    person or organisation the entity stage found is no date."""
    index = doc._.entity_index if doc is not None and Doc.has_extension("entity_index") else None
    if index is None:
        return False
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    hit = index.at(span[0])
    if hit is None or hit[0].type not in {"PERSON", "ORG"}:
        return False
    name = hit[1]
    longer = (name.start_char, name.end_char) != (start, end)
    return name.start_char <= start and end <= name.end_char and longer


def find_timexes(text: str, dct: date | None, doc: Doc | None = None) -> list[Timex]:
    """Every temporal expression of `text`, normalised against the DCT and the discourse."""
    candidates: list[tuple[int, int, int, re.Match[str], Normaliser]] = []
    windows = _windows(text)
    for priority, ((pattern, fn), needs) in enumerate(zip(_table(), _rule_classes(), strict=True)):
        for lo, hi, held in windows:
            if not held & needs:
                continue
            for m in pattern.finditer(text, lo, hi):
                if m.end() > m.start() and _plausible(m, fn):
                    candidates.append((m.start(), m.end(), priority, m, fn))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    chosen: list[tuple[int, int, int, re.Match[str], Normaliser]] = []
    taken = bytearray(len(text))  # 1 where a chosen span lies: each test costs its own length
    for cand in candidates:
        if taken.find(1, cand[0], cand[1]) >= 0:
            continue
        chosen.append(cand)
        taken[cand[0] : cand[1]] = b"\x01" * (cand[1] - cand[0])
    chosen.sort(key=lambda c: c[0])
    ctx = Context(dct, doc)
    out: list[Timex] = []
    for start, end, _, m, fn in chosen:
        if _inside_a_name(doc, start, end):
            continue
        found = fn(m, ctx)
        if found is None:
            continue
        tid = f"t{len(out) + 1}"
        anchor = (ctx.ref[1] if ctx.ref else "t0") if found.anaphoric else "t0"
        out.append(Timex(tid, text[start:end], start, end, found.type, found.value, found.mod, anchor))
        if found.moves_time and found.type in {"DATE", "TIME"} and granularity(found.value) in ANCHORS:
            ctx.ref = (found.value, tid)
    return out
