"""Events: who accused, sued, denied, resigned, married whom, found by a trigger table.

Every trigger, its roles and its conditions are a line of `rules/events.tsv`; this module only
knows how to walk a dependency path, how to tell a negated or hedged event from an asserted one,
and how to merge what two triggers say about one event ("deny the allegations" is one denial).
Times come later (`event_times`), once the article's dates are resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Token

from storyline.nlp import budget, lexicon
from storyline.nlp.identity import Cluster, Referents
from storyline.nlp.money import parse_money
from storyline.nlp.paths import (
    children,
    governing_verb,
    logical_object,
    logical_subject,
    phrase,
    step_from,
)
from storyline.nlp.quotes import Finding
from storyline.nlp.sentences import Sentences, text_of

Path = list[str]  # steps
Alternative = list[Path]  # parts whose results are joined ("subj+obj")


@dataclass(frozen=True)
class EventRule:
    type: str
    pos: str
    words: tuple[str, ...]  # the lemma, then the phrase's later words ("step", "down")
    roles: tuple[tuple[str, tuple[tuple[tuple[str, ...], ...], ...]], ...]
    requires: tuple[tuple[str, frozenset[str]], ...]


@dataclass
class EventFinding:
    """An event as the NLP stage sees it: tokens and clusters, before it becomes a model.Event."""

    type: str
    trigger: Token
    trigger_text: str
    start: int
    end: int
    args: dict[str, list[Cluster]] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)  # claims, amount, position, about ...
    modality: str = "asserted"  # asserted | negated | hedged
    quote: Finding | None = None  # the quotation the trigger stands in
    sentence: tuple[int, int] = (0, 0)  # char offsets
    order: str | None = None  # "after" / "before": the clause is before / after its main clause
    confidence: float = 0.5
    headline: bool = False  # stated in the article's headline ("De Blasio says ...")


# ---------------------------------------------------------------- the table
def _parse_roles(text: str) -> tuple:
    roles = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        role, _, paths = part.partition("=")
        alternatives = tuple(
            tuple(tuple(step.strip() for step in piece.split(">")) for piece in alt.split("+"))
            for alt in paths.split("|")
        )
        roles.append((role.strip(), alternatives))
    return tuple(roles)


def _parse_requires(text: str) -> tuple:
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, _, words = part.partition("=")
        names = {w.strip() for w in words.split(",") if w.strip()}
        for name in [n for n in names if n.startswith("@")]:  # "@document_nouns": a word list file
            names.remove(name)
            names |= lexicon.word_list(name[1:] + ".txt")
        out.append((key.strip(), frozenset(names)))
    return tuple(out)


@cache
def rules() -> dict[str, list[EventRule]]:
    """Trigger lemma -> the rules it may start."""
    by_lemma: dict[str, list[EventRule]] = {}
    for row in lexicon.table("events.tsv"):
        row += [""] * (5 - len(row))
        type_, pos, triggers, roles, requires = (c.strip() for c in row[:5])
        for trigger in triggers.split(","):
            words = tuple(trigger.split())
            rule = EventRule(type_, pos, words, _parse_roles(roles), _parse_requires(requires))
            by_lemma.setdefault(words[0], []).append(rule)
    return by_lemma


@cache
def event_types() -> frozenset[str]:
    """Every event type the trigger table defines: the vocabulary a story query reads as types."""
    return frozenset(rule.type for found in rules().values() for rule in found)


# ---------------------------------------------------------------- modality
# what makes an event negated or hedged: rules/modality_verbs.tsv. A belief ("believe Obama was born
# abroad") or a theory ("the notion that Obama wasn't born on American soil") is not what the
# article asserts either.
def _modal(name: str) -> frozenset[str]:
    return lexicon.word_class(name, "modality_verbs.tsv")


_NEGATIONS = _modal("negation")
# "could resign", "will be named"; the tense resolver reads the future ones too
_HEDGE_AUX = _modal("future-aux") | _modal("possibility-aux")
_HEDGE_GOVERNORS = _modal("hedge-governor")
_NEGATING_GOVERNORS = _modal("negating-governor")
_BELIEF_GOVERNORS = _modal("belief-governor")
_CLAIM_NOUNS = _modal("claim-noun")


_NOUN_DEPS = frozenset({"pobj", "dobj", "nsubj", "nsubjpass", "poss"})
# nationalities, religions, political groups, and laws, products and named events ("OTHER": the
# Affordable Care Act): never a participant, who is a person, an organisation or a place
_GROUP_TYPES = frozenset({"NORP", "OTHER"})
HEADLINE_TOKENS = 40  # a first paragraph longer than this is a lead, not a headline
_RELATIVES = frozenset({"that", "which", "who", "whom"})
_ANSWER_LOOKBACK = 8  # earlier accusations a denial of "the allegations" may answer


def _denies_a_claim(trigger: Token) -> bool:
    """ "denied the claim", "a claim Okonkwo denied": the denial's object is a claim (rules/claim_words.txt);
    an object-gap relative clause denies the noun it modifies."""
    return any(o.lemma_.lower() in _claim_words() for o in _objects(trigger))


def _objects(verb: Token) -> list[Token]:
    """The verb's logical objects; in a relative clause the noun it modifies stands for the
    relative pronoun ("the records that Trump released") or the gap ("a charge she dismissed")."""
    objs = logical_object(verb)
    if verb.dep_ != "relcl":
        return objs
    objs = [verb.head if o.lower_ in _RELATIVES else o for o in objs]
    subjects = children(verb, {"nsubj", "nsubjpass"})
    if not objs and subjects and not any(t.lower_ in _RELATIVES for t in subjects):
        objs = [verb.head]
    return objs


@cache
def _claim_words() -> frozenset[str]:
    return lexicon.word_list("claim_words.txt")


def _answered(events: list[EventFinding]) -> list[EventFinding]:
    """A denial of "the allegations" with no accuser named answers the ones the article reported
    before it: its target is the agent of the nearest earlier accusation, against the denier or
    against nobody named, that the denier did not make. `events` is in text order."""
    accusations: list[EventFinding] = []
    for f in events:
        if f.type == "accusation" and f.args.get("agent"):
            accusations = [*accusations[-_ANSWER_LOOKBACK + 1 :], f]
        if f.type != "denial" or f.args.get("target"):
            continue
        if f.values.get("about") != "accusation" and not _denies_a_claim(f.trigger):
            continue
        denier = {c.id for c in f.args.get("agent", [])}
        for prior in reversed(accusations):
            accused = {c.id for c in prior.args.get("target", [])}
            if not denier & {c.id for c in prior.args["agent"]} and (not accused or accused & denier):
                f.args["target"] = list(prior.args["agent"])
                break
    return events


# prepositions of the occasion an act is done on ("endorsed him in a speech"): rules/event_times.tsv
_FRAMING = lexicon.word_class("framing", "event_times.tsv")


def _occasion_of(f: EventFinding) -> bool:
    """A statement noun framing another act ("refused to endorse him during a speech", "accused
    her in an interview") is an event of its own, not what the act is about."""
    return f.type == "statement" and f.trigger.dep_ == "pobj" and f.trigger.head.lower_ in _FRAMING


def _auxiliaries_of(governor: Token) -> list[Token]:
    """The children of a verb or adjective an infinitive hangs on, and for an adjective
    ("will be unable to", "could be able to") those of its copula."""
    found = list(governor.children)
    if governor.dep_ == "acomp" and governor.head.i != governor.i:
        found += governor.head.children
    return found


def _shares_frame(verb: Token) -> bool:
    """A verb conjoined to another in the same form, with no subject or auxiliary of its own
    ("could resign and leave", "refused to comment or apologize"), is said under the same
    auxiliaries; "did not apologize and attacked her" is not (the past form is outside "did")."""
    head = verb.head
    return (
        verb.dep_ == "conj"
        and verb.pos_ == "VERB"
        and head.pos_ in {"VERB", "AUX"}
        and head.i != verb.i
        and verb.tag_ == head.tag_
        and not any(c.dep_ in {"nsubj", "nsubjpass", "aux", "auxpass", "neg"} for c in verb.children)
    )


def _countered(events: list[EventFinding]) -> list[EventFinding]:
    """ "Brightwater sued Castellan ... Castellan may countersue": a counter-event with no target
    named answers the nearest earlier event of its type against its agent; its agent is the target.
    `events` is in text order."""
    against: dict[tuple[str, int], list[Cluster]] = {}  # (type, target id) -> the latest agents
    for f in events:
        agents = f.args.get("agent", [])
        if f.values.pop("counter", False) and agents and not f.args.get("target"):
            answered = against.get((f.type, agents[0].id))
            if answered:
                f.args["target"] = list(answered)
        for c in f.args.get("target", []):
            if agents:
                against[(f.type, c.id)] = agents
    return events


# ---------------------------------------------------------------- the finder
class EventFinder:
    """Applies the trigger table to one Doc."""

    def __init__(self, doc: Doc, referents: Referents, sentences: Sentences):
        self.doc = doc
        self.referents = referents
        self.sentences = sentences

    def run(self) -> list[EventFinding]:
        table = rules()
        found: list[EventFinding] = []
        for i in lexicon.positions(self.doc, frozenset(table), attr="lemma"):
            budget.check(self.doc)
            token = self.doc[i]
            for rule in table.get(token.lemma_, ()):
                finding = self._apply(rule, token)
                if finding is not None:
                    found.append(finding)
                    break
        return _countered(_answered(self._merge(found)))

    # ------------------------------------------------------------ one rule on one token
    def _apply(self, rule: EventRule, token: Token) -> EventFinding | None:
        # a "verb" the parser put where only a noun can stand is a noun: "on the felony records charge"
        nominal = token.pos_ in {"NOUN", "PROPN"} or (token.pos_ == "VERB" and token.dep_ in _NOUN_DEPS)
        if nominal == (rule.pos == "VERB"):
            return None
        last = token
        for word in rule.words[1:]:
            window = self.doc[token.i + 1 : min(len(self.doc), token.i + 5)]
            hit = next((t for t in window if word in (t.lower_, t.lemma_)), None)
            if hit is None:
                return None
            last = hit
        requires = dict(rule.requires)
        negated, hedged = self._modality(token)
        if "neg" in requires:
            if not negated:
                return None
            negated = False  # "I did not do it": the denial is what is asserted
        if "quote" in requires and self.referents.in_quote[token.i] < 0:
            return None
        if "clause" in requires and (token.dep_ in {"amod", "compound"} or token.tag_ == "VBG"):
            return None
        if "whole" in requires and token.i > 0 and self.doc[token.i - 1].text == "-":
            return None  # "natural-born", "Canadian-born": an adjective, no birth told
        if "nogerund" in requires and any(
            c.tag_ == "VBG" and c.dep_ in {"dobj", "xcomp"} for c in token.children
        ):
            return None  # "quit giving paid speeches": an activity stopped, no post left
        if "asserted" in requires and (negated or hedged):
            return None
        if "headline" in requires and not (self._in_headline(token) and token.tag_ in {"VBZ", "VBP"}):
            return None
        if "obj" in requires or "notobj" in requires:
            objs = _objects(token) if rule.pos == "VERB" else []
            words = {o.lemma_.lower() for o in objs} | {o.lower_ for o in objs}
            if "obj" in requires and not words & requires["obj"]:
                return None
            if words & requires.get("notobj", frozenset()):
                return None  # "denied a motion to dismiss": a ruling, not a denial
        if "near" in requires:
            words = {t.lower_ for t in token.subtree} | {t.lower_ for t in children(token, {"conj"})}
            if not words & requires["near"]:
                return None
        if "occasion" in requires and not self._occasion(token, requires["occasion"]):
            return None
        doers = [w for s in self._doer(token) for w in (s, *children(s, {"compound"}))]  # "Judge X"
        if "subj" in requires and not any(w.lower_ in requires["subj"] for w in doers):
            return None
        if "head" in requires:
            verb = governing_verb(token)
            if verb is None or verb.lemma_ not in requires["head"]:
                return None
        relay = governing_verb(token) if "nothead" in requires else None
        if relay is not None and relay.lemma_ in requires["nothead"]:
            return None  # "the remarks were reported by the Herald": the Herald did not make them

        finding = EventFinding(
            type=rule.type,
            trigger=token,
            trigger_text=self.doc[token.i : last.i + 1].text if last.i - token.i < 5 else token.text,
            start=token.idx,
            end=last.idx + len(last.text),
            quote=self.referents.quote_of(token),
        )
        sent = self.sentences.of(token)
        if text_of(self.doc)[sent.start_char : sent.end_char].rstrip().rstrip("”\"’'").endswith("?"):
            return None  # "Will you step aside?": a question asks, it reports no event
        finding.sentence = (sent.start_char, sent.end_char)
        finding.headline = self._in_headline(token)
        for role, alternatives in rule.roles:
            self._fill(finding, role, alternatives, token)
        speaker = self._cue_speaker(token) if rule.pos == "VERB" else None
        if speaker is not None and finding.args.get("agent") != [speaker]:
            # "..., Flynn said Thursday on Fox's “Fox and Friends.”": the quote stage knows who spoke
            finding.args["agent"] = [speaker]
        for key, words in rule.requires:
            if key == "has" and not any(finding.args.get(r) or finding.values.get(r) for r in words):
                return None
        if not (finding.args.get("agent") or finding.args.get("target")):
            return None  # an event nobody takes part in ("the trial") says nothing about anyone
        finding.modality = "negated" if negated else "hedged" if hedged else "asserted"
        if "counter" in requires:
            finding.values["counter"] = True
        finding.order = self._order(token)
        finding.confidence = (
            0.6 + 0.2 * bool(finding.args.get("agent")) + 0.1 * bool(finding.args.get("target"))
        )
        return finding

    def _in_headline(self, token: Token) -> bool:
        """The article opens with its headline as a paragraph of one sentence of its own."""
        starts = self.doc._.paragraph_starts or []
        if len(starts) < 2 or token.idx >= starts[1]:
            return False
        sent = self.sentences.of(token)
        return sent.start_char == 0 and sent.end_char <= starts[1] and len(sent) <= HEADLINE_TOKENS

    def _cue_speaker(self, token: Token) -> Cluster | None:
        """The speaker of the quotation this verb introduces, if it introduces one."""
        cued = [q for q in self.referents.quotes if q.cue is not None and q.cue.i == token.i]
        speakers = {id(q.speaker): q.speaker for q in cued if q.speaker is not None}
        return next(iter(speakers.values())) if len(speakers) == 1 else None

    @staticmethod
    def _doer(token: Token) -> list[Token]:
        """The words naming who acts: a verb's logical subject; a noun's possessor or compound
        ("the judge's decision", "a court ruling"), else the subject of the verb it is the
        object of ("the court issued a ruling")."""
        if token.pos_ in {"VERB", "AUX"}:
            return logical_subject(token)
        own = children(token, {"poss", "compound"})
        if own:
            return own
        verb = governing_verb(token)
        return logical_subject(verb) if verb is not None else []

    def _fill(self, finding: EventFinding, role: str, alternatives: tuple, trigger: Token) -> None:
        for alternative in alternatives:
            clusters: list[Cluster] = []
            texts: list[str] = []
            for path in alternative:
                tokens = [trigger]
                terminal = None
                for step in path:
                    if step in {"text", "money", "org"}:
                        terminal = step
                        break
                    tokens = [t for tok in tokens for t in step_from(step, tok)]
                    if not tokens:
                        break
                if terminal == "money" or path == ("money",):
                    money = self._money(trigger)
                    if money is not None:
                        amount, currency, text = money
                        finding.values.update(amount=amount, currency=currency, amount_text=text)
                    continue
                if not tokens:
                    continue
                if terminal == "text" or role in {"position"}:
                    texts += [phrase(t) for t in tokens if t.i != trigger.i]
                    continue
                # "backed her minister", "denied his involvement", "wrote that she had been ill": the
                # possessive, or the reported clause's subject, is the agent, not whom the act is about
                about_self = path[-1:] == ("poss",) or path[-2:] == ("ccomp", "subj")
                own = finding.args.get("agent", []) if role == "target" and about_self else []
                for t in tokens:
                    for c in self.referents.of(t):
                        # a group ("Veterans were killing themselves", "blaming Muslims") is nobody named
                        if c in clusters or c.type in _GROUP_TYPES or c in own:
                            continue
                        if terminal == "org" and c.type != "ORG":
                            continue  # "Kestrel may appoint X": the appointing firm, not a person
                        clusters.append(c)
            if texts:
                finding.values[role] = texts if role == "claims" else texts[0]
                return
            if clusters:
                finding.args[role] = clusters
                return

    def _money(self, trigger: Token) -> tuple[int, str | None, str] | None:
        lo, hi = trigger.left_edge.i, trigger.right_edge.i
        verb = governing_verb(trigger)
        if verb is not None:
            lo, hi = min(lo, verb.left_edge.i), max(hi, verb.right_edge.i)
        for ent in self.doc.ents:
            if ent.label_ == "MONEY" and lo <= ent.start and ent.end - 1 <= hi:
                parsed = parse_money(ent.text)
                if parsed is not None:
                    return (*parsed, ent.text)
        return None

    def _occasion(self, token: Token, nouns: frozenset[str]) -> bool:
        """A plain "said" is a statement event only when the text reports the act itself: framed
        by an occasion ("said in an interview", "told reporters at a briefing"), dated ("said
        Monday", "on Tuesday said") or told to an organisation ("told CNN")."""
        for c in token.children:
            if c.ent_type_ in {"DATE", "TIME"} and c.dep_ in {"npadvmod", "tmod", "advmod"}:
                return True
            listeners = [c, *children(c, {"poss"})] if c.dep_ in {"dobj", "dative"} else []
            if any((hit := self.referents.index.at(t)) and hit[0].type == "ORG" for t in listeners):
                return True  # "told CNN", "told MSNBC's “Morning Joe”": said to an outlet
            if c.dep_ != "prep":
                continue
            for obj in c.children:
                if obj.dep_ == "pobj" and (
                    obj.lemma_.lower() in nouns or obj.text in nouns or obj.ent_type_ in {"DATE", "TIME"}
                ):
                    return True
        return False

    # ------------------------------------------------------------ modality and order
    def _modality(self, trigger: Token, depth: int = 0) -> tuple[bool, bool]:
        """(negated, hedged): "did not resign", "no lawsuit"; "may resign", "threatened to sue"."""
        frames = [trigger]
        if (
            trigger.pos_ in {"NOUN", "PROPN"}
            and (
                trigger.dep_ in {"dobj", "nsubjpass", "attr", "oprd"}
                or (trigger.dep_ == "pobj" and trigger.head.lower_ in _FRAMING)
            )
            and (verb := governing_verb(trigger)) is not None
        ):
            frames.append(verb)  # "could face charges", "did not file a lawsuit"; not "imperiled with it"
        asked = trigger.head.head.lemma_ in _HEDGE_GOVERNORS
        if any(c.dep_ == "mark" and c.lower_ == "for" for c in trigger.children) and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in trigger.children
        ):
            return False, True  # "called for her to quit", "time for him to resign": not (yet) happened
        if trigger.dep_ == "pobj" and trigger.head.lower_ == "for" and asked:
            return False, True  # "called for his dismissal", "asked for an apology": not (yet) happened
        negated = hedged = False
        for t in frames:
            for c in t.children:
                if c.dep_ == "neg" or (c.dep_ in {"advmod", "det"} and c.lower_ in _NEGATIONS):
                    negated = True
                if c.dep_ in {"aux", "auxpass"} and c.lower_ in _HEDGE_AUX:
                    hedged = True
                if c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"}:
                    hedged = True
                if c.dep_ == "advmod" and c.lower_ in {"reportedly", "possibly", "allegedly", "perhaps"}:
                    hedged = True
        top = frames[-1]
        if (top.dep_ == "ccomp" and top.head.lemma_ in _BELIEF_GOVERNORS) or (
            top.dep_ in {"acl", "ccomp", "relcl"} and top.head.lemma_ in _CLAIM_NOUNS
        ):
            hedged = True
        if top.dep_ == "pcomp" and top.head.lower_ == "against":
            negated = True  # "decided against recommending charges", "advised against suing"
        if top.dep_ in {"xcomp", "ccomp"} and top.head.i != top.i:
            governor = top.head
            if governor.lemma_ in _NEGATING_GOVERNORS:
                negated = True  # "refused to resign", "denied that they had met"
            elif top.dep_ == "xcomp" and (
                governor.lemma_ in _HEDGE_GOVERNORS
                or any(c.lower_ in {"likely", "expected", "set", "poised"} for c in governor.children)
                or any(c.dep_ == "aux" and c.lower_ in _HEDGE_AUX for c in _auxiliaries_of(governor))
                or any(
                    c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"} for c in governor.children
                )
            ):
                hedged = True  # "is expected to step down", "could be forced to resign"
        if len(frames) > 1 and trigger.dep_ == "pobj":
            # "refused to endorse him during a speech": the speech took place; only its own "no"
            # negates the occasion, though the act's future or hedge is the occasion's too
            negated = any(c.dep_ == "det" and c.lower_ in _NEGATIONS for c in trigger.children)
        if _shares_frame(trigger) and depth < 3:
            # "will be unable to turn the crowds and accuse the audience": the second verb is
            # under the first one's auxiliaries and governor
            shared = self._modality(trigger.head, depth + 1)
            negated, hedged = negated or shared[0], hedged or shared[1]
        return negated, hedged

    def _order(self, trigger: Token) -> str | None:
        """ "shortly after Jarosik filed ...": the filing is before the main clause's time."""
        t = trigger
        for _ in range(4):
            for c in t.children:
                if c.dep_ == "mark" and c.lower_ in {"after", "before", "since", "until"}:
                    return {"after": "before", "since": "before", "before": "after", "until": "after"}[
                        c.lower_
                    ]
            if t.dep_ in {"advcl", "pcomp"} or t.head.i == t.i:
                break
            t = t.head
        return None

    # ------------------------------------------------------------ merging
    def _merge(self, found: list[EventFinding]) -> list[EventFinding]:
        """A noun trigger that is the object of another trigger is that event's subject matter
        ("deny the allegations"); an announcement of an event is that event ("announced her
        resignation"); one sentence states one event of a type and agent once."""
        by_token = {f.trigger.i: f for f in found}
        dropped: set[int] = set()
        for f in found:
            if f.trigger.pos_ not in {"NOUN", "PROPN"}:
                continue
            verb = governing_verb(f.trigger)
            outer = by_token.get(verb.i) if verb is not None else None
            if outer is None or outer is f:
                continue
            if outer.type == "statement" and (
                f.type == "statement" or f.trigger.dep_ in {"dobj", "nsubjpass"}
            ):
                dropped.add(id(outer))
                if not f.args.get("agent") and outer.args.get("agent"):
                    f.args["agent"] = outer.args["agent"]
            elif outer.type == "statement" or _occasion_of(f):
                continue  # "spoke out about the death", "refused to endorse him during a speech": two events
            elif outer.type != f.type:
                outer.values.setdefault("about", f.type)
                dropped.add(id(f))
            else:
                dropped.add(id(f))
        out: list[EventFinding] = []
        seen: set[tuple] = set()
        for f in sorted(found, key=lambda f: f.start):
            if id(f) in dropped:
                continue
            key = (f.type, f.sentence, tuple(c.id for c in f.args.get("agent", [])), f.modality)
            if key in seen:
                continue
            seen.add(key)
            out.append(f)
        return out
