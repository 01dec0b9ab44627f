"""Sentences and paragraphs of a Doc, computed once and shared by the components.

`Token.sent` walks the Doc's sentences on every call; on a long article that costs more than the
parse itself, so every component looks sentences up here instead.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Doc, Span, Token

# Tokens a sentence may run without a full stop, "!", "?" or line break before the pipeline forces
# one (pipeline.paragraphs_component): the news the project has seen runs at most 221 (a list of
# names), so none of it is cut.
MAX_SENTENCE = 300

# A wire dateline opens a paragraph: the place in capitals, then its state, date and agency, then a
# dash ("LONDON (Reuters) - ", "SAN JOSE, Calif., Jan. 10, 2022 -- ", "WASHINGTON — "). It is no part
# of the sentence that follows; parsed with it, the place becomes the subject ("LONDON ... resigned").
_DATELINE = re.compile(
    r"[A-Z][A-Z'’.]+(?:[ -][A-Z][A-Z'’.]+){0,3}"  # the place
    r"(?:,[^\n,()—–-]{1,20}){0,3}"  # ", Calif.", ", Jan. 10", ", 2022"
    r"(?: ?\([^\n()]{1,30}\))?"  # "(Meridian Wire)"
    r"[ \t]+(?:-{1,2}|—|–)[ \t]+(?=[A-Z“\"‘'])"  # then a sentence begins
)

# the most tokens a dateline runs to: four words of place, three commas of up to 20 characters,
# an agency in brackets and the dash come to under 40
DATELINE_TOKENS = 48


def dateline_end(text: str, start: int) -> int | None:
    """Where the sentence after a dateline at `start` (a paragraph's first character) begins."""
    m = _DATELINE.match(text, start)
    return m.end() if m else None


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Paragraphs are the non-blank lines: one per line in scraped text, one per blank-line
    separated block in corpora; either way "the next paragraph" is the next one with words."""
    return [m.span() for m in re.finditer(r"[^\n]*\S[^\n]*", text)]


class Sentences:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.starts = [s.start for s in doc.sents]
        self.ends = self.starts[1:] + [len(doc)]

    def index(self, i: int) -> int:
        return max(0, bisect_right(self.starts, i) - 1)

    def of(self, token: Token | Span) -> Span:
        k = self.index(token.i if isinstance(token, Token) else token.start)
        return self.doc[self.starts[k] : self.ends[k]] if self.starts else self.doc[0:0]


def sentences_of(doc: Doc) -> Sentences:
    """The Doc's Sentences, computed once and kept on it (`doc._.sentences`) for every component."""
    if not Doc.has_extension("sentences"):
        Doc.set_extension("sentences", default=None)
    if doc._.sentences is None:
        doc._.sentences = Sentences(doc)
    return doc._.sentences


if not Doc.has_extension("text"):
    Doc.set_extension("text", default=None)


def text_of(doc: Doc) -> str:
    """`doc.text`, joined once: spaCy joins every token again on each read (milliseconds a call).
    `pipeline.make_doc` keeps the text it tokenized, which is the same string (spaCy's tokenizer
    and `BoundedTokenizer` keep every character), so a Doc made there is never joined."""
    if doc._.text is None:
        doc._.text = doc.text
    return doc._.text
