"""The last sieve pass: pronouns linked to the entity they stand for, by rules on the parse.

No offline coreference model exists on PyPI, so this is the classic rule-based resolver: the
candidates are the mentions before the pronoun (names, descriptions and the pronouns already
linked), filtered by agreement (gender, number, animacy: a person is never "it", a company never
"she") and by binding (a non-reflexive pronoun is not its own clause's subject or object), and
ranked by salience (subjects first, the same grammatical role, nearness). A pronoun whose best
candidate does not clearly beat the next one stays unlinked.

Genders come from honorifics, given names, gendered role nouns and possessives bound to a
subject ("Kimora defended her ex").
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Span, Token

from storyline.nlp import budget, lexicon
from storyline.nlp.identity.clusters import Cluster, EntityIndex, key_words, name_text
from storyline.nlp.identity.names import person_shaped, unnamed_proper_nouns
from storyline.nlp.sentences import Sentences

# pronoun -> the gender it states, "p" for a plural (rules/identity_words.tsv)
PRONOUN_GENDER = {w: g for g in "mfp" for w in sorted(lexicon.word_class(f"pronoun-{g}"))}
ORG_PRONOUNS = frozenset({"it", "its", "itself"})
FIRST_PERSON_SINGULAR = lexicon.word_class("first-singular")
_PLEONASTIC_VERBS = lexicon.word_class("pleonastic-verb")  # "it seems", "it takes", "it rained"
_RELATIVE = frozenset({"who", "whom", "whose"})
_PLURAL = frozenset({"they", "them", "their", "themselves"})
_REFLEXIVE = frozenset({"himself", "herself", "itself", "themselves"})
_OBJECT_FORMS = frozenset({"him", "her", "them", "it"})
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_OBJECT_DEPS = {"dobj", "pobj", "dative", "iobj"}
_GENDERED_POSSESSIVES = frozenset({"his", "her"})
# finite clauses with a subject of their own; not a reported one ("the senator said Trump had
# attacked his wife": Cruz's wife)
_LOCAL_CLAUSES = {"advcl", "conj", "relcl"}
_RELATIVE_SUBJECTS = {"who", "that"}  # not "which": no person
_CLAUSES = {"ccomp", "xcomp", "advcl", "relcl", "acl", "conj", "parataxis", "csubj", "pcomp"}
_ADJUNCT_DEPS = {"prep", "advcl", "npadvmod", "advmod"}  # "Early in his career, X ..."
_PERSON_PRONOUNS = frozenset(w for w, g in PRONOUN_GENDER.items() if g in {"m", "f"})
_SINGULAR_PRONOUNS = _PERSON_PRONOUNS | ORG_PRONOUNS  # he, she, it and their forms
_SPEECH_ONLY = lexicon.word_class("speech-only-verb")  # "Google accused Microsoft": speech, object or not
_MISTYPED = frozenset({"ORG", "GPE", "NORP", "OTHER", "WORK"})  # types a person's name may get


@dataclass(frozen=True)
class Settings:
    """The resolver's numbers (rules/pronouns.tsv)."""

    sentences_back: int
    org_sentences_back: int
    recency: float
    subject: float
    object: float
    oblique: float
    head_noun: float
    non_adverbial: float
    decay: float
    parallel: float
    cataphora: float
    speaker: float
    margin: float
    latent: float
    main_clause: float
    conjunct_owner: float
    latent_given_name: float
    local_subject: float
    coordinated_margin: float


@cache
def settings() -> Settings:
    values = {name: float(value) for name, value in lexicon.table("pronouns.tsv")}
    numbers = {f: values[f] for f in Settings.__dataclass_fields__}
    numbers["sentences_back"] = int(numbers["sentences_back"])
    numbers["org_sentences_back"] = int(numbers["org_sentences_back"])
    return Settings(**numbers)


@cache
def gendered_nouns() -> dict[str, str]:
    return {word: gender for gender, words in lexicon.table("gendered_nouns.tsv") for word in words.split()}


@cache
def _person_words() -> frozenset[str]:
    """Nouns that name a person by role or kinship ("spokeswoman", "actor", "mother")."""
    return lexicon.word_list("person_nouns.txt") | frozenset(gendered_nouns()) | lexicon.word_class("kin")


def assign_genders(doc: Doc, index: EntityIndex, in_quote: list[int]) -> None:
    names = lexicon.first_name_genders()
    titles = lexicon.honorifics()
    nouns = gendered_nouns()
    votes: dict[str, Counter[str]] = {c.id: Counter() for c in index.clusters if c.type == "PERSON"}
    people = {c.id: c for c in index.clusters if c.type == "PERSON"}
    for c in people.values():
        first = [t for t in c.name_tokens if t not in titles][:1]
        if first and first[0] in names:
            votes[c.id][names[first[0]]] += 2  # outweighs one possessive ("Tom gave Ann her cap")
        for m in c.mentions:
            for title in (doc[m.start - 1].text if m.start > 0 else "", m[0].text):
                if titles.get(title):
                    votes[c.id][titles[title]] += 3
        for d in c.descriptions:
            if gender := nouns.get(d[-1].lower_):
                votes[c.id][gender] += 2
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


def _clause_verb(token: Token) -> Token:
    verb = token.head
    while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
        verb = verb.head
    if (
        token.dep_ in _SUBJECT_DEPS
        and token.lower_ in _OBJECT_FORMS
        and verb.dep_ in {"ccomp", "xcomp"}
        and verb.head.i != verb.i
    ):
        return verb.head  # "Jacques allows him to sit": "him" is the object of "allows"
    return verb


def _controller(pronoun: Token) -> Token | None:
    """The understood subject of the non-finite clause that holds the pronoun: the object of the
    verb it complements ("asks Felix to do him", "forced Apple to lower its prices"), else that
    verb's subject ("wants to see him", "returned to face Salter, defeating him"), up a chain of
    such clauses ("Charlene wants to take a year off to look after her baby": Charlene)."""
    return _understood_subject(_clause_verb(pronoun), 3)


def _understood_subject(verb: Token, hops: int) -> Token | None:
    if any(c.dep_ in _SUBJECT_DEPS for c in verb.children):
        return None
    if verb.dep_ == "conj" and verb.pos_ == "VERB" and verb.head.pos_ in {"VERB", "AUX"} and hops > 0:
        head = verb.head
        stated = next((c for c in head.children if c.dep_ in _SUBJECT_DEPS), None)
        return _relative_antecedent(stated) if stated is not None else _understood_subject(head, hops - 1)
    if verb.tag_ not in {"VB", "VBG"}:
        return None
    if verb.dep_ not in {"xcomp", "advcl", "pcomp"}:
        return None
    governor = verb.head
    if verb.dep_ == "pcomp":  # "by informing her": the verb the preposition hangs on
        governor = governor.head
    if governor.pos_ not in {"VERB", "AUX"}:
        return None
    children = list(governor.children)
    if verb.dep_ == "xcomp":
        obj = next((c for c in children if c.dep_ in {"dobj", "dative"} and c.i < verb.i), None)
        if obj is not None:
            return obj
    subject = next((c for c in children if c.dep_ in _SUBJECT_DEPS), None)
    if subject is None and hops > 1:
        return _understood_subject(governor, hops - 1)  # "wants to take a year off to look after"
    return _relative_antecedent(subject)


def _relative_antecedent(token: Token | None) -> Token | None:
    """A relative pronoun stands for the noun its clause modifies: "Gordy, who began spending most
    of his time in Japan" (Gordy); any other word stands for itself."""
    if token is not None and token.lower_ in _RELATIVE_SUBJECTS and token.head.dep_ == "relcl":
        return token.head.head
    return token


def _local_subject(pronoun: Token) -> Token | None:
    """The stated subject of the finite clause below the sentence's main one that holds a
    possessive: "Hall was knocked out, while Bissett progressed after a win in his first bout"
    (Bissett), "Geeta is raised in a poor neighbourhood, while Seeta is raised by her aunt"."""
    if pronoun.dep_ != "poss":
        return None
    verb = _clause_verb(pronoun)
    if verb.pos_ not in {"VERB", "AUX"} or verb.dep_ not in _LOCAL_CLAUSES:
        return None
    subject = next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS and c.i < pronoun.i), None)
    return _relative_antecedent(subject)


def _commanded(pronoun: Token) -> Iterator[Token]:
    """The words after a subject pronoun in its own clause, which no name there may be ("she is
    Sitara's mother": not Sitara). Not into another clause: the news repeats a name there ("He notes
    that the commission said there was an issue with Trump's microphone")."""
    if pronoun.dep_ not in _SUBJECT_DEPS:
        return
    stack = [c for c in pronoun.head.children if c.i > pronoun.i]
    while stack:
        t = stack.pop()
        if t.dep_ not in _CLAUSES:
            yield t
            stack.extend(t.children)


def _conjunct_owner(pronoun: Token) -> Token | None:
    """The name a possessive's noun is coordinated with: "Smith and his wife", "Ann and her
    sister": the possessor is the first conjunct."""
    if pronoun.dep_ != "poss" or pronoun.head.dep_ != "conj":
        return None
    first = pronoun.head.head
    if first.pos_ != "PROPN" or first.i > pronoun.i:
        return None
    return first


def _speaks(root: Token) -> bool:
    """The subject of a verb of speech: "Boeing said", "Google accused Microsoft". Organisations
    speak in the news as often as people, so that is no evidence of a person."""
    verb = root.head
    if root.dep_ not in _SUBJECT_DEPS or lexicon.cue_verbs().get(verb.text) is None:
        return False
    # what it says: a clause, a quotation, or whom it addresses or accuses ("accused Microsoft");
    # not "Hartwig continued to teach", "Rivera opened the season" (a cue verb used otherwise)
    return verb.lemma_ in _SPEECH_ONLY or any(
        c.dep_ in {"ccomp", "parataxis", "dative"} or c.is_quote for c in verb.children
    )


def _addressed(root: Token, etype: str) -> bool:
    """The object of a verb of speech, typed as an organisation: "Google accused Microsoft of
    copying". Organisations are accused, told and praised in the news as often as people, so a
    gendered pronoun after it ("He said ...") is no evidence that the name is a person's."""
    return (
        etype == "ORG"
        and root.text not in lexicon.first_name_genders()  # "forced him to blame Veronica"
        and root.dep_ in {"dobj", "dative"}
        and root.head.lemma_ in _SPEECH_ONLY
    )


def _role(token: Token) -> str:
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head  # "Brown and Green argued": both are subjects
    if token.dep_ in _SUBJECT_DEPS:
        return "subject"
    if token.dep_ in _OBJECT_DEPS:
        return "object"
    if token.dep_ == "poss":
        return "poss"
    return "other"


def _embedded(root: Token) -> bool:
    """Inside a larger noun phrase: "Gladstone's bill", "the company of the choreographer X"."""
    while root.dep_ in {"conj", "appos"} and root.head.i != root.i:
        root = root.head
    if root.dep_ in {"poss", "compound", "nmod"}:
        return True
    return root.dep_ == "pobj" and root.head.head.pos_ in {"NOUN", "PROPN", "PRON"}


def _written_as_person(cluster: Cluster, speaking: bool) -> bool:
    """Whether a name the NER typed as an organisation, place or work is written as a person's
    may be (`person_shaped`) in every mention that is no modifier ("the Shumlin family business"
    says nothing either way); unless `speaking`, none of them speaking or spoken to as an
    organisation is."""
    said = [m for m in cluster.mentions if m.root.dep_ not in {"compound", "nmod"}]
    return (
        cluster.type in _MISTYPED
        and bool(said)
        and all(
            person_shaped(m) and (speaking or not (_speaks(m.root) or _addressed(m.root, cluster.type)))
            for m in said
        )
    )


class PronounResolver:
    """Resolves a third-person pronoun to the best earlier entity, or to none."""

    def __init__(self, doc: Doc, index: EntityIndex, in_quote: list[int], sentences: Sentences):
        self.doc = doc
        self.index = index
        self.in_quote = in_quote
        self.sentences = sentences
        self.settings = settings()
        self._latent: list[tuple[Span, Cluster]] | None = None
        self._nouns: list[int] | None = None  # _person_nouns
        self._provisional: dict[int, Cluster] = {}  # latent people not in the index yet
        self.latest: dict[int, Span] = {}  # cluster index -> its latest mention, of the last ranking
        self._mistyped: set[int] = set()  # indexes of the clusters typed otherwise that may be people

    def sentence_of(self, i: int) -> int:
        return self.sentences.index(i)

    def _wanted(self, pronoun: Token) -> tuple[set[str], str | None] | None:
        low = pronoun.lower_
        if low in ORG_PRONOUNS:
            return {"ORG"}, None
        gender = PRONOUN_GENDER.get(low)
        if gender is None:
            return None
        if gender == "p":
            return {"ORG"}, None
        return {"PERSON"}, gender

    def _excluded(self, pronoun: Token, mention: Span) -> bool:
        """Binding: "Smith told him" is not Smith; "his brother John" is not John; "himself" is
        only its own clause's subject."""
        root = mention.root
        reflexive = pronoun.lower_ in _REFLEXIVE
        same_clause = _clause_verb(root).i == _clause_verb(pronoun).i
        if reflexive:
            return not (same_clause and root.dep_ in _SUBJECT_DEPS)
        controller = _controller(pronoun) if pronoun.dep_ in _OBJECT_DEPS else None
        if controller is not None and root.i in {controller.i, *(t.i for t in controller.conjuncts)}:
            return True  # "Jesus asks Felix to do him a favour": not Felix, who is to do it
        if pronoun.dep_ != "poss" and same_clause and root.dep_ in _SUBJECT_DEPS | _OBJECT_DEPS:
            return True
        if pronoun.dep_ == "poss":
            owner = pronoun.head  # "his brother, John": John is the brother
            if root.i in {t.i for t in owner.subtree} or (root.dep_ == "appos" and root.head.i == owner.i):
                return True
            if owner.dep_ == "appos" and owner.head.i == root.i:
                return True  # "Immigration, his signature issue": not Immigration
            if owner.dep_ == "attr" and root.dep_ in _SUBJECT_DEPS and root.head.i == owner.head.i:
                return True  # "Tey was not her mother", "Lee became his successor": not Tey, not Lee
        return False

    def candidates(
        self, pronoun: Token, previous_speaker: Cluster | None = None
    ) -> list[tuple[float, Cluster]]:
        """Every agreeing entity with its best score, best first."""
        wanted = self._wanted(pronoun)
        if wanted is None:
            return []
        types, gender = wanted
        s = self.settings
        here = self.sentence_of(pronoun.i)
        back = s.sentences_back if "PERSON" in types else s.org_sentences_back
        first = self.sentences.starts[max(0, here - back)] if self.sentences.starts else 0
        role = _role(pronoun)
        best: dict[int, tuple[float, Cluster]] = {}
        for _, cluster in self._cataphora(pronoun, types):
            # "In his list for the Review, Robert Christgau named ...": the subject after the adjunct
            if not (gender and cluster.gender and cluster.gender != gender):
                best[cluster.index] = (s.cataphora, cluster)
        # Lappin and Leass count each factor once per entity and sentence: an apposition or a
        # repeated name in one sentence does not make its entity more salient.
        per_sentence: dict[tuple[int, int], float] = {}
        bound: set[int] = set()
        clusters: dict[int, Cluster] = {}
        latest: dict[int, Span] = {}
        pool = [(m, c, False) for m, c in self.index.before(pronoun.i, first) if c.type in types]
        if gender:
            since = max(first, self._last_person_noun(first, pronoun.i) + 1)
            latent = [(m, c, True) for m, c in self._latent_people() if since <= m.start < pronoun.i]
            pool = sorted(pool + latent, key=lambda mch: mch[0].start)
        names = lexicon.first_name_genders()
        reflexive = pronoun.lower_ in _REFLEXIVE
        for mention, cluster, hidden in pool:
            if mention.end > pronoun.i or (hidden and not self._is_latent(cluster)):
                continue  # a latent name another pronoun made a person is in the index's mentions
            if self.in_quote[mention.start] >= 0 and self.in_quote[mention.start] != self.in_quote[pronoun.i]:
                continue  # names inside someone else's quotation are not the narrator's antecedents
            stated = cluster.gender or (names.get(cluster.key[0]) if hidden and cluster.key else None)
            if gender and stated and stated != gender:
                continue
            if (
                gender
                and mention.root.lower_ in PRONOUN_GENDER
                and PRONOUN_GENDER[mention.root.lower_] != gender
            ):
                continue
            distance = here - self.sentence_of(mention.start)
            if distance and reflexive:
                continue  # "himself" is bound in its own clause, never by a sentence before
            k = cluster.index
            if distance == 0 and self._excluded(pronoun, mention):
                bound.add(k)  # "Bell, the head of ..., spotted her": not Bell by any mention
                continue
            weight = self._weight(mention) * s.decay**distance
            key = (k, distance)
            per_sentence[key] = max(per_sentence.get(key, 0.0), weight)
            clusters[k], latest[k] = cluster, mention
        self.latest = {clusters[k].index: span for k, span in latest.items()}
        for t in _commanded(pronoun):  # a name the pronoun's clause holds; not a pronoun of it
            if (hit := self.index.at(t)) is not None and t.lower_ not in _SINGULAR_PRONOUNS:
                bound.add(hit[0].index)
        salience: dict[int, float] = {}
        for (k, _), weight in per_sentence.items():
            if k not in bound:
                salience[k] = salience.get(k, 0.0) + weight
        controller = _controller(pronoun) if pronoun.dep_ == "poss" else None
        owner = self.index.at(controller) if controller is not None else None
        conjunct = _conjunct_owner(pronoun)
        local = _local_subject(pronoun)
        local_owner = self.index.at(local) if local is not None else None
        if local_owner is not None and self._rival_between(local_owner[1], pronoun, types):
            local_owner = None  # "if Holt asks him about his tax returns": either may own them
        for k, total in salience.items():
            score = total
            if owner is not None and owner[0] is clusters[k]:
                # "forced Apple to lower its prices": the understood subject of the possessive's
                # clause weighs as much as a stated main-clause subject does
                score += s.subject + s.main_clause
            if local_owner is not None and local_owner[0] is clusters[k]:
                score += s.local_subject
            if conjunct is not None and self._names(clusters[k], conjunct, first):
                score += s.conjunct_owner
            if _role(latest[k].root) == role and role in {"subject", "object", "poss"}:
                score += s.parallel
            if previous_speaker is not None and clusters[k] is previous_speaker:
                score += s.speaker
            score += 0.001 * latest[k].start / max(1, pronoun.i)  # the nearer of equals
            score *= self._latent_share(clusters[k], gender)
            if k not in best or score > best[k][0]:
                best[k] = (score, clusters[k])
        return sorted(best.values(), key=lambda sc: -sc[0])

    def _rival_between(self, mention: Span, pronoun: Token, types: set[str]) -> bool:
        """Whether another entity of the pronoun's types, or a pronoun of its own, stands between
        a candidate's mention and the pronoun."""
        own = self.index.who(mention.root)
        for t in self.doc[mention.end : pronoun.i]:
            if t.lower_ in _SINGULAR_PRONOUNS:
                return True
            other = self.index.who(t)
            if other is not None and other.type in types and other is not own:
                return True
        return False

    def _names(self, cluster: Cluster, token: Token, first: int) -> bool:
        """Whether `token` is in one of the cluster's mentions since `first` (latent ones too)."""
        hit = self.index.at(token)
        if hit is not None:
            return hit[0] is cluster
        spans = cluster.mentions if self._is_latent(cluster) else []
        return any(first <= m.start <= token.i < m.end for m in spans)

    def _coordinated(self, a: Cluster, b: Cluster) -> bool:
        """Whether the latest mentions of two candidates are conjuncts of each other."""
        x, y = self.latest.get(a.index), self.latest.get(b.index)
        return x is not None and y is not None and x.root.i in {t.i for t in y.root.conjuncts}

    def _is_latent(self, cluster: Cluster) -> bool:
        """Whether a person may be what the cluster is: not once "it" or "they" stood for it ("Apple
        hired Tim Cook. It said ...")."""
        if cluster.index < 0:
            return True
        return (
            cluster.type in _MISTYPED
            and cluster.index in self._mistyped
            and not any(p.root.lower_ in ORG_PRONOUNS | _PLURAL for p in cluster.pronouns)
        )

    def _latent_share(self, cluster: Cluster, gender: str | None) -> float:
        """The share of its score a candidate keeps: all for a person; `latent` for a name the NER
        did not type as a person's (the weaker evidence); `latent_given_name` for such a name of one
        word that is a given name of the pronoun's gender ("Tanya", "Rebecca" typed as places: the
        small model does so to women's names more often than to men's)."""
        if not self._is_latent(cluster):
            return 1.0
        key = cluster.key
        if gender and len(key) == 1 and lexicon.first_name_genders().get(key[0]) == gender:
            return self.settings.latent_given_name
        return self.settings.latent

    def _latent_people(self) -> list[tuple[Span, Cluster]]:
        """Names that may be people's though the NER said otherwise: the mentions of entities typed
        as organisations, places or works whose every name is `person_shaped` ("Payne went to
        Northside School"), and runs of proper nouns it passed over ("Robles was sentenced"), one
        provisional entity per name. A gendered pronoun may resolve to one (at a cost in score),
        and then the entity becomes a person."""
        if self._latent is not None:
            return self._latent
        out: list[tuple[Span, Cluster]] = []
        for c in self.index.clusters:
            if _written_as_person(c, speaking=False):
                self._mistyped.add(c.index)
                out += [(m, c) for m in c.mentions]
        taken = {t.i for c in self.index.clusters for m, _ in c.all_mentions() for t in m}
        known = {k for c in self.index.clusters for k in c.alias_keys}
        groups: dict[str, Cluster] = {}
        for span in unnamed_proper_nouns(self.doc, taken):
            if self.in_quote[span.start] >= 0:
                continue  # "Rally To 'Reclaim Our Schools'": words quoted, not a name
            key = name_text(span).lower()
            if key in known:
                continue
            if key not in groups:
                groups[key] = Cluster(-1 - len(groups), "PERSON", key=key_words(span), alias_keys={key})
            groups[key].mentions.append(span)
            out.append((span, groups[key]))
        self._provisional = {c.index: c for c in groups.values()}
        self._latent = sorted(out, key=lambda mc: mc[0].start)
        return self._latent

    def _last_person_noun(self, first: int, end: int) -> int:
        """The last person noun in [first, end) that no pass linked to an entity and no possessive
        owns ("A spokeswoman said she ..."): a latent name before it is no antecedent; -1 if none."""
        stretch = self.doc[first:end]
        nouns = self._person_nouns()
        for k in reversed(range(bisect_left(nouns, stretch.start), bisect_left(nouns, stretch.end))):
            t = self.doc[nouns[k]]
            if t.dep_ in {"attr", "appos"}:
                continue  # "Buffie is a recipient of the award": it says who Buffie is
            if not self.index.at(t) and not any(c.dep_ == "poss" for c in t.children):
                return t.i
        return -1

    def _person_nouns(self) -> list[int]:
        """The Doc's singular common nouns of a person ("spokeswoman"), found once: what
        `_last_person_noun` looks among, where it walked every token before each pronoun."""
        if self._nouns is None:
            self._nouns = [
                i
                for i in lexicon.positions(self.doc, _person_words())
                if self.doc[i].pos_ == "NOUN" and self.doc[i].tag_ == "NN"
            ]
        return self._nouns

    def _adopt(self, cluster: Cluster, gender: str | None) -> None:
        """A latent person a pronoun resolved to becomes one: the NER's type is corrected, or the
        proper nouns it passed over become an entity of the index."""
        if cluster.index < 0:
            del self._provisional[cluster.index]
            self.index.adopt(cluster)
        cluster.type = "PERSON"
        if gender in {"m", "f"}:
            cluster.gender = cluster.gender or gender

    def _weight(self, mention: Span) -> float:
        """A mention's salience factors (Lappin and Leass 1994): recency, grammatical role, being
        the head of its noun phrase, and standing outside an adverbial phrase."""
        s = self.settings
        root = mention.root
        weight = s.recency
        role = _role(root)
        if role == "subject":
            weight += s.subject
            verb = _clause_verb(root)
            while verb.dep_ == "conj" and verb.head.i != verb.i:
                verb = verb.head
            if verb.dep_ == "ROOT":
                weight += s.main_clause  # "Dan senses that Sil is in the hotel": Dan
        elif root.dep_ == "dobj":
            weight += s.object
        elif root.dep_ in {"dative", "iobj", "pobj", "attr"}:
            weight += s.oblique
        if not _embedded(root):
            weight += s.head_noun  # not "Gladstone" in "Gladstone's Home Rule Bill"
        if not (root.dep_ == "pobj" and root.head.dep_ == "prep" and root.head.head.pos_ in {"VERB", "AUX"}):
            weight += s.non_adverbial
        return weight

    def _cataphora(self, pronoun: Token, types: set[str]) -> list[tuple[Span, Cluster]]:
        """The main clause's subject after a preposed adjunct that holds the pronoun as a possessive
        or as the subject of an adverbial clause: "In his list for the Review, Robert Christgau
        named ...", "Living with her aunt, Kelsey studied ...", "When she arrived, Mary ..."."""
        if pronoun.dep_ != "poss" and pronoun.dep_ not in _SUBJECT_DEPS:
            return []
        adjunct, step = None, pronoun
        while step.head.i != step.i:  # the outermost phrase before a verb that it modifies
            if step.dep_ in _ADJUNCT_DEPS and step.head.pos_ in {"VERB", "AUX"} and step.i < step.head.i:
                adjunct = step
            step = step.head
        if adjunct is None or (adjunct.head.dep_ != "ROOT" and adjunct.left_edge.i != adjunct.sent.start):
            return []  # the main clause's, or a phrase opening the sentence ("Following his retirement,")
        if pronoun.dep_ != "poss" and not (pronoun.head.i == adjunct.i and adjunct.dep_ == "advcl"):
            return []  # a subject pronoun: only the subject of the adverbial clause itself
        verb, last = adjunct.head, max(t.i for t in adjunct.subtree)
        subject = next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS and c.i > last), None)
        if subject is None:
            return []
        hit = self.index.at(subject)
        if hit is not None and hit[0].type in types:
            return [(hit[1], hit[0])]
        if "PERSON" not in types:
            return []
        latent = [
            (m, c) for m, c in self._latent_people() if m.start <= subject.i < m.end and self._is_latent(c)
        ]
        if not latent and hit is not None and self._speaking_person(hit[0]):
            # "In her diary, Murasaki wrote about ...": a name that speaks is no evidence of a
            # person, but a gendered possessive before it in its own clause is
            self._mistyped.add(hit[0].index)
            return [(hit[1], hit[0])]
        return latent

    def _speaking_person(self, cluster: Cluster) -> bool:
        """A name typed otherwise, written as a person's, that was kept from the latent people
        only because it speaks; not once "it" or "they" stood for it."""
        return _written_as_person(cluster, speaking=True) and not any(
            p.root.lower_ in ORG_PRONOUNS | _PLURAL for p in cluster.pronouns
        )

    def resolve(self, pronoun: Token, previous_speaker: Cluster | None = None) -> Cluster | None:
        """The entity, when the best candidate clearly beats the next; else None."""
        ranked = self.candidates(pronoun, previous_speaker)
        if not ranked:
            gender = PRONOUN_GENDER.get(pronoun.lower_)
            if (
                previous_speaker is not None
                and gender in {"m", "f"}
                and previous_speaker.gender in {None, gender}
                and previous_speaker.type == "PERSON"
            ):
                return previous_speaker  # "..., she added": the quote's speaker goes on
            return None
        if len(ranked) > 1:
            lead = ranked[0][0] - ranked[1][0]
            if lead < self.settings.margin:
                return None
            if lead < self.settings.coordinated_margin and self._coordinated(ranked[0][1], ranked[1][1]):
                return None  # "Brown and Green argued. He left": equals, unless one was the topic before
        best = ranked[0][1]
        if self._is_latent(best):
            self._adopt(best, PRONOUN_GENDER.get(pronoun.lower_))
        return best


def link_pronouns(doc: Doc, index: EntityIndex, in_quote: list[int], sentences: Sentences, quotes) -> None:
    """Pass 5: every third-person pronoun outside quotation marks that a rule resolves becomes a
    mention of its entity; "I" inside a quotation is a mention of its speaker."""
    resolver = PronounResolver(doc, index, in_quote, sentences)
    words = _SINGULAR_PRONOUNS | _PLURAL
    for i in lexicon.positions(doc, words):
        budget.check(doc)
        token = doc[i]
        if index.at(token) or in_quote[i] >= 0:
            continue
        if token.lower_ == "it" and _pleonastic(token):
            continue
        if token.lower_ in _PLURAL:
            target = _plural_organisation(token, index, sentences)
        else:
            target = resolver.resolve(token)
        if target is not None:
            index.link(doc[i : i + 1], target, "pronoun", "pronoun resolution")
            gender = PRONOUN_GENDER.get(token.lower_)
            if target.type == "PERSON" and target.gender is None and gender in {"m", "f"}:
                target.gender = gender  # "Dukat ... his daughter ... He resolves to take her": not Dukat
    for i in lexicon.positions(doc, _RELATIVE):
        token = doc[i]  # "Smith, who resigned": a mention of Smith
        head = token.head
        hit = index.at(head.head) if head.dep_ == "relcl" and not index.at(token) else None
        if hit is not None and hit[0].type in {"PERSON", "ORG"} and head.head.i < token.i:
            index.link(doc[i : i + 1], hit[0], "pronoun", "relative pronoun")
    by_quote = {}
    for q in quotes:
        if q.kind != "indirect" and q.speaker is not None:
            by_quote[(q.start, q.end)] = q.speaker
    if not by_quote:
        return
    for i in lexicon.positions(doc, FIRST_PERSON_SINGULAR):
        token = doc[i]
        if in_quote[i] < 0 or index.at(token):
            continue
        for (start, end), speaker in by_quote.items():
            if start <= token.idx < end:
                index.link(doc[i : i + 1], speaker, "pronoun", "first person in a quote")
                break


def _plural_organisation(token: Token, index: EntityIndex, sentences: Sentences) -> Cluster | None:
    """ "Apple announced the iPhone 3GS, their ...": "they" is an organisation only when one is the
    subject just before and no plural noun (people, products) stands between them."""
    here = sentences.index(token.i)
    since = sentences.starts[max(0, here - 1)] if sentences.starts else 0
    before = index.before(token.i, since)
    for span, cluster in reversed(before):
        if cluster.type != "ORG":
            return None  # a person named nearer: "they" may be people
        if span.root.dep_ not in _SUBJECT_DEPS:
            continue
        between = token.doc[span.end : token.i]
        if any(t.tag_ in {"NNS", "NNPS"} or t.lower_ in {"and", "both"} for t in between):
            return None
        return cluster
    return None


def _pleonastic(token: Token) -> bool:
    """ "It is likely that ...", "it was announced": no entity."""
    head = token.head
    if token.dep_ not in {"nsubj", "nsubjpass", "expl"}:
        return token.dep_ != "poss" and token.lower_ == "it" and token.dep_ not in _OBJECT_DEPS
    if token.dep_ == "expl" or token.dep_ == "nsubjpass":
        return True
    if head.lemma_ in _PLEONASTIC_VERBS:
        return True
    return any(
        c.dep_ in {"ccomp", "xcomp"} and c.i > head.i for c in head.children
    ) and not lexicon.cue_verbs().get(head.text)
