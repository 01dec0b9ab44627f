"""Quotations and their attribution: who said it, with which cue verb, through which channel.

Three kinds:
- direct: a quoted clause ("...," Kimora wrote on Instagram), split or over several paragraphs;
- partial: a quoted fragment inside the reporter's sentence (described them as "horrific");
- indirect: reported speech without marks (he said that ..., according to ...).

The attribution of a direct quote is found, in order of trust, through the parse (the cue verb that
governs the quote), in the clause right after or right before the marks, in a previous paragraph
that ends with a colon, and finally carried over from the previous quote.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Span, Token

from storyline.nlp import budget, lexicon
from storyline.nlp.identity.clusters import Cluster, EntityIndex
from storyline.nlp.identity.pronouns import PRONOUN_GENDER, PronounResolver
from storyline.nlp.marks import QuotedSpan, quote_layout
from storyline.nlp.sentences import paragraph_spans, sentences_of, text_of

_VERBISH_TAGS = {"VB", "VBD", "VBZ", "VBP", "VBN", "VBG"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_FRAME_END = {".", "!", "?"}
_ADVERB_SKIP = {"ADV", "PUNCT", "AUX", "PART", "SPACE"}
_SPEAKER_POS = {"PROPN", "NOUN", "PRON"}
_QUOTE_END_CUEING = (",", "?", "!", "—", "–", "-", "…")
# "tried to laugh it off by interjecting": the subject of a cue is found up these links
_CLIMB_DEPS = {"conj", "xcomp", "advcl", "pcomp", "prep"}
_NOT_OUTLETS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
_CLOSING_MARKS = {"”", '"', "»", "’", "'", "''"}  # "''": two apostrophes as one mark (marks.py)
# "“...” ― Pamela Padilla": a quotation signed with a dash and a name, as in readers' responses
_DASH_SIGNATURE = re.compile(r"[^\S\n]*[―—–][^\S\n]*(?=[A-Z])")
REPORTER_SENTENCES = 3  # how far back a sentence that has someone say something makes them the last speaker
_SIGNATURE_END = {".", "\n", "“", '"', "”", ""}
# Tokens of the attribution clause read on either side of a quote, at most: PolNeAR's longest is
# 82. Without a bound, 8 KB of '"a" ' (no stop, no long quote) read the rest of the text per quote.
MAX_CLAUSE = 120


@dataclass(frozen=True)
class Confidence:
    """How sure each way of attributing a quote is (rules/quote_confidence.tsv, which says why)."""

    signed: float
    cued: float
    open_cue: float
    colon_paragraph: float
    previous_paragraph_cue: float
    same_paragraph: float
    next_paragraph: float
    unattributed: float
    indirect_named: float
    indirect_unnamed: float
    pronoun_speaker: float
    continued_speaker: float
    unbalanced: float
    unbalanced_floor: float


@cache
def confidence() -> Confidence:
    """The table's values; a name missing from it, or one it does not know, is an error."""
    return Confidence(**{name: float(value) for name, value in lexicon.table("quote_confidence.tsv")})


@dataclass
class Finding:
    """A quote as the NLP stage sees it: token-level, before it becomes a model.Quote."""

    start: int  # char offsets of the quoted text (marks excluded)
    end: int
    text: str
    kind: str
    cue: Token | None = None
    cue_text: str | None = None  # a multi-word cue ("according to"); else the cue token's text
    speaker_token: Token | None = None
    speaker_span: Span | None = None
    speaker: Cluster | None = None
    channel: str | None = None
    medium: str | None = None
    new_medium: bool = False  # "a statement" (new) rather than "his statement" (one reported before)
    paragraph: int = 0
    confidence: float = 0.0


# ---------------------------------------------------------------- helpers over the Doc
def _is_cue(token: Token, classes: tuple[str, ...] = ("speech",)) -> bool:
    entry = lexicon.cue_verbs().get(token.text)
    if entry is None or entry[1] not in classes:
        return False
    if token.i > 0 and token.doc[token.i - 1].text == "-":
        return False  # "so-called", "well-said": part of a compound adjective
    if token.pos_ == "VERB":
        return True
    # The small model sometimes tags a cue as a noun ("part of his statement read"): accept it only
    # where it stands as a predicate, never as an object ("captioned the post").
    return token.pos_ not in {"PROPN", "DET", "ADP", "PRON", "ADJ"} and (
        token.tag_ in _VERBISH_TAGS or any(c.dep_ in _SUBJECT_DEPS for c in token.children)
    )


@cache
def _INDIRECT_CANDIDATES() -> frozenset[str]:  # a constant, built on first use
    return lexicon.cue_forms() | {"according"}


class _Context:
    """Per-Doc lookups shared by every quote: paragraphs, quoted tokens, masked text."""

    def __init__(self, doc: Doc, text: str, spans: list[QuotedSpan], in_quote: list[int]):
        self.doc = doc
        self.text = text  # Doc.text joins every token on each call: read it once
        paragraphs = paragraph_spans(text)
        self.paragraph_starts = [start for start, _ in paragraphs]
        self.paragraph_ends = [end for _, end in paragraphs]
        self.in_quote = list(in_quote)
        masked = list(text)
        for span in spans:
            for s, e in span.pieces:
                masked[s:e] = " " * (e - s)
        self.masked = "".join(masked)

    def paragraph(self, char: int) -> int:
        return max(0, bisect_right(self.paragraph_starts, char) - 1)

    def paragraph_bounds(self, char: int) -> tuple[int, int]:
        if not self.paragraph_starts:
            return 0, len(self.text)
        p = self.paragraph(char)
        return self.paragraph_starts[p], self.paragraph_ends[p]


def _tokens_between(doc: Doc, start_char: int, end_char: int) -> Span:
    span = doc.char_span(start_char, end_char, alignment_mode="contract")
    return span if span is not None else doc[0:0]


def _after_close(text: str, end: int) -> int:
    """The first character after a quote's closing mark at `end` (two apostrophes are one mark)."""
    return end + 2 if text.startswith("''", end) else end + 1


def _open_mark(text: str, start: int) -> int:
    """Where the opening mark of a quote whose words start at `start` begins."""
    return start - 2 if start >= 2 and text.startswith("''", start - 2) else start - 1


def _last_char(text: str, end: int, skip: str) -> str:
    """The last character of text[:end] that is not in `skip` ("" if none), without a copy."""
    i = end - 1
    while i >= 0 and text[i] in skip:
        i -= 1
    return text[i] if i >= 0 else ""


def _token_at(doc: Doc, char: int) -> int:
    """Index of the first token that starts at or after `char`."""
    lo, hi = 0, len(doc)
    while lo < hi:
        mid = (lo + hi) // 2
        if doc[mid].idx < char:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _post_region(ctx: _Context, q: QuotedSpan, next_open: int) -> Span:
    """The words after the closing mark, up to the end of the sentence, paragraph or next quote.

    Token-based, so that "Gov." or "Sen." does not end the sentence."""
    doc = ctx.doc
    _, p_end = ctx.paragraph_bounds(q.end)
    limit = min(next_open, p_end)
    first = _token_at(doc, _after_close(ctx.text, q.end))
    last, stop = first, min(len(doc), first + MAX_CLAUSE)
    while last < stop and doc[last].idx < limit and doc[last].text not in _FRAME_END:
        last += 1
    return doc[first:last]


def _pre_region(ctx: _Context, q: QuotedSpan, prev_close: int) -> Span:
    """The words before the opening mark, back to the start of the sentence or paragraph."""
    doc = ctx.doc
    p_start, _ = ctx.paragraph_bounds(q.start)
    limit = max(p_start, prev_close + 1)
    end = _token_at(doc, _open_mark(ctx.text, q.start))
    first, stop = end, max(0, end - MAX_CLAUSE)
    while first > stop and doc[first - 1].idx >= limit and doc[first - 1].text not in _FRAME_END:
        first -= 1
    return doc[first:end]


def _cue_in(region: Span, ctx: _Context, last: bool) -> Token | None:
    cues = [t for t in region if ctx.in_quote[t.i] < 0 and _is_cue(t)]
    if not last:
        return cues[0] if cues else None
    # Before a quote the cue closes the clause: "After Brown criticized Clinton, Hillary shot back,"
    # is cued by "shot back", not by the speech verb of the subordinate clause.
    closing = _closing_verb(region, ctx)
    if closing is not None and (not cues or cues[-1].i < closing.i):
        return closing
    return cues[-1] if cues else None


def _reports(cue: Token) -> bool:
    """The cue governs a reported clause after it (the quote is before it): "X said the company
    had...", "X said the company \"would not...\""."""
    return any(c.dep_ == "ccomp" and c.i > cue.i for c in cue.children)


def _closing_verb(region: Span, ctx: _Context) -> Token | None:
    """A verb with a subject among the last few words of a clause that introduces a quote."""
    tail = [t for t in region if not t.is_punct and not t.is_space and t.pos_ not in {"ADV", "PART", "ADP"}][
        -2:
    ]
    for t in reversed(tail):
        if t.pos_ == "VERB" and ctx.in_quote[t.i] < 0 and any(c.dep_ in _SUBJECT_DEPS for c in t.children):
            return t
    return None


def _open_cue(region: Span, ctx: _Context) -> Token | None:
    """The open list: an attribution clause whose verb is not in the lexicon ("she beamed"), short
    or ending in a colon ("Kaine has adopted the stance common among Catholics:")."""
    words = [t for t in region if not t.is_punct and not t.is_space]
    colon = region.text.rstrip().endswith(":")
    if not words or (len(words) > 8 and not colon):
        return None
    if colon:
        roots = [t for t in words if t.dep_ == "ROOT" and t.pos_ in {"VERB", "AUX"}]
        if roots and any(c.dep_ in _SUBJECT_DEPS for c in roots[-1].children):
            return roots[-1]
    for t in words:
        if t.pos_ == "VERB" and any(c.dep_ in _SUBJECT_DEPS for c in t.children) and ctx.in_quote[t.i] < 0:
            return t
    first = words[0]
    if first.tag_ == "VBD" and len(words) > 1 and words[1].pos_ in {"PROPN", "DET", "NOUN"}:
        return first  # inverted: "“This is fantastic!” beamed Donald Hartley"
    return None


def _governing_cue(tokens: list[Token], ctx: _Context, qi: int) -> Token | None:
    """The cue verb the parser attached the quote to, looking up from the quote's edges.

    A speech verb further up wins over an attitude verb nearer ("He says if people think \"...\"")."""
    best: tuple[int, int, Token] | None = None
    for t in tokens:
        outside = [t.head] if ctx.in_quote[t.head.i] != qi else []
        outside += [c for c in t.children if ctx.in_quote[c.i] != qi]
        for h in outside:
            hops = 0
            while hops < 4 and ctx.in_quote[h.i] != qi:
                if ctx.in_quote[h.i] < 0 and _is_cue(h, ("speech", "thought")):
                    rank = (0 if _is_cue(h) else 1, abs(h.i - tokens[0].i))
                    if best is None or rank < best[:2]:
                        best = (*rank, h)
                    if rank[0] == 0:
                        break
                if h.head.i == h.i:
                    break
                h = h.head
                hops += 1
    return best[2] if best else None


def _speaker_token(cue: Token, region: Span | None = None, in_quote: list[int] | None = None) -> Token | None:
    verb = cue
    for _ in range(3):
        for child in verb.children:
            if child.dep_ == "nsubj" and (in_quote is None or in_quote[child.i] < 0):
                return child
            if child.dep_ == "nsubjpass":
                agent = next((c for c in verb.children if c.dep_ == "agent"), None)
                pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
                return pobj or child
        if verb.dep_ in _CLIMB_DEPS and verb.head.i != verb.i:
            verb = verb.head
        elif verb.dep_ == "acl" and verb.tag_ == "VBG":
            # "Jobs resigned in a letter to the board stating, ...": the clause's subject writes
            up = verb.head
            while (
                up.pos_ not in {"VERB", "AUX"}
                and up.head.i != up.i
                and up.dep_ in {"pobj", "prep", "dobj", "acl"}
            ):
                up = up.head
            if up.pos_ not in {"VERB", "AUX"} or up.i == verb.i:
                break
            verb = up
        else:
            break
    return _surface_speaker(cue, region) if region is not None else None


def _surface_speaker(cue: Token, region: Span) -> Token | None:
    """No subject in the parse: read the attribution clause. After a quote the speaker opens the
    clause ("Texas delegate Bill Eastland, wearing a hat, said") or follows the cue ("said Smith");
    before a quote it is the nearest noun phrase before the cue ("In conclusion, she wrote")."""
    doc = cue.doc
    inside = range(region.start, region.end)
    after_quote = region.start > 0 and doc[region.start - 1].text in _CLOSING_MARKS
    if after_quote and region.start < cue.i:
        first = next((t for t in doc[region.start : cue.i] if t.pos_ in _SPEAKER_POS), None)
        if first is not None:
            return _head_of_name(first)
    i = cue.i - 1
    while i in inside and doc[i].pos_ in _ADVERB_SKIP and doc[i].text not in {",", ":"}:
        i -= 1
    if i in inside and doc[i].pos_ in _SPEAKER_POS:
        return doc[i]
    j = cue.i + 1
    while j in inside and doc[j].pos_ in {"DET", "ADJ", "PROPN", "NOUN", "PRON"}:
        if doc[j].pos_ in _SPEAKER_POS and (j + 1 >= len(doc) or doc[j + 1].pos_ not in {"PROPN", "NOUN"}):
            return doc[j]
        j += 1
    return None


def _outside_brackets(token: Token) -> Token:
    """ "Gov. John Kasich (R-OH), said": the speaker is the name before the brackets."""
    doc = token.doc
    for i in range(token.i - 1, max(-1, token.i - 5), -1):
        if doc[i].text == ")":
            break
        if doc[i].text == "(":
            return doc[i - 1] if i > 0 and doc[i - 1].pos_ in _SPEAKER_POS else token
    return token


def _proper_name(token: Token) -> Span | None:
    """The run of capitalised proper nouns that ends at `token` ("Ana Ruiz"), if it is one."""
    if token.pos_ != "PROPN" or not token.is_title:
        return None
    start = token.i
    doc = token.doc
    while (
        start > 0
        and doc[start - 1].pos_ == "PROPN"
        and doc[start - 1].is_title
        and doc[start - 1].head.i == token.i
    ):
        start -= 1
    return doc[start : token.i + 1]


def _looks_like_title(tokens: list[Token]) -> bool:
    """ "The Quiet Harbor", "Ted Cruz": a short run of capitalised words is a name or a title."""
    words = [t for t in tokens if not t.is_punct]
    if not words or len(words) > 8 or tokens[-1].text in _FRAME_END:
        return False
    return all(
        t.is_title or t.is_upper or t.is_digit or (t.is_stop and t.i != words[0].i) for t in words
    ) and (words[0].is_title or words[0].is_upper)


def _head_of_name(token: Token) -> Token:
    while token.dep_ in {"compound", "flat", "nmod"} and token.head.i > token.i:
        token = token.head
    return token


def _noun_phrase(token: Token) -> Span:
    left = token.i
    for child in token.lefts:
        if child.dep_ in {"det", "amod", "compound", "poss", "nummod", "nmod", "case"}:
            left = min(left, child.left_edge.i)
    while left < token.i and (token.doc[left].is_punct or lexicon.cue_verbs().get(token.doc[left].text)):
        left += 1  # "Continued Stone:": the cue is not part of the speaker
    return token.doc[left : token.i + 1]


# ---------------------------------------------------------------- attribution
class QuoteExtractor:
    def __init__(self, doc: Doc, index: EntityIndex):
        self.doc = doc
        self.index = index
        self.text = text_of(doc)
        self.spans, in_quote = quote_layout(doc)
        self.ctx = _Context(doc, self.text, self.spans, in_quote)
        self.sentences = sentences_of(doc)
        self.resolver = PronounResolver(doc, index, self.ctx.in_quote, self.sentences)
        self.findings: list[Finding] = []

    def run(self) -> list[Finding]:
        # where the attribution clause after each quote ends at the latest: the next real quote
        # (a short quoted name, "wearing “Ted Cruz” pins, said", does not end it)
        self._next_open = [len(self.text)] * len(self.spans)
        for qi in range(len(self.spans) - 1, 0, -1):
            real = len(self.spans[qi].text(self.text).split()) > 4
            self._next_open[qi - 1] = self.spans[qi].start - 1 if real else self._next_open[qi]
        for qi, q in enumerate(self.spans):
            budget.check(self.doc)
            finding = self._direct(qi, q)
            if finding is not None:
                self.findings.append(finding)
        self._inherit_channels()
        self._indirect()
        self.findings.sort(key=lambda f: f.start)
        return self.findings

    # ------------------------------------------------------------ direct and partial quotes
    def _direct(self, qi: int, q: QuotedSpan) -> Finding | None:
        doc, ctx = self.doc, self.ctx
        text = self.text
        start, end = q.start, q.end
        while end > start and text[end - 1] in " ,\t":
            end -= 1  # the comma before the closing mark belongs to the sentence, not the quote
        while start < end and text[start] in " \t":
            start += 1
        quote_tokens = [
            t for t in doc.char_span(q.start, q.end, alignment_mode="expand") or [] if not t.is_space
        ]
        if not quote_tokens:
            return None
        pieces_text = q.text(text)
        qtext = pieces_text.strip().rstrip(",").rstrip() if len(q.pieces) > 1 else text[start:end]
        finding = Finding(start, end, qtext, "direct", paragraph=ctx.paragraph(q.start))
        before = _last_char(text, _open_mark(text, q.start), " \t")
        embedded = bool(before) and before not in ",:.?!\n" + "\"“”'’—–("
        prev_close = self.spans[qi - 1].end if qi > 0 else -1
        post = _post_region(ctx, q, self._next_open[qi])
        pre = _pre_region(ctx, q, prev_close)
        signed = self._signature(q)
        if signed is not None and not embedded:
            finding.speaker_span, finding.speaker_token = signed, signed.root
            hit = self.index.at(signed.root)
            finding.speaker = hit[0] if hit is not None else self.index.add(signed, "PERSON")
            finding.cue_text, finding.confidence = "―", confidence().signed
            return finding
        cue = _governing_cue(quote_tokens, ctx, qi)
        sure = confidence().cued
        region = pre if cue is not None and cue.i < quote_tokens[0].i else post
        if cue is not None and not any(t.i == cue.i for t in list(pre) + list(post)) and not embedded:
            cue = None  # attached to a verb outside the attribution clause: not a cue of this quote
        if cue is None:
            inner_end = text[q.start : q.end].rstrip(" '’‘\"”")
            closed = _after_close(text, q.end)
            ends_cueing = inner_end.endswith(_QUOTE_END_CUEING) or text[closed : closed + 1] == ","
            if embedded:
                cue, region = _cue_in(pre, ctx, last=True), pre
            if cue is None:
                found = _cue_in(post, ctx, last=False)
                # after a full stop the next words are a new sentence, unless they open with the
                # attribution itself ("...problem.” Renteria said.")
                # but a cue that reports a clause of its own ("Castell said the company would
                # not...") opens a new report, and the quote goes on with the speaker before
                if found is not None and (
                    ends_cueing or (found.i - post.start <= 4 and (embedded or not _reports(found)))
                ):
                    cue, region = found, post
                if cue is None and ends_cueing:
                    cue, region, sure = _open_cue(post, ctx), post, confidence().open_cue
            if cue is None and (not embedded and pre.text.rstrip().endswith((",", ":"))):
                cue, region = _cue_in(pre, ctx, last=True), pre
                if cue is None:
                    cue, region, sure = _open_cue(pre, ctx), pre, confidence().open_cue
        if embedded:
            has_clause = any(
                t.dep_ in _SUBJECT_DEPS and t.head.i != t.i and ctx.in_quote[t.head.i] == qi
                for t in quote_tokens
            )
            after = _after_close(text, q.end)
            tail = text[after : after + 2].lstrip(" ,")
            runs_to_end = not tail or tail[0] in ".!?\n" or text[q.end - 1] in ".!?"
            long_enough = len(quote_tokens) >= 5
            finding.kind = "direct" if has_clause or (runs_to_end and long_enough) else "partial"
            if cue is None or _looks_like_title(quote_tokens):
                return None  # scare quotes, titles, names, nicknames: no one is quoted
        if cue is not None:
            finding.confidence = sure
            self._attribute(finding, cue, region)
        else:
            self._carry_over(finding, q)
        if not q.balanced:
            finding.confidence = max(
                confidence().unbalanced_floor, finding.confidence - confidence().unbalanced
            )
        if finding.cue is None and finding.speaker is None and len(quote_tokens) < 4:
            return None
        return finding

    def _signature(self, q: QuotedSpan) -> Span | None:
        """The name after "” ―", when a name is all that follows before the paragraph, the
        sentence or the next quotation ends."""
        m = _DASH_SIGNATURE.match(self.text, _after_close(self.text, q.end))
        if m is None:
            return None
        doc = self.doc
        first = _token_at(doc, m.end())
        last = first
        while (
            last < len(doc)
            and last - first < 6
            and (doc[last].is_title or (doc[last].is_upper and len(doc[last].text) <= 2))
            and doc[last].pos_ in {"PROPN", "NOUN", "ADJ", "X"}
        ):
            last += 1
        if last == first or last - first > 5:
            return None
        after = doc[last].text[:1] if last < len(doc) else ""
        if after not in _SIGNATURE_END and not doc[last].is_space:
            return None
        return doc[first:last]

    def _attribute(self, finding: Finding, cue: Token, region: Span) -> None:
        finding.cue = cue
        frame = region if len(region) else self.sentences.of(cue)
        speaker = _speaker_token(cue, frame, self.ctx.in_quote)
        if (
            speaker is not None
            and finding.kind != "indirect"
            and speaker.idx < finding.start < finding.end < cue.idx
        ):
            # the cue follows the quote but the parse found its subject before it ("His final
            # assessment: “...,” he said"): read the attribution clause instead
            speaker = _surface_speaker(cue, region) or speaker
        if speaker is not None and self.ctx.in_quote[speaker.i] >= 0:
            speaker = None
        if speaker is not None:
            speaker = _outside_brackets(speaker)
        speaker, medium_noun = self._owner(speaker)
        if medium_noun is not None:
            finding.medium = medium_noun.lemma_.lower()
        finding.speaker_token = speaker
        if speaker is not None:
            hit = self.index.at(speaker)
            if hit is not None:
                finding.speaker, finding.speaker_span = hit
            else:
                finding.speaker_span = (
                    _noun_phrase(speaker)
                    if speaker.pos_ != "PRON"
                    else speaker.doc[speaker.i : speaker.i + 1]
                )
                if speaker.lower_ in PRONOUN_GENDER:
                    finding.speaker = self.resolver.resolve(speaker, self._previous_speaker(finding, speaker))
                    finding.confidence -= confidence().pronoun_speaker
                    if finding.speaker is not None:  # the speaker pronoun is a mention of them
                        self.index.link(finding.speaker_span, finding.speaker, "pronoun", "quote attribution")
                elif speaker.tag_ in {"WDT", "WP"} and speaker.head.dep_ == "relcl":
                    # "Kasich, who said": the mention is "who", the speaker the noun it hangs on
                    antecedent = self.index.at(speaker.head.head)
                    finding.speaker = antecedent[0] if antecedent else None
                elif (name := _proper_name(speaker)) is not None:
                    # a named speaker the NER missed ("Ana Ruiz said") is still somebody; one whose
                    # name ends in an organisation's word ("the Sunday Ledger reported") an outlet
                    org = name[-1].text in lexicon.word_list("org_words.txt")
                    finding.speaker = self.index.add(name, "ORG" if org else "PERSON")
                    finding.speaker_span = name
        if finding.speaker_span is None and finding.kind != "indirect":
            prev = self.findings[-1] if self.findings else None
            if prev is not None and prev.speaker_span is not None and finding.paragraph - prev.paragraph <= 1:
                # "Adding, \"...\"": a cue with no subject continues the previous speaker
                finding.speaker, finding.speaker_span = prev.speaker, prev.speaker_span
                finding.speaker_token = prev.speaker_token
                finding.confidence -= confidence().continued_speaker
        self._channel(finding, cue, region)

    def _owner(self, speaker: Token | None) -> tuple[Token | None, Token | None]:
        """ "part of his statement read": a statement is not a speaker, its owner is."""
        if speaker is None or speaker.pos_ in {"PROPN", "PRON"} or self.index.at(speaker):
            return speaker, None
        named = next((c for c in speaker.children if c.dep_ == "appos" and self.index.at(c)), None)
        if named is not None:
            return named, None  # "her senior policy adviser, Jake Sullivan, said"
        media = lexicon.word_list("media.txt")
        if speaker.lower_ not in media and speaker.lower_ not in lexicon.word_list("part_nouns.txt"):
            return speaker, None
        for t in speaker.subtree:
            if t.dep_ == "poss" and (t.pos_ in {"PRON", "PROPN"} or self.index.at(t)):
                owner_noun = t.head if t.head.lower_ in media else None
                return t, owner_noun
        return speaker, None

    def _previous_speaker(self, finding: Finding, pronoun: Token | None = None) -> Cluster | None:
        """Who spoke last before the quote: the last quote's speaker, or the subject of a verb of
        speech in a sentence of the quote's paragraph after that quote ("Quinlan noted that ...
        '...,' he said": Quinlan; the indirect quotes are read after the direct ones)."""
        last = None
        for f in reversed(self.findings):
            if f.start < finding.start and f.speaker is not None:
                last = f
                break
        gender = PRONOUN_GENDER.get(pronoun.lower_) if pronoun is not None else None
        reporter = self._reporter_before(finding, last.end if last is not None else 0, gender)
        if reporter is not None:
            return reporter
        if last is not None and finding.paragraph - last.paragraph <= 3:
            return last.speaker
        return None

    def _reporter_before(self, finding: Finding, since: int, gender: str | None) -> Cluster | None:
        """The person one of the REPORTER_SENTENCES sentences before the quote, in its paragraph and
        after `since`, last has say something ("Quinlan noted that the investigators had not named
        Okafor."); none when that person's gender is not the pronoun's: the last quote's speaker
        is then the one to weigh."""
        start = self.ctx.paragraph_starts[finding.paragraph] if self.ctx.paragraph_starts else 0
        here = self.sentences.index(_token_at(self.doc, finding.start))
        for k in range(here - 1, max(-1, here - 1 - REPORTER_SENTENCES), -1):
            sent = self.doc[self.sentences.starts[k] : self.sentences.ends[k]]
            if sent.start_char < max(start, since):
                return None
            cues = lexicon.cue_verbs()
            for verb in reversed(sent):  # the last to speak: "Shaw accused ..., a claim Okonkwo denied"
                if verb.pos_ != "VERB" or self.ctx.in_quote[verb.i] >= 0 or cues.get(verb.text) is None:
                    continue
                for child in verb.children:
                    hit = self.index.at(child) if child.dep_ == "nsubj" else None
                    if hit is not None and hit[0].type == "PERSON":
                        return hit[0] if hit[0].gender in {None, gender} else None
        return None

    def _channel(self, finding: Finding, cue: Token, region: Span) -> None:
        sent = self.sentences.of(cue)
        lo = min(region.start_char if len(region) else sent.start_char, sent.start_char)
        hi = max(region.end_char if len(region) else sent.end_char, sent.end_char)
        frame = self.ctx.masked[lo:hi]
        for pattern in lexicon.channel_patterns():
            for m in pattern.finditer(frame):
                groups = m.groupdict()
                channel = (groups.get("channel") or "").strip()
                channel = re.sub(r"[.,;:!?]+$", "", channel) if not channel.endswith("!") else channel
                if channel:
                    begin = lo + m.start("channel")
                    span = self.doc.char_span(begin, begin + len(channel), alignment_mode="expand")
                    if span is None or not len(span) or span[0].ent_type_ in _NOT_OUTLETS:
                        continue  # "in a speech on Friday": a date, not an outlet
                    hit = self.index.at(span[0])
                    platform = channel in lexicon.word_list("platforms.txt")
                    if hit is not None and hit[0].type == "PERSON" and not platform:
                        continue  # "told Smith": an addressee, not an outlet
                    if hit is not None and platform:
                        hit[0].type = "ORG"
                    if span is not None and hit is None and channel[:1].isupper():
                        self.index.add(span, "ORG")
                    finding.channel = hit[0].name if hit is not None else channel
                if groups.get("medium") and finding.medium is None:
                    finding.medium = re.sub(r"\s+", " ", groups["medium"].lower())
                    finding.new_medium = (groups.get("det") or "a").lower() in {"a", "an"}
                if finding.channel:
                    return

    def _carry_over(self, finding: Finding, q: QuotedSpan) -> None:
        """No attribution of its own: a previous paragraph ending in a colon, else the quote before."""
        text = self.text
        p_start, _ = self.ctx.paragraph_bounds(q.start)
        if text[p_start : q.start].strip() in {"", '"', "“", "''"} and p_start > 0:
            prev_para = text[:p_start].rstrip()
            if prev_para.endswith(":"):
                region = _tokens_between(
                    self.doc, self.ctx.paragraph_bounds(len(prev_para) - 1)[0], len(prev_para)
                )
                cue = _cue_in(region, self.ctx, last=True) or _open_cue(region, self.ctx)
                if cue is not None:
                    self._attribute(finding, cue, region)
                    finding.confidence = confidence().colon_paragraph
                    return
        prev = self.findings[-1] if self.findings else None
        if prev is None or finding.paragraph - prev.paragraph > 1:
            cue = self._cue_of_previous_paragraph(finding.paragraph)
            if cue is not None:
                # a quote paragraph after "Smith told the crowd that ...": Smith goes on speaking
                self._attribute(finding, cue, self.sentences.of(cue))
                finding.confidence = confidence().previous_paragraph_cue
                return
        if prev is not None and prev.kind != "indirect" and finding.paragraph - prev.paragraph <= 1:
            finding.cue, finding.speaker, finding.speaker_span = prev.cue, prev.speaker, prev.speaker_span
            finding.speaker_token = prev.speaker_token
            finding.channel, finding.medium = prev.channel, prev.medium
            same = finding.paragraph == prev.paragraph
            finding.confidence = confidence().same_paragraph if same else confidence().next_paragraph
        else:
            finding.confidence = confidence().unattributed

    def _cue_of_previous_paragraph(self, paragraph: int) -> Token | None:
        if paragraph == 0:
            return None
        ctx = self.ctx
        region = _tokens_between(
            self.doc, ctx.paragraph_starts[paragraph - 1], ctx.paragraph_ends[paragraph - 1]
        )
        cues = [t for t in region if ctx.in_quote[t.i] < 0 and _is_cue(t)]
        for cue in reversed(cues):
            subject = _speaker_token(cue, None, ctx.in_quote)
            if subject is not None and (subject.pos_ in {"PROPN", "PRON"} or self.index.at(subject)):
                return cue
        return None

    def _inherit_channels(self) -> None:
        """Consecutive quotes of one speaker share a channel unless one names a new medium
        ("via a statement"): "part of his statement read" is still the statement to E! News."""
        previous: Finding | None = None
        for f in self.findings:
            if (
                previous is not None
                and f.channel is None
                and not f.new_medium
                and f.speaker is not None
                and f.speaker is previous.speaker
                and f.paragraph - previous.paragraph <= 2
            ):
                f.channel = previous.channel
            previous = f

    # ------------------------------------------------------------ indirect speech
    def _indirect(self) -> None:
        doc, ctx = self.doc, self.ctx
        quoted = [(f.start, f.end) for f in self.findings]
        for i in lexicon.positions(doc, _INDIRECT_CANDIDATES()):
            budget.check(doc)
            token = doc[i]
            if ctx.in_quote[token.i] >= 0:
                continue
            if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
                self._according(token, quoted)
                continue
            if token.pos_ != "VERB" or not _is_cue(token, ("speech", "thought")):
                continue
            # "X said that ..." and the reporter's "..., the mayor said."
            comp = next((c for c in token.children if c.dep_ == "ccomp"), None)
            if comp is None or (comp.i < token.i and not any(t.text == "," for t in doc[comp.i : token.i])):
                continue
            words = [t for t in comp.subtree if not t.is_punct]
            if len(words) < 3:
                continue
            first = next(t for t in comp.subtree if not t.is_punct)
            if first.lower_ == "that" and first.dep_ == "mark":
                first = first.doc[first.i + 1]
            self._add_indirect(token, first.idx, self._through_quote(words[-1]), quoted)

    def _through_quote(self, last: Token) -> int:
        """Where reported speech ending on `last` ends: after the closing mark when `last` stands in
        a quotation ('he welcomed "any review, by anyone."'), so that the words quoted in it lie
        within it and its text does not leave a mark open."""
        end = last.idx + len(last.text)
        qi = self.ctx.in_quote[last.i]
        if qi < 0 or not self.spans[qi].balanced:
            return end
        close = self.spans[qi].pieces[-1][1] if self.spans[qi].pieces else self.spans[qi].end
        if close < end or close >= len(self.text) or self.text[close] not in _CLOSING_MARKS:
            return end
        return close + 2 if self.text.startswith("''", close) else close + 1

    def _according(self, token: Token, quoted: list[tuple[int, int]]) -> None:
        to = token.doc[token.i + 1]
        source = next((c for c in to.children if c.dep_ == "pobj"), None)
        if source is None:
            return
        sent = self.sentences.of(token)
        phrase_start = token.idx
        phrase_end = source.right_edge.idx + len(source.right_edge.text)
        text = self.text
        if phrase_start - sent.start_char < 3:
            lo, hi = phrase_end, sent.end_char
        else:
            lo, hi = sent.start_char, phrase_start
        content = text[lo:hi]
        stripped = content.strip(' ,.;:\n"“”')
        if len(stripped.split()) < 3:
            return
        lo += content.index(stripped)
        finding = self._add_indirect(token, lo, lo + len(stripped), quoted, speaker=source)
        if finding is not None:
            finding.cue_text = "according to"

    def _add_indirect(
        self, cue: Token, start: int, end: int, quoted: list[tuple[int, int]], speaker: Token | None = None
    ) -> Finding | None:
        overlap = sum(max(0, min(end, e) - max(start, s)) for s, e in quoted)
        if overlap > 0.5 * (end - start):
            return None
        finding = Finding(start, end, self.text[start:end], "indirect", paragraph=self.ctx.paragraph(start))
        if speaker is None:
            self._attribute(finding, cue, self.sentences.of(cue))
        else:
            finding.cue = cue
            hit = self.index.at(speaker)
            finding.speaker_token = speaker
            finding.speaker, finding.speaker_span = hit if hit else (None, _noun_phrase(speaker))
            self._channel(finding, cue, self.sentences.of(cue))
        span = finding.speaker_span
        if start <= cue.idx < end:
            opening = min(cue.idx, span.start_char) if span is not None else cue.idx
            if _last_char(self.text, opening, " \t") not in ",—–-":
                # reported speech that holds its own cue, but not as "the economy, he said, is
                # strong", is a misparse: "refugees, who he speculates are ..." (a relative clause)
                return None
        elif span is not None and start <= span.start_char < end:
            # a speaker inside the words reported is no speaker of them: "Trump, later alleging that
            # Obama wanted ..., said" (the subject's phrase taken as the content, Obama as its speaker)
            finding.speaker = finding.speaker_token = finding.speaker_span = span = None
        named = span is not None
        finding.confidence = confidence().indirect_named if named else confidence().indirect_unnamed
        self.findings.append(finding)
        return finding
