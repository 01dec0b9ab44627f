"""Pronoun resolution by rules on the parse: no offline coreference model exists on PyPI.

News attribution pronouns ("she wrote", "he added") nearly always point at a person named shortly
before, outside the quotes, usually as a subject and often as the previous speaker. Genders come
from honorifics, given names and possessives bound to a subject ("Kimora defended her ex").
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc, Token

from storyline.nlp import lexicon
from storyline.nlp.entities import Cluster, EntityIndex
from storyline.nlp.sentences import Sentences

PRONOUN_GENDER = {
    "he": "m", "him": "m", "his": "m", "himself": "m",
    "she": "f", "her": "f", "hers": "f", "herself": "f",
    "they": "p", "them": "p", "their": "p", "themselves": "p",
}  # fmt: skip
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_GENDERED_POSSESSIVES = frozenset({"his", "her"})
_MAX_SENTENCES_BACK = 6


def assign_genders(doc: Doc, index: EntityIndex, in_quote: list[int]) -> None:
    names = lexicon.first_name_genders()
    titles = lexicon.honorifics()
    votes: dict[str, Counter[str]] = {c.id: Counter() for c in index.clusters if c.type == "PERSON"}
    people = {c.id: c for c in index.clusters if c.type == "PERSON"}
    for c in people.values():
        if c.name_tokens and c.name_tokens[0] in names:
            votes[c.id][names[c.name_tokens[0]]] += 1
        for m in c.mentions:
            before = doc[m.start - 1].text if m.start > 0 else ""
            if titles.get(before):
                votes[c.id][titles[before]] += 3
    for i in lexicon.positions(doc, _GENDERED_POSSESSIVES):
        token = doc[i]
        gender = PRONOUN_GENDER.get(token.lower_)
        if gender not in {"m", "f"} or token.dep_ != "poss" or in_quote[token.i] >= 0:
            continue
        verb = token.head
        while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
            verb = verb.head
        for child in verb.children:
            hit = index.at(child) if child.dep_ in _SUBJECT_DEPS else None
            if hit and hit[0].id in votes and child.i < token.i:
                votes[hit[0].id][gender] += 1
    for cid, counter in votes.items():
        if counter:
            (gender, n), *rest = counter.most_common()
            if not rest or n > rest[0][1]:
                people[cid].gender = gender


class PronounResolver:
    """Resolves a pronoun to the best earlier person (or, for "they", organisation)."""

    def __init__(self, doc: Doc, index: EntityIndex, in_quote: list[int], sentences: Sentences):
        self.doc = doc
        self.index = index
        self.in_quote = in_quote
        self.sentences = sentences
        self._mentions = sorted(
            ((m, c) for c in index.clusters for m in c.mentions if in_quote[m.start] < 0),
            key=lambda mc: mc[0].start,
        )

    def sentence_of(self, i: int) -> int:
        return self.sentences.index(i)

    def resolve(self, pronoun: Token, previous_speaker: Cluster | None = None) -> Cluster | None:
        gender = PRONOUN_GENDER.get(pronoun.lower_)
        if gender is None:
            return None
        here = self.sentence_of(pronoun.i)
        wanted = {"ORG", "NORP", "GPE"} if gender == "p" else {"PERSON"}
        best: tuple[float, Cluster] | None = None
        for mention, cluster in self._mentions:
            if mention.start >= pronoun.i:
                break
            distance = here - self.sentence_of(mention.start)
            if cluster.type not in wanted or distance > _MAX_SENTENCES_BACK:
                continue
            if cluster.gender and gender in {"m", "f"} and cluster.gender != gender:
                continue
            if distance == 0 and mention.root.head.i == pronoun.head.i:
                continue  # "Smith told him": not the pronoun's own clause-mate
            score = -1.0 * distance + (1.5 if mention.root.dep_ in _SUBJECT_DEPS else 0.0)
            score += 0.001 * mention.start  # the nearer of equals
            if previous_speaker is not None and cluster is previous_speaker:
                score += 2.0
            if best is None or score > best[0]:
                best = (score, cluster)
        if (
            best is None
            and previous_speaker is not None
            and gender != "p"
            and previous_speaker.gender in {None, gender}
        ):
            return previous_speaker
        return best[1] if best else None
