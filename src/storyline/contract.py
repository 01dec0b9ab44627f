"""The JSON contract (docs/storyline-json.md, version 1): an Article as one JSON object.

Only additive changes: a field that is not known is null, never missing.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from storyline.model import Article, Span, TimeValue

VERSION = 1


def _span(s: Span | None) -> dict | None:
    return None if s is None else {"start": s.start, "end": s.end, "text": s.text}


def _time(t: TimeValue | None) -> dict | None:
    return None if t is None else {"value": t.value, "granularity": t.granularity, "mod": t.mod}


def to_dict(article: Article) -> dict:
    a = article
    return {
        "storyline": VERSION,
        "article": {
            "id": a.id,
            "input_id": a.input_id,
            "title": a.title,
            "author": a.author,
            "source": a.source,
            "url": a.url,
            "published": a.published.isoformat() if a.published else None,
            "published_datetime": a.published_datetime.strftime("%Y-%m-%dT%H:%M")
            if a.published_datetime
            else None,
            "text": a.text,
        },
        "entities": [
            {
                "id": e.id,
                "name": e.name,
                "type": e.type,
                "aliases": e.aliases,
                "mentions": [_span(m) for m in e.mentions],
                "gender": e.gender,
            }
            for e in a.entities
        ],
        "quotes": [
            {
                "id": q.id,
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "kind": q.kind,
                "speaker": q.speaker,
                "speaker_name": q.speaker_name,
                "speaker_mention": _span(q.speaker_mention),
                "cue": q.cue,
                "cue_span": _span(q.cue_span),
                "channel": q.channel,
                "medium": q.medium,
                "time": _time(q.time),
                "confidence": q.confidence,
            }
            for q in a.quotes
        ],
        "timexes": [asdict(t) for t in a.timexes],
        "events": [
            {
                **asdict(v),
                "sentence": {"start": v.sentence.start, "end": v.sentence.end},
                "time": _time(v.time),
            }
            for v in a.events
        ],
        "relations": [{**asdict(r), "evidence": _span(r.evidence)} for r in a.relations],
    }


def to_json(article: Article) -> str:
    """One line of JSON Lines."""
    return json.dumps(to_dict(article), ensure_ascii=False)
