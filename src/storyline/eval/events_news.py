"""`storyline eval events DIR` on `articles.jsonl` + `gold.json` (as in ../shared/data/events_news).

`articles.jsonl` holds one article a line (id, published YYYY-MM-DD, title, text); `gold.json` a list of
{id, events, relations}, gold events carrying `trigger` and `start` (a character offset in `text`), `agents`
and `targets` (names), `modality` and `time`. The set's README defines how it is scored, so that figures
are comparable wherever they are computed; this module implements that definition as written:

- a system event matches an unmatched gold event of the same type whose trigger overlaps the system
  trigger, or else (a second pass, once every overlap match is made) whose trigger lies inside the system
  event's sentence; one to one; event P/R/F1 from the matches;
- of each match, agents are right when every gold agent has a system agent with a matching name and every
  system agent a gold one, targets the same way; modality when equal (missing = asserted); time when both
  are the same TIMEX value with no mod, or the gold is {"before": D} and the system gives a BEFORE bound on
  or before D, or the gold is null and the system gives no time or only a bound; "fully right" when all
  four are;
- a system relation matches an unmatched gold one of the same type whose head and tail names match (either
  order for spouse, sibling and friend).

Names match when their last words agree and their first words agree or one of them is a single word.
The system's side is each entity's canonical name, never its aliases: an alias the resolver attached by
mistake must not make a wrong participant right.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from storyline.contract import to_dict
from storyline.eval.events import SYMMETRIC, Counts, _table
from storyline.model import Article

ARTICLES, GOLD = "articles.jsonl", "gold.json"
ASPECTS = ("agents", "targets", "modality", "time")


def is_news_dir(directory: Path) -> bool:
    """The format is told by its two files, so that the NAME.txt + NAME.json format keeps working."""
    return (directory / ARTICLES).is_file() and (directory / GOLD).is_file()


def _fail(message: str) -> SystemExit:
    """A one-line error instead of a traceback: a bad corpus file is the user's to fix, not a bug."""
    return SystemExit(f"storyline: error: {message}")


# --- reading -------------------------------------------------------------------------------------------


def _read_articles(path: Path) -> list[dict]:
    out: list[dict] = []
    seen: set[str] = set()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise _fail(f"{path}: cannot read ({e})") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise _fail(f"{path} line {n}: not valid JSON ({e.msg})") from None
        if not isinstance(obj, dict):
            raise _fail(f"{path} line {n}: expected a JSON object")
        for key in ("id", "text"):
            if not isinstance(obj.get(key), str):
                raise _fail(f"{path} line {n}: {key!r} missing or not a string")
        if obj["id"] in seen:
            raise _fail(f"{path} line {n}: duplicate id {obj['id']!r}")
        seen.add(obj["id"])
        published = obj.get("published")
        try:
            obj["published"] = date.fromisoformat(published) if published else None
        except (TypeError, ValueError):
            raise _fail(f"{path} line {n}: 'published' is not a YYYY-MM-DD date: {published!r}") from None
        if obj.get("title") is not None and not isinstance(obj["title"], str):
            raise _fail(f"{path} line {n}: 'title' is not a string")
        out.append(obj)
    if not out:
        raise _fail(f"{path}: no articles")
    return out


def _names_list(value: object, where: str, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(f"{where}: {key!r} is not a list of names")
    return value


def _check_event(e: object, where: str) -> dict:
    if not isinstance(e, dict):
        raise _fail(f"{where}: expected a JSON object")
    for key in ("type", "trigger"):
        if not isinstance(e.get(key), str) or not e[key]:
            raise _fail(f"{where}: {key!r} missing or not a string")
    if not isinstance(e.get("start"), int) or isinstance(e["start"], bool) or e["start"] < 0:
        raise _fail(f"{where}: 'start' missing or not a character offset")
    t = e.get("time")
    if not (t is None or isinstance(t, str) or (isinstance(t, dict) and isinstance(t.get("before"), str))):
        raise _fail(f'{where}: \'time\' must be a TIMEX value, {{"before": "YYYY-MM-DD"}} or null')
    modality = e.get("modality") or "asserted"
    if not isinstance(modality, str):
        raise _fail(f"{where}: 'modality' is not a string")
    return {
        **e,
        "agents": _names_list(e.get("agents"), where, "agents"),
        "targets": _names_list(e.get("targets"), where, "targets"),
        "modality": modality,
    }


def _check_relation(r: object, where: str) -> dict:
    if not isinstance(r, dict):
        raise _fail(f"{where}: expected a JSON object")
    for key in ("type", "head", "tail"):
        if not isinstance(r.get(key), str) or not r[key]:
            raise _fail(f"{where}: {key!r} missing or not a string")
    return r


def _read_gold(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise _fail(f"{path}: cannot read ({e})") from None
    except json.JSONDecodeError as e:
        raise _fail(f"{path}: not valid JSON ({e.msg} at line {e.lineno})") from None
    if not isinstance(data, list):
        raise _fail(f"{path}: expected a list of {{id, events, relations}}")
    out: dict[str, dict] = {}
    for n, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise _fail(f"{path}: item {n}: expected an object with a string 'id'")
        aid = item["id"]
        if aid in out:
            raise _fail(f"{path}: duplicate id {aid!r}")
        evs, rels = item.get("events") or [], item.get("relations") or []
        if not isinstance(evs, list) or not isinstance(rels, list):
            raise _fail(f"{path}: {aid}: 'events' and 'relations' must be lists")
        out[aid] = {
            "events": [_check_event(e, f"{path}: {aid}: event {i}") for i, e in enumerate(evs)],
            "relations": [_check_relation(r, f"{path}: {aid}: relation {i}") for i, r in enumerate(rels)],
        }
    return out


def load_news(directory: Path, limit: int | None = None) -> list[tuple[Article, dict]]:
    """Each article as a storyline Article (text, title, publication date, so that relative dates
    resolve; its id as input_id) with its gold, in the order of articles.jsonl."""
    for name in (ARTICLES, GOLD):
        if not (directory / name).is_file():
            raise _fail(f"{directory}: {name} is missing (this format needs {ARTICLES} and {GOLD})")
    rows = _read_articles(directory / ARTICLES)
    gold = _read_gold(directory / GOLD)
    unknown = sorted(set(gold) - {r["id"] for r in rows})
    if unknown:
        raise _fail(f"{directory / GOLD}: id {unknown[0]!r} is not in {ARTICLES}")
    missing = [r["id"] for r in rows if r["id"] not in gold]
    if missing:
        raise _fail(f"{directory / GOLD}: no entry for article {missing[0]!r}")
    return [
        (
            Article(text=r["text"], title=r.get("title"), published=r["published"], input_id=r["id"]),
            gold[r["id"]],
        )
        for r in rows[:limit]
    ]


# --- the rules -----------------------------------------------------------------------------------------


def name_words(name: str) -> list[str]:
    """Words of a name, lower case, possessive 's and punctuation stripped ("Trump's" -> "trump",
    "J." -> "j", "Fraga-Rosenfeld" -> "fragarosenfeld")."""
    out = []
    for w in name.lower().replace("’", "'").split():
        w = re.sub(r"[\W_]", "", w.removesuffix("'s"))
        if w:
            out.append(w)
    return out


def names_match(a: str, b: str) -> bool:
    """Last words agree, and first words agree or one name is a single word: "Trump" is "Donald Trump"
    and "Donald J. Trump", but "Bill Clinton" is not "Hillary Clinton"."""
    wa, wb = name_words(a), name_words(b)
    if not wa or not wb or wa[-1] != wb[-1]:
        return False
    return wa[0] == wb[0] or len(wa) == 1 or len(wb) == 1


def same_people(gold: list[str], system: list[str]) -> bool:
    """Both ways: a missing participant and an extra one are both wrong."""
    return all(any(names_match(g, s) for s in system) for g in gold) and all(
        any(names_match(s, g) for g in gold) for s in system
    )


def _first_day(value: str) -> date | None:
    """The first day of a TIMEX value (day, month, year or ISO week): a bound "before 2016-09" says the
    event is before 2016-09-01. None for values with no first day here (seasons, decades, ...)."""
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            return date(int(m[1]), int(m[2]), 1)
        if m := re.fullmatch(r"(\d{4})", value):
            return date(int(m[1]), 1, 1)
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            return date.fromisocalendar(int(m[1]), int(m[2]), 1)
    except ValueError:
        return None
    return None


def time_right(gold: object, system: dict | None) -> bool:
    """A bound is right only where the gold is one (or says nothing): "before D" is what a reader can
    tell of an undated past event, never the event's time."""
    mod = (system or {}).get("mod")
    if gold is None:
        return system is None or bool(mod)
    if system is None:
        return False
    if isinstance(gold, str):
        return system.get("value") == gold and not mod
    if isinstance(gold, dict) and "before" in gold:
        bound, limit = _first_day(str(system.get("value"))), _first_day(str(gold["before"]))
        return mod == "BEFORE" and bound is not None and limit is not None and bound <= limit
    return False


def _gold_span(g: dict) -> tuple[int, int]:
    return g["start"], g["start"] + len(g["trigger"])


def match_events(system: list[dict], gold: list[dict]) -> list[tuple[int, int, str]]:
    """(system index, gold index, "overlap" | "sentence"), one to one. Every overlap match is made before
    any sentence match, so a trigger found exactly is never taken by a neighbour in its sentence. Where
    the README leaves the choice open: system events are taken in text order; of several candidates the
    most overlapping, or in the sentence pass the nearest to the system trigger, then the earliest."""
    order = sorted(range(len(system)), key=lambda i: (system[i]["start"], system[i]["end"]))
    used_s: set[int] = set()
    used_g: set[int] = set()
    out: list[tuple[int, int, str]] = []

    def take(si: int, candidates: list[tuple[tuple, int]], how: str) -> None:
        if candidates:
            gi = min(candidates)[1]
            used_s.add(si)
            used_g.add(gi)
            out.append((si, gi, how))

    for si in order:
        s = system[si]
        cands = []
        for gi, g in enumerate(gold):
            gs, ge = _gold_span(g)
            if gi not in used_g and g["type"] == s["type"] and gs < s["end"] and s["start"] < ge:
                cands.append(((-(min(ge, s["end"]) - max(gs, s["start"])), gs), gi))
        take(si, cands, "overlap")
    for si in order:
        if si in used_s:
            continue
        s = system[si]
        sent = s.get("sentence") or {}
        lo, hi = sent.get("start", s["start"]), sent.get("end", s["end"])
        cands = []
        for gi, g in enumerate(gold):
            gs, ge = _gold_span(g)
            if gi not in used_g and g["type"] == s["type"] and lo <= gs and ge <= hi:
                cands.append(((abs(gs - s["start"]), gs), gi))
        take(si, cands, "sentence")
    return sorted(out, key=lambda m: m[1])


def match_relations(system: list[tuple[str, str, str]], gold: list[dict]) -> list[tuple[int, int]]:
    """system: (type, head name, tail name) in the system's order; greedy, one to one."""
    used: set[int] = set()
    out = []
    for si, (kind, head, tail) in enumerate(system):
        for gi, g in enumerate(gold):
            if gi in used or g["type"] != kind:
                continue
            pair = names_match(head, g["head"]) and names_match(tail, g["tail"])
            if kind in SYMMETRIC:
                pair = pair or (names_match(head, g["tail"]) and names_match(tail, g["head"]))
            if pair:
                used.add(gi)
                out.append((si, gi))
                break
    return out


# --- scoring -------------------------------------------------------------------------------------------


@dataclass
class NewsTally:
    events: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    full: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    aspects: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ASPECTS, 0))
    matched: int = 0
    by_how: dict[str, int] = field(default_factory=lambda: {"overlap": 0, "sentence": 0})
    relations: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    articles: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _canonical(doc: dict, ids: object) -> list[str]:
    by_id = {e["id"]: e["name"] for e in doc.get("entities") or []}
    return [by_id[i] for i in (ids if isinstance(ids, list) else []) if i in by_id]


def show_time(t: object) -> str:
    if t is None:
        return "none"
    if isinstance(t, str):
        return t
    if isinstance(t, dict) and "before" in t:
        return f"before {t['before']}"
    if isinstance(t, dict):
        mod = t.get("mod")
        return f"{mod.lower()} {t.get('value')}" if mod else str(t.get("value"))
    return str(t)


# a sentence end: . ? ! (with a closing quote) and space, not after an initial or a common title; a line break
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bMrs)(?<!\bSen)(?<!\bRep)(?<!\bGov)(?<!\bGen)"
    r"[.?!][\"”’']?\s+|\n"
)


def _sentence(event: dict) -> tuple[int | None, int | None]:
    sent = event.get("sentence") or {}
    return sent.get("start"), sent.get("end")


def _snippet(text: str, start: int, end: int, lo: int | None = None, hi: int | None = None) -> str:
    """The trigger in [brackets] within its sentence (the system's, or else one found around it: a gold
    event has none), at most ~70 characters each side, on one line, so that a miss reads at a glance."""
    if lo is None:
        lo = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    if hi is None:
        m = _SENTENCE_END.search(text, end)
        hi = m.start() + 1 if m else len(text)
    lo, hi = max(0, min(lo, start)), min(len(text), max(hi, end))
    before, after = text[lo:start], text[end:hi]
    if len(before) > 70:
        before = "…" + before[-70:]
    if len(after) > 70:
        after = after[:70] + "…"
    return " ".join(f"{before}[{text[start:end]}]{after}".split())


def score_article(doc: dict, gold: dict, tally: NewsTally, name: str = "") -> dict:
    """Add one article's counts to `tally`; return what went wrong in it, for --misses."""
    text = doc["article"]["text"]
    system = doc.get("events") or []
    expected = gold.get("events") or []
    for g in expected:
        gs, ge = _gold_span(g)
        if text[gs:ge] != g["trigger"]:
            tally.warnings.append(f"{name}: gold trigger {g['trigger']!r} is not at offset {gs} of the text")
    matches = match_events(system, expected)
    for e in system:
        tally.events[e["type"]].found += 1
    for g in expected:
        tally.events[g["type"]].expected += 1

    wrong = []
    for si, gi, how in matches:
        s, g = system[si], expected[gi]
        tally.events[g["type"]].right += 1
        tally.matched += 1
        tally.by_how[how] += 1
        args = s.get("args") or {}
        sys_agents, sys_targets = _canonical(doc, args.get("agent")), _canonical(doc, args.get("target"))
        sys_modality = s.get("modality") or "asserted"
        checks = {
            "agents": (same_people(g["agents"], sys_agents), g["agents"], sys_agents),
            "targets": (same_people(g["targets"], sys_targets), g["targets"], sys_targets),
            "modality": (g["modality"] == sys_modality, g["modality"], sys_modality),
            "time": (
                time_right(g.get("time"), s.get("time")),
                show_time(g.get("time")),
                show_time(s.get("time")),
            ),
        }
        for aspect, (ok, _, _) in checks.items():
            tally.aspects[aspect] += ok
        if all(ok for ok, _, _ in checks.values()):
            tally.full[g["type"]] += 1
            continue
        wrong.append(
            {
                "type": g["type"],
                "trigger": g["trigger"],
                "start": g["start"],
                "system_trigger": s["trigger"],
                "system_start": s["start"],
                "how": how,
                "snippet": _snippet(text, *_gold_span(g), *_sentence(s)),
                "wrong": {a: {"gold": gv, "system": sv} for a, (ok, gv, sv) in checks.items() if not ok},
            }
        )

    matched_s = {si for si, _, _ in matches}
    matched_g = {gi for _, gi, _ in matches}
    missed = [
        {
            "type": g["type"],
            "trigger": g["trigger"],
            "start": g["start"],
            "snippet": _snippet(text, *_gold_span(g)),
        }
        for gi, g in enumerate(expected)
        if gi not in matched_g
    ]
    spurious = [
        {
            "type": s["type"],
            "trigger": s["trigger"],
            "start": s["start"],
            "snippet": _snippet(text, s["start"], s["end"], *_sentence(s)),
        }
        for si, s in sorted(enumerate(system), key=lambda p: p[1]["start"])
        if si not in matched_s
    ]

    names = {e["id"]: e["name"] for e in doc.get("entities") or []}
    rels = [
        (r["type"], names.get(r["head"], r["head"]), names.get(r["tail"], r["tail"]))
        for r in doc.get("relations") or []
    ]
    wanted = gold.get("relations") or []
    rmatches = match_relations(rels, wanted)
    for kind, _, _ in rels:
        tally.relations[kind].found += 1
    for g in wanted:
        tally.relations[g["type"]].expected += 1
    for si, _ in rmatches:
        tally.relations[rels[si][0]].right += 1
    rs, rg = {si for si, _ in rmatches}, {gi for _, gi in rmatches}

    detail = {
        "id": name,
        "gold_events": len(expected),
        "system_events": len(system),
        "matched": len(matches),
        "fully_right": len(matches) - len(wrong),
        "missed": missed,
        "unmatched_system": spurious,
        "matched_wrong": wrong,
        "relations_missed": [
            {"type": g["type"], "head": g["head"], "tail": g["tail"]}
            for gi, g in enumerate(wanted)
            if gi not in rg
        ],
        "relations_unmatched_system": [
            {"type": k, "head": h, "tail": t} for si, (k, h, t) in enumerate(rels) if si not in rs
        ],
    }
    tally.articles.append(detail)
    return detail


def evaluate_news(directory: Path, limit: int | None = None) -> dict:
    from storyline import extract_many

    pairs = load_news(directory, limit)
    tally = NewsTally()
    for (_, gold), article in zip(pairs, extract_many(a for a, _ in pairs), strict=True):
        if article.failure:
            tally.warnings.append(f"{article.input_id}: {article.failure}")
        score_article(to_dict(article), gold, tally, article.input_id or "")
    n = tally.matched
    events = _table(tally.events)
    for kind, row in events.items():
        row["fully_right"] = sum(tally.full.values()) if kind == "all" else tally.full.get(kind, 0)
    return {
        "format": "events_news",
        "directory": str(directory),
        "articles": len(pairs),
        "events": events,
        "matched": {
            "events": n,
            "by_overlap": tally.by_how["overlap"],
            "by_sentence": tally.by_how["sentence"],
            **{a: round(tally.aspects[a] / n, 3) if n else 0.0 for a in ASPECTS},
            "fully_right": round(sum(tally.full.values()) / n, 3) if n else 0.0,
            "counts": {**tally.aspects, "fully_right": sum(tally.full.values())},
        },
        "relations": _table(tally.relations),
        "warnings": tally.warnings,
        "misses": tally.articles,
    }


# --- reporting -----------------------------------------------------------------------------------------


def _rows(table: dict[str, dict], full: bool) -> list[str]:
    head = f"  {'type':14}{'expected':>9}{'found':>7}{'right':>7}{'P':>7}{'R':>7}{'F1':>7}"
    lines = [head + (f"{'fully':>7}" if full else "")]
    for kind, s in table.items():
        lines.append(
            f"  {kind:14}{s['expected']:>9}{s['found']:>7}{s['right']:>7}"
            f"{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
            + (f"{s['fully_right']:>7}" if full else "")
        )
    return lines


def format_news_report(result: dict) -> str:
    m = result["matched"]
    lines = [f"events {result['directory']}: {result['articles']} articles (events_news format)", ""]
    lines.append(
        "events (same type; trigger overlap, else gold trigger in the system's sentence; one to one):"
    )
    lines += _rows(result["events"], full=True)
    lines.append("  (right = matched; fully = matched with agents, targets, modality and time right)")
    lines.append("")
    lines.append(
        f"of {m['events']} matched events "
        f"({m['by_overlap']} by trigger overlap, {m['by_sentence']} by sentence):"
    )
    for key in (*ASPECTS, "fully_right"):
        lines.append(f"  {key.replace('_', ' '):12}{m[key]:>7.3f}  ({m['counts'][key]}/{m['events']})")
    lines.append("")
    lines.append("relations (type, head and tail names):")
    lines += _rows(result["relations"], full=False)
    lines += [f"warning: {w}" for w in result["warnings"]]
    return "\n".join(lines) + "\n"


def _names(v: object) -> str:
    return "[" + ", ".join(v) + "]" if isinstance(v, list) else str(v)


def format_news_misses(result: dict) -> str:
    """Per article: gold events not found, system events matching none, and for each match what was
    wrong, gold beside system; then the relations missed and the extra ones."""
    out: list[str] = []
    for a in result["misses"]:
        problems = a["missed"] or a["unmatched_system"] or a["matched_wrong"]
        problems = problems or a["relations_missed"] or a["relations_unmatched_system"]
        out.append(
            f"== {a['id']}: gold {a['gold_events']}, system {a['system_events']}, matched {a['matched']}, "
            f"fully right {a['fully_right']}" + ("" if problems else " (nothing to report)")
        )
        for e in a["missed"]:
            out.append(f"  missed     {e['type']:12} {e['trigger']!r} @{e['start']}: {e['snippet']}")
        for e in a["unmatched_system"]:
            out.append(f"  unmatched  {e['type']:12} {e['trigger']!r} @{e['start']}: {e['snippet']}")
        for e in a["matched_wrong"]:
            via = (
                ""
                if e["system_trigger"] == e["trigger"]
                else f", system {e['system_trigger']!r} @{e['system_start']}"
            )
            out.append(
                f"  wrong      {e['type']:12} {e['trigger']!r} @{e['start']} "
                f"(by {e['how']}{via}): {e['snippet']}"
            )
            for aspect, v in e["wrong"].items():
                out.append(
                    f"               {aspect:9} gold {_names(v['gold'])}  system {_names(v['system'])}"
                )
        for r in a["relations_missed"]:
            out.append(f"  missed     relation {r['type']}: {r['head']} -> {r['tail']}")
        for r in a["relations_unmatched_system"]:
            out.append(f"  unmatched  relation {r['type']}: {r['head']} -> {r['tail']}")
        out.append("")
    return "\n".join(out)


def main(args: argparse.Namespace) -> int:
    result = evaluate_news(Path(args.dir), args.limit)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(format_news_report(result))
        if getattr(args, "misses", False):
            print(format_news_misses(result))
    return 0
