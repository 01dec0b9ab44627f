"""Contradictions: pairs of reported facts where one side affirms what the other denies.

Which facts oppose which is data (OPPOSED): a claim against someone (accusation, lawsuit, charge)
is opposed by that person's denial and by a third party's support of them; and any event reported
as happening is opposed by the same event, with the same participants, reported as not happening.
A response is paired with one claim: the nearest before it in its own article, else the latest
claim made before it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from storyline.query.common import EntityRef, EvidenceMaker, Result, resolve
from storyline.query.timeline import TimelineEntry, events_of, in_order, with_evidence

CLAIMS = frozenset({"accusation", "lawsuit", "charge"})
# response type -> (who responds: the claim's "target" or "other", what the pair is called)
OPPOSED: dict[str, tuple[str, str]] = {
    "denial": ("target", "accusation and denial"),
    "support": ("other", "accusation and defence"),
}


@dataclass
class Contradiction(Result):
    kind: str
    affirmed: TimelineEntry
    denied: TimelineEntry


@dataclass
class Contradictions(Result):
    entity: EntityRef
    pairs: list[Contradiction]


def _ids(entry: TimelineEntry, roles: set[str] | None = None, exclude: bool = False) -> set[int]:
    return {p["id"] for p in entry.participants if roles is None or ((p["role"] in roles) != exclude)}


def _articles(entry: TimelineEntry) -> set[str]:
    return {e.article_id for e in entry.evidence}


def _pick_claims(response: TimelineEntry, claims: list[TimelineEntry]) -> list[TimelineEntry]:
    """The claim a response answers: in its own article, the nearest one before it that is not
    dated after it; else the latest claim made before it anywhere; else the first claim known."""

    def not_later(c: TimelineEntry) -> bool:
        return not (c.date_start and response.date_end and c.date_start > response.date_end)

    where = {e.article_id: e.start for e in response.evidence}
    same = [
        (c, min(where[e.article_id] - e.start for e in c.evidence if e.article_id in where))
        for c in claims
        if _articles(c) & where.keys() and not_later(c)
    ]
    if same:
        # before the response in the text (distance >= 0) beats after it; nearer beats farther
        return [min(same, key=lambda pair: (pair[1] < 0, abs(pair[1])))[0]]
    before = [
        c for c in claims if c.date_start and response.date_start and c.date_start <= response.date_start
    ]
    if before:
        return [max(before, key=lambda c: c.date_start or "")]
    return claims[:1]


def contradictions(conn: sqlite3.Connection, name: str) -> Contradictions:
    """Every opposed pair that involves the entity, as claimant, target or respondent."""
    entity, _ = resolve(conn, name)
    own = events_of(conn, entity.id)
    # whose claims to look at: the entity's own, and those of everyone the entity accuses or defends
    targets = {entity.id}
    for e in own:
        if entity.id in _ids(e, {"agent"}) and (e.type in CLAIMS or e.type == "support"):
            targets |= _ids(e, {"agent"}, exclude=True)
    pairs: list[Contradiction] = []
    seen: set[tuple[int, int]] = set()
    for target in sorted(targets):
        entries = own if target == entity.id else events_of(conn, target)
        asserted = [e for e in entries if e.modality == "asserted"]
        claims = [e for e in asserted if e.type in CLAIMS and target in _ids(e, {"agent"}, exclude=True)]
        for response in asserted:
            rule = OPPOSED.get(response.type)
            if rule is None or not claims:
                continue
            responder, kind = rule
            agents = _ids(response, {"agent"})
            if responder == "target" and target not in agents:
                continue
            if responder == "other" and (target in agents or target not in _ids(response, {"target"})):
                continue
            for claim in _pick_claims(response, claims):
                if entity.id not in _ids(claim) | agents or (id(claim), id(response)) in seen:
                    continue
                seen.add((id(claim), id(response)))
                pairs.append(Contradiction(kind, claim, response))
        pairs += _opposite_modality(entries, entity.id) if target == entity.id else []
    shown = [e for p in pairs for e in (p.affirmed, p.denied)]
    in_order(conn, shown)  # reads the dates the pairs sort by
    pairs.sort(key=lambda p: p.denied.sort_key())
    with_evidence(shown, EvidenceMaker(conn))
    return Contradictions(entity, pairs)


def _opposite_modality(entries: list[TimelineEntry], entity_id: int) -> list[Contradiction]:
    """The same event with the same participants, reported both as happening and as not."""
    out = []
    for negated in (e for e in entries if e.modality == "negated"):
        for affirmed in entries:
            if (
                affirmed.modality == "asserted"
                and affirmed.type == negated.type
                and affirmed.participants == negated.participants
                and entity_id in _ids(affirmed)
            ):
                out.append(Contradiction(f"{negated.type} affirmed and denied", affirmed, negated))
    return out
