"""`storyline eval events DIR`: events and relations against hand-annotated articles.

DIR holds pairs `NAME.txt` (an article in the seed format) and `NAME.json` with the expected
`events` (type, agent, target, time, modality) and `relations` (type, head, tail, start, end);
`tests/events_dev/` is the development set written for the project, and its README gives the
annotation rules.

Matching, one to one and greedy in text order, per type:
- an event is right when its type and modality are the expected ones, every expected agent and
  target is among its participants (names compared by their words, so "Brightwater Foods" matches
  "Brightwater Foods Inc."), and, when a time is expected, its time value is that value (a bound,
  "before 2023-02-06", is not a time); "participants" scores the same without the time;
- a relation is right when type, head and tail agree (either order for spouse, sibling, friend)
  and the expected start and end years, where given, are its own.
Precision is over what storyline found, recall over what was expected.

A DIR with `articles.jsonl` + `gold.json` instead (../shared/data/events_news) is scored by the rules
its README defines, in `storyline.eval.events_news`.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from storyline.contract import to_dict

SYMMETRIC = {"spouse", "sibling", "friend"}
_SUFFIXES = {"the", "inc", "co", "corp", "corporation", "ltd", "llc", "plc", "company", "group"}


def name_words(name: str) -> frozenset[str]:
    words = re.findall(r"[\w!&'-]+", name.lower().replace("’", "'"))
    return frozenset(w.removesuffix("'s") for w in words if w not in _SUFFIXES)


def same_name(a: str, b: str) -> bool:
    wa, wb = name_words(a), name_words(b)
    return bool(wa and wb) and (wa <= wb or wb <= wa)


@dataclass
class Counts:
    expected: int = 0
    found: int = 0
    right: int = 0

    def scores(self) -> dict[str, float | int]:
        p = self.right / self.found if self.found else 0.0
        r = self.right / self.expected if self.expected else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"expected": self.expected, "found": self.found, "right": self.right,
                "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}  # fmt: skip


@dataclass
class Tally:
    events: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    participants: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    relations: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    misses: list[str] = field(default_factory=list)


def _names(doc: dict, ids: object) -> list[str]:
    by_id = {e["id"]: e for e in doc["entities"]}
    out = []
    for i in ids if isinstance(ids, list) else []:
        e = by_id.get(i)
        if e is not None:
            out += [e["name"], *e.get("aliases", [])]
    return out


def _covers(found: list[str], wanted: list[str]) -> bool:
    return all(any(same_name(f, w) for f in found) for w in wanted)


def _event_ok(doc: dict, ev: dict, gold: dict, with_time: bool) -> bool:
    if ev["type"] != gold["type"] or ev.get("modality", "asserted") != gold.get("modality", "asserted"):
        return False
    args = ev.get("args") or {}
    people = _names(doc, args.get("agent")) + _names(doc, args.get("target"))
    if not _covers(_names(doc, args.get("agent")) or people, gold.get("agent") or []):
        return False
    if not _covers(people, gold.get("target") or []):
        return False
    if with_time and gold.get("time"):
        t = ev.get("time") or {}
        return t.get("value") == gold["time"] and not t.get("mod")
    return True


def _relation_ok(doc: dict, rel: dict, gold: dict) -> bool:
    if rel["type"] != gold["type"]:
        return False
    head, tail = _names(doc, [rel["head"]]), _names(doc, [rel["tail"]])
    pair = _covers(head, [gold["head"]]) and _covers(tail, [gold["tail"]])
    if gold["type"] in SYMMETRIC:
        pair = pair or (_covers(head, [gold["tail"]]) and _covers(tail, [gold["head"]]))
    return pair and all(not gold.get(k) or rel.get(k) == gold[k] for k in ("start", "end"))


def _match(found: list[dict], gold: list[dict], ok) -> tuple[set[int], set[int]]:
    used_f: set[int] = set()
    used_g: set[int] = set()
    for gi, g in enumerate(gold):
        for fi, f in enumerate(found):
            if fi not in used_f and ok(f, g):
                used_f.add(fi)
                used_g.add(gi)
                break
    return used_f, used_g


def score(doc: dict, gold: dict, tally: Tally, name: str = "") -> None:
    """Add one article's counts to `tally`."""
    events, expected = doc.get("events") or [], gold.get("events") or []
    for counts, with_time in ((tally.events, True), (tally.participants, False)):
        used_f, used_g = _match(events, expected, lambda f, g, wt=with_time: _event_ok(doc, f, g, wt))
        for e in events:
            counts[e["type"]].found += 1
        for g in expected:
            counts[g["type"]].expected += 1
        for fi in used_f:
            counts[events[fi]["type"]].right += 1
        if with_time:
            tally.misses += [
                f"{name}: missed {g['type']} ({g.get('modality', 'asserted')}) {g.get('sentence', '')[:90]!r}"
                for gi, g in enumerate(expected)
                if gi not in used_g
            ]
    relations, wanted = doc.get("relations") or [], gold.get("relations") or []
    used_f, _ = _match(relations, wanted, lambda f, g: _relation_ok(doc, f, g))
    for r in relations:
        tally.relations[r["type"]].found += 1
    for g in wanted:
        tally.relations[g["type"]].expected += 1
    for fi in used_f:
        tally.relations[relations[fi]["type"]].right += 1


def evaluate(directory: Path, limit: int | None = None) -> dict:
    from storyline import extract_many
    from storyline.readers import read_path

    pairs = sorted(p for p in directory.glob("*.txt") if p.with_suffix(".json").exists())[:limit]
    if not pairs:
        from storyline.eval.events_news import ARTICLES, GOLD

        half = [n for n in (ARTICLES, GOLD) if (directory / n).is_file()]
        if half:
            other = GOLD if half == [ARTICLES] else ARTICLES
            raise SystemExit(f"storyline: error: {directory}: {half[0]} without {other}")
        raise SystemExit(
            f"storyline: error: {directory}: no article .txt files with a .json beside them, "
            f"and no {ARTICLES} + {GOLD}"
        )
    tally = Tally()
    articles = [next(iter(read_path(p))) for p in pairs]
    for path, article in zip(pairs, extract_many(articles), strict=True):
        gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        score(to_dict(article), gold, tally, path.stem)
    return {
        "directory": str(directory),
        "articles": len(pairs),
        "events": _table(tally.events),
        "events_without_time": _table(tally.participants),
        "relations": _table(tally.relations),
        "missed": tally.misses,
    }


def _table(counts: dict[str, Counts]) -> dict[str, dict]:
    out = {k: counts[k].scores() for k in sorted(counts)}
    total = Counts(*(sum(getattr(c, f) for c in counts.values()) for f in ("expected", "found", "right")))
    out["all"] = total.scores()
    return out


def format_report(result: dict) -> str:
    lines = [f"events {result['directory']}: {result['articles']} articles", ""]
    for key, title in (
        ("events", "events (type, participants, modality, time)"),
        ("events_without_time", "events without the time"),
        ("relations", "relations (type, head, tail, years)"),
    ):
        lines.append(f"{title}:")
        lines.append(f"  {'type':14}{'expected':>9}{'found':>7}{'right':>7}{'P':>7}{'R':>7}{'F1':>7}")
        for kind, s in result[key].items():
            lines.append(
                f"  {kind:14}{s['expected']:>9}{s['found']:>7}{s['right']:>7}"
                f"{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
            )
        lines.append("")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    from storyline.eval import events_news

    if events_news.is_news_dir(Path(args.dir)):
        return events_news.main(args)
    result = evaluate(Path(args.dir), args.limit)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_report(result))
        if getattr(args, "misses", False):
            print("\n".join(result["missed"]))
    return 0
