"""Plain-text rendering of query results for the terminal: one line per fact, then its evidence."""

from __future__ import annotations

import textwrap

from storyline.dates import label
from storyline.query import Contradictions, Person, QuoteQuery, Relations, Story, Timeline, TimelineEntry
from storyline.query.common import Evidence
from storyline.query.quotes import BROAD, WINDOW
from storyline.quoting import quoted

WIDTH = 100
DATE_WIDTH = 24  # "15 Apr 2025, afternoon" and "weekend of 15 Mar 2025" fit; a longer date gets its own line


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _dated(when: str, line: str) -> list[str]:
    """A line in the date column: a date too long for the column is never cut, it stands above."""
    if len(when) < DATE_WIDTH:
        return [f"{when:<{DATE_WIDTH}}{line}"]
    return [when, " " * DATE_WIDTH + line]


def _evidence_lines(evidence: list[Evidence], shown: int, indent: str, total: int | None = None) -> list[str]:
    shown = shown or len(evidence)
    lines = [f"{indent}↳ {e.cite()}: “{_clip(e.sentence, 150)}”" for e in evidence[:shown]]
    more = (total if total is not None else len(evidence)) - min(shown, len(evidence))
    if more > 0:
        lines.append(f"{indent}  (+{more} more reports)")
    return lines


def _entry(entry: TimelineEntry, shown: int) -> list[str]:
    head = f"{entry.kind.replace('_', ' '):<12}"
    # the words quoted inside a statement in single marks, inside the statement's double ones
    body = textwrap.wrap(_clip(quoted(entry.summary, entry.marks), 300), WIDTH - DATE_WIDTH - len(head)) or [
        ""
    ]
    lines = _dated(entry.label, head + body[0]) + [" " * (DATE_WIDTH + len(head)) + b for b in body[1:]]
    if entry.kind == "event" and entry.evidence_total > 1:  # one real event, several reports of it
        noun = "article" if entry.articles == 1 else "articles"
        sources = f"{entry.evidence_total} reports in {entry.articles} {noun}"
        if entry.outlets:
            sources += ": " + ", ".join(entry.outlets)
        lines += [" " * DATE_WIDTH + line for line in textwrap.wrap(sources, WIDTH - DATE_WIDTH)]
    return lines + _evidence_lines(entry.evidence, shown, " " * DATE_WIDTH, entry.evidence_total)


def timeline(result: Timeline, shown: int = 1) -> str:
    e = result.entity
    noun = "article" if e.articles == 1 else "articles"
    out = [
        f"Timeline of {e.name} ({e.type}, {e.articles} {noun}"
        + (f"; also: {', '.join(e.aliases[:6])})" if e.aliases else ")")
    ]
    if result.also_matched:
        out.append("  (the name also matches: " + ", ".join(o.name for o in result.also_matched[:5]) + ")")
    return _with_lines(out, result.entries, shown, "nothing dated is known about this entity yet")


def _with_lines(head: list[str], entries: list[TimelineEntry], shown: int, empty: str) -> str:
    """A header, a blank line, then every line with its evidence (or `empty` when there is none)."""
    out = [*head, ""]
    for entry in entries:
        out += _entry(entry, shown)
    if not entries:
        out.append(f"  {empty}")
    return "\n".join(out)


def story(result: Story, shown: int = 1) -> str:
    noun = "line" if result.total == 1 else "lines"
    out = [f"Story of “{result.query.strip()}”: {result.read_as} ({result.total} {noun})"]
    for name in result.people:
        if name.also_matched:
            others = ", ".join(o.name for o in name.also_matched[:5])
            out.append(f"  (“{name.text}” also matches: {others})")
    if result.truncated:
        out.append(
            f"  (the words or types alone match more than {BROAD:,} lines: only the latest {WINDOW:,} "
            "stored were ordered; narrow with names, more words, --since or --until)"
        )
    return _with_lines(out, result.entries, shown, "nothing in the store matches this story")


def quotes(result: QuoteQuery, shown: int = 1) -> str:
    out = []
    for q in result.quotes:
        how = " ".join(x for x in [q.cue, f"({q.channel})" if q.channel else None] if x)
        out += _dated(q.label, f"{q.speaker or 'unattributed'} {how}".rstrip() + ":")
        text = f"“{quoted(q.text, q.marks)}”"
        out += [" " * DATE_WIDTH + line for line in textwrap.wrap(text, WIDTH - DATE_WIDTH)]
        out += _evidence_lines(q.reports, shown, " " * DATE_WIDTH, q.reports_total)
    out.append(f"{len(result.quotes)} quotes")
    if result.truncated:
        out.append(
            f"(the words match {result.matches:,} quotes: only the latest stored matches were ordered; "
            "narrow with more words, --speaker, --about, --since or --until)"
        )
    return "\n".join(out)


def people(found: list[Person]) -> str:
    out = [f"{'articles':>8} {'quotes':>6} {'events':>6}  name"]
    for p in found:
        also = f"  (also: {', '.join(p.aliases[:4])})" if p.aliases else ""
        out.append(f"{p.articles:>8} {p.quotes:>6} {p.events:>6}  {p.name}{also}")
    return "\n".join(out)


def relations(result: Relations, shown: int = 1) -> str:
    out = [f"Relations of {result.entity.name}"]
    for r in result.relations:
        years = f" ({r.start_label or '?'}–{r.end_label or ''})" if r.start or r.end else ""
        out.append(f"  {r.head} {r.type.replace('_', ' ')} of {r.tail}{years}")
        out += _evidence_lines(r.evidence, shown, "    ", r.evidence_total)
    if not result.relations:
        out.append("  none found")
    return "\n".join(out)


def contradictions(result: Contradictions, shown: int = 1) -> str:
    out = [f"Contradictions involving {result.entity.name}: {len(result.pairs)}"]
    for p in result.pairs:
        out.append("")
        out.append(f"  {p.kind}")
        for side, entry in (("affirmed", p.affirmed), ("denied", p.denied)):
            out.append(f"    {side:<9}{entry.label}: {_clip(entry.summary, 120)}")
            out += _evidence_lines(entry.evidence, shown, "               ")
    return "\n".join(out)


def stats(counts: dict[str, object]) -> str:
    shown = {k: label(str(v)) if k.startswith("published_") and v else v for k, v in counts.items()}
    return "\n".join(f"{k:>16}  {v if v is not None else '-'}" for k, v in shown.items())
