"""The readable form of an extracted article: metadata, entities, dates, quotes grouped by speaker,
events and relations."""

from __future__ import annotations

import textwrap
from collections import defaultdict

from storyline.dates import label
from storyline.model import Article, Quote, TimeValue
from storyline.nlp.language import extracted
from storyline.quoting import quoted, statements

_WIDTH = 100


def _quote_line(q: Quote, text: str, inner: list[tuple[int, int]]) -> str:
    how = " ".join(
        x for x in (q.cue, f"({q.channel})" if q.channel else None, q.time and f"[{_when(q.time)}]") if x
    )
    # reported speech in brackets, its quoted words in double marks; quoted words inside a quote in single
    reported = q.kind == "indirect"
    body = f"[{quoted(text, inner, '“', '”')}]" if reported else f"“{quoted(text, inner)}”"
    return textwrap.fill(
        f"- {how or '(no cue)'}: {body}",
        width=_WIDTH,
        subsequent_indent="    ",
        max_lines=6,
        placeholder=" …",
    )


def render(article: Article) -> str:
    a = article
    lines = [f"# {a.title or '(untitled)'}"]
    meta = [
        x
        for x in (
            a.author,
            a.source,
            a.published_datetime
            and label(a.published_datetime.strftime("%Y-%m-%dT%H:%M"))
            or a.published
            and label(a.published.isoformat()),
        )
        if x
    ]
    if meta:
        lines.append("  " + " · ".join(meta))
    if not extracted(a.language):
        lines.append(f"\nLanguage {a.language}: not extracted (the pipeline is English)")
        return "\n".join(lines) + "\n"
    people = [e for e in a.entities if e.type == "PERSON"]
    others = [e for e in a.entities if e.type != "PERSON"]
    if people:
        lines.append("\nPeople:")
        lines += [
            f"  {e.name}"
            + (f"  (also: {', '.join(x for x in e.aliases if x != e.name)})" if len(e.aliases) > 1 else "")
            for e in people
        ]
    if others:
        lines.append("\nOrganisations, places and works:")
        lines.append("  " + "; ".join(f"{e.name} [{e.type}]" for e in others))
    if a.timexes:
        lines.append("\nDates:")
        shown = [f"{t.text} = {label(t.value, t.mod, kind=t.type)}" for t in a.timexes]
        lines += textwrap.wrap("; ".join(shown), width=_WIDTH, initial_indent="  ", subsequent_indent="  ")
    groups: dict[str, list[tuple[Quote, str, list[tuple[int, int]]]]] = defaultdict(list)
    shown = statements(a.quotes)  # one line per statement: a quote within another is marked in it
    for q, text, inner in shown:
        who = q.speaker_name or (q.speaker_mention.text if q.speaker_mention else "unattributed")
        groups[who].append((q, text, inner))
    direct = sum(q.kind != "indirect" for q, _, _ in shown)
    lines.append(f"\nQuotes ({direct} quoted, {len(shown) - direct} reported):")
    for who, quotes in sorted(groups.items(), key=lambda kv: (kv[0] == "unattributed", kv[1][0][0].start)):
        lines.append(f"\n  {who} ({len(quotes)})")
        lines += ["  " + ln for q, text, inner in quotes for ln in _quote_line(q, text, inner).splitlines()]
    lines += _events(a)
    return "\n".join(lines) + "\n"


def _when(t: TimeValue | None) -> str:
    return label(t.value, t.mod) if t is not None else "undated"


def _events(a: Article) -> list[str]:
    """Events as "when  type: agent -> target (details)", then relations with their years."""
    names = {e.id: e.name for e in a.entities}

    def who(ids: object) -> str:
        return " and ".join(names.get(i, i) for i in ids) if isinstance(ids, list) else ""

    lines: list[str] = []
    if a.events:
        lines.append(f"\nEvents ({len(a.events)}):")
        for v in a.events:
            agent, target = who(v.args.get("agent")), who(v.args.get("target"))
            line = f"  {_when(v.time):<20} {v.type}: {agent or '?'}" + (f" -> {target}" if target else "")
            details = [f"{k} {v.args[k]}" for k in ("channel", "position") if v.args.get(k)]
            if v.args.get("amount_text"):
                details.append(str(v.args["amount_text"]))
            if v.args.get("claims"):
                details.append("claims: " + "; ".join(map(str, v.args["claims"])))  # type: ignore[call-overload]
            if v.modality != "asserted":
                details.insert(0, v.modality)
            line += f"  [{v.trigger}]" + (f" ({', '.join(details)})" if details else "")
            lines += textwrap.wrap(line, width=_WIDTH, subsequent_indent=" " * 23)
    if a.relations:
        lines.append(f"\nRelations ({len(a.relations)}):")
        for r in a.relations:
            years = (
                f" {label(r.start) if r.start else '?'}-{label(r.end) if r.end else ''}"
                if r.start or r.end
                else ""
            )
            lines.append(f"  {names.get(r.head, r.head)} {r.type} of {names.get(r.tail, r.tail)}{years}")
    return lines
