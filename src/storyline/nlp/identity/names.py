"""Name mentions: spaCy's NER spans, mended and typed, with what is not an entity left out.

The small model's spans need mending ("Hollywood" inside "The Hollywood Reporter", "Def Jam
Recordings" as a person), and some spans name nobody: headline fragments ("Anti-Trump Groups
Launch Ads"), markup, bare job titles ("FBI Director"). Those are dropped here, before any pass
links a mention to them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

from spacy.attrs import ENT_TYPE, IS_UPPER, ORTH, POS, SENT_START
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token

from storyline.nlp import lexicon
from storyline.nlp.identity.clusters import POSSESSIVE
from storyline.nlp.sentences import text_of

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
_KIN_DEPS = {"appos", "conj", "compound"}
_ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj", "poss", "dative"}
_MARKUP = re.compile(r"[<>=@#{}\[\]|_*/]|https?:|www\.")
_VERB_TAGS = {"VBZ", "VBP", "VBD"}


def _hyphened(doc: Doc, k: int) -> bool:
    """Whether token k is joined to the word before it by a hyphen without spaces ("Ki-moon")."""
    return k >= 2 and doc[k - 1].text == "-" and not doc[k - 2].whitespace_ and not doc[k - 1].whitespace_


def _mend(doc: Doc, ent: Span) -> Span | None:
    start, end = ent.start, ent.end
    while (
        start < end
        and doc[start].lower_ in {"the", "a", "an"}
        and (
            doc[start].is_lower
            or (doc[start].is_sent_start and ent.label_ != "WORK_OF_ART" and end - start > 1)
        )
    ):
        start += 1  # "The ACLU said" opens a sentence; "for The Hollywood Reporter" keeps its "The"
    while end > start and (
        doc[end - 1].lower_ in POSSESSIVE or doc[end - 1].is_punct or doc[end - 1].is_space
    ):
        end -= 1  # "Marco Rubio :", "OBAMA 'S"
    while start < end and (
        doc[start].is_punct
        or doc[start].is_space
        or (doc[start].is_lower and doc[start].lower_ not in lexicon.word_class("particle"))
    ):
        start += 1  # "of International Relations": a word before the name
    if ent.label_ == "PERSON":
        for k in range(start + 1, end):
            if (
                doc[k].is_lower
                and doc[k].is_alpha
                and doc[k].lower_ not in lexicon.word_class("particle")
                and not (_hyphened(doc, k) and not doc[k].tag_.startswith("VB"))
            ):
                end = k  # "Rocky spots Natasha": a verb ends the name ("Ban Ki-moon" keeps its "moon",
                # not "Jeb Bush-spent $100 million" its "spent")
                break
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1  # "Donald Trump - and": the dash before the verb is not the name's either
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
    if ent.label_ in {"NORP", "ORG", "GPE"}:
        while end - start > 1 and doc[end - 1].text in lexicon.honorifics():
            end -= 1  # "Democratic Sen.": the party, then a title of the name that follows
    if start >= end:
        return None
    return doc[start:end]


def _type_of(span: Span, label: str) -> str:
    org_words = lexicon.word_list("org_words.txt")
    person_nouns = lexicon.word_list("person_nouns.txt")
    last = span[-1]
    if span[0].text in lexicon.word_list("platforms.txt"):
        return "ORG"  # "Twitter", "Twitter junkie": a platform is never a person
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
            if head.lower_ in person_nouns and head.i < span.start:
                return "PERSON"  # not "the Vermont senator": there the place modifies the noun
    return label


def _person_like(span: Span, person_words: set[str]) -> bool:
    """ "Nadia Farouk" tagged ORG, while "Farouk" alone is tagged PERSON, or a given name leads it."""
    toks = [t for t in span if t.text not in POSSESSIVE]
    if not 2 <= len(toks) <= 3 or not all(t.pos_ == "PROPN" and t.is_title for t in toks):
        return False
    if toks[-1].text in lexicon.word_list("org_words.txt"):
        return False
    return toks[-1].text in person_words or toks[0].text in lexicon.first_name_genders()


_ROMAN = re.compile(r"(?:X{0,3})(?:IX|IV|V?I{0,3})")


def _person_evidence(span: Span, spacy_label: str) -> bool:
    """A name the NER typed as an organisation, place or work that the text shows is a person:
    an honorific before it or inside it ("Mr Corby", "Crown Princess Victoria"), a regnal number
    after a given name ("Oscar II"), a family noun it owns ("Diane's granddaughter"), a person noun
    in apposition or as its predicate ("Watts, a singer"; "Geller was a chess player"), or a verb
    only people are the subject of ("Alleway was born", "married")."""
    doc = span.doc
    if span[-1].text in lexicon.word_list("org_words.txt"):
        return False
    titles = lexicon.honorifics()
    if span.start > 0 and doc[span.start - 1].text in titles and doc[span.start - 1].is_title:
        return True
    if any(t.text in titles for t in span[:-1]):
        return True
    names = lexicon.first_name_genders()
    if len(span) >= 2 and span[0].text in names and _ROMAN.fullmatch(span[1].text):
        return True
    if spacy_label in {"GPE", "LOC"}:
        return False  # "Georgia's governor", "Texas was born of ...": a place keeps its type
    root = span.root
    person_nouns = lexicon.word_list("person_nouns.txt")
    if root.dep_ == "poss" and root.head.lemma_ in lexicon.word_class("kin"):
        return True
    if any(c.dep_ == "appos" and c.lemma_ in person_nouns for c in root.children):
        return True
    head = root.head
    if root.dep_ in {"nsubj", "nsubjpass"}:
        if {head.lemma_, head.lower_} & lexicon.word_class("person-verb"):
            return True
        if head.lemma_ == "be" and any(c.dep_ == "attr" and c.lemma_ in person_nouns for c in head.children):
            return True
    return False


def _not_an_entity(span: Span, type_: str) -> bool:
    """Spans the NER tags that name nobody: markup, headline fragments, bare job titles."""
    text = span.text
    if _MARKUP.search(text) or ":" in text or any(t.like_num and not t.is_alpha for t in span):
        return True  # 'datetime="2015-12-02">POSSIBLE SUSPECT', "AP-GfK Poll: Voters"
    words = [t for t in span if t.is_alpha]
    if not words:
        return True
    if (
        type_ in {"PERSON", "ORG"}
        and len(words) >= 3
        and any(t.tag_ in _VERB_TAGS and t.is_title for t in words[1:])
    ):
        return True  # "Anti-Trump Groups Launch Ads": a headline, not a name
    person_nouns = lexicon.word_list("person_nouns.txt")
    last = words[-1]
    org_words = lexicon.word_list("org_words.txt")
    if type_ == "ORG" and len(words) >= 2 and last.lower_ in person_nouns and last.text not in org_words:
        return True  # "FBI Director", "CIA Director": a role, not an organisation
    # "President", "Chairman" alone
    return type_ in {"PERSON", "ORG"} and all(t.lower_ in person_nouns for t in words)


class _Headlines:
    """The lines written in title case (a headline, a subhead), where capitals are no cue to a name;
    by line, as the parser may cut a headline into sentences. Read from the text once (linear)."""

    def __init__(self, text: str):
        self.spans: list[tuple[int, int]] = []
        for line in _LINE.finditer(text):
            words = _WORD.findall(line.group())
            if len(words) >= 5 and sum(w[0].isupper() for w in words) >= 0.8 * len(words):
                self.spans.append(line.span())
        self.starts = [start for start, _ in self.spans]

    def __contains__(self, span: Span) -> bool:
        k = bisect_right(self.starts, span.start_char) - 1
        return k >= 0 and span.start_char < self.spans[k][1]


_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _trim_to_known_name(span: Span, label: str, known: set[str], headlines: _Headlines) -> Span:
    """ "Clinton Hid Past Health Problems From Public": in a title-case headline the NER runs a name
    on into the words after it ("Warren Hid"); the span is cut to its longest first words that the
    article names elsewhere (a name, or a full name's surname), when there are any. Not an
    organisation's name ("Clinton Foundation Donors"): only a span the NER called a person."""
    if len(span) < 2 or span.text in known or span not in headlines:
        return span
    if label != "PERSON" or span[-1].text in lexicon.word_list("org_words.txt"):
        return span
    for end in range(span.end - 1, span.start, -1):
        if span.doc[span.start : end].text in known:
            return span.doc[span.start : end]
    return span


def _family(span: Span, full_surnames: set[str]) -> bool:
    """ "the Clintons", "the Obamas": a surname made plural names a family, several people, never
    one of them; only when the article names someone of that surname in full (`full_surnames`:
    the last words of the multi-word PERSON spans)."""
    doc = span.doc
    if len(span) != 1 or span.start == 0 or doc[span.start - 1].lower_ != "the":
        return False
    word = span[0].text
    return any(word.endswith(end) and word[: -len(end)] in full_surnames for end in ("es", "s"))


def _pair_of_people(span: Span, last_words: dict[str, set[tuple[int, int]]]) -> bool:
    """ "the Obama-Clinton foreign policy": two people's surnames hyphened into a modifier name
    neither of them; a double-barrelled surname ("Eva Resnick-Day") is not two people named apart.
    `last_words`: the last word of each PERSON span, to the spans' (start, end)."""
    if len(span) != 3 or not _hyphened(span.doc, span.start + 2):
        return False
    own = {(span.start, span.end)}
    return all(last_words.get(span[i].text, set()) - own for i in (0, 2))


def _split_possessives(doc: Doc) -> list[Span]:
    """ "The Beatles' Apple Corps", "Apple Computer's Mac OS X": a possessive inside an NER span
    separates two names, the owner and what it owns."""
    out: list[Span] = []
    for ent in doc.ents:
        start = ent.start
        for t in ent:
            if t.lower_ in POSSESSIVE and t.i > start and t.i + 1 < ent.end:
                out.append(Span(doc, start, t.i, label=ent.label_))
                start = t.i + 1
        out.append(Span(doc, start, ent.end, label=ent.label_) if start != ent.start else ent)
    return out


def candidate_spans(doc: Doc) -> list[tuple[Span, str]]:
    """Every name mention of the article with its type, in text order."""
    persons = [e for e in doc.ents if e.label_ == "PERSON"]
    person_words = {t.text for e in persons for t in e}
    full_surnames = {e[-1].text for e in persons if len(e) >= 2}
    last_words: dict[str, set[tuple[int, int]]] = {}
    for e in persons:
        last_words.setdefault(e[-1].text, set()).add((e.start, e.end))
    headlines = _Headlines(text_of(doc))
    in_prose = [e for e in persons if e not in headlines]
    known = {e.text for e in in_prose} | {e[-1].text for e in in_prose if len(e) >= 2}
    out: list[tuple[Span, str]] = []
    taken: set[int] = set()
    for ent in _split_possessives(doc):
        label = LABELS.get(ent.label_)
        if label is None:
            continue
        span = _mend(doc, ent)
        if span is not None:
            span = _trim_to_known_name(_given_name_before(span, taken), ent.label_, known, headlines)
        if span is None or any(t.i in taken for t in span):
            continue
        if not any(t.is_alpha and t.text[:1].isupper() for t in span):
            continue  # a capital opens a name: "NASA", "Payne", "McCain" (whose is_title is False)
        type_ = _type_of(span, label)
        if type_ == "NORP" and len(span) == 1 and span.text in lexicon.parties():
            type_ = "ORG"  # "Republican Sen. Lindsey Graham": the party, an organisation
        if type_ in {"ORG", "GPE", "OTHER", "WORK"} and (
            _person_like(span, person_words) or _person_evidence(span, ent.label_)
        ):
            type_ = "PERSON"
        if _not_an_entity(span, type_) or (
            type_ == "PERSON" and (_family(span, full_surnames) or _pair_of_people(span, last_words))
        ):
            continue
        taken.update(t.i for t in span)
        out.append((span, type_))
    out += _untagged_given_names(doc, taken)
    out += _conjoined_with_people(doc, out, taken)
    out += _untagged_organisations(doc, taken, headlines)
    out.sort(key=lambda st: st[0].start)
    # one name, one type: "Geller" shown to be a person once is a person wherever it is written
    people = {span.text for span, type_ in out if type_ == "PERSON"}
    return [
        (span, "PERSON" if type_ in {"ORG", "GPE", "OTHER", "WORK"} and span.text in people else type_)
        for span, type_ in out
    ]


@cache
def _english_words() -> frozenset[str]:
    """The lower-case words of the model's lemmatiser index (WordNet's nouns, verbs, adjectives and
    adverbs, common place and given names among them): a capitalised word at a sentence's start
    that is none of them has its capital from being a name, not from the sentence."""
    from storyline.nlp import pipeline  # the loaded model (cached); pipeline imports this module

    index = pipeline.load().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(w for pos in ("noun", "verb", "adj", "adv") for w in index.get(pos, []))


@cache
def _given_names() -> frozenset[str]:
    return frozenset(lexicon.first_name_genders())


def sentence_opening_name(token: Token) -> bool:
    """A capitalised word opening its sentence that is no English word, whatever the tagger made
    of it ("Ritchie rewards her. Ellen catches the eye of ...": an adjective to the tagger)."""
    return token.is_sent_start and _capitalised(token) and token.lower_ not in _english_words()


def _untagged(token: Token, taken: set[int]) -> bool:
    """A capitalised proper noun that the NER gave no label and no name holds."""
    return token.pos_ == "PROPN" and _capitalised(token) and not token.ent_type_ and token.i not in taken


def _given_name_before(span: Span, taken: set[int]) -> Span:
    """ "Wilhelmina Vautrin" of which the NER found "Vautrin": an untagged given name just before a
    name is its first word."""
    k = span.start - 1
    if (
        k >= 0
        and span[0].pos_ == "PROPN"
        and _untagged(span.doc[k], taken)
        and span.doc[k].text in _given_names()
    ):
        return span.doc[k : span.end]
    return span


def _untagged_given_names(doc: Doc, taken: set[int]) -> list[tuple[Span, str]]:
    """A proper noun the NER passed over that is a common given name ("Isabel", "Suzanne"), with
    the untagged proper nouns after it ("Isabel Marquand"), when it is not part of another name."""
    out: list[tuple[Span, str]] = []
    for i in lexicon.positions(doc, _given_names(), attr="orth"):
        token = doc[i]
        if not _untagged(token, taken) or not token.is_title:
            continue
        if i > 0 and doc[i - 1].pos_ == "PROPN" and _capitalised(doc[i - 1]):
            continue
        end = i + 1
        while end < min(len(doc), i + 3) and _untagged(doc[end], taken):
            end += 1
        if end < len(doc) and doc[end].pos_ == "PROPN":
            continue  # "Victoria Station", "Isabel Allende" split by the NER
        if end == i + 1 and token.dep_ == "compound":
            continue
        out.append((doc[i:end], "PERSON"))
    return out


def _conjoined_with_people(
    doc: Doc, found: list[tuple[Span, str]], taken: set[int]
) -> list[tuple[Span, str]]:
    """ "Lola Brightman and Teo Almasy are husband and wife": two or three untagged capitalised
    proper nouns conjoined to a person's full name are a person's name too."""
    out: list[tuple[Span, str]] = []
    for span, type_ in found:
        if type_ != "PERSON" or len(span) < 2:
            continue
        for conj in (c for c in span.root.children if c.dep_ == "conj"):
            words = [t for t in conj.lefts if t.dep_ == "compound" and t.i >= conj.i - 2] + [conj]
            run = doc[words[0].i : conj.i + 1]
            if (
                2 <= len(run) <= 3
                and all(_untagged(t, taken) and t.is_title for t in run)
                and not any(t.text in lexicon.word_list("org_words.txt") for t in run)
            ):
                taken.update(t.i for t in run)
                out.append((run, "PERSON"))
    return out


def _untagged_organisations(doc: Doc, taken: set[int], headlines: _Headlines) -> list[tuple[Span, str]]:
    """ "resigned from the California State Senate": two to five untagged capitalised proper nouns
    the NER passed over that end in an organisation's word are an organisation (not in a
    title-case headline, where every word has a capital)."""
    org_words = lexicon.word_list("org_words.txt")
    out: list[tuple[Span, str]] = []
    i = 0
    while i < len(doc):
        if not (_untagged(doc[i], taken) and doc[i].is_title):
            i += 1
            continue
        end = i
        while end < len(doc) and end - i < 5 and _untagged(doc[end], taken) and doc[end].is_title:
            end += 1
        run = doc[i:end]
        if len(run) >= 2 and run[-1].text in org_words and run not in headlines and not run[0].is_sent_start:
            taken.update(t.i for t in run)
            out.append((run, "ORG"))
        i = end
    return out


def _capitalised(token: Token) -> bool:
    """Written with a capital and not in capitals: "Payne", "McCain", "O'Neill", not "NASA"."""
    return token.text[:1].isupper() and not token.is_upper


def person_shaped(span: Span) -> bool:
    """Whether a name the NER typed as an organisation, place or work, or passed over, is written
    as a person's may be: one or two capitalised proper nouns ("Payne", "Kane Cleal"), no
    organisation word, no article, not an acronym, and not the object of a preposition of place
    ("in Denver") or a modifier of another noun ("the Denver office")."""
    words = [t for t in span if not t.is_punct]
    if not all(t.pos_ == "PROPN" and _capitalised(t) for t in words):
        return False
    if len(words) != 1 and not (len(words) == 2 and words[0].text in _given_names()):
        return False  # "Goldman Sachs", "Capitol Hill": two words are a person's with a given name
    if words[-1].tag_ == "NNPS" or words[-1].text in lexicon.word_list("org_words.txt"):
        return False
    if span[0].text in lexicon.word_list("platforms.txt") | lexicon.word_list("media.txt"):
        return False
    doc = span.doc
    if span.start > 0 and doc[span.start - 1].lower_ in {"the", "a", "an"}:
        return False
    root = span.root
    if root.dep_ in {"compound", "nmod", "amod"}:
        return False
    if (
        root.ent_type_ in {"GPE", "LOC", "FAC"}
        and root.text not in lexicon.first_name_genders()
        and span[0].is_sent_start
    ):
        # "Denver was cold": a place the NER knows stays one where it opens its sentence, unless it
        # is a given name; mid-sentence ("Following ..., Sharapova was elevated to No. 1") it may be
        # a person's surname (the small model types women's names as places more often than men's)
        return False
    if root.dep_ == "pobj" and root.head.head.pos_ not in {"VERB", "AUX"}:
        return False  # "the annexation of Crimea": a noun's complement, more often a thing's name
    return not (root.dep_ == "pobj" and root.head.lower_ in lexicon.word_class("place-preposition"))


def unnamed_proper_nouns(doc: Doc, taken: set[int]) -> list[Span]:
    """Runs of capitalised proper nouns the NER gave no label ("Robles was sentenced"), outside
    every name, that are `person_shaped`."""
    out: list[Span] = []
    if not len(doc):
        return out
    # read from the Doc's attribute arrays, a Token made only for a run of proper nouns: the
    # pronoun passes call this twice an article, and a walk over every Token cost 3 ms
    pos, ent_type, sent_start, upper, orth = doc.to_array(
        [POS, ENT_TYPE, SENT_START, IS_UPPER, ORTH]
    ).T.tolist()
    strings = doc.vocab.strings
    capital = {o: strings[o][:1].isupper() for o in set(orth)}
    capitalised = [capital[o] and not u for o, u in zip(orth, upper, strict=True)]
    mid_sentence = {strings[o] for o, c, s in zip(orth, capitalised, sent_start, strict=True) if c and s != 1}
    untagged = [
        p == PROPN and c and not e and i not in taken
        for i, (p, c, e) in enumerate(zip(pos, capitalised, ent_type, strict=True))
    ]
    i = 0
    while i < len(doc):
        if not untagged[i]:
            i += 1
            continue
        end = i + 1
        while end < len(doc) and untagged[end]:
            end += 1
        t, span = doc[i], doc[i:end]
        if span.root.dep_ not in _ARGUMENT_DEPS:
            pass  # "Fill in the gaps": a verb the tagger took for a name
        elif t.is_sent_start and t.text not in mid_sentence and t.lower_ in _english_words():
            # "Immigration, his signature issue, ...": a capital the sentence gave a word; not
            # "Hartwig began as a secretary", no English word
            pass
        elif end not in taken and (i == 0 or i - 1 not in taken) and person_shaped(span):
            out.append(span)
        i = end
    return out
