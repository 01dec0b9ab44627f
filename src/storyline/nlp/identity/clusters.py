"""The entities of one article and the mentions linked to each: the one place that says who a
token refers to.

A cluster holds three kinds of mention: names ("Marco Rubio", "Rubio"), descriptions that a sieve
pass tied to it with evidence ("the Florida senator") and pronouns ("he"). Every later stage asks
`EntityIndex.at(token)`; none keeps a window or fallback of its own.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from storyline.nlp import lexicon

POSSESSIVE = frozenset({"'s", "’s", "‘s", "'", "’", "‘"})  # "‘s": a wrong-way apostrophe, as scraped
_STRAY = ' \t\n,;:?"“”‘()[]{}<>*|_=/\\'  # not "." ("Inc.", "Jr."), "!" ("E!") or "’" ("Jones’")
_BRACKETS = re.compile(r"[\[\]{}<>|*_=\"“”]")


def name_text(span: Span) -> str:
    """A name as the text writes it ("Bashar al-Assad", "O'Neill"), without a possessive ending,
    stray punctuation, brackets or doubled spaces. Kept per Doc and token range: the passes,
    the names and the aliases ask for the same mention's name about ten times an article."""
    known = span.doc.user_data.setdefault(_NAME_TEXTS, {})
    key = (span.start, span.end)
    text = known.get(key)
    if text is None:
        text = known[key] = _name_text(span)
    return text


_NAME_TEXTS = "storyline.name_text"  # the key of name_text's results in Doc.user_data


def _name_text(span: Span) -> str:
    tokens = [t for t in span if not t.is_space]
    while tokens and tokens[-1].lower_ in POSSESSIVE:
        tokens = tokens[:-1]
    if not tokens:
        return ""
    text = span.doc[tokens[0].i : tokens[-1].i + 1].text  # not Doc.text: it joins every token
    text = _BRACKETS.sub(" ", text)
    text = re.sub(r"\s*\(\s*|\s*\)\s*", " ", text)
    return " ".join(text.split()).strip(_STRAY)


def key_words(span: Span) -> list[str]:
    """The name's words that short forms are matched on: no honorifics before the name's last
    word (which is a surname: "Larry King", "Mr. King", "John Major"), no possessive, no
    punctuation tokens."""
    honor = lexicon.honorifics()
    particles = lexicon.word_class("particle")  # "De Blasio" is "de Blasio"
    words = [t for t in span if t.lower_ not in POSSESSIVE and not t.is_punct and not t.is_space]
    return [
        t.lower_ if t.lower_ in particles and t.i < span.end - 1 else t.text
        for k, t in enumerate(words)
        if t.text not in honor or k == len(words) - 1
    ]


def short_form_of(short: list[str], full: list[str]) -> bool:
    """Is `short` a short form of the person name `full` ("Russell", "Simmons", "Lee Simmons")?"""
    if not short or len(short) >= len(full) and short != full:
        return False
    if short == full:
        return True
    if len(short) == 1:
        return short[0] in (full[0], full[-1])
    return full[-len(short) :] == short or full[: len(short)] == short


@dataclass
class Cluster:
    """One referent of the article: its name mentions, descriptions and pronouns."""

    index: int
    type: str
    mentions: list[Span] = field(default_factory=list)  # names
    descriptions: list[Span] = field(default_factory=list)
    pronouns: list[Span] = field(default_factory=list)
    gender: str | None = None
    key: list[str] = field(default_factory=list)  # the name's words that short forms are matched on
    alias_keys: set[str] = field(default_factory=set)  # every name form, lower case ("who" for WHO)
    titles: set[str] = field(default_factory=set)  # role nouns the article gives it ("senator")
    evidence: dict[tuple[int, int], str] = field(
        default_factory=dict
    )  # (start, end) -> the pass that linked it
    named_by: list[Span] = field(default_factory=list)  # descriptions good enough to be aliases
    uncertain: set[int] = field(default_factory=set)  # starts of names a pass gave it by recency alone
    canonical: str | None = None  # a name the rules give it ("Republican Party" for "Republican")
    _name: tuple[int, str] | None = field(default=None, repr=False, compare=False)

    @property
    def id(self) -> str:
        return f"e{self.index}"

    @property
    def name(self) -> str:
        """The longest name form, the most frequent among equals; kept until a name is added."""
        if self.canonical:
            return self.canonical
        if self._name is None or self._name[0] != len(self.mentions):
            forms = [f for f in (name_text(m) for m in self.mentions) if f] or ["?"]
            counts = Counter(forms)
            best = max(forms, key=lambda f: (len(f.split()), counts[f], -forms.index(f)))
            self._name = (len(self.mentions), best)
        return self._name[1]

    @property
    def name_tokens(self) -> list[str]:
        return self.name.split()

    def aliases(self) -> list[str]:
        """Names, then the definite descriptions a pass tied to it ("the Florida senator")."""
        seen: dict[str, None] = {self.canonical: None} if self.canonical else {}
        for m in sorted(self.mentions, key=lambda m: m.start):
            if text := name_text(m):
                seen.setdefault(text, None)
        for d in self.named_by:
            seen.setdefault(" ".join(d.text.split()), None)
        return list(seen)

    def all_mentions(self) -> list[tuple[Span, str]]:
        out = [(m, "name") for m in self.mentions]
        out += [(d, "description") for d in self.descriptions]
        out += [(p, "pronoun") for p in self.pronouns]
        return sorted(out, key=lambda mk: mk[0].start)


class EntityIndex:
    """The entities of one Doc, with lookups by token, and every mention in text order."""

    def __init__(self, clusters: list[Cluster]):
        self.clusters = clusters
        self._by_token: dict[int, tuple[Cluster, Span]] = {}
        self._ordered: list[tuple[int, int, Cluster, Span]] = []  # (start, seq, cluster, span)
        self._seq = 0
        for c in clusters:
            for m in c.mentions + c.descriptions + c.pronouns:
                self._register(c, m)

    def _register(self, cluster: Cluster, span: Span) -> None:
        for t in span:
            self._by_token.setdefault(t.i, (cluster, span))
        self._seq += 1
        insort(self._ordered, (span.start, self._seq, cluster, span), key=lambda r: (r[0], r[1]))

    def at(self, token: Token) -> tuple[Cluster, Span] | None:
        """The entity `token` is a mention of (name, description or linked pronoun), if any."""
        return self._by_token.get(token.i)

    def who(self, token: Token) -> Cluster | None:
        hit = self._by_token.get(token.i)
        return hit[0] if hit else None

    def before(self, i: int, since: int = 0) -> list[tuple[Span, Cluster]]:
        """Mentions that start in [since, i), in text order."""
        lo = bisect_left(self._ordered, since, key=lambda r: r[0])
        hi = bisect_left(self._ordered, i, key=lambda r: r[0])
        return [(r[3], r[2]) for r in self._ordered[lo:hi]]

    def link(self, span: Span, cluster: Cluster, kind: str, how: str = "", alias: bool = False) -> bool:
        """Tie a description or pronoun to an entity; `how` is the evidence (the pass), `alias`
        whether the description may also stand as one of its names ("the Florida senator")."""
        if span.root.i in self._by_token:
            return False  # already a mention (of this entity or another): the earlier pass wins
        (cluster.pronouns if kind == "pronoun" else cluster.descriptions).append(span)
        cluster.evidence[(span.start_char, span.end_char)] = how
        if alias:
            cluster.named_by.append(span)
        self._register(cluster, span)
        return True

    def adopt(self, cluster: Cluster) -> None:
        """A cluster built outside the index (a person a pronoun showed the NER had missed) joins
        it, its mentions with it."""
        cluster.index = len(self.clusters) + 1
        self.clusters.append(cluster)
        for span in cluster.mentions:
            self._register(cluster, span)

    def add(self, span: Span, type_: str) -> Cluster:
        """An entity found by a later stage (a speaker the NER missed, a channel's outlet): joins
        the one entity it names, if any ("Ruiz" after "Ana Ruiz"), else starts a new one."""
        key = name_text(span).lower().removeprefix("the ")
        toks = key_words(span)
        same = [c for c in self.clusters if key in c.alias_keys or c.name.lower().removeprefix("the ") == key]
        if not same and type_ == "PERSON":
            same = [c for c in self.clusters if c.type == "PERSON" and short_form_of(toks, c.key)]
        if len(same) == 1:
            c = same[0]
            c.mentions.append(span)
        else:
            c = Cluster(len(self.clusters) + 1, type_, [span], key=toks)
            self.clusters.append(c)
        c.alias_keys.add(key)
        self._register(c, span)
        return c
