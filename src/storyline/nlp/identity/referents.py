"""Who a word of an argument refers to: a named entity, a description, a pronoun, "the two".

The event and relation stages ask this of every argument token. Names, descriptions and pronouns
are what the sieve linked (the entity index); "I" and "we" inside a quotation are its speaker; a
relative pronoun is the noun it hangs on; "the two", "the couple", "both" are the last two people
named.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

from storyline.nlp import lexicon
from storyline.nlp.identity.clusters import Cluster, EntityIndex
from storyline.nlp.identity.pronouns import PRONOUN_GENDER
from storyline.nlp.sentences import Sentences

if TYPE_CHECKING:
    from storyline.nlp.quotes import Finding

FIRST_PERSON = lexicon.word_class("first-singular") | lexicon.word_class("first-plural")
_GROUP_WORDS = frozenset({"two", "couple", "pair", "both", "duo"})
_RELATIVE = frozenset({"who", "whom", "that", "which", "whose"})
_NAME_PARTS = {"compound", "appos", "flat", "nmod"}
_MAX_GROUP_SENTENCES_BACK = 2


class Referents:
    """Token -> the entities it names, for one Doc."""

    def __init__(self, doc: Doc, index: EntityIndex, quotes: list[Finding], sentences: Sentences):
        self.doc = doc
        self.index = index
        self.sentences = sentences
        self.quotes = sorted(quotes, key=lambda q: q.start)
        in_quote = [-1] * len(doc)  # quoted words: the speaker's frame ("I" is the speaker)
        reported = [-1] * len(doc)  # also reported speech: "said he did not resign"
        for qi, q in enumerate(self.quotes):
            span = doc.char_span(q.start, q.end, alignment_mode="expand")
            for t in span or ():
                reported[t.i] = qi
                if q.kind != "indirect":
                    in_quote[t.i] = qi
        self.in_quote = in_quote
        self._reported = reported
        self._people = sorted(
            ((m.start, c) for c in index.clusters if c.type == "PERSON" for m in c.mentions),
            key=lambda mc: mc[0],
        )

    def quote_of(self, token: Token) -> Finding | None:
        """The quotation or reported statement `token` stands in, if any."""
        qi = self._reported[token.i]
        return self.quotes[qi] if qi >= 0 else None

    def of(self, token: Token, conjuncts: bool = True) -> list[Cluster]:
        """The entities `token` refers to, with those of its conjuncts ("Russell and Brett Ratner")."""
        out: list[Cluster] = []
        others = _conjuncts(token) if conjuncts else []
        for t in [token, *others]:
            for c in self._one(t):
                if c not in out:
                    out.append(c)
        described = all(
            t.pos_ == "NOUN" and any(d.lower_ == "the" for d in t.children) for t in [token, *others]
        )
        if not out and others and described and self._reciprocal_subject(token):
            # "The Grammy-nominated singer and the celebrity chef wed on Saturday": the couple
            return self._last_pair(token, self.sentences.index(token.i))
        return out

    @staticmethod
    def _reciprocal_subject(token: Token) -> bool:
        return token.dep_ == "nsubj" and token.head.lemma_ in _reciprocal()

    def _one(self, token: Token) -> list[Cluster]:
        low = token.lower_
        if low in FIRST_PERSON:
            qi = self.in_quote[token.i]
            quote = self.quotes[qi] if qi >= 0 else None
            if quote is None or quote.speaker is None:
                return []
            if low == "we" and self._reciprocal_subject(token):
                # "We met at a charity dinner," Brightman said: she and the partner the text paired her with
                pair = self._last_pair(token, self.sentences.index(token.i))
                if quote.speaker in pair:
                    return pair
            return [quote.speaker]
        if low in PRONOUN_GENDER:
            if self.in_quote[token.i] >= 0:
                return []  # "him" inside a quote: the speaker's frame, not ours to resolve
            hit = self.index.who(token)  # linked by the pronoun pass, or by the quote stage
            if hit is None and low == "they" and self._reciprocal_subject(token):
                return self._last_pair(token, self.sentences.index(token.i))  # "They met in 2017"
            return [hit] if hit is not None else []
        if low in _RELATIVE and token.head.dep_ == "relcl" and token.head.head.i != token.i:
            return self._one(token.head.head)  # "Smith, who resigned": Smith
        if low in _GROUP_WORDS and not self.index.at(token):
            return self.last_two_people(token)
        if token.is_upper and token.ent_type_ == "GPE" and token.i - self.sentences.of(token).start < 3:
            return []  # a dateline ("LONDON (Reuters) -"), not a participant
        hit = self.index.at(token)
        if hit is not None:
            return [hit[0]]
        if token.dep_ == "appos" and token.pos_ == "NOUN" and (name := self.index.at(token.head)):
            return [name[0]]  # "Kalief Browder, a 22-year-old man who ...": the man is Browder
        for child in token.children:  # "her ex Russell Simmons", "the couple's daughter Mia"
            if child.dep_ in _NAME_PARTS and child.i > token.i and self.index.at(child):
                return self.of(child)  # with its conjuncts: "two daughters Aoki ... and Ming ..."
        return []

    def last_two_people(self, token: Token) -> list[Cluster]:
        """ "the two", "the couple": the two people the text last paired nearby ("Vale, 38, and
        Quill, 41, married", "gave birth with husband Reid Marlow"), not a child named since
        ("share two children, daughter Poppy Quill"); else the two people named last before it."""
        here = self.sentences.index(token.i)
        paired = self._last_pair(token, here)
        if paired:
            return paired
        found: list[Cluster] = []
        for start, cluster in reversed(self._people):
            if start >= token.i:
                continue
            if here - self.sentences.index(start) > _MAX_GROUP_SENTENCES_BACK:
                break
            if cluster not in found:
                found.append(cluster)
            if len(found) == 2:
                return sorted(found, key=lambda c: c.index)
        return []

    def _last_pair(self, token: Token, here: int) -> list[Cluster]:
        """The last two people joined as a pair before `token`, within the group window: two
        conjoined names, or a name after a partner noun ("husband Reid Marlow") and the person
        named before it in its sentence."""
        partners = lexicon.word_class("partner-noun")
        kin = lexicon.word_class("kin")
        for start, cluster in reversed(self._people):
            if start >= token.i:
                continue
            if here - self.sentences.index(start) > _MAX_GROUP_SENTENCES_BACK:
                break
            head = self.doc[start]
            while head.dep_ in {"compound", "flat"} and head.head.i != head.i:
                head = head.head  # "Reid" of "Reid Marlow": the name's head word
            if self._after_partner_noun(head, kin - partners):
                continue  # "two children, daughter Poppy Quill, 8, and son Arlo Quill": not the couple
            other: Cluster | None = None
            if head.dep_ == "conj" and (hit := self.index.at(head.head)) and hit[0].type == "PERSON":
                other = hit[0]
            elif self._after_partner_noun(head, partners):
                lo = self.sentences.of(head).start
                before = [c for s, c in self._people if lo <= s < start and c is not cluster]
                other = before[-1] if before else None
            if other is not None and other is not cluster:
                return sorted([cluster, other], key=lambda c: c.index)
        return []

    @staticmethod
    def _after_partner_noun(head: Token, partners: frozenset[str]) -> bool:
        """ "husband Reid Marlow", "her husband, Reid Marlow": one of these nouns names the person."""
        if head.dep_ == "appos" and head.head.lower_ in partners:
            return True
        return any(c.dep_ == "compound" and c.lower_ in partners for c in head.children)


@cache
def _reciprocal() -> frozenset[str]:
    return lexicon.word_class("reciprocal", "verb_classes.tsv")


def _conjuncts(token: Token) -> list[Token]:
    out, stack = [], [c for c in token.children if c.dep_ == "conj"]
    while stack:
        t = stack.pop(0)
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ == "conj")
    return out
