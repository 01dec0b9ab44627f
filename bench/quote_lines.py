"""Quote lines a reader sees per article, in a store: what one line per statement changes.

    PYTHONPATH=src python bench/quote_lines.py STORE.db [--json]

Prints, for the store's articles: the quotes extracted, the statements shown (quotes within no
other: storyline.quoting), the lines of `storyline quotes` (one per quote group), the quote lines of
every person's timeline, the quote list's lines that show a corpus artefact (doubled apostrophes,
a space before punctuation, doubled spaces), and the repeats: pairs of quote lines of one timeline
with the same speaker, date and evidence sentence where one line's words hold the other's. It
reads the store through `storyline.query` only, so that the same script measures a store written
by an earlier version (run it with that version's code: the store is opened read-only, never
migrated).
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys

from storyline import query
from storyline.store.identity import normalise

# what a reader should not see in quote text (a spaced ellipsis, " ... ", is no artefact)
ARTEFACTS = re.compile(r"''|``| [,;:]| \.(?!\.)|  ")


def quote_words(summary: str) -> list[str]:
    """The words of a timeline quote line ('Name cue: “...”')."""
    return normalise(summary[summary.index(": “") + 3 : -1]).split()


def holds(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))


def repeats(lines: list) -> list[tuple[str, str]]:
    """Pairs of quote lines (same speaker, date and evidence sentence) where one repeats the other."""
    out = []
    by_when: dict[tuple, list] = {}
    for line in lines:
        by_when.setdefault((line.participants[0]["id"], line.date), []).append(line)
    for group in by_when.values():
        for a in group:
            for b in group:
                if a is b:
                    continue
                shared = any(
                    x[0] == y[0] and x[1] < y[2] and y[1] < x[2] for x in a.reports for y in b.reports
                )
                if shared and holds(quote_words(a.summary), quote_words(b.summary)):
                    out.append((a.summary, b.summary))
    return out


def figures(conn: sqlite3.Connection) -> dict:
    (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    (quotes,) = conn.execute("SELECT count(*) FROM quotes").fetchone()
    columns = {row[1] for row in conn.execute("PRAGMA table_info(quotes)")}
    statements = quotes
    if "within" in columns:
        (statements,) = conn.execute("SELECT count(*) FROM quotes WHERE within IS NULL").fetchone()
    shown = [q.text for q in query.quotes(conn, limit=None).quotes]
    listed = len(shown)
    artefacts = sum(bool(ARTEFACTS.search(text)) for text in shown)
    people = [
        row[0]
        for row in conn.execute(
            "SELECT speaker_id FROM quotes WHERE speaker_id IS NOT NULL "
            "UNION SELECT entity_id FROM quote_about"
        )
    ]
    timeline_lines, repeated = 0, []
    for person in people:
        lines = [
            e
            for e in query.timeline(conn, person, min_confidence=0).entries
            if e.kind in {"quote", "quote_about"}
        ]
        timeline_lines += len(lines)
        repeated += repeats(lines)
    return {
        "articles": articles,
        "quotes": quotes,
        "statements": statements,
        "statements_per_article": round(statements / max(articles, 1), 2),
        "quote_list_lines": listed,
        "quote_list_lines_per_article": round(listed / max(articles, 1), 2),
        "quote_list_lines_with_artefacts": artefacts,
        "timeline_quote_lines": timeline_lines,
        "timeline_quote_lines_per_article": round(timeline_lines / max(articles, 1), 2),
        "repeats": len(repeated),
        "repeated": repeated[:20],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    result = figures(conn)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        for key, value in result.items():
            if key != "repeated":
                print(f"{key:>34}  {value}")
        for a, b in result["repeated"]:
            print(f"  repeat: {a[:90]}\n      of: {b[:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
