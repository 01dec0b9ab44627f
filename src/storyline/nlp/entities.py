"""In-document entities: spaCy's NER spans, mended, grouped into one entity per referent.

The small model's spans need mending ("Hollywood" inside "The Hollywood Reporter", "Def Jam
Recordings" as a person), and a name's short forms ("Russell", "Simmons") and descriptions ("the Def
Jam Recordings cofounder") must join the full name. A surname shared by two people ("Kimora married
Simmons") goes to the one who is not already in the sentence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from storyline.nlp import lexicon
from storyline.nlp.sentences import Sentences

LABELS = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "GPE",
    "LOC": "GPE",
    "FAC": "GPE",
    "NORP": "NORP",
    "WORK_OF_ART": "WORK",
    "PRODUCT": "OTHER",
    "EVENT": "OTHER",
    "LAW": "OTHER",
}
_POSSESSIVE = {"'s", "’s", "'", "’"}
_KIN_DEPS = {"appos", "conj", "compound"}
_ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "poss", "appos", "conj", "dative"}


@dataclass
class Cluster:
    """One referent: its mentions (token spans) and descriptions, and what we know of it."""

    index: int
    type: str
    mentions: list[Span] = field(default_factory=list)
    descriptions: list[Span] = field(default_factory=list)
    gender: str | None = None
    key: list[str] = field(default_factory=list)  # the name's words that short forms are matched on

    @property
    def id(self) -> str:
        return f"e{self.index}"

    @property
    def name(self) -> str:
        forms = [_name_text(m) for m in self.mentions]
        counts = Counter(forms)
        return max(forms, key=lambda f: (len(f.split()), counts[f], -forms.index(f)))

    @property
    def name_tokens(self) -> list[str]:
        return self.name.split()

    def aliases(self) -> list[str]:
        seen: dict[str, None] = {}
        for m in sorted(self.mentions, key=lambda m: m.start_char):
            seen.setdefault(_name_text(m), None)
        for d in self.descriptions:
            seen.setdefault(d.text, None)
        return list(seen)


def _name_text(span: Span) -> str:
    return " ".join(t.text for t in span if t.text not in _POSSESSIVE).replace(" !", "!")


class EntityIndex:
    """The entities of one Doc, with lookups by token for the quote and coreference stages."""

    def __init__(self, clusters: list[Cluster]):
        self.clusters = clusters
        self._by_token: dict[int, tuple[Cluster, Span]] = {}
        for c in clusters:
            for m in c.mentions + c.descriptions:
                for t in m:
                    self._by_token[t.i] = (c, m)

    def at(self, token: Token) -> tuple[Cluster, Span] | None:
        return self._by_token.get(token.i)

    def add(self, span: Span, type_: str) -> Cluster:
        """An entity found by a later stage (a speaker the NER missed, a channel's outlet): joins
        the one entity it names, if any ("Ruiz" after "Ana Ruiz"), else starts a new one."""
        key = _name_text(span).lower().removeprefix("the ")
        toks = _tokens(span)
        same = [c for c in self.clusters if c.name.lower().removeprefix("the ") == key]
        if not same and type_ == "PERSON":
            same = [c for c in self.clusters if c.type == "PERSON" and _joins(toks, c.key)]
        if len(same) == 1:
            c = same[0]
            c.mentions.append(span)
        else:
            c = Cluster(len(self.clusters) + 1, type_, [span], key=toks)
            self.clusters.append(c)
        for t in span:
            self._by_token[t.i] = (c, span)
        return c


# ---------------------------------------------------------------- mending spaCy's spans
def _mend(doc: Doc, ent: Span) -> Span | None:
    start, end = ent.start, ent.end
    while start < end and (doc[start].lower_ in {"the", "a", "an"} and doc[start].is_lower):
        start += 1
    while end > start and doc[end - 1].text in _POSSESSIVE:
        end -= 1
    if end - start > 2 and doc[start].lower_ in lexicon.word_list("person_nouns.txt"):
        start += 1  # "Architect Sofia Lindqvist": the role is not part of the name
    if ent.label_ == "PERSON" and end - start > 1 and lexicon.cue_verbs().get(doc[start].text):
        start += 1  # "Continued Stone:": a sentence-initial cue verb is not part of the name
    org_words = lexicon.word_list("org_words.txt")
    # "The Hollywood Reporter": spaCy found "Hollywood"; take the capitalised words that follow
    # when they are the head of the name, and a capitalised "The" before it mid-sentence.
    while (
        end < len(doc)
        and doc[end].is_title
        and doc[end].pos_ in {"PROPN", "NOUN"}
        and (doc[end - 1].head.i == end or doc[end].text in org_words)
    ):
        end += 1
    if (
        start > 0
        and doc[start - 1].text == "The"
        and not doc[start - 1].is_sent_start
        and doc[end - 1].text in org_words
    ):
        start -= 1
    if start >= end:
        return None
    return doc[start:end]


def _type_of(span: Span, label: str) -> str:
    org_words = lexicon.word_list("org_words.txt")
    person_nouns = lexicon.word_list("person_nouns.txt")
    last = span[-1]
    if last.text in org_words and label in {"PERSON", "GPE", "WORK"}:
        return "ORG"
    if label in {"ORG", "GPE", "NORP", "OTHER"} and last.text not in org_words:
        # "two daughters Aoki Lee Simons", "his wife, Jane Doe": a name right after, or in
        # apposition to, a person noun is a person
        before = span.doc[span.start - 1] if span.start > 0 else None
        if before is not None and before.text == "," and span.start > 1:
            before = span.doc[span.start - 2]
        if before is not None and before.lower_ in person_nouns:
            return "PERSON"
        head = span.root
        hops = 0
        while head.dep_ in _KIN_DEPS and head.head.i != head.i and hops < 3:
            head = head.head
            hops += 1
            if head.lower_ in person_nouns:
                return "PERSON"
    return label


def _person_like(span: Span, person_words: set[str]) -> bool:
    """ "Nadia Farouk" tagged ORG, while "Farouk" alone is tagged PERSON, or a given name leads it."""
    toks = [t for t in span if t.text not in _POSSESSIVE]
    if not 2 <= len(toks) <= 3 or not all(t.pos_ == "PROPN" and t.is_title for t in toks):
        return False
    if toks[-1].text in lexicon.word_list("org_words.txt"):
        return False
    return toks[-1].text in person_words or toks[0].text in lexicon.first_name_genders()


def _candidate_spans(doc: Doc) -> list[tuple[Span, str]]:
    person_words = {t.text for e in doc.ents if e.label_ == "PERSON" for t in e}
    out: list[tuple[Span, str]] = []
    taken: set[int] = set()
    for ent in doc.ents:
        label = LABELS.get(ent.label_)
        if label is None:
            continue
        span = _mend(doc, ent)
        if span is None or any(t.i in taken for t in span):
            continue
        if not any(t.is_alpha and (t.is_title or t.is_upper) for t in span):
            continue
        taken.update(t.i for t in span)
        type_ = _type_of(span, label)
        if type_ in {"ORG", "GPE", "OTHER"} and _person_like(span, person_words):
            type_ = "PERSON"
        out.append((span, type_))
    return out


# ---------------------------------------------------------------- grouping mentions
def _tokens(span: Span) -> list[str]:
    honor = lexicon.honorifics()
    return [t.text for t in span if t.text not in _POSSESSIVE and t.text not in honor]


def _joins(short: list[str], full: list[str]) -> bool:
    """Is `short` a short form of the person name `full` ("Russell", "Simmons", "Lee Simmons")?"""
    if not short or len(short) >= len(full) and short != full:
        return False
    if short == full:
        return True
    if len(short) == 1:
        return short[0] in (full[0], full[-1])
    return full[-len(short) :] == short or full[: len(short)] == short


def build_entities(doc: Doc) -> EntityIndex:
    spans = _candidate_spans(doc)
    clusters: list[Cluster] = []
    ambiguous: list[tuple[Span, list[Cluster]]] = []
    # Longest names first, so that short forms find the full name whatever their order in the text.
    for span, type_ in sorted(spans, key=lambda st: (-len(_tokens(st[0])), st[0].start)):
        toks = _tokens(span)
        people = [c for c in clusters if c.type == "PERSON"]
        if type_ == "PERSON":
            matches = [c for c in people if _joins(toks, c.key)]
        elif (
            len(toks) == 1
            and span.root.dep_ in _ARGUMENT_DEPS
            and (matches := [c for c in people if _joins(toks, c.key)])
        ):
            pass  # "Kimora married Simmons", "Kimora" tagged as a place: a person's name as an argument
        else:
            key = " ".join(toks).lower()
            matches = [c for c in clusters if c.type == type_ and " ".join(c.key).lower() == key]
        if not matches:  # "Castellan's chief executive" after "Castellan Box Co.": the company
            matches = [
                c
                for c in clusters
                if c.type == "ORG" and len(c.key) > len(toks) and c.key[: len(toks)] == toks
            ]
        if len(matches) == 1:
            matches[0].mentions.append(span)
        elif matches:
            ambiguous.append((span, matches))
        else:
            clusters.append(Cluster(len(clusters) + 1, type_, [span], key=toks))
    ambiguous += _missed_name_parts(doc, clusters, spans)
    sentences = Sentences(doc)
    for span, matches in ambiguous:
        _choose(span, matches, sentences).mentions.append(span)
    for c in clusters:
        c.mentions.sort(key=lambda m: m.start)
    index = EntityIndex(clusters)
    _add_descriptions(doc, index)
    return index


def _missed_name_parts(doc: Doc, clusters: list[Cluster], spans: list[tuple[Span, str]]) -> list:
    """Proper nouns the NER passed over that repeat a known person's given name or surname."""
    parts: dict[str, list[Cluster]] = {}
    for c in clusters:
        toks = c.key if c.type == "PERSON" else []
        if len(toks) >= 2:
            for part in {toks[0], toks[-1]}:
                parts.setdefault(part, []).append(c)
    taken = {t.i for span, _ in spans for t in span}
    out: list[tuple[Span, list[Cluster]]] = []
    for token in doc:
        if (
            token.pos_ == "PROPN"
            and token.i not in taken
            and token.text in parts
            and token.dep_ != "compound"
        ):
            out.append((doc[token.i : token.i + 1], parts[token.text]))
    return out


def _choose(span: Span, candidates: list[Cluster], sentences: Sentences) -> Cluster:
    """A surname shared by several people: not the one already named in this sentence, else the
    one the article names most."""
    here = sentences.index(span.start)

    def named_here(c: Cluster) -> bool:
        return any(sentences.index(m.start) == here and m.start != span.start for m in c.mentions)

    others = [c for c in candidates if not named_here(c)]
    pool = others or candidates
    return max(pool, key=lambda c: (len(c.mentions), -c.mentions[0].start))


# ---------------------------------------------------------------- descriptions
def _add_descriptions(doc: Doc, index: EntityIndex) -> None:
    """ "the Def Jam Recordings cofounder": a definite description of a person joins the person
    it is in apposition to, else the most-mentioned person who is not named in its sentence."""
    person_nouns = lexicon.word_list("person_nouns.txt")
    people = [c for c in index.clusters if c.type == "PERSON"]
    if not people:
        return
    for token in doc:
        if token.lower_ not in person_nouns or token.pos_ != "NOUN" or token.tag_ in {"NNS", "NNPS"}:
            continue
        left = token.left_edge
        if left.lower_ != "the" or any(t.dep_ == "poss" for t in token.children):
            continue
        if token.i + 1 < len(doc) and index.at(doc[token.i + 1]):
            continue  # "the cofounder Russell Simmons": the name is the mention
        if index.at(token):
            continue
        span = doc[left.i : token.i + 1]
        if any(t.pos_ == "PRON" or t.like_num for t in span):
            continue
        target = None
        if token.dep_ == "appos" and index.at(token.head):
            target = index.at(token.head)[0]
        for child in token.children:
            if child.dep_ == "appos" and index.at(child):
                target = index.at(child)[0]
        if target is None:
            target = _titled(token, doc, people) or _described(token, index, people)
            if target is None:
                continue
        target.descriptions.append(span)
        for t in span:
            index._by_token.setdefault(t.i, (target, span))


def _titled(token: Token, doc: Doc, people: list[Cluster]) -> Cluster | None:
    """The one person the article gives this noun as a title ("the judge" after "Judge Miriam
    Holloway", "the district attorney" after "District Attorney Leon Barros")."""
    word = token.lower_
    titled = [
        c
        for c in people
        if any(
            m.start < token.i
            and (any(t.lower_ == word for t in m) or (m.start > 0 and doc[m.start - 1].lower_ == word))
            for m in c.mentions
        )
    ]
    return titled[0] if len(titled) == 1 else None


def _described(token: Token, index: EntityIndex, people: list[Cluster]) -> Cluster | None:
    """The person a free description refers to: named before it, not the subject of its own
    clause ("Jarosik filed a lawsuit against the music model" is not Jarosik), the most mentioned."""
    verb = token.head
    while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
        verb = verb.head
    subjects = {index.at(c)[0].id for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"} and index.at(c)}
    pool = [c for c in people if c.id not in subjects and c.mentions[0].start < token.i]
    return max(pool, key=lambda c: len(c.mentions), default=None)
