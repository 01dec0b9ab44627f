"""When a quote was said: the date its attribution, its paragraph or the story around it states.

A date inside the quoted words dates what the speaker talks about ("our night together in 1991"),
never the statement, so only dates outside quotes count. In order of trust: a date in the
attribution's sentence; one earlier in the quote's paragraph; the time of the same speaker's
quote just before (a statement continued); the last date of the paragraph before. Nothing else:
no time when the text gives none. A date found by the paragraph rules must also be recent (within
RECENT of the publication date): a paragraph's date years back is background ("they married in
2009"), not when the next quote was said; in the attribution's own sentence, an older date counts
only right after the cue or at the sentence's start ("he said in 2009", "In 2009, he told"; not
"who has chaired the board since 2020, said", nor "she wrote beside a photo of their 2009 wedding").
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta

from storyline.intervals import DATING, granularity, interval
from storyline.model import TimeValue, Timex
from storyline.nlp.quotes import Finding
from storyline.nlp.sentences import Sentences

RECENT = timedelta(days=183)
CUE_REACH = 25  # an older date dates the statement right after its cue or opening its sentence


def quote_times(
    findings: list[Finding],
    timexes: list[Timex],
    sentences: Sentences,
    paragraph_starts: list[int],
    quoted: list[tuple[int, int]],
    published: date | None = None,
) -> list[TimeValue | None]:
    def outside(t: Timex) -> bool:
        return not any(s <= t.start and t.end <= e for s, e in quoted)

    dating = [
        t for t in timexes if t.type in {"DATE", "TIME"} and granularity(t.value) in DATING and outside(t)
    ]

    def recent(t: Timex) -> bool:
        days = interval(t.value)
        return published is None or days is None or days[1] >= published - RECENT

    def paragraph(char: int) -> int:
        return max(0, bisect_right(paragraph_starts, char) - 1)

    out: list[TimeValue | None] = []
    previous: tuple[Finding, TimeValue | None] | None = None
    for f in findings:
        value: Timex | None = None
        if f.cue is not None:
            sent = sentences.of(f.cue)
            cue_end = f.cue.idx + len(f.cue.text)
            value = next(
                (
                    t
                    for t in dating
                    if sent.start_char <= t.start < sent.end_char
                    and (recent(t) or 0 <= t.start - cue_end <= CUE_REACH or t.start - sent.start_char <= 3)
                ),
                None,
            )
        here = paragraph(f.start)
        if value is None:
            value = next(
                (
                    t
                    for t in reversed(dating)
                    if paragraph(t.start) == here and t.start < f.start and recent(t)
                ),
                None,
            )
        time = TimeValue(value.value, granularity(value.value)) if value else None
        if time is None and previous is not None:
            before, before_time = previous
            if before.speaker is f.speaker and f.speaker is not None and here - paragraph(before.start) <= 1:
                time = before_time
        if time is None and here > 0:
            last = next((t for t in reversed(dating) if paragraph(t.start) == here - 1 and recent(t)), None)
            time = TimeValue(last.value, granularity(last.value)) if last else None
        out.append(time)
        previous = (f, time)
    return out
