"""How a quote reads: one line per statement, in clean type.

A partial quote inside reported speech ('he had "never seen, touched or signed" the logs') is found
twice, once as the speaker's reported statement and once as the words quoted in it. Both stay in
the contract, the inner one naming the outer in `within` (see `nest`); every view shows the outer
one with the inner words marked (`marks`), so that a reader sees the statement once.

A quote's `text` keeps the article's characters, so that it always matches its offsets; what a
reader is shown is `display_text(text)`: doubled apostrophes used as quotation marks (''like
this'') become curly marks or, around the whole quote, are dropped, and stray spaces before
punctuation and runs of spaces are removed.

Plain functions on strings and offsets, shared by the NLP stage, the store and the views.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from storyline.model import Quote

# Doubled apostrophes or backticks that stand for a double quotation mark (newspaper and corpus
# conventions: ''like this'', ``like this'').
_DOUBLED = re.compile(r"''|``|‘‘|’’")
_OPENS_AFTER = frozenset(" \t\n([{—–-/")
# A space before these is a stray one ("he said , then"): not before an ellipsis ("and ... then")
# nor a decimal point (" .45 calibre").
_STRAY_SPACE = re.compile(r"[^\S\n]+(?=[,;:?!)\]]|\.(?:\s|$|[\"”’]))")
_SPACE_AFTER_OPENING = re.compile(r"(?<=[(\[])[^\S\n]+")
_SPACES = re.compile(r"[^\S\n]{2,}|\t")
_SPACE_AROUND_BREAK = re.compile(r"[^\S\n]*\n[^\S\n]*")
QUOTATION_MARKS = frozenset("\"“”„«»‘’'")
_PUNCTUATION = frozenset(",.;:?!…")


# anything display_text might change, found in one search: most quotes need nothing but a strip
# (one alternative per first character: twice as fast as listing them flat)
_TO_CLEAN = re.compile(r"[^\S\n](?:[^\S\n]|[,;:?!)\].\n])|\t|\n[^\S\n]|''|``|‘‘|’’|[(\[][^\S\n]")


@lru_cache(maxsize=32_768)  # a timeline asked again (the web's person page, its sources) costs nothing
def display_text(text: str) -> str:
    """The quote as a reader is shown it (see the module's docstring); idempotent."""
    return text.strip() if _TO_CLEAN.search(text) is None else clean(text)


def clean(text: str) -> str:
    """display_text without its shortcut for text that needs nothing."""
    out = _SPACE_AROUND_BREAK.sub("\n", _SPACES.sub(" ", text)).strip()
    if _DOUBLED.search(out):
        out = _curly(out)
    out = _SPACE_AFTER_OPENING.sub("", _STRAY_SPACE.sub("", out))
    return out.strip()


def _curly(text: str) -> str:
    """Doubled marks as “ and ”, by the character before each; a pair around the whole text and an
    unpaired mark at either end are dropped (a view puts its own marks around a quote), and a
    quotation left open by the quote's edge is closed there."""
    pieces: list[str] = []
    marks: list[tuple[int, str]] = []  # (index in pieces, "“" or "”")
    at = 0
    for m in _DOUBLED.finditer(text):
        pieces.append(text[at : m.start()])
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if before in _OPENS_AFTER and not after.isspace():
            mark = "“"
        elif not before.isspace():
            mark = "”"
        else:  # spaces on both sides: opens unless one is open
            mark = "”" if marks and marks[-1][1] == "“" else "“"
        marks.append((len(pieces), mark))
        pieces.append(mark)
        at = m.end()
    pieces.append(text[at:])
    partner = _pairs([mark for _, mark in marks])
    first, last = 0, len(marks) - 1
    starts = not "".join(pieces[: marks[first][0]]).strip()
    ends = not "".join(pieces[marks[last][0] + 1 :]).strip()
    whole = starts and ends and partner[first] == last
    if starts and marks[first][1] == "“" and (whole or partner[first] is None):
        pieces[marks[first][0]] = ""  # the quote's own opening mark, or one left open
    if ends and marks[last][1] == "”" and (whole or partner[last] is None):
        pieces[marks[last][0]] = ""
    # a quotation the quote's edge cuts ('had been ''misled' where the article goes on '') is closed
    if marks[last][1] == "“" and partner[last] is None and not ends and pieces[marks[last][0]]:
        pieces.append("”")
    if marks[first][1] == "”" and partner[first] is None and not starts and pieces[marks[first][0]]:
        pieces.insert(0, "“")
    return "".join(pieces)


def _pairs(marks: list[str]) -> list[int | None]:
    """Each mark's partner (the closing mark of an opening one and back), or None."""
    partner: list[int | None] = [None] * len(marks)
    open_: list[int] = []
    for i, mark in enumerate(marks):
        if mark == "“":
            open_.append(i)
        elif open_:
            j = open_.pop()
            partner[i], partner[j] = j, i
    return partner


def nest(spans: Sequence[tuple[int, int, str | None]]) -> list[int | None]:
    """For each (start, end, speaker) of one article's quotes, the index of the quote it lies within,
    or None: the outermost enclosing quote that is itself not within another and has the same
    speaker (a quote with no speaker lies within any). A quote inside another is inside its
    sentence, so containment is the test. Linear after sorting: the open enclosing quotes form a
    chain, and the outermost of each speaker in it is remembered."""
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1], i))
    within: list[int | None] = [None] * len(spans)
    chain: list[int] = []  # shown quotes that contain the current one, outermost first
    first: dict[str | None, int] = {}  # speaker -> position in chain of its outermost quote
    for i in order:
        _, end, who = spans[i]
        while chain and spans[chain[-1]][1] < end:
            gone = chain.pop()
            if first.get(spans[gone][2]) == len(chain):
                del first[spans[gone][2]]
        at = (0 if chain else None) if who is None else first.get(who)
        if at is not None:
            within[i] = chain[at]
            continue
        first.setdefault(who, len(chain))
        chain.append(i)
    return within


# Reported speech stored before it took in a quotation it ends in ('welcomed "any review' + '."'):
# the punctuation and closing mark right after it, which it reaches for nesting.
_LEFT_OPEN = re.compile(r"[,.;:?!…]{0,2}[\"”’»]")


def reach(end: int, after: str) -> int:
    """Where reported speech ending at `end` ends for nesting, given the few characters `after` it."""
    m = _LEFT_OPEN.match(after)
    return end + m.end() if m else end


SLACK = 40  # how far before its raw offset an inner quote is looked for in the shown text


def marks_in(text: str, inner: Sequence[tuple[str, int]]) -> list[tuple[int, int]]:
    """Where each (inner display text, its offset in the outer's raw text) stands in the outer's
    display `text`: the occurrence at or after a little before that offset (the display text is a
    little shorter), else the first. Marks are in order, without overlaps, and never the whole."""
    found: list[tuple[int, int]] = []
    for words, hint in inner:
        if not words:
            continue
        at = text.find(words, max(0, hint - SLACK))
        if at < 0:
            at = text.find(words)
        if at >= 0 and not (at == 0 and len(words) == len(text)):
            found.append((at, at + len(words)))
    found.sort(key=lambda m: (m[0], -m[1]))
    out: list[tuple[int, int]] = []
    for start, end in found:
        if not out or start >= out[-1][1]:
            out.append((start, end))
    return out


def statements(quotes: Sequence[Quote]) -> list[tuple[Quote, str, list[tuple[int, int]]]]:
    """An article's statements as a reader is shown them: each quote within no other, its display
    text, and the marks of the words quoted inside it (its direct and partial inner quotes)."""
    inner: dict[str, list[Quote]] = {}
    for q in quotes:
        if q.within is not None and q.kind != "indirect":
            inner.setdefault(q.within, []).append(q)
    out = []
    for q in quotes:
        if q.within is None:
            text = display_text(q.text)
            found = [(display_text(i.text), i.start - q.start) for i in inner.get(q.id, [])]
            out.append((q, text, marks_in(text, found)))
    return out


def quoted(text: str, marks: Sequence[Sequence[int]], opening: str = "‘", closing: str = "’") -> str:
    """The text with each marked stretch between `opening` and `closing`, in place of the marks the
    article put around it (a comma or full stop before its closing mark moves inside)."""
    out: list[str] = []
    at = 0
    for start, end in marks:
        if not (at <= start < end <= len(text)):
            continue
        before = text[at:start]
        if before and before[-1] in QUOTATION_MARKS:
            before = before[:-1]
        tail = end
        while tail < len(text) and text[tail] in _PUNCTUATION:
            tail += 1
        if tail < len(text) and text[tail] in QUOTATION_MARKS:
            end, at = tail, tail + 1
        else:
            at = end
        out += [before, opening, text[start:end], closing]
    out.append(text[at:])
    return "".join(out)
