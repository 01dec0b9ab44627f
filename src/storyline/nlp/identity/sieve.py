"""Within one article, mentions linked to entities by a deterministic multi-pass sieve.

The passes run from the most precise to the least, each using every link the earlier ones made
(the design of Stanford's CoNLL-2011 sieve):

1. names: exact names, defined acronyms ("the American Civil Liberties Union, or ACLU") and short
   forms of a full name ("Rubio", "Marco" after "Marco Rubio"); a surname shared by two people
   goes to the one not already named in its sentence, an honorific's gender deciding; a birth
   name or a name someone is "known as" joins the other name ("Hall was born Shirley Grossman");
2. a role written before a name ("Apple CEO Steve Jobs", "FBI Director James Comey");
3. appositions and predicate nominatives: "X, the chairman"; "the chairman, X"; "X is the
   chairman" (not in quotations, reported claims or lists);
4. titles matched to roles: "the Florida senator" after "Sen. Marco Rubio", when the article gives
   that role to one person only and nobody of unknown role was named in between in the sentence
   (or the one before, for a title with a place the holder was not given: "the Florida senator");
   else, for a description that is an object, the sentence's one other object that is a person;
5. organisation descriptions: "the company" is the organisation named nearest before it (one
   whose name holds the noun first: "the bank" after "the World Bank");
6. pronouns (`pronouns.py`, after the quote stage, which links the pronouns it attributes quotes to).

A description that no pass links with evidence stays unlinked: a wrong link would move its quotes
and events to the wrong person, which is worse than leaving them unresolved.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
from spacy.attrs import DEP
from spacy.tokens import Doc, Span, Token

from storyline.nlp import lexicon
from storyline.nlp.identity.clusters import Cluster, EntityIndex, key_words, name_text, short_form_of
from storyline.nlp.identity.names import candidate_spans, sentence_opening_name
from storyline.nlp.identity.pronouns import gendered_nouns
from storyline.nlp.marks import quote_layout
from storyline.nlp.sentences import Sentences, sentences_of

_ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "poss", "appos", "conj", "dative"}
_ACRONYM = re.compile(r"[A-Z][A-Za-z&]{1,7}")
_INITIAL_SKIP = lexicon.word_class("initials-skip")
_ORG_SENTENCES_BACK = 2
_ALIAS_VERBS = lexicon.word_class("alias-verb")
_BIRTH_NAME_MARKS = lexicon.word_class("birth-name-mark")


@cache
def title_roles() -> dict[str, frozenset[str]]:
    """Title before a name -> the role nouns that describe its bearer (rules/titles.tsv)."""
    return {title: frozenset(roles.split()) for title, roles in lexicon.table("titles.tsv")}


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w.lower() not in _INITIAL_SKIP and w[:1].isupper())


# ---------------------------------------------------------------- pass 1: names
def _acronyms(doc: Doc, spans: list[tuple[Span, str]]) -> dict[int, Span]:
    """Acronyms the article defines: span start of the long form -> the acronym's span.
    "the World Health Organization (WHO)", "the American Civil Liberties Union, or ACLU"."""
    out: dict[int, Span] = {}
    for span, type_ in spans:
        if type_ != "ORG" or len(span) < 2:
            continue
        i = span.end
        if i + 2 < len(doc) and doc[i].text == "(" and doc[i + 2].text == ")":
            cand = doc[i + 1]
        elif i + 2 < len(doc) and doc[i].text == "," and doc[i + 1].lower_ == "or":
            cand = doc[i + 2]
        else:
            continue
        if (
            cand.is_upper
            and _ACRONYM.fullmatch(cand.text)
            and cand.text.upper() == _initials(key_words(span)).upper()
        ):
            out[span.start] = doc[cand.i : cand.i + 1]
    return out


def _name_pass(doc: Doc, spans: list[tuple[Span, str]]) -> list[Cluster]:
    clusters: list[Cluster] = []
    ambiguous: list[tuple[Span, list[Cluster]]] = []
    defined = _acronyms(doc, spans)
    acronym_starts = {a.start for a in defined.values()}
    spans = [(s, t) for s, t in spans if s.start not in acronym_starts or len(s) > 1]
    # Longest names first, so that short forms find the full name whatever their order in the text.
    keyed = [(span, type_, key_words(span)) for span, type_ in spans]
    # Among short forms of one length, those an honorific genders first: "Mr. Obama" becomes his own
    # entity beside "Michelle Obama" before an ungendered "President Obama" chooses between them.
    order = sorted(keyed, key=lambda stk: (-len(stk[2]), _honorific_gender(stk[0]) is None, stk[0].start))
    for span, type_, toks in order:
        text_key = name_text(span).lower().removeprefix("the ")
        people = [c for c in clusters if c.type == "PERSON"]
        matches = [
            c
            for c in clusters
            if text_key in c.alias_keys
            and c.type == type_
            and not (type_ == "PERSON" and _other_gender(span, c))
        ]
        party = lexicon.parties().get(name_text(span)) if type_ == "ORG" else None
        if party:  # "Republican" is the party, not the "Republican National Committee" named before
            matches = [c for c in clusters if c.type == "ORG" and party.lower() in c.alias_keys]
            if not matches:
                clusters.append(_party_cluster(len(clusters) + 1, span, text_key, party))
                continue
        elif matches:
            pass
        elif type_ == "PERSON":
            matches = [c for c in people if short_form_of(toks, c.key) and not _other_gender(span, c)]
        elif (
            len(toks) == 1
            and _argument(span.root)
            and (matches := [c for c in people if short_form_of(toks, c.key)])
        ):
            pass  # "Kimora married Simmons", "Kimora" tagged as a place: a person's name as an argument
        else:
            key = " ".join(toks).lower()
            matches = [c for c in clusters if c.type == type_ and " ".join(c.key).lower() == key]
        if not matches and toks:  # "Castellan's chief executive" after "Castellan Box Co.": the company
            tails = lexicon.word_list("org_words.txt")
            matches = [
                c
                for c in clusters
                if c.type == "ORG"
                and len(c.key) > len(toks)
                and c.key[: len(toks)] == toks
                # a short form follows the full name ("Solano Air ... Solano"), or the full name ends
                # in a legal or descriptive tail ("Apple Inc."): not "Apple ... Apple Stores"
                and (c.key[-1] in tails or min(m.start for m in c.mentions) < span.start)
                and not (c.key[-1].endswith("s") and c.key[-1] not in tails)
            ]
        if len(matches) == 1:
            matches[0].mentions.append(span)
            matches[0].alias_keys.add(text_key)
        elif matches:
            ambiguous.append((span, matches))
        else:
            cluster = Cluster(len(clusters) + 1, type_, [span], key=toks, alias_keys={text_key})
            if span.start in defined:
                acronym = defined[span.start]
                cluster.mentions.append(acronym)
                cluster.alias_keys.add(acronym.text.lower())
            clusters.append(cluster)
    ambiguous += _missed_name_parts(doc, clusters, spans)
    sentences = sentences_of(doc)
    for span, matches in ambiguous:
        chosen = _choose(span, matches, sentences)
        chosen.mentions.append(span)
        chosen.uncertain.add(span.start)
    for c in clusters:
        c.mentions.sort(key=lambda m: m.start)
    return clusters


def _other_gender(span: Span, cluster: Cluster) -> bool:
    """Whether a short form's honorific states the other gender than the full name's given name:
    "a Mr. McDonagh" after "Mary McDonagh", "Mrs. Smith" after "John Smith" are relatives."""
    stated = _honorific_gender(span)
    given = lexicon.first_name_genders().get(cluster.key[0]) if len(cluster.key) > 1 else None
    return bool(stated and given and stated != given)


def _honorific_gender(span: Span) -> str | None:
    titles = lexicon.honorifics()
    doc = span.doc
    return titles.get(span[0].text) or (titles.get(doc[span.start - 1].text) if span.start else None)


def _argument(root: Token) -> bool:
    """A name that is an argument of its clause, as people's are: not a modifier, and not the
    object of a preposition of place ("told by Cowan", not "in Cowan")."""
    if root.dep_ == "pobj":
        return root.head.lower_ not in lexicon.word_class("place-preposition")
    return root.dep_ in _ARGUMENT_DEPS


def _party_cluster(index: int, span: Span, text_key: str, party: str) -> Cluster:
    """ "Republican": the Republican Party, its name from rules/parties.tsv, the word an alias."""
    cluster = Cluster(index, "ORG", [span], key=party.split(), alias_keys={text_key, party.lower()})
    cluster.canonical = party
    return cluster


def _missed_name_parts(doc: Doc, clusters: list[Cluster], spans: list[tuple[Span, str]]) -> list:
    """Proper nouns the NER passed over that repeat a known person's given name or surname, or
    the whole of a one-word name ("Raju ... With the help of Anand, Raju fights"): a name written
    again in one text is the same name."""
    parts: dict[str, list[Cluster]] = {}
    for c in clusters:
        toks = c.key if c.type == "PERSON" else []
        for part in {toks[0], toks[-1]} if toks else ():
            parts.setdefault(part, []).append(c)
    taken = {t.i for c in clusters for m in c.mentions for t in m}
    taken |= {t.i for span, _ in spans for t in span}
    out: list[tuple[Span, list[Cluster]]] = []
    for i in lexicon.positions(doc, frozenset(parts), attr="orth"):
        token = doc[i]
        if (
            i not in taken
            and token.dep_ != "compound"
            and (token.pos_ == "PROPN" or sentence_opening_name(token))
        ):
            out.append((doc[i : i + 1], parts[token.text]))
    return out


def _choose(span: Span, candidates: list[Cluster], sentences: Sentences) -> Cluster:
    """A surname shared by several people: not the one already named in this sentence, else the
    one named nearest before it."""
    here = sentences.index(span.start)

    def named_here(c: Cluster) -> bool:
        return any(sentences.index(m.start) == here and m.start != span.start for m in c.mentions)

    pool = [c for c in candidates if not named_here(c)] or candidates

    def last_before(c: Cluster) -> int:
        return max((m.start for m in c.mentions if m.start < span.start), default=-1)

    # "Mrs. Clinton" after "Bill Clinton" and "Hillary Clinton": the honorific's gender decides
    stated = _honorific_gender(span)
    if stated:
        names = lexicon.first_name_genders()
        pool = [c for c in pool if names.get(c.key[0] if c.key else "") in {None, stated}] or pool
    # News style names the story's principal by surname and relatives by given name ("Sen. Ted
    # Cruz ... his father, Rafael Cruz ... Cruz said"): the bearer named first, when that one was
    # named before this mention
    named = [c for c in pool if last_before(c) >= 0]
    if named:
        return min(named, key=lambda c: c.mentions[0].start)
    return max(pool, key=lambda c: (last_before(c), len(c.mentions), -c.mentions[0].start))


def _described_by_alias(span: Span) -> Token | None:
    """The word of the name that `span` is another name of: "Hall was born Shirley Grossman"
    (Hall), "Bonnie Tyler (then known as Gaynor Hopkins)" (Tyler), "Maria Roscoe (née Fletcher)"
    (Roscoe); None for any other name."""
    doc, root = span.doc, span.root
    before = doc[span.start - 1] if span.start > 0 else None
    if before is None:
        return None
    if (
        root.dep_ in {"oprd", "dobj", "attr"}
        and root.head.i == before.i
        and before.lower_ in _BIRTH_NAME_MARKS
    ):
        verb = before  # "born Shirley Grossman"
    elif root.dep_ == "pobj" and before.lower_ == "as" and root.head.i == before.i:
        verb = before.head  # "known as Gaynor Hopkins", "born as"; not "has known Trump"
        if verb.lower_ not in _ALIAS_VERBS | _BIRTH_NAME_MARKS:
            return None
    elif root.dep_ == "appos" and before.lower_ in _BIRTH_NAME_MARKS:
        return root.head  # "Maria Roscoe (née Fletcher)"
    else:
        return None
    if verb.dep_ in {"acl", "relcl"} and verb.head.i < verb.i:
        return verb.head
    return next((c for c in verb.children if c.dep_ == "nsubjpass"), None)


def _join_aliases(clusters: list[Cluster]) -> list[Cluster]:
    """One entity for a name and the other name the text gives it (`_described_by_alias`) when
    both are of one type: a birth name, a stage name, "also known as"."""
    owner = {t.i: c for c in clusters for m in c.mentions for t in m}
    gone: set[int] = set()
    for c in clusters:
        if c.index in gone:
            continue
        for m in list(c.mentions):
            anchor = _described_by_alias(m)
            other = owner.get(anchor.i) if anchor is not None else None
            if other is None or other is c or other.index in gone or other.type != c.type:
                continue
            other.mentions += c.mentions
            other.alias_keys |= c.alias_keys
            other.uncertain |= c.uncertain
            other.gender = other.gender or c.gender
            other.mentions.sort(key=lambda s: s.start)
            for span in c.mentions:
                for t in span:
                    owner[t.i] = other
            gone.add(c.index)
            break
    kept = [c for c in clusters if c.index not in gone]
    for number, c in enumerate(kept, 1):
        c.index = number
    return kept


# ---------------------------------------------------------------- titles
def _collect_titles(doc: Doc, clusters: list[Cluster]) -> None:
    """The roles the article gives each person by a title before a name ("Sen. Marco Rubio",
    "FBI Director James Comey")."""
    roles = title_roles()
    person_nouns = lexicon.word_list("person_nouns.txt")
    for c in clusters:
        if c.type != "PERSON":
            continue
        for m in c.mentions:
            if m.start in c.uncertain:
                continue  # "President Bush" with two Bushes in the article: whose title is unclear
            words = [m[0]] if m[0].text in roles else []
            k = m.start - 1
            while (
                k >= 0
                and k >= m.start - 3
                and (doc[k].text in roles or (doc[k].lower_ in person_nouns and doc[k].is_title))
            ):
                words.append(doc[k])
                k -= 1
            for k, w in enumerate(words):
                if k + 1 < len(words) and words[k + 1].text in lexicon.word_class("title-modifier"):
                    continue  # "Vice President Joe Biden" is not "the president"
                c.titles |= roles.get(w.text, frozenset())
                if w.lower_ in person_nouns:
                    c.titles.add(w.lower_)


# ---------------------------------------------------------------- passes 2-4: descriptions
def _description_heads(doc: Doc) -> list[Token]:
    """Singular common nouns that may describe a named person or organisation."""
    person_nouns = lexicon.word_list("person_nouns.txt")
    org_nouns = lexicon.word_list("org_nouns.txt")
    words = person_nouns | org_nouns
    return [
        doc[i]
        for i in lexicon.positions(doc, words)
        if doc[i].pos_ in {"NOUN", "PROPN"} and doc[i].tag_ not in {"NNS", "NNPS"}
    ]


def _description_span(token: Token, bare: bool = False) -> Span | None:
    """ "the Florida senator", "a billionaire businessman"; with `bare`, also an apposition without
    an article ("Steve Jobs, founder of Apple")."""
    left = token.left_edge
    if left.lower_ not in {"the", "a", "an"} and not (bare and not any(t.dep_ == "det" for t in token.lefts)):
        return None
    span = token.doc[left.i : token.i + 1]
    if any(t.pos_ == "PRON" or t.like_num or (t.dep_ == "poss" and t.i != token.i) for t in span):
        return None  # "his rival", "two senators": not a description of one named entity
    return span


def _apposed(token: Token, index: EntityIndex) -> tuple[Cluster, str] | None:
    """ "X, the chairman"; "the chairman, X"; "X is the chairman" (not "X is not the chairman",
    "X will be the next president")."""

    def listed(t: Token) -> bool:  # "front-runners Clinton, Trump and Cruz, the Texas senator"
        return t.dep_ == "conj" or any(c.dep_ in {"conj", "cc"} for c in t.children)

    if token.dep_ == "appos" and (hit := index.at(token.head)) is not None:
        return (hit[0], "apposition") if not listed(token.head) else None
    for child in token.children:
        if child.dep_ == "appos" and (hit := index.at(child)) is not None:
            return (hit[0], "apposition") if not listed(child) else None
    verb = token.head
    if token.dep_ == "attr" and verb.lemma_ == "be" and verb.dep_ in {"ROOT", "conj", "relcl"}:
        if any(c.dep_ == "neg" or (c.dep_ == "aux" and c.tag_ == "MD") for c in verb.children):
            return None
        if verb.dep_ == "ccomp" and lexicon.cue_verbs().get(verb.head.text):
            return None  # "Trump said Obama was the founder of ISIS": a claim, not the article's word
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is not None and (hit := index.at(subject)) is not None:
            return hit[0], "predicate nominative"
    return None


def _alias_worthy(span: Span) -> bool:
    """A definite description of a role ("the Florida senator") may stand as a name; "a former
    teacher", "the answer", "the most dishonest candidate" may not."""
    opinion = lexicon.word_class("opinion")
    return (
        span[0].lower_ == "the"
        and span[-1].lower_ in _role_nouns()
        and not any(t.lower_ in opinion for t in span)
    )


@cache
def _role_nouns() -> frozenset[str]:
    return lexicon.word_list("person_nouns.txt") | lexicon.word_list("org_nouns.txt")


@cache
def _lower_title_modifiers() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicon.word_class("title-modifier"))


def _role_phrases(doc: Doc, index: EntityIndex) -> None:
    """ "Apple CEO Steve Jobs", "company CEO Steve Jobs", "FBI Director James Comey": the role
    written before a person's name is a description of that person."""
    person_nouns = lexicon.word_list("person_nouns.txt")
    for c in [c for c in index.clusters if c.type == "PERSON"]:
        for m in list(c.mentions):
            k = m.start - 1
            if k < 0 or doc[k].lower_ not in person_nouns or index.at(doc[k]):
                continue
            role = doc[k]
            first = k
            while (
                first - 1 >= 0
                and doc[first - 1].head.i in {role.i, *(t.i for t in doc[first : k + 1])}
                and (
                    doc[first - 1].dep_ in {"compound", "amod", "nmod", "det"}
                    or doc[first - 1].pos_ == "PROPN"
                )
            ):
                first -= 1
            while first < k and doc[first].lower_ in {"the", "a", "an"}:
                first += 1
            if role.tag_ in {"NNS", "NNPS"} or any(
                t.pos_ in {"PRON", "NUM"} for t in doc[max(first - 1, 0) : k]
            ):
                continue  # "her ex Russell Simmons", "two daughters Aoki ...": kin, a relation's words
            index.link(doc[first : k + 1], c, "description", "role before the name")


def _predicates(doc: Doc, index: EntityIndex, quoted: list[bool]) -> None:
    """ "Jobs was a visionary", "Mark Papermaster, formerly an Apple executive": a singular noun
    phrase in apposition to a name, or its predicate nominative, describes that entity whatever
    its head noun (the parse is the evidence)."""
    person_nouns = lexicon.word_list("person_nouns.txt")
    org_nouns = lexicon.word_list("org_nouns.txt")
    deps = doc.to_array(DEP)
    wanted = np.isin(deps, [doc.vocab.strings["appos"], doc.vocab.strings["attr"]])
    candidates = set(np.nonzero(wanted)[0].tolist())
    candidates |= {doc[i].head.i for i in list(candidates) if doc[i].dep_ == "appos"}
    for i in sorted(candidates):
        token = doc[i]  # a noun in apposition, with one, or after "be"
        if token.pos_ != "NOUN" or token.tag_ != "NN" or index.at(token) or quoted[token.i]:
            continue
        found = _apposed(token, index)
        if found is None or found[0].type not in {"PERSON", "ORG"}:
            continue
        if (token.lower_ in person_nouns and found[0].type != "PERSON") or (
            token.lower_ in org_nouns and found[0].type != "ORG"
        ):
            continue
        span = _description_span(token, bare=token.dep_ == "appos")
        if span is not None:
            index.link(span, found[0], "description", found[1], alias=_alias_worthy(span))


def _describe(doc: Doc, index: EntityIndex, sentences: Sentences, quoted: list[bool]) -> None:
    org_nouns = lexicon.word_list("org_nouns.txt")
    linked: dict[str, set[int]] = {}  # head noun -> clusters a pass tied it to
    for token in _description_heads(doc):
        if index.at(token) or quoted[token.i]:
            continue  # inside a quotation, a description is the speaker's, not the article's
        if token.i + 1 < len(doc) and index.at(doc[token.i + 1]):
            continue  # "the cofounder Russell Simmons": the name is the mention
        span = _description_span(token)
        if span is None:
            continue
        word = token.lower_
        org = word in org_nouns
        found = _apposed(token, index)
        target, how = found if found is not None else (None, "")
        if target is not None and (target.type == "ORG") != org:
            target = None
        definite = span[0].lower_ == "the"
        restricted = any(c.dep_ in {"relcl", "acl", "prep"} and c.i > token.i for c in token.children)
        if target is None and definite and not restricted:  # not "the candidate who won the state"
            if org:
                target, how = _nearest_org(token, index, sentences), "nearest organisation"
            elif (target := _titled(token, index, linked, sentences)) is not None:
                how = "title"
            else:
                target, how = _sole_other(token, index, sentences), "the sentence's one object"
        if target is None:
            continue
        index.link(span, target, "description", how, alias=_alias_worthy(span))
        if not org and how in {"apposition", "predicate nominative"}:
            target.titles.add(word)
            linked.setdefault(word, set()).add(target.index)


def _titled(
    token: Token, index: EntityIndex, linked: dict[str, set[int]], sentences: Sentences
) -> Cluster | None:
    """The one person the article gives this role ("the senator" after "Sen. Marco Rubio", "the
    judge" after "Judge Miriam Holloway"), named before it."""
    word = token.lower_
    modifier = next((t.lower_ for t in token.lefts if t.lower_ in _lower_title_modifiers()), None)
    if modifier is not None:
        word = f"{modifier}-{word}"  # "the vice president" is not "the president"
    holders = [
        c
        for c in index.clusters
        if c.type == "PERSON"
        and c.mentions
        and c.mentions[0].start < token.i
        and (word in c.titles or c.index in linked.get(word, ()))
    ]
    if len(holders) != 1:
        return None
    (holder,) = holders
    span = token.doc[token.left_edge.i : token.i]
    if any(t.ent_type_ == "NORP" for t in span):
        return (
            None  # "the French president" after "President Obama": a nationality the article never gave him
        )
    # another person named since the holder in its sentence, whose role the article does not say,
    # may be meant: "Trump questioned Cruz's temperament, saying the Texas senator ..."; and for a
    # title with a place or party the holder was not given, in the sentence before too: "Senator
    # Ted Cruz sits at 16%. Just as stunning is Marco Rubio's collapse. The Florida senator lost"
    last = max(m.start for m in holder.mentions + holder.descriptions if m.start < token.i)
    here = sentences.index(token.i)
    qualified = any(t.pos_ == "PROPN" or (t.pos_ == "ADJ" and t.is_title and t.i > span.start) for t in span)
    back = 1 if qualified else 0
    since = max(last + 1, sentences.starts[max(0, here - back)] if sentences.starts else 0)
    for _, other in index.before(token.i, since):
        if other.type == "PERSON" and other is not holder and not other.titles:
            return None
    return holder


def _sole_other(token: Token, index: EntityIndex, sentences: Sentences) -> Cluster | None:
    """ "Kimora Lee Simmons defended her ex Russell Simmons ... following allegations against the
    Def Jam Recordings cofounder": a description that is an object in its sentence is the one
    person named before it as an object there, when every other person of the sentence is a
    subject, and nothing the article says of that person contradicts it (title, gender)."""
    if token.dep_ not in {"pobj", "dobj"} or any(t.dep_ in {"relcl", "ccomp"} for t in token.ancestors):
        return None  # "the candidate's thinking", "..., who endorsed the billionaire": not this pass
    sent = sentences.of(token)
    objects: dict[int, Cluster] = {}
    subjects: set[int] = set()
    for span, cluster in index.before(token.i, sent.start):
        if cluster.type != "PERSON":
            continue
        root = span.root
        role = root.head.dep_ if root.dep_ == "appos" else root.dep_
        if role in {"nsubj", "nsubjpass"} and root.dep_ in {"nsubj", "nsubjpass", "appos"}:
            subjects.add(cluster.index)
        elif role in {"dobj", "pobj", "dative"} and root.tag_ != "NNPS":
            objects[cluster.index] = cluster
        else:
            return None  # a possessor, a conjunct, a name the parse did not place: too unclear
    others = [c for k, c in objects.items() if k not in subjects]
    if len(others) != 1:
        return None
    (target,) = others
    last = max(m.start for m in target.mentions if m.start < token.i)
    person = bool(target.titles) or (bool(target.key) and target.key[0] in lexicon.first_name_genders())
    if not person or any(t.dep_ in {"nsubj", "nsubjpass"} for t in token.doc[last + 1 : token.i]):
        return None  # "..., while Trump refers to the governor": another clause, another subject
    word = token.lower_
    gender = gendered_nouns().get(word)
    if (gender and target.gender and gender != target.gender) or (
        target.titles and word not in target.titles
    ):
        return None
    return target


@cache
def _org_kinds() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """rules/org_kinds.tsv: a name word -> the kind it shows; a kind -> the nouns that can describe it."""
    words: dict[str, str] = {}
    nouns: dict[str, frozenset[str]] = {}
    for kind, shown_by, described_by in lexicon.table("org_kinds.tsv"):
        shown = lexicon.word_class(shown_by[1:]) if shown_by.startswith("@") else shown_by.split()
        words.update(dict.fromkeys(shown, kind))
        nouns[kind] = frozenset(described_by.split()) - {"-"}
    return words, nouns


def _fits(cluster: Cluster, noun: str) -> bool | None:
    """Can `noun` ("company") describe this organisation? None when its names show no kind."""
    words, nouns = _org_kinds()
    parties = lexicon.parties()
    kinds = {
        "party" if t.text in parties else words.get(t.text)
        for span in cluster.mentions
        for t in span
        if t.text in words or t.text in parties
    }
    kinds.discard(None)
    if cluster.canonical in parties.values():
        kinds.add("party")
    return any(noun in nouns[k] for k in kinds) if kinds else None


def _nearest_org(token: Token, index: EntityIndex, sentences: Sentences) -> Cluster | None:
    """ "the company": the organisation named nearest before it, within two sentences, passing over
    one whose kind the noun cannot describe (a party, a ministry) to one whose name shows it can;
    "the newspaper" the nearest one a masthead word names as an outlet."""
    here = sentences.index(token.i)
    since = sentences.starts[max(0, here - _ORG_SENTENCES_BACK)] if sentences.starts else 0
    if any(t.pos_ == "PROPN" for t in token.doc[token.left_edge.i : token.i]):
        return None  # "the Trump campaign", "the Islamic State terrorist network": a name of its own
    orgs = [(span, c) for span, c in index.before(token.i, since) if c.type == "ORG" and span[0].i < token.i]
    word = token.lower_
    # "the newspaper" names an outlet's kind itself: only an organisation whose name shows it (a
    # masthead word: "the Sunday Ledger"), never the aerospace firm the paper wrote about
    outlet = word in lexicon.word_class("outlet-noun")
    for span, cluster in reversed(orgs):  # "the bank" after "the World Bank": the head word first
        if any(t.lower_ == word for t in span) and (not outlet or _fits(cluster, word)):
            return cluster
    passed_over = False
    for _, cluster in reversed(orgs):
        fits = _fits(cluster, word)
        if fits or (fits is None and not passed_over and not outlet):
            return cluster
        passed_over = True  # beyond an organisation it cannot be, only one whose name shows it can
    return None


# ---------------------------------------------------------------- the entry point
def build_entities(doc: Doc) -> EntityIndex:
    """Passes 1-4 over one Doc: its names, titles and descriptions linked to entities."""
    clusters = _join_aliases(_name_pass(doc, candidate_spans(doc)))
    _collect_titles(doc, clusters)
    index = EntityIndex(clusters)
    quoted = [qi >= 0 for qi in quote_layout(doc)[1]]
    _role_phrases(doc, index)
    _describe(doc, index, sentences_of(doc), quoted)
    _predicates(doc, index, quoted)
    return index
