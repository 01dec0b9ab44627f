"""An article's text as HTML with its spans marked: quotes coloured by speaker, entity mentions
linked to their page, dates underlined with the date they were read as on hover ("25 Jan 2018";
the TIMEX3 value in `datetime`), and one stretch (the evidence sentence a timeline line points to)
marked as the focus.

Spans may overlap or nest, so the text is cut at every span boundary and each piece is wrapped in
the marks that cover it. One pass over the sorted boundaries keeps the spans open at each piece,
so the cost is linear in text and spans (checking every piece against every span took 7.3 s for a
164 KB article of 9,000 spans). At most MAX_SPANS spans are drawn, the first in the text; the
page says when there were more. Every piece of article text is escaped: articles contain
arbitrary HTML.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from operator import itemgetter

from markupsafe import Markup, escape

from storyline.query import ArticleView, SpanInfo

PALETTE = 8  # speaker colours, cycled
MAX_SPANS = 10_000  # spans drawn on one page (a 164 KB article has about 9,000)
_DRAWN = {"quote", "mention", "timex"}
_LAYER = itemgetter(0)


@dataclass(frozen=True)
class Highlighted:
    html: Markup
    drawn: int  # spans marked
    total: int  # spans that could be marked: more than `drawn` when capped

    @property
    def capped(self) -> bool:
        return self.drawn < self.total


def highlight(
    article: ArticleView, focus: tuple[int, int] | None = None, limit: int | None = None
) -> Highlighted:
    """The article's text marked up, at most `limit` (default MAX_SPANS) spans drawn."""
    limit = MAX_SPANS if limit is None else limit
    text = article.text
    spans = [s for s in article.spans if s.kind in _DRAWN and 0 <= s.start < s.end <= len(text)]
    speakers: dict[str, int] = {}  # colours over every quote, as the legend gives them
    for s in spans:
        if s.kind == "quote":
            speakers.setdefault(s.label, len(speakers) % PALETTE)
    total = len(spans)
    if total > limit:
        first = sorted(sorted(range(total), key=lambda k: spans[k].start)[:limit])
        spans = [spans[k] for k in first]
    marks = [_mark(s, speakers) for s in spans]
    cuts = {0, len(text)}
    opening: defaultdict[int, list[int]] = defaultdict(list)
    closing: defaultdict[int, list[int]] = defaultdict(list)
    for k, s in enumerate(spans):
        cuts.add(s.start)
        cuts.add(s.end)
        opening[s.start].append(k)
        closing[s.end].append(k)
    if focus is not None:
        lo, hi = max(0, min(focus[0], len(text))), max(0, min(focus[1], len(text)))
        focus = (lo, hi) if lo < hi else None
        if focus:
            cuts |= set(focus)
    bounds = sorted(cuts)
    html, at = _escaped(text)
    out: list[str] = []
    focus_opened = False
    open_now: set[int] = set()
    before = after = ""
    start = 0
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        if lo in opening or lo in closing:
            open_now.difference_update(closing.get(lo, ()))
            open_now.update(opening.get(lo, ()))
            before, after = _around([marks[k] for k in sorted(open_now)]) if open_now else ("", "")
        end = at(hi)
        piece = before + html[start:end] + after
        start = end
        if focus and focus[0] <= lo and hi <= focus[1]:
            anchor = ' id="focus"' if not focus_opened else ""
            focus_opened = True
            piece = f'<mark class="focus"{anchor}>{piece}</mark>'
        out.append(piece)
    return Highlighted(Markup("".join(out)), len(spans), total)


def _mark(s: SpanInfo, speakers: dict[str, int]) -> tuple[int, str, str] | None:
    """(layer, opening tag, closing tag) of a span: dates innermost, then mentions, then quotes."""
    if s.kind == "timex":  # hover: the date in words; the value stays in datetime
        words = escape(s.detail.get("label") or s.label)
        return 0, f'<time class="timex" title="{words}" datetime="{escape(s.label)}">', "</time>"
    if s.kind == "mention" and s.entity_id is not None:
        return 1, f'<a class="mention" href="/people/{int(s.entity_id)}">', "</a>"
    if s.kind == "quote":
        return 2, f'<span class="quote spk-{speakers[s.label]}" title="{escape(s.label)}">', "</span>"
    return None


def _around(marks: list[tuple[int, str, str] | None]) -> tuple[str, str]:
    """The tags before and after a piece that these marks cover (in the article's order), the first
    of a layer innermost."""
    inner_first = sorted((m for m in marks if m is not None), key=_LAYER)  # stable
    if len(inner_first) == 1:
        return inner_first[0][1], inner_first[0][2]
    return "".join(m[1] for m in reversed(inner_first)), "".join(m[2] for m in inner_first)


def _escaped(text: str) -> tuple[str, Callable[[int], int]]:
    """The text escaped once, line breaks as <br>, and where the escape of each offset begins.

    Escaping works character by character, so the escape of text[lo:hi] is html[at(lo):at(hi)]."""
    html = str(escape(text)).replace("\n", "<br>\n")
    special = [m.start() for m in _SPECIAL.finditer(text)]
    grown = list(accumulate((_WIDTH[text[i]] - 1 for i in special), initial=0))
    return html, lambda offset: offset + grown[bisect_left(special, offset)]


# how long each character's escape is (markupsafe.escape, then a line break as "<br>\n")
_WIDTH = {"&": 5, "<": 4, ">": 4, '"': 5, "'": 5, "\n": 5}
_SPECIAL = re.compile("[&<>\"'\n]")


def marked(text: str, marks: list[list[int]]) -> Markup:
    """A statement with the words quoted inside it (storyline.quoting) in <mark class="quoted">;
    every piece escaped."""
    out, at = [], 0
    for start, end in marks:
        if at <= start < end <= len(text):
            out += [str(escape(text[at:start])), f'<mark class="quoted">{escape(text[start:end])}</mark>']
            at = end
    out.append(str(escape(text[at:])))
    return Markup("".join(out))


def speaker_legend(article: ArticleView) -> list[tuple[str, int, int | None]]:
    """(speaker, colour, entity id) for each speaker, in order of first quote."""
    seen: dict[str, tuple[int, int | None]] = {}
    for s in article.spans:
        if s.kind == "quote" and s.label not in seen:
            seen[s.label] = (len(seen) % PALETTE, s.entity_id)
    return [(name, colour, entity) for name, (colour, entity) in seen.items()]
