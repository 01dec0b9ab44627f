"""Quotation marks to quoted spans, on the raw text, before any parsing.

News text mixes curly and straight marks, opens a new paragraph of a long quote without closing
the previous one, and sometimes loses a mark altogether. This module pairs marks paragraph by
paragraph, joins quotes that run over paragraphs, and reports what it could not pair as lower
confidence instead of failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc

from storyline.nlp.sentences import text_of

OPENING = frozenset("“„«")
CLOSING = frozenset("”»")
STRAIGHT = '"'
MARKS = OPENING | CLOSING | {STRAIGHT}
_OPEN_BEFORE = frozenset(" \t\n([{—–-/")
_DOUBLED = re.compile(r"(?<!')''(?!')")  # exactly two: three or more are no quotation mark


@dataclass
class QuotedSpan:
    """The characters between an opening and a closing mark (marks excluded).

    `pieces` holds the (start, end) stretches of text of a quote that runs over paragraphs, each
    without its marks; `balanced` is False when a mark had no partner.
    """

    start: int
    end: int
    pieces: list[tuple[int, int]] = field(default_factory=list)
    balanced: bool = True

    def text(self, source: str) -> str:
        return "\n".join(source[s:e] for s, e in self.pieces)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            out.append((start, end))
        start = end + 1
    return out


def _is_opening(text: str, i: int, para_start: int) -> bool:
    ch = text[i]
    if ch in OPENING:
        return True
    if ch in CLOSING:
        return False
    # A straight mark opens at a paragraph start or after a space or bracket, and closes after a word.
    return i == para_start or text[i - 1] in _OPEN_BEFORE or text[i - 1] in OPENING


def doubled_apostrophes(text: str) -> str:
    """The text with each pair of apostrophes standing for a double quotation mark (the New York
    Times' wire copy and old typesetting: ''I love it,'' he said) written as one, padded with a
    space on the side away from the words so that every offset stays the text's."""
    if "''" not in text:
        return text

    def mark(m: re.Match[str]) -> str:
        i = m.start()
        opening = i == 0 or text[i - 1] in _OPEN_BEFORE or text[i - 1] in OPENING
        return ' "' if opening else '" '

    return _DOUBLED.sub(mark, text)


def find_quoted_spans(text: str) -> list[QuotedSpan]:
    """Every quoted span in `text`, in order. Never raises, whatever the marks."""
    text = doubled_apostrophes(text)
    spans: list[QuotedSpan] = []
    carry: QuotedSpan | None = None  # a quote left open at the end of the previous paragraph
    for p_start, p_end in _paragraphs(text):
        marks = [i for i in range(p_start, p_end) if text[i] in MARKS]
        open_at: int | None = None
        if carry is not None:
            if (
                marks
                and marks[0] == _first_char(text, p_start, p_end)
                and _is_opening(text, marks[0], p_start)
            ):
                open_at = marks.pop(0)  # the paragraph reopens the running quote
            else:
                carry.balanced = False
                spans.append(carry)
                carry = None
        for i in marks:
            if open_at is None:
                if _is_opening(text, i, p_start):
                    open_at = i
                # a closing mark with nothing open is a stray: skipped, the quote count stays honest
                continue
            if _is_opening(text, i, p_start) and text[i] != STRAIGHT:
                open_at = i  # two openings in a row: the first was stray
                continue
            if _is_opening(text, i, p_start) and i > open_at + 1 and text[i - 1] in " \t":
                # a straight mark after a space while open: usually the closing mark of `word "`;
                # treat it as closing only when the next character cannot start a quote
                nxt = text[i + 1] if i + 1 < p_end else " "
                if nxt.isalnum():
                    open_at = i
                    continue
            piece = (open_at + 1, i)
            if carry is not None:
                carry.pieces.append(piece)
                carry.end = i
                spans.append(carry)
                carry = None
            elif i > open_at + 1:
                spans.append(QuotedSpan(open_at + 1, i, [piece]))
            open_at = None
        if open_at is not None:
            piece = (open_at + 1, p_end)
            if carry is not None:
                carry.pieces.append(piece)
                carry.end = p_end
            else:
                carry = QuotedSpan(open_at + 1, p_end, [piece])
    if carry is not None:
        carry.balanced = False
        spans.append(carry)
    return [s for s in spans if s.text(text).strip(" \t\n" + "".join(MARKS))]


def _first_char(text: str, start: int, end: int) -> int:
    i = start
    while i < end and text[i] in " \t":
        i += 1
    return i


def quote_layout(doc: Doc) -> tuple[list[QuotedSpan], list[int]]:
    """The Doc's quoted spans and, per token, the index of the span it stands in (-1: none);
    found once and kept on the Doc (`doc._.quote_layout`) for the identity and quote stages."""
    if not Doc.has_extension("quote_layout"):
        Doc.set_extension("quote_layout", default=None)
    if doc._.quote_layout is None:
        spans = find_quoted_spans(text_of(doc))
        index = [-1] * len(doc)
        for qi, span in enumerate(spans):
            for start, end in span.pieces:
                sub = doc.char_span(start, end, alignment_mode="expand")
                for t in sub or ():
                    index[t.i] = qi
        doc._.quote_layout = (spans, index)
    return doc._.quote_layout
