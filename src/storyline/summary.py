"""The readable form of an extracted article: metadata, entities, then quotes grouped by speaker."""

from __future__ import annotations

import textwrap
from collections import defaultdict

from storyline.model import Article, Quote

_WIDTH = 100


def _quote_line(q: Quote) -> str:
    how = " ".join(
        x for x in (q.cue, f"({q.channel})" if q.channel else None, q.time and f"[{q.time.value}]") if x
    )
    marks = ("“", "”") if q.kind != "indirect" else ("[", "]")
    body = f"{marks[0]}{q.text}{marks[1]}"
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
            and a.published_datetime.isoformat(" ", "minutes")
            or a.published
            and a.published.isoformat(),
        )
        if x
    ]
    if meta:
        lines.append("  " + " · ".join(meta))
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
        shown = [f"{t.text} = {t.value}" + (f" ({t.mod})" if t.mod else "") for t in a.timexes]
        lines += textwrap.wrap("; ".join(shown), width=_WIDTH, initial_indent="  ", subsequent_indent="  ")
    groups: dict[str, list[Quote]] = defaultdict(list)
    for q in a.quotes:
        who = q.speaker_name or (q.speaker_mention.text if q.speaker_mention else "unattributed")
        groups[who].append(q)
    direct = sum(q.kind != "indirect" for q in a.quotes)
    lines.append(f"\nQuotes ({direct} quoted, {len(a.quotes) - direct} reported):")
    for who, quotes in sorted(groups.items(), key=lambda kv: (kv[0] == "unattributed", kv[1][0].start)):
        lines.append(f"\n  {who} ({len(quotes)})")
        lines += ["  " + ln for q in quotes for ln in _quote_line(q).splitlines()]
    return "\n".join(lines) + "\n"
