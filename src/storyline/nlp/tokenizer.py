"""spaCy's tokenizer with its work bounded per character, and the article's text kept exactly.

spaCy strips prefixes and suffixes from a whitespace-free stretch one at a time and searches the
whole remaining stretch for the next suffix each time, so a stretch of n symbols (")" * 12,000, a
run of quotation marks) costs n² regex steps: 24 s for 12 KB. `BoundedTokenizer` hands spaCy only
stretches it can do in bounded time, and makes the Doc from the pieces:

- a run of more than MAX_RUN symbols (not letters, digits or whitespace) becomes tokens of MAX_RUN
  symbols each, without the tokenizer (no rule of ours reads such a token, and a token per symbol
  would cost the parser five times a word's share of text);
- the rest of a stretch longer than MAX_CHUNK goes to the tokenizer in pieces of MAX_CHUNK.

Nothing is replaced or inserted: the Doc's text is the input, character for character, so every
offset the pipeline reports points into the article's own text. A text with no such stretch (all
news the project has seen: its longest stretch is 87 characters, its longest run of symbols 7)
goes to spaCy's tokenizer whole and comes back exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from spacy.tokens import Doc
from spacy.vocab import Vocab

MAX_RUN = 32  # symbols in a row passed to spaCy's tokenizer as they are (a '=' rule line fits)
MAX_CHUNK = 256  # characters without whitespace passed to it as one piece

# A stretch needs cutting when it is long or holds a long run (cheap to find: each try is bounded).
_LONG = re.compile(rf"(?<!\S)(?:\S{{{MAX_CHUNK + 1}}}|\S{{0,{MAX_CHUNK}}}?[^\w\s]{{{MAX_RUN + 1}}})\S*")
_RUN = re.compile(rf"[^\w\s]{{{MAX_RUN + 1},}}")


class BoundedTokenizer:
    """Wraps a spaCy tokenizer (`nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)`)."""

    def __init__(self, base: Callable[[str], Doc], vocab: Vocab):
        self.base = base
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        if _LONG.search(text) is None:
            return self.base(text)
        docs: list[Doc] = []
        pos = 0  # text[:pos] is tokenized
        for m in _LONG.finditer(text):
            if pos < m.start():
                docs.append(self.base(text[pos : m.start()]))
            spaced = text.startswith(" ", m.end())  # the one space a token carries as its whitespace
            docs += self._stretch(m.group(), spaced)
            pos = m.end() + spaced
        if pos < len(text):
            docs.append(self.base(text[pos:]))
        return Doc.from_docs(docs, ensure_whitespace=False)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def _stretch(self, stretch: str, spaced: bool) -> list[Doc]:
        """Docs for one whitespace-free stretch: long runs cut into tokens, the rest into pieces."""
        parts: list[tuple[str, bool]] = []  # (text, is a long run)
        at = 0
        for run in _RUN.finditer(stretch):
            parts += [(p, False) for p in _cut(stretch[at : run.start()], MAX_CHUNK)]
            parts.append((run.group(), True))
            at = run.end()
        parts += [(p, False) for p in _cut(stretch[at:], MAX_CHUNK)]
        docs = []
        for k, (part, is_run) in enumerate(parts):
            last = spaced and k == len(parts) - 1
            if is_run:
                words = _cut(part, MAX_RUN)
                docs.append(Doc(self.vocab, words=words, spaces=[False] * (len(words) - 1) + [last]))
            else:
                docs.append(self.base(part + " " if last else part))
        return docs


def _cut(s: str, size: int) -> list[str]:
    return [s[i : i + size] for i in range(0, len(s), size)]
