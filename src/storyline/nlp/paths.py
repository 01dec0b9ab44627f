"""Dependency paths from a trigger word to its participants, shared by events and relations.

A path is a list of steps ("subj", "obj", "prep:against", "poss", "head-subj", ...) as the rule
tables in `rules/` write them; `step_from` takes one step from a token.
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Token

from storyline.nlp import lexicon

# verbs whose subject undergoes the noun's event ("faces a lawsuit"), and verbs that end or decide
# what their object started ("settled the lawsuit in August"): rules/verb_classes.tsv
UNDERGOING = lexicon.word_class("undergoing", "verb_classes.tsv")
ENDING = lexicon.word_class("ending", "verb_classes.tsv")
EXAMINING = lexicon.word_class("examining", "verb_classes.tsv")


def _is_passive(verb: Token) -> bool:
    if any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children):
        return True
    return _shares_passive(verb)


def _shares_passive(verb: Token) -> bool:
    """ "was shot and killed by an officer": the second verb shares the first one's passive."""
    return (
        verb.dep_ == "conj"
        and verb.tag_ == "VBN"
        and verb.head.pos_ in {"VERB", "AUX"}
        and not any(c.dep_ in {"nsubj", "nsubjpass", "dobj"} for c in verb.children)
        and any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.head.children)
    )


def _is_finite(verb: Token) -> bool:
    if any(c.dep_ in {"aux", "auxpass"} and c.tag_ != "TO" for c in verb.children):
        return True
    return verb.tag_ in {"VBD", "VBZ", "VBP"} or (verb.tag_ == "VB" and verb.dep_ == "ROOT")


def children(token: Token, deps: set[str]) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _object_controller(verb: Token) -> list[Token]:
    """The one asked, urged or forced to act: the object of the verb an infinitive hangs on
    ("urged Lind to resign"), or of its "on" ("called on Lind to step down")."""
    return children(verb, {"dobj"}) or [
        p
        for c in verb.children
        if c.dep_ == "prep" and c.lower_ == "on"
        for p in c.children
        if p.dep_ == "pobj"
    ]


def logical_subject(verb: Token, depth: int = 0) -> list[Token]:
    if _is_passive(verb):
        by = [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
        if by:
            return by
        return []
    own = children(verb, {"nsubj"})
    if own and (_is_finite(verb) or verb.tag_ not in {"VBG", "VBN"}):
        return own
    prep = verb.head
    if not own and verb.dep_ == "pcomp" and prep.lower_ in {"for", "of"} and prep.head.pos_ == "VERB":
        objects = children(prep.head, {"dobj"})
        if objects:  # "thanked Trump for backing his bill", "accused him of lying": the one thanked
            return objects
    if verb.dep_ == "acl":  # "a report accusing him": the report; "the man arrested": no subject
        if verb.tag_ == "VBG":
            return [verb.head]
        # "an analysis released by the department": a participle's by-phrase is its subject
        by = [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
        return by or own
    # a non-finite verb takes the subject of the clause it hangs on ("penned an article accusing him")
    head = verb.head
    steps = 0
    while head.i != verb.i and steps < 4 and depth < 3:
        if head.pos_ in {"VERB", "AUX"}:
            if head.lemma_ in {"say", "tell", "report"} and verb.dep_ == "ccomp":
                return own
            if verb.dep_ == "xcomp" and _is_passive(head):
                return children(head, {"nsubjpass"})  # "Haddad is expected to step down"
            if verb.dep_ == "xcomp" and (controller := _object_controller(head)):
                return controller  # "urged Lind to resign", "called on Lind to step down": Lind
            return logical_subject(head, depth + 1) or own
        if head.dep_ in {"ROOT"} or head.head.i == head.i:
            break
        verb, head = head, head.head
        steps += 1
    return own


def logical_object(verb: Token) -> list[Token]:
    if _is_passive(verb):
        if _shares_passive(verb):
            return children(verb.head, {"nsubjpass"})
        return children(verb, {"nsubjpass"})
    objects = children(verb, {"dobj"})
    if not objects and verb.dep_ in {"acl", "amod"} and verb.tag_ == "VBN":
        return [verb.head]  # "the man accused of fraud", "the two officially divorced", "the indicted mayor"
    return objects


# participles that work as prepositions: their "subject" does nothing to what follows them
_PREPOSITION_LIKE = lexicon.word_class("preposition-like", "verb_classes.tsv")


def governing_verb(noun: Token) -> Token | None:
    head = noun.head
    if head.lower_ in _PREPOSITION_LIKE or head.head.lower_ in _PREPOSITION_LIKE:
        return None  # "according to the analysis", "following reports of": not what a verb does
    if noun.dep_ == "pobj":
        head = head.head
    if (
        head.i != noun.i
        and head.pos_ in {"VERB", "AUX"}
        and noun.dep_ in {"dobj", "attr", "pobj", "nsubjpass", "oprd"}
    ):
        return head
    return None


def _author(trigger: Token) -> list[Token]:
    """ "an expose in which the two were accused": the publisher of the document."""
    clause = trigger
    while clause.dep_ != "relcl" and clause.head.i != clause.i and clause.pos_ in {"VERB", "AUX"}:
        clause = clause.head
    if clause.dep_ != "relcl":
        return []
    noun = clause.head
    if not is_document_noun(noun):
        return []
    mine = children(noun, {"poss", "compound"})
    if mine:
        return mine
    verb = governing_verb(noun)
    return logical_subject(verb) if verb is not None else []


def _complement(token: Token) -> list[Token]:
    """ "named chief executive", "appointed as CEO": the role a person is given."""
    found = children(token, {"oprd", "attr"})
    found += [
        p
        for c in token.children
        if c.dep_ == "prep" and c.lower_ == "as"
        for p in c.children
        if p.dep_ == "pobj"
    ]
    if not found and token.pos_ in {"VERB"}:
        objs = children(token, {"dobj"})
        if len(objs) == 1 and any(c.dep_ in {"dobj", "npadvmod", "appos"} for c in objs[0].children):
            found = [c for c in objs[0].children if c.dep_ in {"dobj", "npadvmod", "appos"}]
        elif _is_passive(token):
            found = [
                c for c in token.children if c.dep_ in {"dobj", "npadvmod"} and c.pos_ in {"NOUN", "PROPN"}
            ]
    return found


def phrase(token: Token) -> str:
    """The words a token heads, within its sentence, trailing punctuation dropped."""
    span = token.doc[token.left_edge.i : token.right_edge.i + 1]
    text = span.text.strip(" ,;:.\"'“”")
    return " ".join(text.split())


@cache
def _document_nouns() -> frozenset[str]:
    return lexicon.word_list("document_nouns.txt")


def is_document_noun(token: Token) -> bool:
    """ "article", "expose", "report": things that are published and can accuse or claim."""
    return token.lemma_.lower() in _document_nouns() or token.lower_ in _document_nouns()


def step_from(step: str, token: Token) -> list[Token]:
    """The tokens one step of a rule-table path leads to from `token`."""
    if step == "subj":
        return logical_subject(token) if token.pos_ in {"VERB", "AUX"} else []
    if step == "obj":
        return logical_object(token)
    if step.startswith("prep:"):
        words = set(step[5:].split("/"))
        return [
            p
            for c in token.children
            if c.dep_ in {"prep", "agent", "dative"} and c.lower_ in words
            for p in c.children
            if p.dep_ in {"pobj", "pcomp"}
        ]
    if step in {"head-subj", "facing-subj"}:
        verb = governing_verb(token)
        if verb is None or (verb.lemma_ in UNDERGOING) != (step == "facing-subj"):
            return []
        if step == "head-subj" and verb.lemma_ in ENDING:
            return []  # "the company settled a lawsuit": either side settles
        if verb.lemma_ in EXAMINING or (token.dep_ == "pobj" and token.head.lower_ in EXAMINING):
            return []  # "hired a firm to investigate the allegations": the firm alleges nothing
        return logical_subject(verb)
    if step == "author":
        return _author(token)
    if step == "as":
        return _complement(token)
    if step == "^":
        return [token.head] if token.head.i != token.i else []
    if step == "client":  # "Her lawyers have threatened to sue": whom the lawyers act for
        if token.lower_ not in lexicon.word_class("legal-agent", "verb_classes.tsv"):
            return []
        return [c for c in token.children if c.dep_ == "poss"] + step_from("prep:for", token)
    if step == "coord":  # "Vale, 38, and Quill, 41, married": the whole list the token is part of
        first = token
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        return [first]
    return [c for c in token.children if c.dep_ == step]
