"""Relations between entities: spouse, child, sibling, friend, founder, member, employee.

Role nouns ("her daughter Mia", "the Def Jam Recordings cofounder", "a spokeswoman for Acme") and
verbs ("founded Acme") come from `rules/relations.tsv`. A spouse relation also gets its years from
the marriage and divorce events of the same two people (`with_event_times`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Span, Token

from storyline.nlp import budget, lexicon
from storyline.nlp.identity import Cluster, Referents, title_roles
from storyline.nlp.paths import step_from
from storyline.nlp.sentences import Sentences

SYMMETRIC = frozenset({"spouse", "sibling", "friend"})
_ORG_TYPES = {"ORG", "NORP", "FAC"}
_POSSESSING_VERBS = lexicon.word_class("possessing", "verb_classes.tsv")


@dataclass(frozen=True)
class NounRule:
    type: str
    side: str  # "head" when the noun names the relation's head ("her daughter Mia"), else "tail"
    other_type: str  # PERSON or ORG: what the other side must be


@dataclass(frozen=True)
class VerbRule:
    type: str
    head: tuple[tuple[str, ...], ...]
    tail: tuple[tuple[str, ...], ...]
    also: tuple[tuple[str, ...], ...] = ()  # more heads: "founded Acme with Ana Ruiz" (a co-founder)


@dataclass
class RelationFinding:
    type: str
    head: Cluster
    tail: Cluster
    evidence: tuple[int, int]  # char offsets of the sentence that states it
    start: str | None = None
    end: str | None = None
    confidence: float = 0.6


@cache
def _rules() -> tuple[dict[str, NounRule], dict[str, VerbRule]]:
    nouns: dict[str, NounRule] = {}
    verbs: dict[str, VerbRule] = {}
    for row in lexicon.table("relations.tsv"):
        type_, kind, words = row[0], row[1], [w.strip() for w in row[2].split(",")]
        if kind == "noun":
            for w in words:
                nouns[w] = NounRule(type_, row[3], row[4])
        elif kind == "verb":
            roles = dict(part.strip().split("=") for part in row[3].split(";"))
            paths = {k: tuple(tuple(p.split(">")) for p in v.split("|")) for k, v in roles.items()}
            for w in words:
                verbs[w] = VerbRule(type_, paths["head"], paths["tail"], paths.get("also", ()))
    return nouns, verbs


@cache
def _party_signals() -> frozenset[str]:
    """Words right before an organisation's name that make it a party: "the opposition Green Union"."""
    return frozenset(
        w.strip() for row in lexicon.table("relations.tsv") if row[1] == "party" for w in row[2].split(",")
    )


@cache
def _kin_verbs() -> frozenset[str]:
    """Passive verbs whose "by" names the subject's family: "she is survived by a daughter, Ann"."""
    rows = [row for row in lexicon.table("relations.tsv") if row[1] == "by"]
    return frozenset(w.strip() for row in rows for w in row[2].split(","))


class RelationFinder:
    def __init__(self, doc: Doc, referents: Referents, sentences: Sentences):
        self.doc = doc
        self.referents = referents
        self.sentences = sentences

    def run(self) -> list[RelationFinding]:
        nouns, verbs = _rules()
        found: list[RelationFinding] = []
        for i in lexicon.positions(self.doc, frozenset(nouns) | frozenset(verbs), attr="lemma"):
            budget.check(self.doc)
            token = self.doc[i]
            if token.pos_ in {"NOUN", "PROPN"} and token.lemma_ in nouns:
                found += self._noun(token, nouns[token.lemma_])
            elif token.pos_ == "VERB" and token.lemma_ in verbs:
                found += self._verb(token, verbs[token.lemma_])
        for i in lexicon.positions(self.doc, frozenset(nouns), attr="lower"):
            token = self.doc[i]  # "ex", "co-founder": forms the lemmatiser changes or splits
            if token.lemma_ not in nouns and token.pos_ in {"NOUN", "PROPN", "ADJ"}:
                found += self._noun(token, nouns[token.lower_])
        found += self._party_members()
        found += self._staff_of_possessor()
        found += self._name_of_organisation()
        found += self._senators()
        return dedupe(found)

    def _title_roles(self, mention: Span) -> frozenset[str]:
        """The roles the title written before or at the start of a name gives ("Sen." a senator)."""
        before = self._before(mention.start).text
        return title_roles().get(before, frozenset()) | title_roles().get(mention[0].text, frozenset())

    def _senators(self) -> list[RelationFinding]:
        """ "Sen. Ted Cruz" in an article that names one Senate: a member of it. With two Senates
        named (a state's and the U.S. one), whose it is stays unsaid."""
        index = self.referents.index
        senates = [c for c in index.clusters if c.type == "ORG" and c.key and c.key[-1] == "Senate"]
        if len(senates) != 1:
            return []
        out: list[RelationFinding] = []
        for person in (c for c in index.clusters if c.type == "PERSON" and "senator" in c.titles):
            titled = next(
                (m for m in person.mentions if m.start > 0 and "senator" in self._title_roles(m)),
                person.mentions[0],
            )
            out.append(
                RelationFinding("member", person, senates[0], self._sentence(titled.root), confidence=0.7)
            )
        return out

    def _is_party(self, cluster: Cluster) -> bool:
        """A political party ("Republican Party", "the opposition Green Union"): its officers and
        spokespeople are its members."""
        if cluster.type != "ORG":
            return False
        if cluster.name in set(lexicon.parties().values()) or (cluster.key and cluster.key[-1] == "Party"):
            return True
        return any(m.start > 0 and self._before(m.start).lower_ in _party_signals() for m in cluster.mentions)

    def _name_of_organisation(self) -> list[RelationFinding]:
        """ "Dana Whitcombe of Loudhouse Management": a name with an organisation's "of" works
        there (a party's: is a member). A place's "of" ("Sen. Bob Corker of Tennessee") is not this."""
        index = self.referents.index
        out: list[RelationFinding] = []
        for person in (c for c in index.clusters if c.type == "PERSON"):
            for m in person.mentions:
                for p in step_from("prep:of", m.root):
                    hit = index.at(p)
                    if hit is not None and hit[0].type == "ORG":
                        type_ = "member" if self._is_party(hit[0]) else "employee"
                        out.append(RelationFinding(type_, person, hit[0], self._sentence(m.root)))
        return out

    def _staff_of_possessor(self) -> list[RelationFinding]:
        """ "NBC's Lester Holt", "Fox News' Megyn Kelly": an organisation that owns a person's name
        employs them (a person owning one is family or an ally, not this)."""
        index = self.referents.index
        out: list[RelationFinding] = []
        for person in (c for c in index.clusters if c.type == "PERSON"):
            for m in person.mentions:
                owners = [c for c in m.root.children if c.dep_ == "poss" and c.i < m.start]
                if m.start >= 2 and self.doc[m.start - 1].text in {"'", "’"}:
                    owners.append(self.doc[m.start - 2])  # "Fox News' Chris Wallace", however parsed
                for c in owners:
                    hit = index.at(c)
                    if hit is not None and hit[0].type == "ORG" and not hit[0].canonical:
                        out.append(RelationFinding("employee", person, hit[0], self._sentence(m.root)))
                        break
        return out

    def _party_members(self) -> list[RelationFinding]:
        """ "Democratic Sen. Claire McCaskill", "Republican presidential nominee Donald Trump", "the
        Democratic nominee" (a description of Hillary Clinton): a member of the party. The party
        word must lead the title or role right before the name, or the person's description."""
        parties = lexicon.parties()
        clusters = self.referents.index.clusters
        names = set(parties.values())
        party_of = {c.name: c for c in clusters if c.type == "ORG" and c.name in names}
        party_of.update({c.canonical: c for c in clusters if c.canonical in names})
        named = {c.index for c in clusters if c.type == "ORG" and c.key and c.key[-1] == "Party"}
        if not party_of and not named:
            return []
        roles = lexicon.word_list("person_nouns.txt")
        titles = lexicon.honorifics()
        members, initials = lexicon.party_words("member"), lexicon.party_words("initial")
        out: list[RelationFinding] = []
        for person in (c for c in clusters if c.type == "PERSON"):
            for m in person.mentions:  # "Democrat Hillary Clinton", "Sen. Ted Cruz (R-Tex.)"
                before = self._before(m.start) if m.start > 0 else None
                party = party_of.get(members.get(before.text, "")) if before is not None else None
                after = self.doc[m.end : m.end + 4]
                if party is None and len(after) == 4 and after[0].text in {"(", ","}:
                    initial, dash, state = after[1], after[2], after[3]
                    if dash.text in {"-", "–"} and state.is_title:
                        party = party_of.get(initials.get(initial.text, ""))
                if party is not None:
                    sentence = self._sentence(m.root)
                    out.append(RelationFinding("member", person, party, sentence, confidence=0.8))
            # a name: the words right before it; a description: its own words ("the Democratic nominee")
            spans = [(m.start, m.start, False) for m in person.mentions]
            spans += [(d.end, d.start, d.root.lower_ in roles) for d in person.descriptions]
            for stop, inside_from, seen_role in spans:
                for k in range(stop - 1, max(-1, stop - 7), -1):
                    t = self.doc[k]
                    if t.is_space:
                        continue  # "nominee\u00a0Donald Trump": a no-break space is a token of its own
                    party = party_of.get(parties.get(t.text, ""))
                    hit = self.referents.index.at(t) if party is None else None
                    if hit is not None and hit[0].index in named:
                        party = hit[0]  # "Green Party nominee Jill Stein"
                    if party is not None and seen_role:
                        out.append(
                            RelationFinding("member", person, party, self._sentence(t), confidence=0.8)
                        )
                        break
                    if t.lower_ in roles or t.text in titles or t.lower_ in {"presidential", "vice"}:
                        seen_role = True
                    elif k < inside_from and not t.is_title:
                        break
        return out

    def _before(self, i: int) -> Token:
        """The word before token i, past the whitespace tokens a no-break space makes."""
        k = i - 1
        while k > 0 and self.doc[k].is_space:
            k -= 1
        return self.doc[k]

    def _sentence(self, token: Token) -> tuple[int, int]:
        sent = self.sentences.of(token)
        return sent.start_char, sent.end_char

    def _noun(self, noun: Token, rule: NounRule) -> list[RelationFinding]:
        bearers = self._bearers(noun)
        others = self._others(noun, rule)
        out = []
        for b in bearers:
            if b.type != "PERSON":
                continue
            for o in others:
                if o is b or not _fits(o, rule.other_type):
                    continue
                head, tail = (b, o) if rule.side == "head" else (o, b)
                type_ = "member" if rule.type == "employee" and self._is_party(tail) else rule.type
                out.append(RelationFinding(type_, head, tail, self._sentence(noun)))
        if not others and rule.type in SYMMETRIC and len(bearers) >= 2:  # "X and Y are longtime friends"
            people = [b for b in bearers if b.type == "PERSON"]
            for k, a in enumerate(people):
                for b in people[k + 1 :]:
                    out.append(RelationFinding(rule.type, a, b, self._sentence(noun)))
        return out

    def _bearers(self, noun: Token) -> list[Cluster]:
        """Who has the role the noun names: "her ex Russell Simmons", "Whitfield, Acme's chief"."""
        ref = self.referents
        found: list[Cluster] = []
        for c in noun.children:
            if c.dep_ == "appos" or (c.dep_ in {"compound", "flat"} and c.i > noun.i):
                found += ref.of(c)
        if found and any(c.dep_ == "appos" for c in noun.children):
            return _unique(found)  # "a daughter, Ann Lowe; a sister, Ruth Day": the name beside each noun
        if noun.dep_ == "conj" and _is_role(noun.head):
            return self._bearers(noun.head)  # "Ann Lowe, the founder and chief executive of Acme"
        if noun.dep_ == "appos":
            found += ref.of(noun.head, conjuncts=False)
        if noun.dep_ == "compound" and noun.head.i > noun.i and ref.index.at(noun.head):
            found += ref.of(noun.head, conjuncts=False)  # "cofounder Russell Simmons"
        if noun.dep_ in {"attr", "acomp"} and noun.head.lemma_ == "be":
            for s in noun.head.children:
                if s.dep_ == "nsubj":
                    found += ref.of(s)
        hit = ref.index.at(noun)
        if hit is not None and hit[0].type == "PERSON":
            found.append(hit[0])  # a description: "the Def Jam Recordings cofounder"
        nxt = noun.doc[noun.i + 1] if noun.i + 1 < len(noun.doc) else None
        if not found and nxt is not None and nxt.pos_ == "PROPN":
            name = nxt
            while name.dep_ in {"compound", "flat"} and name.head.i > name.i:
                name = name.head
            found += ref.of(name)  # "two daughters Aoki Lee Simons and Ming Lee Simons", parsed loosely
        return _unique(found)

    def _others(self, noun: Token, rule: NounRule, shared: bool = False) -> list[Cluster]:
        """The other side: the possessor, a name compounded to the noun, "of"/"for"/"at" X."""
        ref = self.referents
        found: list[Cluster] = []
        for c in noun.children:
            if c.dep_ == "poss":
                if c.lower_ == "their" and rule.other_type == "PERSON":
                    found += ref.last_two_people(c)
                else:
                    found += ref.of(c)
            elif c.dep_ in {"compound", "nmod", "amod"} and c.i < noun.i:
                found += [h for h in ref.of(c, conjuncts=False) if _fits(h, rule.other_type)]
        for words in ("of", "for", "at", "with"):
            for p in step_from(f"prep:{words}", noun):
                found += ref.of(p)
        if not found and not shared:  # "the founder and chief executive of Acme": the "of" is shared
            for other in (c for c in noun.conjuncts if _is_role(c)):
                found += [h for h in self._others(other, rule, shared=True) if _fits(h, rule.other_type)]
        before = self.doc[noun.i - 1] if noun.i > 0 else None
        hit = (
            ref.index.at(before) if not found and before is not None and rule.other_type != "PERSON" else None
        )
        if hit is not None and hit[1].end == noun.i and _fits(hit[0], rule.other_type):
            found.append(hit[0])  # "and Navy veteran Peter Kaisen", however the parser split it
        if not found and rule.other_type != "PERSON" and noun.dep_ == "compound" and noun.head.i > noun.i:
            # "Gov. Mike Pence of Indiana": the title's "of" hangs on the name
            places = [h for p in step_from("prep:of", noun.head) for h in ref.of(p)]
            found += [h for h in places if _fits(h, rule.other_type)]
        if not found and rule.other_type == "PERSON":
            found += self._possessing_subject(noun) or self._survived(noun)
        return _unique(found)

    def _survived(self, noun: Token) -> list[Cluster]:
        """ "She is survived by a son, Tom; a sister, Ruth": the kin of the passive verb's subject."""
        t = noun
        while t.dep_ in {"appos", "conj"} and t.head.i != t.i:
            t = t.head
        by = t.head if t.dep_ == "pobj" else None
        if by is None or by.dep_ != "agent" or by.head.lemma_ not in _kin_verbs():
            return []
        return [c for s in by.head.children if s.dep_ == "nsubjpass" for c in self.referents.of(s)]

    def _possessing_subject(self, noun: Token) -> list[Cluster]:
        """ "The two share two daughters", "the couple have a son": the subject of the verb."""
        lo = max(self.sentences.of(noun).start, noun.i - 4)
        for k in range(noun.i - 1, lo - 1, -1):
            t = self.doc[k]
            if t.lower_ in _POSSESSING_VERBS:
                if t.pos_ in {"VERB", "AUX"}:
                    subjects = [s for s in t.children if s.dep_ in {"nsubj"}]
                    if subjects:
                        return [c for s in subjects for c in self.referents.of(s)]
                if k - 1 >= 0:
                    return self.referents.of(self.doc[k - 1])
        return []

    def _verb(self, verb: Token, rule: VerbRule) -> list[RelationFinding]:
        heads = _unique(_reach(self.referents, verb, rule.head) + _reach(self.referents, verb, rule.also))
        tails = _reach(self.referents, verb, rule.tail)
        return [
            RelationFinding(rule.type, h, t, self._sentence(verb))
            for h in heads
            for t in tails
            if h is not t and h.type == "PERSON" and t.type in _ORG_TYPES
        ]


def _reach(ref: Referents, token: Token, paths: tuple[tuple[str, ...], ...]) -> list[Cluster]:
    for path in paths:
        tokens = [token]
        for step in path:
            tokens = [t for tok in tokens for t in step_from(step, tok)]
        found = _unique([c for t in tokens for c in ref.of(t)])
        if found:
            return found
    return []


def _is_role(token: Token) -> bool:
    nouns = _rules()[0]
    return token.pos_ in {"NOUN", "PROPN"} and (token.lemma_ in nouns or token.lower_ in nouns)


def _fits(cluster: Cluster, wanted: str) -> bool:
    if wanted == "PLACE":  # "New Jersey Gov. Chris Christie": a state's or a city's office
        return cluster.type in _ORG_TYPES | {"GPE"}
    return cluster.type == "PERSON" if wanted == "PERSON" else cluster.type in _ORG_TYPES


def _unique(clusters: list[Cluster]) -> list[Cluster]:
    out: list[Cluster] = []
    for c in clusters:
        if c not in out:
            out.append(c)
    return out


def dedupe(found: Sequence[RelationFinding]) -> list[RelationFinding]:
    """One relation per type and pair (either order for the symmetric ones); the first evidence."""
    out: dict[tuple, RelationFinding] = {}
    for r in found:
        pair = tuple(sorted((r.head.id, r.tail.id))) if r.type in SYMMETRIC else (r.head.id, r.tail.id)
        key = (r.type, pair)
        kept = out.setdefault(key, r)
        kept.start = kept.start or r.start
        kept.end = kept.end or r.end
    return list(out.values())


def spouses_from_events(
    marriages: list[tuple[list[Cluster], str | None, tuple[int, int]]],
    divorces: list[tuple[list[Cluster], str | None, tuple[int, int]]],
) -> list[RelationFinding]:
    """Spouse relations from asserted marriage and divorce events: (agents, time value, sentence).
    The marriage gives the start, a divorce of the same two people the end."""
    out: list[RelationFinding] = []
    for agents, when, sentence in marriages:
        people = [c for c in agents if c.type == "PERSON"]
        if len(people) == 2:
            out.append(RelationFinding("spouse", people[0], people[1], sentence, start=when, confidence=0.8))
    for agents, when, sentence in divorces:
        people = [c for c in agents if c.type == "PERSON"]
        if len(people) != 2:
            continue
        pair = {people[0].id, people[1].id}
        match = next((r for r in out if {r.head.id, r.tail.id} == pair), None)
        if match is None:
            match = RelationFinding("spouse", people[0], people[1], sentence, confidence=0.8)
            out.append(match)
        match.end = match.end or when
    return out


def end_at_resignation(
    found: list[RelationFinding], resignations: list[tuple[list[Cluster], list[Cluster], str | None]]
) -> None:
    """Who resigns from an organisation in a dated year stops working for it then: (agents,
    targets, year) of each asserted resignation ends the person's employee or member relation to
    that organisation, when the relation has no end of its own ("Pereira resigned that October")."""
    ended: dict[tuple[str, str], str] = {}
    for agents, targets, year in resignations:
        for a in agents:
            for t in targets if year is not None else ():
                ended[(a.id, t.id)] = min(year, ended.get((a.id, t.id), year))
    for r in found:
        year = ended.get((r.head.id, r.tail.id))
        if r.type in {"employee", "member"} and r.end is None and year and (r.start or "") <= year:
            r.end = year


def end_at_death(found: list[RelationFinding], deaths: list[tuple[list[Cluster], str | None]]) -> None:
    """A marriage ends when a spouse dies: the earliest dated death (agents, year) of either spouse,
    not before the wedding, ends a spouse relation that has no end ("Arthur Whitby died in 1994")."""
    died: dict[str, str] = {}
    for agents, year in deaths:
        for c in agents:
            if year is not None and c.type == "PERSON":
                died[c.id] = min(year, died.get(c.id, year))
    for r in found:
        if r.type != "spouse" or r.end is not None:
            continue
        years = [
            died[c.id]
            for c in (r.head, r.tail)
            if c.id in died and (r.start is None or died[c.id] >= r.start)
        ]
        r.end = min(years, default=None)


_EMPLOYING = frozenset({"employee", "founder"})


def employers(found: Sequence[RelationFinding], kinds: frozenset[str] = _EMPLOYING) -> dict[int, Cluster]:
    """Person cluster id -> the one organisation the article says they work for or founded (or,
    with `kinds`, belong to); a person with two is left out ("resigned" does not say which)."""
    seen: dict[int, dict[int, Cluster]] = {}
    for r in found:
        if r.type in kinds and r.tail.type == "ORG":
            seen.setdefault(r.head.id, {})[r.tail.id] = r.tail
    return {person: next(iter(orgs.values())) for person, orgs in seen.items() if len(orgs) == 1}
