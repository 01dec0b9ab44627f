"""An article's text as HTML with its spans marked: quotes coloured by speaker, entity mentions
linked to their page, dates underlined with the date they were read as on hover ("25 Jan 2018";
the TIMEX3 value in `datetime`), and one stretch (the evidence sentence a timeline line points to)
marked as the focus.

Spans may overlap or nest, so the text is cut at every span boundary and each piece is wrapped in
the marks that cover it. Every piece of article text is escaped: articles contain arbitrary HTML.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from storyline.query import ArticleView

PALETTE = 8  # speaker colours, cycled


def highlight(article: ArticleView, focus: tuple[int, int] | None = None) -> Markup:
    text = article.text
    cuts = {0, len(text)}
    spans = [
        s
        for s in article.spans
        if s.kind in {"quote", "mention", "timex"} and 0 <= s.start < s.end <= len(text)
    ]
    for s in spans:
        cuts |= {s.start, s.end}
    if focus is not None:
        lo, hi = max(0, min(focus[0], len(text))), max(0, min(focus[1], len(text)))
        focus = (lo, hi) if lo < hi else None
        if focus:
            cuts |= set(focus)
    speakers: dict[str, int] = {}
    for s in spans:
        if s.kind == "quote":
            speakers.setdefault(s.label, len(speakers) % PALETTE)
    bounds = sorted(cuts)
    out: list[str] = []
    focus_opened = False
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        piece = str(escape(text[lo:hi])).replace("\n", "<br>\n")
        covering = [s for s in spans if s.start <= lo and hi <= s.end]
        for s in covering:
            if s.kind == "timex":
                words = escape(s.detail.get("label") or s.label)
                piece = f'<time class="timex" title="{words}" datetime="{escape(s.label)}">{piece}</time>'
        for s in covering:
            if s.kind == "mention" and s.entity_id is not None:
                piece = f'<a class="mention" href="/people/{int(s.entity_id)}">{piece}</a>'
        for s in covering:
            if s.kind == "quote":
                piece = (
                    f'<span class="quote spk-{speakers[s.label]}" title="{escape(s.label)}">{piece}</span>'
                )
        if focus and focus[0] <= lo and hi <= focus[1]:
            anchor = ' id="focus"' if not focus_opened else ""
            focus_opened = True
            piece = f'<mark class="focus"{anchor}>{piece}</mark>'
        out.append(piece)
    return Markup("".join(out))


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
