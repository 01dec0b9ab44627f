"""Cross-article entity resolution: which article entities are one person or organisation, and why.

Each article arrives with its entities resolved within the article (the extractor has joined
"Barack Obama", "Obama" and "the president"); the Resolver decides which cross-article entity each
joins, records why (article_entities.link_reason) and keeps an index of candidates (entity_names),
so that every decision is a few indexed seeks, never a scan of all entities:

- **The rules file wins.** A name the user's merges or splits list goes where the rule says; the
  entities rules make are not candidates for any other name.
- **Full person names** (given name and surname) are found by given name + surname + suffix
  (entity_names kind 'full', the middle parts in `detail`): the same middle parts join ("same full
  name"); a missing middle part, or an initial of the middle name, is compatible ("Kimora Simmons" ~
  "Kimora Lee Simmons"); different middle parts are different people ("George W. Bush" is not
  "George H.W. Bush"); a different suffix is a different key. A name compatible with several
  people joins one only if it is gender-compatible and DOMINANCE times more reported than the next.
- **One-word names** ("Obama", "President Obama", "von der Leyen") are decided by the corpus: the
  candidates are the full-name people with that surname or given name (kind 'word', with how many
  articles name each in full); those whose gender contradicts the article's are out; with several
  left, each scores its articles x (1 + the number of this article's other entities seen with it in
  a sample of COMENTION_SAMPLE of its articles; only the COMENTION_CANDIDATES most reported are
  scored so), and the name joins the top one only if it scores DOMINANCE times the next. Otherwise
  it stays an entity of its own, keyed by the word (so does a short one in capitals, "GOP": an
  organisation the extractor took for a person).
- **Organisations** join under their base name (store.identity.org_base: "Apple Inc." = "Apple",
  "The Volkswagen AG" = "Volkswagen"). An acronym an article defines (an all-capitals alias of 2-6
  letters that fits the name) is indexed for that organisation (kind 'acronym'); an organisation
  named by an acronym alone joins the one it is defined for (DOMINANCE times more often than for any
  other), else the only organisation of PROMINENT_ORG or more articles whose initials it is (kind
  'initials'), else it stays its own.
- **Incremental.** A one-word name or an acronym is linked when its article is stored, with what the
  store knows then, and its form ('word:obama', 'acronym:vw') is kept in article_entities.form. When a
  later article changes the answer on counts alone (a new full name, a candidate growing past
  DOMINANCE, a new definition, an organisation reaching PROMINENT_ORG articles), every article entity
  of that form is decided again and those that change are moved with `move_references`, which also
  regroups just their quotes and events. The check costs one seek per full name or organisation written (does
  the store hold such a form?), and two reads of the ranked candidates only if it does; only the
  genders whose answer changed are decided again.

`rebuild` re-resolves the whole store (after the rules file changed, or a store linked by an older
resolver): first every name decided by itself, then the one-word names and acronyms with complete
counts.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from storyline.model import Entity
from storyline.store import event_groups
from storyline.store.identity import (
    PersonName,
    Rules,
    automatic_key,
    defines_acronym,
    middles_compatible,
    normalise,
    org_acronym,
    org_initials,
    org_key,
    parse_person,
    person_key,
    split_key,
)
from storyline.store.quote_groups import assign_group, keys_of, words_of

VERSION = "1"  # meta 'resolver': a store linked by another version is re-resolved by its next ingest
DOMINANCE = 3.0  # a candidate joins only with at least 3x the articles (or score) of the next one
COMENTION_SAMPLE = 200  # articles of a candidate sampled for co-mentions
COMENTION_CANDIDATES = 4  # co-mentions are counted for the most reported few candidates only
TOP_CANDIDATES = 8  # candidates of a one-word name read (more only if a gender has fewer than two)
PROMINENT_ORG = 3  # articles an organisation needs before a bare acronym may join it by initials
GENDERS = (None, "m", "f")

_UPSERT_MANY = (
    "INSERT INTO entity_names (kind, value, entity_id, detail, articles) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (kind, value, entity_id, detail) DO UPDATE SET articles = articles + excluded.articles"
)


@dataclass
class Plan:
    """How an article entity is to be resolved, read from its name alone."""

    kind: str  # rule | person | word | acronym | org | other
    name: str
    type: str
    key: str  # the key of the entity it makes if it joins none (for word/acronym: the name's own)
    reason: str = ""  # rule: the rule
    person: PersonName | None = None
    form: str | None = None  # word/acronym: the form the corpus decides ('word:obama', 'acronym:vw')
    acronyms: list[str] = field(default_factory=list)  # org: acronyms its article defines for it
    initials: list[str] = field(default_factory=list)  # org: the initials of its capitalised words

    @property
    def deferred(self) -> bool:
        return self.form is not None

    @property
    def letters(self) -> str:
        """An acronym's letters in lower case, from its form ('acronym:vw' -> 'vw'); '' for others."""
        return self.form.removeprefix("acronym:") if self.kind == "acronym" and self.form else ""


@dataclass
class Link:
    entity_id: int
    reason: str


@dataclass
class Candidate:
    id: int
    name: str
    gender: str | None
    articles: int
    details: set[str] = field(default_factory=set)


def _times(a: float, b: float) -> str:
    ratio = a / b if b else float("inf")
    return f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.1f}x"


def _gender_ok(gender: str | None, other: str | None) -> bool:
    return not gender or not other or gender == other


def _prominent(found: list[Candidate], gender: str | None) -> int | None:
    """Whom a one-word name of this gender joins on counts alone (what _choose_word decides without
    co-mentions), or None; `found` is sorted, most reported first."""
    fits = [c for c in found if _gender_ok(gender, c.gender)]
    if fits and (len(fits) == 1 or fits[0].articles >= DOMINANCE * fits[1].articles):
        return fits[0].id
    return None


def _n(count: int, word: str = "article") -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class Resolver:
    """Links article entities to store entities on one connection, inside the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection, rules: Rules):
        self.conn = conn
        self.rules = rules
        # forms to decide again once the article is written, with the genders whose answer changed
        self.pending: dict[str, set[str | None]] = {}
        self._rebuilding = False

    # ------------------------------------------------------------------ the public interface
    def link(self, article_id: str, entities: list[Entity]) -> dict[str, int]:
        """Resolve an article's entities and record them (article_entities with their reasons,
        aliases, the candidate index); returns local id -> store entity id. One-word names and
        acronyms are decided last, in the context of the article's other entities."""
        plans = [self.plan(e.name, e.type, e.aliases) for e in entities]
        links: dict[str, Link] = {}
        for e, plan in zip(entities, plans, strict=True):
            if not plan.deferred:
                links[e.id] = self._direct(plan, e.gender)
        context = {link.entity_id for link in links.values()}
        for e, plan in zip(entities, plans, strict=True):
            if plan.deferred:
                links[e.id] = self._deferred(plan, e.gender, lambda: context, article_id)
        for e, plan in zip(entities, plans, strict=True):
            link = links[e.id]
            self.conn.execute(
                "INSERT INTO article_entities (article_id, local_id, entity_id, name, type, gender, aliases, "
                "mentions, link_reason, form) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article_id,
                    e.id,
                    link.entity_id,
                    e.name,
                    e.type,
                    e.gender,
                    json.dumps(e.aliases, ensure_ascii=False),
                    json.dumps([[m.start, m.end] for m in e.mentions]),
                    link.reason,
                    plan.form,
                ),
            )
            self._aliases(link.entity_id, [e.name, *e.aliases])
        return {local: link.entity_id for local, link in links.items()}

    def relink_pending(self) -> int:
        """Decide again every article entity of the forms the last articles may have changed (call
        once an article's facts are written); returns how many moved."""
        moved = 0
        while self.pending:
            form = min(self.pending)
            moved += self._relink_form(form, self.pending.pop(form))
        return moved

    def rebuild(self) -> None:
        """Re-resolve every article entity of the store from scratch, and re-link every fact."""
        conn = self.conn
        self._rebuilding = True
        rows = conn.execute(
            "SELECT rowid, article_id, local_id, name, type, gender, aliases FROM article_entities "
            "ORDER BY rowid"
        ).fetchall()
        for table in ("aliases", "entity_names", "entities"):
            conn.execute(f"DELETE FROM {table}")
        deferred = []
        for rowid, article_id, _, name, type_, gender, aliases in rows:
            names = json.loads(aliases)
            plan = self.plan(name, type_, names)
            if plan.deferred:  # decided below; 0 until then, so no stale id is counted as a co-mention
                conn.execute(
                    "UPDATE article_entities SET entity_id = 0, form = ? WHERE rowid = ?", (plan.form, rowid)
                )
                deferred.append((rowid, article_id, gender, names, plan))
                continue
            link = self._direct(plan, gender)
            conn.execute(
                "UPDATE article_entities SET entity_id = ?, link_reason = ?, form = NULL WHERE rowid = ?",
                (link.entity_id, link.reason, rowid),
            )
            self._aliases(link.entity_id, [name, *names])
        for rowid, article_id, gender, names, plan in deferred:
            link = self._deferred(plan, gender, self._context_of(article_id), article_id)
            conn.execute(
                "UPDATE article_entities SET entity_id = ?, link_reason = ? WHERE rowid = ?",
                (link.entity_id, link.reason, rowid),
            )
            self._aliases(link.entity_id, [plan.name, *names])
        self._rebuilding = False
        self.pending.clear()  # every form was decided with complete counts
        _relink_all_facts(conn)
        _regroup_all(conn)
        event_groups.regroup_all(conn)

    # ------------------------------------------------------------------ reading a name
    def plan(self, name: str, type_: str, aliases: Iterable[str] = ()) -> Plan:
        """How a name is resolved: by a rule, as a full name, a one-word name, an organisation, an
        acronym, or by its normalised name (other types)."""
        norm = normalise(name) if self.rules.merges or self.rules.splits else ""
        if norm in self.rules.merges:
            key = self.rules.merges[norm]
            return Plan(
                "rule", name, type_, key, reason=f"user merge rule ({self.rules.lines.get(norm, '')})"
            )
        if norm in self.rules.splits:
            return Plan(
                "rule",
                name,
                type_,
                split_key(name, type_),
                reason=f"user split rule ({self.rules.lines.get(norm, '')})",
            )
        if type_ == "PERSON" and (person := parse_person(name)) is not None:
            if person.full:
                return Plan("person", name, type_, person_key(person.text), person=person)
            if person.suffix:  # "Trump Jr." alone: its own, as before
                return Plan("other", name, type_, person_key(person.text))
            if name.strip().isupper() and len(person.surname) <= 4:  # "GOP", "FBI" taken for a person
                return Plan("other", name, type_, person_key(person.surname))
            return Plan(
                "word", name, type_, person_key(person.surname), person=person, form="word:" + person.surname
            )
        if type_ == "ORG":
            if (acronym := org_acronym(name)) is not None:
                return Plan("acronym", name, type_, org_key(name), form="acronym:" + acronym.lower())
            defined = [a for a in map(org_acronym, aliases) if a and defines_acronym(a, name)]
            return Plan(
                "org",
                name,
                type_,
                org_key(name),
                acronyms=list(dict.fromkeys(defined)),
                initials=org_initials(name),
            )
        return Plan("other", name, type_, automatic_key(name, type_))

    # ------------------------------------------------------------------ names decided by themselves
    def _direct(self, plan: Plan, gender: str | None) -> Link:
        if plan.kind == "person":
            return self._person(plan, gender)
        entity, created, shown = self._entity(plan.key, plan.name, plan.type, gender)
        if plan.kind == "rule":
            return Link(entity, plan.reason)
        if created:
            reason = "new entity"
        elif plan.kind == "other" or shown == plan.name or normalise(shown) == normalise(plan.name):
            reason = "same name"  # (another type's key is its normalised name)
        elif plan.kind == "org":
            reason = f"same organisation as {shown} ('The' and legal forms such as Inc., AG, Group ignored)"
        else:
            reason = f"same name as {shown}"
        if plan.kind == "org":
            self._index_org(entity, plan)
            if plan.acronyms:
                reason += f"; defines the acronym {', '.join(plan.acronyms)} in this article"
        return Link(entity, reason)

    def _person(self, plan: Plan, gender: str | None) -> Link:
        person = plan.person
        assert person is not None
        # whom the one-word names this person may be called by would join, before this article
        # counts (and before it may give a candidate its gender): a re-link runs if that changes
        held = [] if self._rebuilding else self._forms_held(["word:" + w for w in person.words])
        before = {form: self._word_state(form.removeprefix("word:")) for form in held}
        found: dict[int, Candidate] = {}
        for entity, detail, articles, g, shown in self.conn.execute(
            "SELECT n.entity_id, n.detail, n.articles, e.gender, e.name FROM entity_names n "
            "JOIN entities e ON e.id = n.entity_id WHERE n.kind = 'full' AND n.value = ?",
            (person.block,),
        ):
            c = found.setdefault(entity, Candidate(entity, shown, g, 0))
            c.articles += articles
            c.details.add(detail)
        link: Link | None = None
        why_new = "new entity"
        exact = [c for c in found.values() if person.detail in c.details]
        if exact:
            best = max(exact, key=lambda c: (c.articles, -c.id))
            link = Link(best.id, "same full name")
            self._gender(best, gender)
        else:
            fits = [
                c
                for c in found.values()
                if all(middles_compatible(person.detail, d) for d in c.details)
                and _gender_ok(gender, c.gender)
            ]
            if person.middles:  # a middle name known for a candidate beats a candidate known without
                fits = [c for c in fits if any(c.details)] or fits
            fits.sort(key=lambda c: (-c.articles, c.id))
            if len(fits) == 1:
                c = fits[0]
                link = Link(
                    c.id, f"full name compatible with {c.name} (a missing or abbreviated middle name)"
                )
            elif fits:
                top, second = fits[0], fits[1]
                if top.articles >= DOMINANCE * second.articles:
                    link = Link(
                        top.id,
                        f"full name compatible with several people: {top.name} is "
                        f"{_times(top.articles, second.articles)} more reported than {second.name} "
                        f"({top.articles} vs {second.articles} articles) and gender-compatible",
                    )
                else:
                    why_new = (
                        f"new entity: the name fits {top.name} ({_n(top.articles)}) and {second.name} "
                        f"({_n(second.articles)}), neither {DOMINANCE:g}x more reported"
                    )
            if link is not None:
                self._gender(fits[0], gender)
        if link is None:
            entity, created, _ = self._entity(plan.key, plan.name, plan.type, gender)
            link = Link(entity, why_new if created else "same full name")
        self._index_person(link.entity_id, plan, before)
        return link

    def _index_person(self, entity: int, plan: Plan, before: dict[str, tuple[int | None, ...]]) -> None:
        self.conn.executemany(_UPSERT_MANY, index_rows(entity, plan))
        for form, state in before.items():
            after = self._word_state(form.removeprefix("word:"))
            if changed := {g for g, b, a in zip(GENDERS, state, after, strict=True) if b != a}:
                self.pending.setdefault(form, set()).update(changed)

    def _index_org(self, entity: int, plan: Plan) -> None:
        defined = [a.lower() for a in plan.acronyms]
        initials = [i.lower() for i in plan.initials]
        rows = index_rows(entity, plan)
        if not rows:
            return
        forms = list(dict.fromkeys("acronym:" + a for a in defined + initials))
        held = [] if self._rebuilding else self._forms_held(forms)
        if not held:
            self.conn.executemany(_UPSERT_MANY, rows)
            return
        # a new definition, or an organisation reaching PROMINENT_ORG articles, may change the answer
        before = {form: self._choose_acronym(form.removeprefix("acronym:"))[0] for form in held}
        self.conn.executemany(_UPSERT_MANY, rows)
        for form, winner in before.items():
            if self._choose_acronym(form.removeprefix("acronym:"))[0] != winner:
                self.pending.setdefault(form, set()).update(GENDERS)

    # ------------------------------------------------------------------ names the corpus decides
    def _deferred(
        self,
        plan: Plan,
        gender: str | None,
        context: Callable[[], set[int]],
        article_id: str,
        candidates: list[Candidate] | None = None,
        choice: tuple[int | None, str] | None = None,
        samples: _Samples | None = None,
    ) -> Link:
        if choice is not None:  # decided once for every article entity of the form
            winner, reason = choice
        elif plan.kind == "word":
            assert plan.person is not None
            found = self._word_candidates(plan.person.surname) if candidates is None else candidates
            if samples is not None:
                score = functools.partial(samples.shared, article_id=article_id)
            else:
                score = functools.partial(self._shared, article_id=article_id)
            winner, reason = self._choose_word(found, gender, context, score)
        else:
            winner, reason = self._choose_acronym(plan.letters)
        if winner is not None:
            return Link(winner, reason)
        entity, _, _ = self._entity(plan.key, plan.name, plan.type, gender)
        return Link(entity, reason)

    def _choose_word(
        self,
        found: list[Candidate],
        gender: str | None,
        context: Callable[[], set[int]] | None = None,
        score: Callable[[int, set[int]], int] | None = None,
    ) -> tuple[int | None, str]:
        """The candidate a one-word name joins (None: it stays its own), and why. `score` counts how
        many of the article's other entities (`context`) appear with a candidate elsewhere."""
        fits = [c for c in found if _gender_ok(gender, c.gender)]
        ruled_out = [c for c in found if not _gender_ok(gender, c.gender)]
        if not fits:
            if ruled_out:
                return None, (
                    "one-word name kept on its own: no gender-compatible person with that name "
                    f"({', '.join(f'{c.name} is {c.gender}' for c in ruled_out[:3])})"
                )
            return None, "one-word name kept on its own: no full name with it in the store"
        if len(fits) == 1:
            c = fits[0]
            also = f"; {', '.join(f'{o.name} is {o.gender}' for o in ruled_out[:3])}" if ruled_out else ""
            which = "gender-compatible person" if ruled_out else "person"
            return (
                c.id,
                f"one-word name: {c.name} is the only {which} with that name ({_n(c.articles)}{also})",
            )
        shared: dict[int, int] = {}
        if context is not None and score is not None:
            others = context() - {c.id for c in found}
            if others:
                top = fits[:COMENTION_CANDIDATES]  # (the rest score at most the 4th's articles)
                shared = {c.id: score(c.id, others) for c in top}
        scored = sorted(fits, key=lambda c: (-c.articles * (1 + shared.get(c.id, 0)), -c.articles, c.id))
        top, second = scored[0], scored[1]
        a = top.articles * (1 + shared.get(top.id, 0))
        b = second.articles * (1 + shared.get(second.id, 0))
        if a < DOMINANCE * b:
            return None, (
                f"one-word name kept on its own: {top.name} ({_n(top.articles)}) and {second.name} "
                f"({_n(second.articles)}) both fit, neither {DOMINANCE:g}x ahead"
            )
        if not any(shared.values()):
            return top.id, (
                f"one-word name: {top.name} is {_times(a, b)} more reported than {second.name} "
                f"({top.articles} vs {second.articles} articles) and gender-compatible"
            )
        return top.id, (
            f"one-word name: {top.name} scores {_times(a, b)} {second.name} (articles x (1 + entities of "
            f"this article seen with them): {top.articles} x {1 + shared.get(top.id, 0)} vs "
            f"{second.articles} x {1 + shared.get(second.id, 0)}), gender-compatible"
        )

    def _choose_acronym(self, letters: str) -> tuple[int | None, str]:
        """The organisation an acronym alone joins (None: it stays its own), and why."""
        shown = letters.upper()
        defined = self._candidates("acronym", letters)
        if defined:
            top = defined[0]
            if len(defined) == 1 or top.articles >= DOMINANCE * defined[1].articles:
                return top.id, f"acronym {shown}: defined for {top.name} in {_n(top.articles)}"
            second = defined[1]
            return None, (
                f"acronym {shown} kept on its own: defined for {top.name} ({_n(top.articles)}) and "
                f"{second.name} ({_n(second.articles)})"
            )
        prominent = [c for c in self._candidates("initials", letters) if c.articles >= PROMINENT_ORG]
        if len(prominent) == 1:
            c = prominent[0]
            return c.id, (
                f"acronym {shown}: the initials of {c.name} ({_n(c.articles)}), the only organisation "
                f"of {PROMINENT_ORG} articles or more with them"
            )
        if prominent:
            names = ", ".join(c.name for c in prominent[:3])
            return None, f"acronym {shown} kept on its own: the initials of several organisations ({names})"
        return None, f"acronym {shown} kept on its own: no organisation defines it or has these initials"

    def _word_candidates(self, word: str) -> list[Candidate]:
        """The most reported people a single name may mean: the first TOP_CANDIDATES, and for a
        gender with fewer than two of them compatible, its two most reported. Seeks on the (kind,
        value, articles) index, however common the name."""
        sql = (
            "SELECT n.entity_id, n.articles, e.gender, e.name FROM entity_names n "
            "JOIN entities e ON e.id = n.entity_id WHERE n.kind = 'word' AND n.value = ? {also}"
            "ORDER BY n.articles DESC, n.entity_id DESC LIMIT {limit}"
        )
        rows = self.conn.execute(sql.format(also="", limit=TOP_CANDIDATES), (word,)).fetchall()
        if len(rows) == TOP_CANDIDATES:
            for gender in GENDERS[1:]:
                if sum(_gender_ok(gender, row[2]) for row in rows) < 2:
                    also = "AND (e.gender IS NULL OR e.gender = ?) "
                    rows += self.conn.execute(sql.format(also=also, limit=2), (word, gender)).fetchall()
        found: dict[int, Candidate] = {}
        for entity, articles, gender, shown in sorted(rows, key=lambda r: (-r[1], r[0])):
            if entity not in found:  # (a person whose given name is also its surname has two rows)
                found[entity] = Candidate(entity, shown, gender, articles)
        return list(found.values())

    def _candidates(self, kind: str, value: str) -> list[Candidate]:
        rows = self.conn.execute(
            "SELECT n.entity_id, max(n.articles), e.gender, e.name FROM entity_names n "
            "JOIN entities e ON e.id = n.entity_id WHERE n.kind = ? AND n.value = ? GROUP BY n.entity_id",
            (kind, value),
        ).fetchall()
        found = [Candidate(entity, shown, gender, articles) for entity, articles, gender, shown in rows]
        return sorted(found, key=lambda c: (-c.articles, c.id))

    def _word_state(self, word: str) -> tuple[int | None, ...]:
        """Whom the word would join, for each gender, on counts alone: a re-link runs when this changes."""
        found = self._word_candidates(word)
        return tuple(_prominent(found, g) for g in GENDERS)

    def _shared(self, candidate: int, others: set[int], *, article_id: str) -> int:
        """How many of `others` appear with the candidate in a sample of its other articles."""
        marks = ",".join("?" * len(others))
        return self.conn.execute(
            "SELECT count(DISTINCT ae.entity_id) FROM (SELECT article_id FROM article_entities "
            f"WHERE entity_id = ? AND article_id != ? LIMIT {COMENTION_SAMPLE}) s "
            f"JOIN article_entities ae ON ae.article_id = s.article_id WHERE ae.entity_id IN ({marks})",
            (candidate, article_id, *sorted(others)),
        ).fetchone()[0]

    def _context_of(self, article_id: str) -> Callable[[], set[int]]:
        def context() -> set[int]:
            return {
                row[0]
                for row in self.conn.execute(
                    "SELECT entity_id FROM article_entities WHERE article_id = ? AND form IS NULL",
                    (article_id,),
                )
            }

        return context

    def _relink_form(self, form: str, genders: set[str | None]) -> int:
        """Decide again the article entities of a form whose gender's answer may have changed; move
        those whose answer did."""
        rows = self.conn.execute(
            "SELECT article_id, local_id, entity_id, name, type, gender, link_reason FROM article_entities "
            "WHERE form = ? ORDER BY rowid",
            (form,),
        ).fetchall()
        if not rows:
            return 0
        first = self.plan(rows[0][3], rows[0][4])
        candidates = choice = None
        if first.kind == "word" and first.person is not None:
            candidates = self._word_candidates(first.person.surname)
        elif first.kind == "acronym":
            choice = self._choose_acronym(first.letters)
        samples = _Samples(self.conn)  # each candidate's co-mentions read once for the whole form
        moves: dict[tuple[int, int], list[tuple[str, str, str]]] = defaultdict(list)
        for article_id, local_id, entity, name, type_, gender, reason in rows:
            if (gender if gender in GENDERS else None) not in genders:
                continue
            plan = self.plan(name, type_)
            if plan.form != form:  # a rule now names it: rebuild() handles rule changes
                continue
            context = self._context_of(article_id)
            link = self._deferred(plan, gender, context, article_id, candidates, choice, samples)
            if link.entity_id != entity:
                moves[(entity, link.entity_id)].append((article_id, local_id, link.reason))
            elif link.reason != reason:
                self.conn.execute(
                    "UPDATE article_entities SET link_reason = ? WHERE article_id = ? AND local_id = ?",
                    (link.reason, article_id, local_id),
                )
        for (old, new), links in moves.items():
            move_references(self.conn, old, new, links)
        return sum(len(links) for links in moves.values())

    # ------------------------------------------------------------------ small helpers
    def _entity(self, key: str, name: str, type_: str, gender: str | None) -> tuple[int, bool, str]:
        """(id, created, display name) of the entity with this key, created on first sight."""
        row = self.conn.execute("SELECT id, gender, name FROM entities WHERE key = ?", (key,)).fetchone()
        if row is not None:
            if gender and not row[1]:
                self.conn.execute("UPDATE entities SET gender = ? WHERE id = ?", (gender, row[0]))
            return row[0], False, row[2]
        shown = self.rules.display_name(key) or name
        new_id = self.conn.execute(
            "INSERT INTO entities (key, name, type, gender) VALUES (?, ?, ?, ?)", (key, shown, type_, gender)
        ).lastrowid
        assert new_id is not None
        return new_id, True, shown

    def _gender(self, candidate: Candidate, gender: str | None) -> None:
        if gender and not candidate.gender:
            self.conn.execute("UPDATE entities SET gender = ? WHERE id = ?", (gender, candidate.id))

    def _forms_held(self, forms: list[str]) -> list[str]:
        """Those of the forms that some article entity of the store was decided by."""
        marks = ",".join("?" * len(forms))
        sql = f"SELECT DISTINCT form FROM article_entities WHERE form IN ({marks}) ORDER BY form"
        return [row[0] for row in self.conn.execute(sql, forms)]

    def _aliases(self, entity: int, names: Iterable[str]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO aliases (entity_id, alias) VALUES (?, ?)",
            [(entity, alias) for alias in dict.fromkeys(names)],
        )


class _Samples:
    """Co-mentions for a re-link: each candidate's sample of articles is read once, then every
    article entity of the form is scored against it (leaving its own article out)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._read: dict[int, tuple[dict[str, set[int]], Counter[int]]] = {}

    def shared(self, candidate: int, others: set[int], *, article_id: str) -> int:
        if candidate not in self._read:
            articles: dict[str, set[int]] = defaultdict(set)
            for article, entity in self.conn.execute(
                "SELECT s.article_id, ae.entity_id FROM (SELECT article_id FROM article_entities "
                f"WHERE entity_id = ? LIMIT {COMENTION_SAMPLE + 1}) s "
                "JOIN article_entities ae ON ae.article_id = s.article_id",
                (candidate,),
            ):
                articles[article].add(entity)
            self._read[candidate] = articles, Counter(e for found in articles.values() for e in found)
        articles, seen = self._read[candidate]
        own = articles.get(article_id, set())
        return sum(1 for e in others if seen[e] - (e in own) > 0)


def index_rows(entity: int, plan: Plan) -> list[tuple[str, str, int, str, int]]:
    """The candidate index rows (kind, value, entity, detail, 1) one article entity adds to
    entity_names: a full person name and the single names it may be called by; an organisation's
    acronyms defined in its article and its initials. Other plans add none."""
    person = plan.person
    if plan.kind == "person" and person is not None:
        rows = [("full", person.block, entity, person.detail, 1)]
        return rows + [
            ("word", word, entity, "first" if word == person.given and not person.whole else "last", 1)
            for word in person.words
        ]
    if plan.kind == "org":
        return [("acronym", a.lower(), entity, "", 1) for a in plan.acronyms] + [
            ("initials", i.lower(), entity, "", 1) for i in plan.initials
        ]
    return []


def forget(conn: sqlite3.Connection, rules: Rules, article_id: str) -> None:
    """Take an article's entities out of the store (a newer version of the article replaces it):
    its article entities go, the candidate index counts them no more, and an entity no other
    article names is deleted with its aliases. Facts must be gone first (store.versions). Names
    decided earlier by counts that included this article are not decided again."""
    resolver = Resolver(conn, rules)
    rows = conn.execute(
        "SELECT entity_id, name, type, aliases FROM article_entities WHERE article_id = ?", (article_id,)
    ).fetchall()
    conn.execute("DELETE FROM article_entities WHERE article_id = ?", (article_id,))
    counted = [
        (kind, value, entity, detail)
        for entity, name, type_, aliases in rows
        for kind, value, entity, detail, _ in index_rows(
            entity, resolver.plan(name, type_, json.loads(aliases))
        )
    ]
    conn.executemany(
        "UPDATE entity_names SET articles = articles - 1 "
        "WHERE kind = ? AND value = ? AND entity_id = ? AND detail = ?",
        counted,
    )
    conn.executemany(
        "DELETE FROM entity_names WHERE kind = ? AND value = ? AND entity_id = ? AND detail = ? "
        "AND articles <= 0",
        counted,
    )
    for entity in sorted({row[0] for row in rows}):
        named = conn.execute(
            "SELECT 1 FROM article_entities WHERE entity_id = ? LIMIT 1", (entity,)
        ).fetchone()
        if named is None:
            for table in ("entity_names", "aliases"):
                conn.execute(f"DELETE FROM {table} WHERE entity_id = ?", (entity,))
            conn.execute("DELETE FROM entities WHERE id = ?", (entity,))


# ---------------------------------------------------------------------- moving references
def move_references(
    conn: sqlite3.Connection,
    old: int,
    new: int,
    links: Iterable[tuple[str, str, str | None]] | None = None,
) -> int:
    """Point article entities of store entity `old` at `new`, with every fact that refers to them:
    article_entities (with the new reason, if given), quotes.speaker_id, relations, quote_about,
    event_roles, aliases, the quote groups of the quotes whose speaker changed and the event groups
    of the events whose participants changed (only those are regrouped). `links` are (article_id,
    local_id, reason) triples; None moves all of them. An `old` left without article entities is
    deleted, its candidate index rows going to `new`. Returns how many article entities moved."""
    if old == new:
        return 0
    if links is None:
        links = [
            (a, local, None)
            for a, local in conn.execute(
                "SELECT article_id, local_id FROM article_entities WHERE entity_id = ?", (old,)
            ).fetchall()
        ]
    links = list(links)
    speaking: list[int] = []
    moved_events: list[int] = []
    names: list[str] = []
    for article_id, local_id, reason in links:
        where = (article_id, local_id)
        conn.execute(
            "UPDATE article_entities SET entity_id = ?, link_reason = coalesce(?, link_reason) "
            "WHERE article_id = ? AND local_id = ?",
            (new, reason, *where),
        )
        name, aliases = conn.execute(
            "SELECT name, aliases FROM article_entities WHERE article_id = ? AND local_id = ?", where
        ).fetchone()
        names += [name, *json.loads(aliases)]
        speaking += [
            row[0]
            for row in conn.execute("SELECT id FROM quotes WHERE article_id = ? AND speaker_local = ?", where)
        ]
        conn.execute(
            "UPDATE quotes SET speaker_id = ? WHERE article_id = ? AND speaker_local = ?", (new, *where)
        )
        conn.execute(
            "UPDATE relations SET head_id = ? WHERE article_id = ? AND head_local = ?", (new, *where)
        )
        conn.execute(
            "UPDATE relations SET tail_id = ? WHERE article_id = ? AND tail_local = ?", (new, *where)
        )
        moved_events += [
            row[0]
            for row in conn.execute(
                "SELECT event_id FROM event_roles WHERE entity_id = ? AND local_id = ? "
                "AND event_id IN (SELECT id FROM events WHERE article_id = ?)",
                (old, local_id, article_id),
            )
        ]
        for table, facts, column in (
            ("quote_about", "quotes", "quote_id"),
            ("event_roles", "events", "event_id"),
        ):
            inside = f"entity_id = ? AND local_id = ? AND {column} IN "
            inside += f"(SELECT id FROM {facts} WHERE article_id = ?)"
            conn.execute(
                f"UPDATE OR IGNORE {table} SET entity_id = ? WHERE {inside}", (new, old, local_id, article_id)
            )
            conn.execute(f"DELETE FROM {table} WHERE {inside}", (old, local_id, article_id))
    conn.executemany(
        "INSERT OR IGNORE INTO aliases (entity_id, alias) VALUES (?, ?)",
        [(new, n) for n in dict.fromkeys(names)],
    )
    conn.execute(
        "UPDATE entities SET gender = (SELECT gender FROM entities WHERE id = ?) "
        "WHERE id = ? AND gender IS NULL",
        (old, new),
    )
    _regroup(conn, speaking, old, new)
    event_groups.regroup(conn, moved_events)
    _tidy(conn, old, new)
    return len(links)


def _tidy(conn: sqlite3.Connection, old: int, new: int) -> None:
    """Delete `old` if nothing links to it any more (its index rows go to `new`); else rebuild its aliases."""
    if conn.execute("SELECT 1 FROM article_entities WHERE entity_id = ? LIMIT 1", (old,)).fetchone() is None:
        rows = conn.execute(
            "SELECT kind, value, detail, articles FROM entity_names WHERE entity_id = ?", (old,)
        ).fetchall()
        conn.executemany(_UPSERT_MANY, [(kind, value, new, detail, n) for kind, value, detail, n in rows])
        conn.execute("DELETE FROM entity_names WHERE entity_id = ?", (old,))
        conn.execute("DELETE FROM aliases WHERE entity_id = ?", (old,))
        conn.execute("DELETE FROM entities WHERE id = ?", (old,))
        # where it went, and where what had gone to it goes now (one hop for every old id)
        conn.execute("UPDATE entity_moves SET new = ? WHERE new = ?", (new, old))
        conn.execute("INSERT OR REPLACE INTO entity_moves (old, new) VALUES (?, ?)", (old, new))
        conn.execute("DELETE FROM entity_moves WHERE old = ?", (new,))  # back where it was: it exists
        return
    names: list[str] = []
    for name, aliases in conn.execute(
        "SELECT name, aliases FROM article_entities WHERE entity_id = ?", (old,)
    ):
        names += [name, *json.loads(aliases)]
    conn.execute("DELETE FROM aliases WHERE entity_id = ?", (old,))
    conn.executemany(
        "INSERT OR IGNORE INTO aliases (entity_id, alias) VALUES (?, ?)",
        [(old, n) for n in dict.fromkeys(names)],
    )


def _regroup(conn: sqlite3.Connection, quote_ids: list[int], old: int, new: int) -> None:
    """Move quotes whose speaker changed from `old` to `new` out of their groups and into the groups
    they now belong to; a group left empty is deleted with its keys."""
    if not quote_ids:
        return
    quotes = []
    for at in range(0, len(quote_ids), 500):
        batch = quote_ids[at : at + 500]
        marks = ",".join("?" * len(batch))
        quotes += conn.execute(
            f"SELECT q.id, q.text, q.date_start, q.group_id, a.ingested_at FROM quotes q "
            f"JOIN articles a ON a.id = q.article_id WHERE q.id IN ({marks})",
            batch,
        ).fetchall()
        conn.execute(f"UPDATE quotes SET group_id = NULL WHERE id IN ({marks})", batch)
    quotes.sort(key=lambda q: (q[4], q[0]))
    members: dict[int, list[str]] = defaultdict(list)
    for _, text, _, group, _ in quotes:
        if group is not None:
            members[group].append(text)
    for group, texts in members.items():
        left, first = conn.execute(
            "SELECT count(*), min(date_start) FROM quotes WHERE group_id = ?", (group,)
        ).fetchone()
        if left == 0:
            keys = {k for text in texts for k in keys_of(words_of(text))}
            conn.executemany(
                "DELETE FROM quote_keys WHERE key = ? AND group_id = ?", [(k, group) for k in sorted(keys)]
            )
            conn.execute("DELETE FROM quote_groups WHERE id = ?", (group,))
            continue
        conn.execute(
            "UPDATE quote_groups SET first_date = ?, speaker_id = CASE WHEN speaker_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM quotes WHERE group_id = ? AND speaker_id = ?) THEN (SELECT speaker_id "
            "FROM quotes WHERE group_id = ? AND speaker_id IS NOT NULL LIMIT 1) ELSE speaker_id END "
            "WHERE id = ?",
            (first, old, group, old, group, group),
        )
    for quote_id, text, date_start, _, _ in quotes:
        group = assign_group(conn, text, new, date_start)
        conn.execute("UPDATE quotes SET group_id = ? WHERE id = ?", (group, quote_id))


def _relink_all_facts(conn: sqlite3.Connection) -> None:
    """Point every fact at the entity its article entity now resolves to (after a rebuild)."""
    link = (
        "(SELECT entity_id FROM article_entities ae "
        "WHERE ae.article_id = {t}.article_id AND ae.local_id = {c})"
    )
    conn.execute(f"UPDATE quotes SET speaker_id = {link.format(t='quotes', c='speaker_local')}")
    conn.execute(
        f"UPDATE relations SET head_id = {link.format(t='relations', c='head_local')}, "
        f"tail_id = {link.format(t='relations', c='tail_local')}"
    )
    for table, facts, column, columns in (
        ("quote_about", "quotes", "quote_id", ()),
        ("event_roles", "events", "event_id", ("role",)),
    ):
        picked = ", ".join(f"t.{c}" for c in (column, *columns, "local_id"))
        rows = conn.execute(
            f"SELECT ae.entity_id, {picked} FROM {table} t JOIN {facts} f ON f.id = t.{column} "
            "JOIN article_entities ae ON ae.article_id = f.article_id AND ae.local_id = t.local_id"
        ).fetchall()
        conn.execute(f"DELETE FROM {table}")
        names = ", ".join(("entity_id", column, *columns, "local_id"))
        marks = ", ".join("?" * (len(columns) + 3))
        conn.executemany(f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})", rows)


def _regroup_all(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM quote_keys")
    conn.execute("DELETE FROM quote_groups")
    rows = conn.execute(
        "SELECT q.id, q.text, q.speaker_id, q.date_start FROM quotes q "
        "JOIN articles a ON a.id = q.article_id ORDER BY a.ingested_at, q.id"
    ).fetchall()
    for quote_id, text, speaker, first in rows:
        group = assign_group(conn, text, speaker, first)
        conn.execute("UPDATE quotes SET group_id = ? WHERE id = ?", (group, quote_id))
