"""When a quote was said: the date its attribution, its paragraph or the story around it states.

A date inside the quoted words dates what the speaker talks about ("our night together in 1991"),
never the statement, so only dates outside quotes count. In order of trust: a date in the
attribution's sentence; one earlier in the quote's paragraph; the time of the same speaker's
quote just before (a statement continued); the last date of the paragraph before. Nothing else:
no time when the text gives none.
"""

from __future__ import annotations

from bisect import bisect_right

from storyline.model import TimeValue, Timex
from storyline.nlp.quotes import Finding
from storyline.nlp.sentences import Sentences
from storyline.nlp.timexes import granularity

_DATING = {"day", "month", "year", "week", "time", "season", "quarter"}


def quote_times(
    findings: list[Finding],
    timexes: list[Timex],
    sentences: Sentences,
    paragraph_starts: list[int],
    quoted: list[tuple[int, int]],
) -> list[TimeValue | None]:
    def outside(t: Timex) -> bool:
        return not any(s <= t.start and t.end <= e for s, e in quoted)

    dating = [
        t for t in timexes if t.type in {"DATE", "TIME"} and granularity(t.value) in _DATING and outside(t)
    ]

    def paragraph(char: int) -> int:
        return max(0, bisect_right(paragraph_starts, char) - 1)

    out: list[TimeValue | None] = []
    previous: tuple[Finding, TimeValue | None] | None = None
    for f in findings:
        value: Timex | None = None
        if f.cue is not None:
            sent = sentences.of(f.cue)
            value = next((t for t in dating if sent.start_char <= t.start < sent.end_char), None)
        here = paragraph(f.start)
        if value is None:
            value = next(
                (t for t in reversed(dating) if paragraph(t.start) == here and t.start < f.start), None
            )
        time = TimeValue(value.value, granularity(value.value)) if value else None
        if time is None and previous is not None:
            before, before_time = previous
            if before.speaker is f.speaker and f.speaker is not None and here - paragraph(before.start) <= 1:
                time = before_time
        if time is None and here > 0:
            last = next((t for t in reversed(dating) if paragraph(t.start) == here - 1), None)
            time = TimeValue(last.value, granularity(last.value)) if last else None
        out.append(time)
        previous = (f, time)
    return out
