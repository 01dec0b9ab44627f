"""What a quote claims of a person: its subject, predicate and polarity (`doc._.claims`).

The contradictions query pairs one speaker's "he never raised his voice" with another's "he
shouted at people", so each side must be read as one checkable claim, not as a bag of words (word
overlap paired unrelated statements). A claim is taken only from a statement's own clause (its
top verb and that verb's conjuncts, not a clause it embeds), only when that clause is a plain
statement of fact: no question, condition or modal, a subject that names a person, and a predicate
that says something on its own (rules/claims.tsv: "be" needs its complement, "tell" its
infinitive). A missed claim costs less than a wrong pair.

A clause whose subject is a checkable thing instead ("The logs were fake", "denies that any safety
records were altered") claims an act of a short rule-listed kind of it (`doc._.thing_claims`):
whether records were falsified is a fact two speakers can contradict, though no person is named.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from storyline.model import Claim, ThingClaim
from storyline.nlp import lexicon
from storyline.nlp.budget import budgeted
from storyline.nlp.identity import EntityIndex
from storyline.nlp.identity.clusters import Cluster
from storyline.nlp.quotes import Finding
from storyline.nlp.sentences import Sentences

RULES = "claims.tsv"
SENTENCES_BACK = 2  # a "he" in a quotation names the one man of these sentences before it, and
# of the paragraph before the quotation's
UNSAID_DEPTH = 3  # how far above a cue a word that unsays it is looked for ("stopped short of saying")
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})

if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=None)
if not Doc.has_extension("thing_claims"):
    Doc.set_extension("thing_claims", default=None)


@cache
def _words(name: str) -> frozenset[str]:
    return frozenset(w.replace("_", " ") for w in lexicon.word_class(name, RULES))


@cache
def _keyed(prefix: str) -> dict[str, str]:
    """A wording -> the claim's key it states, from the `prefix<key>` rows ("same-": "raise voice"
    -> "shout"; "to-": "write to" -> "contact")."""
    out = {}
    for cls, words in lexicon.table(RULES):
        if cls.startswith(prefix):
            key = cls.removeprefix(prefix).replace("_", " ")
            out.update({w.replace("_", " "): key for w in words.split()})
    return out


def _same() -> dict[str, str]:
    return _keyed("same-")


@cache
def _messages() -> frozenset[str]:
    """What is sent to someone: the objects of the `from-` rows ("communication", "letter")."""
    pairs = (w.split() for w in _keyed("from-"))
    return frozenset(p[1] for p in pairs if len(p) == 2 and p[1] != "from")


@cache
def _gendered() -> dict[str, str]:
    """A third-person singular subject pronoun -> the gender it names."""
    return {w: "m" for w in lexicon.word_class("he", RULES)} | {
        w: "f" for w in lexicon.word_class("she", RULES)
    }


@cache
def _things() -> dict[str, str]:
    """A noun for a checkable thing -> its class key, from the `thing-<key>` rows ("log" -> "record")."""
    return _keyed("thing-")


def _thing_act(lemma: str, thing: str) -> str | None:
    """The key of an act on a thing, when it is one of the `checkable` acts: the `same-` row of the
    verb with the thing as its object ("alter_record": "falsify record") or of the verb alone
    ("fabricate", and "fake" of "were fake")."""
    key = _same().get(f"{lemma} {thing}", "").removesuffix(f" {thing}") or _same().get(lemma)
    return key if key in _words("checkable") else None


def _plain(verb: Token) -> bool:
    """The clause states a fact: no modal (nor one as the verb: "He ought to pull it"), no
    condition, not a question."""
    if verb.lower_ in _words("modal"):
        return False
    for child in verb.children:
        if child.dep_ in ("aux", "auxpass") and child.lower_ in _words("modal"):
            return False
        if child.dep_ in ("mark", "advcl") and _conditional(child):
            return False  # "if he was there", and "he lied" of "if he was there, he lied"
    end = verb.right_edge.i  # a question mark in the clause or just after it
    return verb.dep_ != "advcl" and all(t.text != "?" for t in verb.doc[verb.i : end + 2])


def _conditional(token: Token) -> bool:
    marks = [token] if token.dep_ == "mark" else [c for c in token.children if c.dep_ == "mark"]
    return any(m.lower_ in _words("condition") for m in marks)


def _unsaid(cue: Token) -> bool:
    """The cue reports what was not said ("did not say", "stopped short of saying", "declined to
    say"): its statement is nobody's claim."""
    chain = [cue, *list(cue.ancestors)[:UNSAID_DEPTH]]
    if any(c.dep_ == "neg" for c in cue.children):
        return True
    governors = lexicon.word_class("negating-governor", "modality_verbs.tsv") | _words("unsaid")
    words = [t for a in chain[1:] for t in (a, *(c for c in a.children if c.dep_ == "advmod"))]
    return any(t.lemma_.lower() in governors for t in words)


def _negated(verb: Token) -> bool | None:
    """True for a negated clause, False for an affirmed one, None when a negation is only
    a limiter's ("not merely incomplete": what follows affirms something stronger)."""
    near = [c for c in verb.children if c.dep_ in ("neg", "advmod")]
    near += [g for c in near if c.dep_ == "advmod" for g in c.children if g.dep_ in ("neg", "advmod")]
    negations = [c for c in near if c.lower_ in _words("negation")]  # "never once raised"
    for n in negations:
        following = n.doc[n.i + 1 : n.i + 2]
        if len(following) and following[0].lower_ in _words("limiter"):
            return None
    return bool(negations)


def _predicate(verb: Token, person: Token | None = None) -> str | None:
    """The claim's predicate, or None when the clause says too little to be checked. A copula
    claims a fact adjective, a fact noun or a place, with its tense ("was in the room" is not "is
    in the room"); a verb with an infinitive claims both ("told her to lie"); a verb with a noun
    object claims the pair ("ran the campaign"), unless it is generic; a verb alone claims only an
    act that needs no object to be one ("lied", "resigned"). `same-` rows give one key to a claim
    in other words; a passive is marked "be" ("was fired"). `person` is an object the claim is
    of ("gave him a deadline" said of him): not the thing given."""
    lemma = "be" if verb.lower_ in _words("be-form") else verb.lemma_.lower()
    children = list(verb.children)
    lemma += "".join(f" {c.lower_}" for c in children if c.dep_ == "prt")
    if lemma == "be":
        return _copula(verb, children)
    # "was fired", and "had her fired": a "have" before the participle's subject makes her the one
    # fired, however the parser reads it (its perfect "had fired" comes after the subject)
    subjects = [c.i for c in children if c.dep_ in _SUBJECTS]
    had = any(c.dep_ == "aux" and c.lemma_ == "have" and c.i < min(subjects, default=-1) for c in children)
    passive = "be " if any(c.dep_ == "nsubjpass" for c in children) or (verb.tag_ == "VBN" and had) else ""
    to = [  # an infinitive with its "to": an imperative quoted after "said" is no xcomp of it
        c
        for c in children
        if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX") and any(a.lower_ == "to" for a in c.children)
    ]
    if to:  # "is going to resign", "wants to run": not done; "asked to be": the claim is not read
        infinitive = to[0].lemma_.lower()
        if lemma in _words("future") or infinitive == "be" or any(c.dep_ == "neg" for c in to[0].children):
            return None  # "told them not to disclose": not "tell to disclose"
        return f"{passive}{lemma} to {infinitive}"
    objects = [c for c in children if c.dep_ == "dobj" and (person is None or c.i != person.i)]
    if objects:
        thing = objects[0].lemma_.lower()
        if key := _same().get(f"{lemma} {thing}"):
            return passive + key
        if objects[0].pos_ not in ("NOUN", "PROPN") or lemma in _words("generic"):
            return None  # "answered it", "had a point": too little to check
        return f"{passive}{_same().get(lemma, lemma)} {thing}"
    for c in children:  # an idiom with its preposition: "gave him until Monday" gives a deadline
        if c.dep_ == "prep" and (key := _same().get(f"{lemma} {c.lower_}")):
            return passive + key
    if person is not None and lemma not in _words("act"):
        return None
    key = _same().get(lemma) or (lemma if lemma in _words("act") else None)
    return passive + key if key else None


def _copula(verb: Token, children: list[Token]) -> str | None:
    tense = "was" if verb.tag_ == "VBD" else "is"
    for c in children:
        if c.dep_ == "acomp" and c.lemma_.lower() in _words("fact-adjective"):
            return f"{tense} {c.lemma_.lower()}"
        if c.dep_ == "attr" and c.lemma_.lower() in _words("fact-noun"):
            return f"{tense} {c.lemma_.lower()}"
    for c in children:
        if c.dep_ == "prep" and c.lower_ in _words("place") and c.i > verb.i:  # not "in that sense he's"
            objects = [  # "at 49.2 percent" is a quantity, not a place
                o
                for o in c.children
                if o.dep_ == "pobj"
                and o.pos_ in ("NOUN", "PROPN")
                and not any(n.dep_ == "nummod" for n in o.children)
            ]
            if objects:
                return f"{tense} {c.lower_} {objects[0].lemma_.lower()}"
    return None


class ClaimReader:
    """The claims of one Doc's quotes."""

    def __init__(self, doc: Doc, index: EntityIndex, sentences: Sentences):
        self.quotes: list[Finding] = []
        self.read_tops: dict[int, tuple[Span | None, list[Token]]] = {}  # by id(quote): read once
        self.doc = doc
        self.index = index
        self.sentences = sentences

    def read(self, quotes: list[Finding]) -> list[list[Claim]]:
        self.quotes = sorted(quotes, key=lambda q: q.start)
        return [self._claims(q) for q in quotes]

    def read_things(self, quotes: list[Finding]) -> list[list[ThingClaim]]:
        """The claims of things of each quote, in the order of `quotes`."""
        return [self._thing_claims(q) for q in quotes]

    def _answered(self, quote: Finding) -> Cluster | None:
        """The speaker a reply answers ("Brennan replied"): the one of the quote before it by
        someone else."""
        if quote.cue is None or quote.cue.lemma_.lower() not in _words("reply"):
            return None
        before = [q for q in self.quotes if q.start < quote.start and q.speaker is not quote.speaker]
        return before[-1].speaker if before else None

    def _claims(self, quote: Finding) -> list[Claim]:
        span, tops = self._tops(quote)
        return [c for t in tops if span is not None and (c := self._claim(t, span, quote)) is not None]

    def _tops(self, quote: Finding) -> tuple[Span | None, list[Token]]:
        """The quote's span and its own clauses' verbs: each verb whose head lies outside the quote,
        and their conjuncts (found once for the claims of people and of things)."""
        if id(quote) in self.read_tops:
            return self.read_tops[id(quote)]
        span = self.doc.char_span(quote.start, quote.end, alignment_mode="expand")
        if span is None or (quote.cue is not None and _unsaid(quote.cue)):
            return span, []
        tops: list[Token] = []
        for t in span:
            outside = not (span.start <= t.head.i < span.end) or t.head.i == t.i
            conj = t.dep_ == "conj" and any(t.head.i == top.i for top in tops)
            if (outside or conj) and t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass"):
                tops.append(t)  # a quote is a sentence or two: the list stays short
        self.read_tops[id(quote)] = span, tops
        return span, tops

    def _thing_claims(self, quote: Finding) -> list[ThingClaim]:
        """A clause of the quote's own whose subject is a checkable thing; and, for a quoted denial
        ('the company "categorically denies" that any records were altered'), the clause the denial
        governs, wherever its words stand, negated: the speaker's own denial, or an organisation's
        they speak for, of what it reports."""
        span, tops = self._tops(quote)
        out = []
        for verb in tops:
            denied = self._denied(verb, quote)
            clause = denied if denied is not None else verb
            claim = self._thing(clause, span, quote, denied is not None)
            if claim is not None:
                out.append(claim)
        return out

    def _denied(self, verb: Token, quote: Finding) -> Token | None:
        """The clause a denial in the quote's words governs ("denies that ..."), when its denier is
        the speaker, "we" or an organisation, and the denial is plain and not itself negated."""
        if verb.lemma_.lower() not in _words("deny") or not _plain(verb) or _negated(verb) is not False:
            return None
        if quote.cue is not None and verb.i != quote.cue.i and verb.head.i not in (verb.i, quote.cue.i):
            return None  # a denial the speaker reports of someone else's clause is not read
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        if len(subjects) != 1 or not self._speaks_for(subjects[0], quote):
            return None
        clauses = [c for c in verb.children if c.dep_ == "ccomp"]
        return clauses[0] if len(clauses) == 1 else None

    def _speaks_for(self, subject: Token, quote: Finding) -> bool:
        low = subject.lower_
        if low in lexicon.word_class("first-singular") or low in lexicon.word_class("first-plural"):
            return True
        who = self.index.who(subject)
        if who is not None:
            return who is quote.speaker or who.type == "ORG"
        return subject.pos_ == "NOUN" and subject.lemma_.lower() in _words("body")

    def _thing(self, verb: Token, span: Span | None, quote: Finding, denied: bool) -> ThingClaim | None:
        """A plain clause claiming a checkable act of a thing: a passive ("were altered") or a copula
        with the act's adjective ("were fake"). "No records were altered" is negated; a limiter's
        negation ("not merely incomplete") claims nothing; "they" names the one kind of thing the
        quote named before it. The subject stands in the quote, but for a clause a quoted denial
        governs (`denied`)."""
        if span is None:
            return None
        subjects = [
            c for c in verb.children if c.dep_ in _SUBJECTS and (denied or span.start <= c.i < span.end)
        ]
        if len(subjects) != 1 or any(c.dep_ in ("conj", "neg") for c in subjects[0].children):
            return None  # "records and emails", "not all records"
        subject = subjects[0]
        thing = self._thing_named(subject, span)
        if thing is None or not _plain(verb):  # the subject first: most clauses are of no thing
            return None
        lemma = "be" if verb.lower_ in _words("be-form") else verb.lemma_.lower()
        if lemma == "be":
            acts = [c.lemma_.lower() for c in verb.children if c.dep_ in ("acomp", "attr")]
            act = _thing_act(acts[0], thing) if len(acts) == 1 else None
        else:
            act = _thing_act(lemma, thing) if subject.dep_ == "nsubjpass" else None
        negated = _negated(verb)
        if act is None or negated is None:
            return None
        if any(c.dep_ == "det" and c.lower_ in _words("no") for c in subject.children):
            if negated:
                return None  # "no records were never...": not read
            negated = True
        denial = denied or (quote.cue is not None and quote.cue.lemma_.lower() in _words("deny"))
        if denial:
            if negated:
                return None  # "denies that the logs were not fake": not read
            negated = True
        return ThingClaim(thing, act, negated, verb.idx, verb.idx + len(verb))

    def _thing_named(self, subject: Token, span: Span) -> str | None:
        """The class key of the thing a subject names: its noun's, or, for "they" or "it", that of
        the one kind of thing named in the quote before it."""
        if subject.pos_ == "NOUN":
            return _things().get(subject.lemma_.lower())
        if subject.lower_ not in _words("pronoun-thing"):
            return None
        before = {
            key
            for t in self.doc[span.start : subject.i]
            if t.pos_ == "NOUN" and (key := _things().get(t.lemma_.lower()))
        }
        return next(iter(before)) if len(before) == 1 else None

    def _claim(self, verb: Token, span: Span, quote: Finding) -> Claim | None:
        subjects = [c for c in verb.children if c.dep_ in _SUBJECTS and span.start <= c.i < span.end]
        first = verb
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        shared = not subjects and first is not verb  # "met the staff and told them": met's subject,
        if shared:  # and its negation and mood: "never seen, touched or signed"
            subjects = [c for c in first.children if c.dep_ == "nsubj" and span.start <= c.i < span.end]
        if len(subjects) != 1 or not _plain(verb) or (shared and not _plain(first)):
            return None
        negated = _negated(verb)
        if shared and negated is not None and (head := _negated(first)) is not False:
            negated = head if head is None else True
        if negated is None:
            return None
        read = self._contact(verb, subjects[0], quote, span)
        if read is None and (undergone := self._undergone(verb, subjects[0], quote, span)) is not None:
            who, predicate, nobody = undergone
            if nobody and negated:
                return None  # "nobody never...": a double negation is not read
            read, negated = (who, predicate), negated or nobody
        if read is None:
            read = self._person(subjects[0], quote, span), _predicate(verb)
        who, predicate = read
        if predicate is None or who is None:
            return None
        if quote.cue is not None and quote.cue.lemma_.lower() in _words("deny"):
            if negated:
                return None  # "denied that he never...": not read
            negated = True  # "denied that he fired her": he did not, says the speaker
        return Claim(who.id, predicate, negated, verb.idx, verb.idx + len(verb))

    def _person(self, token: Token, quote: Finding, span: Span, apposed: bool = False) -> Cluster | None:
        """The person a subject or object names; an object noun the entity index left alone
        (`apposed`) names the one its apposition names ("emailed the chair of the board, Eleanor
        Whitcombe,"). A subject's apposition is not read: "communications by his wife, Ann Lee,"."""
        who = self._subject(token, quote, span)
        if (
            who is None
            and apposed
            and token.pos_ == "NOUN"
            and not any(c.dep_ == "conj" for c in token.children)
        ):
            named = {c.id: c for t in token.subtree if t.dep_ == "appos" and (c := self.index.who(t))}
            people = [c for c in named.values() if c.type == "PERSON"]  # "the head of the firm, Tom Hale"
            if len(people) == 1:
                return people[0]
            after = token.right_edge.i + 1
            if after + 1 < len(self.doc) and self.doc[after].text == ",":
                hit = self.index.at(self.doc[after + 1])
                if hit is not None and hit[1].start == after + 1:
                    end = hit[1].end
                    if end >= len(self.doc) or self.doc[end].text in (",", ".") or end >= span.end:
                        who = hit[0]
        return who if who is not None and who.type == "PERSON" else None

    def _contact(self, verb: Token, subject: Token, quote: Finding, span: Span) -> tuple[Cluster, str] | None:
        """A message from one person to another, said either way round: "she emailed the chair"
        and the chair's "I never received any communication from her" are both her contacting
        the chair (the `to-` and `from-` rows), the other person written as `{e5}`."""
        lemma = verb.lemma_.lower()
        children = list(verb.children)
        if any(c.dep_ in ("oprd", "xcomp", "ccomp", "acomp", "attr") for c in children):
            return None  # "called him a liar", "wrote to him to say": more than a message
        objects = [c for c in children if c.dep_ == "dobj"]
        thing = objects[0].lemma_.lower() if objects else ""
        to, converse = _keyed("to-"), _keyed("from-")
        sender = receiver = None
        if key := to.get(lemma):
            receiver = objects[0] if objects else None
        elif (key := to.get(f"{lemma} to")) and (not objects or thing in _messages()):  # not "sent troops to"
            found = [c for c in children if c.dep_ == "dative" and c.pos_ != "ADP"]  # "sent her an email"
            heads = [verb, *objects]  # "sent a letter to her": the parser may hang "to" on the letter
            found += [
                o
                for h in heads
                for c in h.children
                if c.dep_ in ("prep", "dative") and c.lower_ == "to"
                for o in c.children
            ]
            receiver = next((o for o in found if o.dep_ in ("dative", "pobj")), None)
        elif key := converse.get(f"{lemma} {thing}") or converse.get(f"{lemma} from"):
            heads = [verb, *objects]
            found = [
                o
                for h in heads
                for c in h.children
                if c.dep_ == "prep" and c.lower_ == "from"
                for o in c.children
            ]
            sender = next((o for o in found if o.dep_ == "pobj"), None)
        if key is None or (sender is None and receiver is None):
            return None
        far = sender if sender is not None else receiver
        one, other = self._person(subject, quote, span), far and self._person(far, quote, span, True)
        if one is None or other is None or one is other:
            return None
        who, whom = (one, other) if receiver is not None else (other, one)
        return who, f"{key} {{{whom.id}}}"

    def _undergone(
        self, verb: Token, subject: Token, quote: Finding, span: Span
    ) -> tuple[Cluster, str, bool] | None:
        """A claim of a person as the object of an organisation's act ("The board gave him until
        Monday": he was given a deadline by the board), or of nobody's ("No one asked me to leave":
        nobody, so negated; "nobody on that board": the board). Returns the person, the
        predicate ("be give deadline by board") and whether the subject is nobody."""
        words = {subject.lower_} | {
            f"{c.lower_} {subject.lower_}" for c in subject.children if c.dep_ == "det"
        }
        nobody = bool(words & _words("nobody"))
        if nobody:
            of = [
                o
                for c in subject.children
                if c.dep_ == "prep" and c.lower_ in _words("nobody-of")
                for o in c.children
                if o.dep_ == "pobj"
            ]
            agent = self._agent(of[0]) if of else "anyone"
        else:
            agent = self._agent(subject)
        if agent is None:
            return None
        objects = [c for c in verb.children if c.dep_ in ("dobj", "dative")]
        people = [(o, who) for o in objects if (who := self._person(o, quote, span, True)) is not None]
        if len(people) != 1:
            return None
        predicate = _predicate(verb, people[0][0])
        if predicate is None or predicate.startswith("be "):
            return None
        return people[0][1], f"be {predicate} by {agent}", nobody

    def _agent(self, token: Token) -> str | None:
        """An organisation as the one who acts: its entity (`{e3}`) or a noun for one ("board")."""
        who = self.index.who(token)
        if who is not None:
            return f"{{{who.id}}}" if who.type == "ORG" else None
        return (
            token.lemma_.lower() if token.pos_ == "NOUN" and token.lemma_.lower() in _words("body") else None
        )

    def _subject(self, token: Token, quote: Finding, span: Span) -> Cluster | None:
        if any(c.dep_ == "conj" for c in token.children):
            return None  # "he and Smith": a claim of two people
        low = token.lower_
        if low in lexicon.word_class("first-singular"):
            return quote.speaker if quote.kind != "indirect" else self.index.who(token)
        if low in lexicon.word_class("first-plural"):
            return None
        if low in _gendered() and quote.kind != "indirect" and self.index.who(token) is None:
            return self._quoted_referent(token, quote, span)
        return self.index.who(token)

    def _another(self, mention: Span, pronoun: Token) -> bool:
        """A "he" or "him" of the pronoun's gender between the name and the pronoun: another man
        may be the one meant ("Trump doesn't look to him like he's a kid. He brings...")."""
        gender = _gendered()[pronoun.lower_]
        return any(_gendered().get(t.lower_) == gender for t in self.doc[mention.end : pronoun.i])

    def _quoted_referent(self, pronoun: Token, quote: Finding, span: Span) -> Cluster | None:
        """ "He" inside a quotation, which the pronoun pass leaves to the speaker's frame: the one
        person of its gender, other than the speaker, named from SENTENCES_BACK sentences (and the
        paragraph) before the quotation to the end of the sentence it ends in ("he said of Cruz"),
        nor the one a reply answers; none when there are two."""
        since = self.sentences.starts[max(0, self.sentences.index(span.start) - SENTENCES_BACK)]
        paragraphs = self.doc._.paragraph_starts or [0]
        p = max(0, bisect_right(paragraphs, quote.start) - 2)  # the paragraph before the quote's
        opening = self.doc.char_span(paragraphs[p], paragraphs[p] + 1, alignment_mode="expand")
        since = min(since, opening.start if opening is not None else since)
        gender = _gendered()[pronoun.lower_]
        until = self.sentences.ends[self.sentences.index(span.end - 1)]
        answered = self._answered(quote)  # a reply's "he" is not the one it answers ("you")
        said = [  # the speaker's own words before it, in the paragraph, make him their subject
            q
            for q in self.quotes
            if quote.speaker is not None
            and q.speaker is quote.speaker
            and q.paragraph == quote.paragraph
            and q.start < pronoun.idx
        ]
        own = {
            c.id: c
            for q in said
            for m, c in self.index.before(pronoun.i, since)
            if q.start <= m.start_char
            and m.end_char <= min(q.end, pronoun.idx)
            and m.root.dep_ in _SUBJECTS
            and c.type == "PERSON"
            and c is not quote.speaker
            and c is not answered
            and c.gender == gender
            and not self._another(m, pronoun)
        }
        if own:
            return next(iter(own.values())) if len(own) == 1 else None
        found = {
            c.id: c
            for _, c in self.index.before(until, since)
            if c.type == "PERSON" and c is not quote.speaker and c is not answered and c.gender == gender
        }
        return next(iter(found.values())) if len(found) == 1 else None


@Language.component("storyline_claims")
@budgeted("claims")
def claims_component(doc: Doc) -> Doc:
    """`doc._.claims` and `doc._.thing_claims`: one list of each per quote of `doc._.quotes`."""
    quotes: list[Finding] = doc._.quotes or []
    try:
        index: EntityIndex = doc._.entity_index or EntityIndex([])
        reader = ClaimReader(doc, index, doc._.sentences or Sentences(doc))
        doc._.claims = reader.read(quotes)
        doc._.thing_claims = reader.read_things(quotes)
    except Exception as exc:  # one odd article must not stop a batch: it is reported
        doc._.claims = [[] for _ in quotes]
        doc._.thing_claims = [[] for _ in quotes]
        doc._.failure = doc._.failure or f"claims: {type(exc).__name__}: {exc}"
    return doc
