"""The model's attribute ruler, its patterns found through an index instead of spaCy's Matcher.

The attribute ruler of en_core_web_sm (POS and morphology from the tag, lemma and morphology
exceptions: about 180 patterns of one or two tokens, plus storyline's "wed" rows) tries every
pattern at every token: 22 of the pipeline's 225 ms of CPU an article, a tenth of the whole
model. The patterns test a token's LOWER, TAG, DEP and IS_SPACE for equality, IN, NOT_IN or
REGEX, so each pattern is filed under one value its first token must have, and a token looks up
only the patterns filed under its own values. The matches (and so the attributes the ruler sets,
in its own order) are the Matcher's; a pattern of any other form makes the ruler keep its
Matcher.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

_COLUMNS = {"LOWER": 0, "TAG": 1, "DEP": 2, "IS_SPACE": 3}
_ARRAY = [LOWER, TAG, DEP, IS_SPACE]
_CACHE_ROWS = 100_000  # distinct (LOWER, TAG, DEP, IS_SPACE) rows kept between Docs
_INDEXED = ("LOWER", "TAG", "DEP", "IS_SPACE")  # the order in which a key is chosen to file under


class Unsupported(ValueError):
    """A pattern this index cannot match as the Matcher would."""


@dataclass(frozen=True)
class _Pattern:
    key: int  # the Matcher's match id: the hash of the rule's number
    tests: tuple[tuple[tuple[int, str, object], ...], ...]  # per token: (column, op, value)

    def holds(self, offset: int, row: Sequence[int], text: Callable[[int], str]) -> bool:
        """Whether a token's values pass the pattern's tests for its token `offset`."""
        for column, op, value in self.tests[offset]:
            got = row[column]
            if op == "==":
                ok = got == value
            elif op == "in":
                ok = got in value  # type: ignore[operator]
            elif op == "not in":
                ok = got not in value  # type: ignore[operator]
            else:  # regex, on the string
                ok = bool(value.search(text(got)))  # type: ignore[attr-defined]
            if not ok:
                return False
        return True

    def matches(self, rows: list[tuple[int, ...]], start: int, text: Callable[[int], str]) -> bool:
        """Whether the tokens after `start` pass the tests of the pattern's later tokens (the
        first token's are passed)."""
        if start + len(self.tests) > len(rows):
            return False
        return all(self.holds(k, rows[start + k], text) for k in range(1, len(self.tests)))


def _value(strings, attr: str, value: object) -> int:
    if attr == "IS_SPACE":
        if not isinstance(value, bool):
            raise Unsupported(f"IS_SPACE {value!r}")
        return int(value)
    if not isinstance(value, str):
        raise Unsupported(f"{attr} {value!r}")
    return strings.add(value) if value else 0


def _tests(strings, spec: dict) -> tuple[tuple[int, str, object], ...]:
    out = []
    for attr, value in spec.items():
        if attr not in _COLUMNS:
            raise Unsupported(attr)
        column = _COLUMNS[attr]
        if isinstance(value, dict):
            if len(value) != 1:
                raise Unsupported(f"{attr} {value!r}")
            ((op, operand),) = value.items()
            if op in {"IN", "NOT_IN"} and isinstance(operand, list):
                values = frozenset(_value(strings, attr, v) for v in operand)
                out.append((column, "in" if op == "IN" else "not in", values))
            elif op == "REGEX" and isinstance(operand, str) and attr != "IS_SPACE":
                out.append((column, "regex", re.compile(operand)))
            else:
                raise Unsupported(f"{attr} {value!r}")
        else:
            out.append((column, "==", _value(strings, attr, value)))
    return tuple(out)


class IndexedMatcher:
    """What `AttributeRuler.match` calls as its Matcher: (match id, start, end) for every pattern
    that matches, each pattern filed under a value its first token must have. The ruler's own
    Matcher stays behind it, for the ruler's `patterns` and `add`."""

    def __init__(self, ruler: AttributeRuler):
        self.ruler = ruler
        self.matcher = ruler.matcher  # kept: `patterns`, `get` and `add` go to it
        self._compile()

    def _compile(self) -> None:
        strings = self.ruler.vocab.strings
        self.strings = strings
        # per column (LOWER, TAG, DEP, IS_SPACE): a value -> the patterns filed under it, and the
        # match ids of the patterns that are that one test on one token (the tag map's rows)
        self.index: list[dict[int, list[_Pattern]]] = [{} for _ in _COLUMNS]
        self.sure: list[dict[int, list[int]]] = [{} for _ in _COLUMNS]
        # a token's values -> what _filed found for them
        self._cache: dict[tuple[int, ...], tuple[list[int], list[_Pattern]]] = {}
        self.everywhere: list[_Pattern] = []  # no first-token value to file under
        self.compiled = len(self.ruler.attrs)
        for number in range(self.compiled):
            key = strings[str(number)]
            for tokens in self.matcher.get(key)[1]:
                if not tokens or any("OP" in spec for spec in tokens):
                    raise Unsupported("an operator or an empty pattern")
                self._file(_Pattern(key, tuple(_tests(strings, spec) for spec in tokens)))

    def add(self, *args, **kwargs) -> None:
        """A pattern the ruler adds later (its attributes are appended after this call): filed
        before the next Doc, or, of a form the index cannot match, the Matcher used from then on."""
        self.matcher.add(*args, **kwargs)
        self.compiled = -1

    def __getattr__(self, name: str):
        return getattr(self.matcher, name)

    def _file(self, pattern: _Pattern) -> None:
        first = {column: (op, value) for column, op, value in pattern.tests[0]}
        for attr in _INDEXED:
            op, value = first.get(_COLUMNS[attr], (None, None))
            if op == "==" and len(pattern.tests) == 1 and len(pattern.tests[0]) == 1:
                self.sure[_COLUMNS[attr]].setdefault(value, []).append(pattern.key)  # type: ignore[arg-type]
                return
            if op == "==":
                self.index[_COLUMNS[attr]].setdefault(value, []).append(pattern)  # type: ignore[arg-type]
                return
            if op == "in":
                for v in value:  # type: ignore[union-attr]
                    self.index[_COLUMNS[attr]].setdefault(v, []).append(pattern)
                return
        self.everywhere.append(pattern)

    def _filed(self, row: tuple[int, ...]) -> tuple[list[int], list[_Pattern]]:
        """For a token's values (all a first token's tests read): the match ids of the one-token
        patterns that hold on them, and the longer patterns whose first token they satisfy."""
        sure: list[int] = []
        longer: list[_Pattern] = []
        candidates = list(self.everywhere)
        for filed, certain, value in zip(self.index, self.sure, row, strict=True):
            candidates += filed.get(value, ())
            sure += certain.get(value, ())
        for pattern in candidates:
            if pattern.holds(0, row, self.strings.__getitem__):
                if len(pattern.tests) == 1:
                    sure.append(pattern.key)
                else:
                    longer.append(pattern)
        return sure, longer

    def __call__(self, doc: Doc, allow_missing: bool = False, as_spans: bool = False):
        if self.compiled != len(self.ruler.attrs):
            try:
                self._compile()
            except Unsupported:
                self.ruler.matcher = self.matcher
        if as_spans or self.ruler.matcher is self.matcher:
            return self.matcher(doc, allow_missing=allow_missing, as_spans=as_spans)
        rows = list(map(tuple, doc.to_array(_ARRAY).tolist()))  # uint64 hashes as Python ints
        strings = self.strings

        def text(value: int) -> str:
            return strings[value]

        found: set[tuple[int, int, int]] = set()
        cache = self._cache
        if len(cache) > _CACHE_ROWS:
            cache.clear()
        for start, row in enumerate(rows):
            hit = cache.get(row)
            if hit is None:
                hit = cache[row] = self._filed(row)
            sure, longer = hit
            for key in sure:
                found.add((key, start, start + 1))
            for pattern in longer:
                if pattern.matches(rows, start, text):
                    found.add((pattern.key, start, start + len(pattern.tests)))
        return list(found)  # AttributeRuler.match sorts them by rule


def index_patterns(ruler: AttributeRuler) -> bool:
    """Give the ruler an indexed matcher for its current patterns (call after its last `add`);
    False, and the Matcher kept, when one of them is of a form the index does not match."""
    try:
        ruler.matcher = IndexedMatcher(ruler)
    except Unsupported:
        return False
    return True
